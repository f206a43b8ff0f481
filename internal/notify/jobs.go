package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// PushMessage is what a push shows: the payload the service worker
// receives (as JSON).
type PushMessage struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// URL is the app path the notification opens.
	URL string `json:"url"`
	// Tag groups notifications on the device (one per conversation).
	Tag            string `json:"tag"`
	NotificationID string `json:"notification_id,omitempty"`
	// Count is how many notifications a summary stands for.
	Count int `json:"count"`
}

// PushSender delivers a push to every device of a user. An error is
// retried by the scheduler (a push service outage loses nothing); an
// error wrapped by scheduler.Permanent is not.
type PushSender interface {
	Push(ctx context.Context, userID string, msg PushMessage) error
}

// Register adds the delivery jobs to sch: pushes (one per notification,
// or one summary when quiet hours end) through push. A nil push leaves
// the push jobs waiting in the table for a node that can send them.
func (s *Service) Register(sch *scheduler.Scheduler, push PushSender) error {
	if push == nil {
		return nil
	}
	if err := sch.Register(KindPush, scheduler.Handler{
		Run:         func(ctx context.Context, job *sqlstore.Job) error { return s.runPush(ctx, job, push) },
		Commit:      s.commitPush,
		MaxAttempts: 12,
	}); err != nil {
		return err
	}
	return sch.Register(KindPushSummary, scheduler.Handler{
		Run:         func(ctx context.Context, job *sqlstore.Job) error { return s.runSummary(ctx, job, push) },
		Commit:      s.commitSummary,
		MaxAttempts: 12,
	})
}

// recipientNow is a user as a member of the job's workspace now, with
// their preferences; false when they are no longer a member.
func recipientNow(ctx context.Context, q interface {
	FindMember(ctx context.Context, workspaceID, userID string) (*parley.Member, error)
	FindNotificationPreferences(ctx context.Context, workspaceID, userID string) (*parley.NotificationPreferences, error)
}, workspaceID, userID string) (Recipient, bool, error) {
	m, err := q.FindMember(ctx, workspaceID, userID)
	if parley.IsNotFound(err) {
		return Recipient{}, false, nil
	}
	if err != nil {
		return Recipient{}, false, err
	}
	p := DefaultPreferences()
	if stored, err := q.FindNotificationPreferences(ctx, workspaceID, userID); err == nil {
		if n, err := Normalize(*stored); err == nil {
			p = n
		}
	} else if !parley.IsNotFound(err) {
		return Recipient{}, false, err
	}
	return Recipient{Prefs: p, Actor: parley.Actor{UserID: m.ID, Name: m.Name, WorkspaceID: workspaceID, Role: m.Role, TeamIDs: m.TeamIDs}}, true, nil
}

// stillVisible keeps the notifications whose conversation the recipient
// may still see: a push never names a conversation they cannot see.
func (s *Service) stillVisible(ctx context.Context, r Recipient, ns []parley.Notification) ([]parley.Notification, error) {
	w, err := s.Store.FindWorkspaceByID(ctx, r.Actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	vis, err := s.visible(ctx, r.Actor, w.Settings, convIDs(ns))
	if err != nil {
		return nil, err
	}
	var out []parley.Notification
	for _, n := range ns {
		if n.ConversationID == "" || vis[n.ConversationID] {
			out = append(out, n)
		}
	}
	return out, nil
}

func link(n *parley.Notification) string {
	switch {
	case n.ConversationID != "":
		return "/conversations/" + n.ConversationID
	case n.InboxID != "":
		return "/settings/inboxes/" + n.InboxID
	}
	return "/"
}

var titles = map[parley.NotificationType]string{
	parley.NotifyNewConversation: "New conversation", parley.NotifyNewMessage: "New message",
	parley.NotifyAssigned: "Assigned to you", parley.NotifyMention: "You were mentioned",
	parley.NotifyHandoff: "Handoff requested", parley.NotifyWaiting: "Waiting for a reply",
	parley.NotifyChannelFailing: "A channel is failing", parley.NotifySuggestion: "Suggestion ready",
}

// runPush sends one notification, unless it was read meanwhile, its
// conversation is hidden from the user now, or quiet hours began (then
// commitPush holds it for the summary).
func (s *Service) runPush(ctx context.Context, job *sqlstore.Job, push PushSender) error {
	p, err := readPayload(job)
	if err != nil {
		return err
	}
	n, err := s.Store.FindNotification(ctx, p.UserID, p.NotificationID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	r, ok, err := recipientNow(ctx, s.Store, n.WorkspaceID, n.UserID)
	if err != nil || !ok || n.ReadAt != nil {
		return err
	}
	if _, quiet := QuietUntil(r.Prefs, s.Store.Now()); quiet {
		return nil
	}
	shown, err := s.stillVisible(ctx, r, []parley.Notification{*n})
	if err != nil || len(shown) == 0 {
		return err
	}
	return push.Push(ctx, n.UserID, PushMessage{Title: titles[n.Type], Body: n.Text, URL: link(n),
		Tag: cmpOr(n.ConversationID, n.ID), NotificationID: n.ID, Count: 1})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// commitPush records the push as sent, or held when quiet hours began
// before it could go (the summary then covers it).
func (s *Service) commitPush(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	p, err := readPayload(job)
	if err != nil {
		return err
	}
	n, err := tx.FindNotification(ctx, p.UserID, p.NotificationID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	r, ok, err := recipientNow(ctx, tx, n.WorkspaceID, n.UserID)
	if err != nil || !ok {
		return err
	}
	if end, quiet := QuietUntil(r.Prefs, tx.Now()); quiet && n.ReadAt == nil {
		if err := tx.SetNotificationState(ctx, "push", sqlstore.DeliveryHeld, []string{n.ID}); err != nil {
			return err
		}
		return scheduler.Schedule(ctx, tx, KindPushSummary, n.WorkspaceID+":"+n.UserID, n.WorkspaceID, end, jobPayload{UserID: n.UserID})
	}
	return tx.SetNotificationState(ctx, "push", sqlstore.DeliverySent, []string{n.ID})
}

// summaryLimit bounds the notifications one summary reads.
const summaryLimit = 500

// runSummary sends one push for everything held during quiet hours that
// is still unread and visible.
func (s *Service) runSummary(ctx context.Context, job *sqlstore.Job, push PushSender) error {
	p, err := readPayload(job)
	if err != nil {
		return err
	}
	r, ok, err := recipientNow(ctx, s.Store, job.WorkspaceID, p.UserID)
	if err != nil || !ok {
		return err
	}
	if _, quiet := QuietUntil(r.Prefs, s.Store.Now()); quiet {
		return nil // the windows changed: commitSummary moves the job
	}
	held, err := s.Store.NotificationsInState(ctx, job.WorkspaceID, p.UserID, "push", sqlstore.DeliveryHeld, summaryLimit)
	if err != nil {
		return err
	}
	var unread []parley.Notification
	for _, n := range held {
		if n.ReadAt == nil {
			unread = append(unread, n)
		}
	}
	shown, err := s.stillVisible(ctx, r, unread)
	if err != nil || len(shown) == 0 {
		return err
	}
	return push.Push(ctx, p.UserID, summary(shown))
}

// summary is the one push standing for several notifications.
func summary(ns []parley.Notification) PushMessage {
	if len(ns) == 1 {
		n := ns[0]
		return PushMessage{Title: titles[n.Type], Body: n.Text, URL: link(&n), Tag: cmpOr(n.ConversationID, n.ID), NotificationID: n.ID, Count: 1}
	}
	var lines []string
	for i, n := range ns {
		if i == 3 {
			lines = append(lines, fmt.Sprintf("and %d more", len(ns)-3))
			break
		}
		lines = append(lines, clip(n.Text, 80))
	}
	return PushMessage{Title: fmt.Sprintf("%d notifications while you were away", len(ns)),
		Body: strings.Join(lines, "\n"), URL: "/notifications", Tag: "summary", Count: len(ns)}
}

// commitSummary marks what was held as sent, or moves the job to the end
// of quiet hours that still hold.
func (s *Service) commitSummary(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	p, err := readPayload(job)
	if err != nil {
		return err
	}
	r, ok, err := recipientNow(ctx, tx, job.WorkspaceID, p.UserID)
	if err != nil || !ok {
		return err
	}
	if end, quiet := QuietUntil(r.Prefs, tx.Now()); quiet {
		return scheduler.Schedule(ctx, tx, KindPushSummary, job.Key, job.WorkspaceID, end, p)
	}
	held, err := tx.NotificationsInState(ctx, job.WorkspaceID, p.UserID, "push", sqlstore.DeliveryHeld, summaryLimit)
	if err != nil {
		return err
	}
	ids := make([]string, len(held))
	for i, n := range held {
		ids[i] = n.ID
	}
	return tx.SetNotificationState(ctx, "push", sqlstore.DeliverySent, ids)
}
