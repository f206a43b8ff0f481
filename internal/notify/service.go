package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Job kinds of the deliveries (see push.go, email.go).
const (
	// KindPush sends one notification by Web Push (key: notification id).
	KindPush = "notify.push"
	// KindPushSummary sends one summary of the pushes held by quiet hours
	// when the window ends (key: workspace:user).
	KindPushSummary = "notify.push_summary"
	// KindEmailDigest emails what is still unread after the user's delay
	// (key: workspace:user).
	KindEmailDigest = "notify.email_digest"
)

// Service creates notifications and serves a user's list and
// preferences. It uses the concrete store (DESIGN §2); every rule is here
// or in Decide, none in the store.
type Service struct {
	Store *sqlstore.Store
	Log   *slog.Logger
	// WebPush sends pushes and holds the VAPID keys; nil turns push off
	// (no key is served, subscriptions are refused).
	WebPush *WebPush
	// CheckURL validates push endpoints (they come from browsers).
	CheckURL func(raw string) error
	// PublicURL starts the links in emails (read when one is sent).
	PublicURL func() string
	// Dial connects to SMTP servers; nil dials directly.
	Dial DialFunc
}

// New returns a Service.
func New(store *sqlstore.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{Store: store, Log: log}
}

// createdData is the notification.created event's data: the item as the
// list returns it, who it is for (the real-time hub sends it to that user
// only) and whether the app should play a sound.
type createdData struct {
	parley.Notification
	UserID string `json:"user_id"`
	Sound  bool   `json:"sound"`
}

// recipients loads what Decide needs about a workspace, inside tx.
type recipients struct {
	settings parley.WorkspaceSettings
	members  []Recipient
}

func loadRecipients(ctx context.Context, tx *sqlstore.Tx, workspaceID string) (*recipients, error) {
	w, err := tx.FindWorkspaceByID(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	ms, err := tx.ListMembers(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	prefs, err := tx.ListNotificationPreferences(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	r := &recipients{settings: w.Settings}
	for _, m := range ms {
		p, ok := prefs[m.ID]
		if !ok {
			p = DefaultPreferences()
		} else if p, err = Normalize(p); err != nil {
			p = DefaultPreferences()
		}
		r.members = append(r.members, Recipient{
			Actor: parley.Actor{UserID: m.ID, Name: m.Name, WorkspaceID: workspaceID, Role: m.Role, TeamIDs: m.TeamIDs},
			Prefs: p,
		})
	}
	return r, nil
}

// Emit decides who is told about s (Decide) and creates their
// notifications inside tx: the way features without an event of their
// own (mentions, participants, handoffs, channel alerts) notify.
func (s *Service) Emit(ctx context.Context, tx *sqlstore.Tx, src Source) error {
	return Emit(ctx, tx, src)
}

// Emit is Service.Emit for packages that hold no Service: creating a
// notification needs only the transaction (delivery runs on the
// scheduler's jobs).
func Emit(ctx context.Context, tx *sqlstore.Tx, src Source) error {
	r, err := loadRecipients(ctx, tx, src.WorkspaceID)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return emit(ctx, tx, src, r)
}

func emit(ctx context.Context, tx *sqlstore.Tx, src Source, r *recipients) error {
	for _, d := range Decide(src, r.settings, r.members) {
		var prefs parley.NotificationPreferences
		for _, m := range r.members {
			if m.Actor.UserID == d.Notification.UserID {
				prefs = m.Prefs
			}
		}
		n := d.Notification
		if err := deliver(ctx, tx, &n, d.Channels, prefs, src.Audience); err != nil {
			return err
		}
	}
	return nil
}

// Notify creates one notification inside tx, for code that decided the
// recipient itself. The recipient's preferences choose the channels (a
// type with every channel off creates nothing); a recipient who is not a
// member or cannot see the conversation gets nothing (no error).
func (s *Service) Notify(ctx context.Context, tx *sqlstore.Tx, n *parley.Notification) error {
	if !n.Type.Valid() {
		return fmt.Errorf("notify: unknown type %q", n.Type)
	}
	r, err := loadRecipients(ctx, tx, n.WorkspaceID)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	var rec *Recipient
	for i := range r.members {
		if r.members[i].Actor.UserID == n.UserID {
			rec = &r.members[i]
		}
	}
	if rec == nil {
		return nil
	}
	var aud *parley.Audience
	if n.ConversationID != "" {
		a, err := tx.ConversationAudience(ctx, n.WorkspaceID, n.ConversationID)
		if parley.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		if !access.CanSeeConversation(rec.Actor, r.settings, a) {
			return nil
		}
		aud = &a
	}
	ch := rec.Prefs.Types[n.Type]
	if !ch.InApp && !ch.Push && !ch.Email {
		return nil
	}
	return deliver(ctx, tx, n, ch, rec.Prefs, aud)
}

// deliver stores n and queues its deliveries: the live event (in app),
// the push (now, or held for the summary at the end of quiet hours) and
// the email digest.
func deliver(ctx context.Context, tx *sqlstore.Tx, n *parley.Notification, ch parley.NotificationChannels,
	prefs parley.NotificationPreferences, aud *parley.Audience) error {
	now := tx.Now()
	quietEnd, quiet := QuietUntil(prefs, now)
	push, email := sqlstore.DeliveryNone, sqlstore.DeliveryNone
	if ch.Push {
		push = sqlstore.DeliveryPending
		if quiet {
			push = sqlstore.DeliveryHeld
		}
	}
	if ch.Email {
		email = sqlstore.DeliveryPending
	}
	n.ID = id.New()
	if err := tx.InsertNotification(ctx, n, push, email); err != nil {
		return err
	}
	if ch.InApp {
		data := createdData{Notification: *n, UserID: n.UserID, Sound: ch.Sound && !quiet}
		if err := tx.AppendEvent(parley.EventNotificationCreated, n.WorkspaceID, n.ConversationID, data, aud, nil); err != nil {
			return err
		}
	}
	key := n.WorkspaceID + ":" + n.UserID
	switch push {
	case sqlstore.DeliveryPending:
		if err := scheduler.Schedule(ctx, tx, KindPush, n.ID, n.WorkspaceID, now, jobPayload{UserID: n.UserID, NotificationID: n.ID}); err != nil {
			return err
		}
	case sqlstore.DeliveryHeld:
		if err := scheduler.Schedule(ctx, tx, KindPushSummary, key, n.WorkspaceID, quietEnd, jobPayload{UserID: n.UserID}); err != nil {
			return err
		}
	}
	if email == sqlstore.DeliveryPending {
		// One digest job per user: a later notification joins the
		// pending digest rather than postponing it.
		if _, err := tx.FindJob(ctx, KindEmailDigest, key); parley.IsNotFound(err) {
			due := now.Add(time.Duration(prefs.EmailDelayMinutes) * time.Minute)
			if err := scheduler.Schedule(ctx, tx, KindEmailDigest, key, n.WorkspaceID, due, jobPayload{UserID: n.UserID}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// jobPayload is the payload of the delivery jobs.
type jobPayload struct {
	UserID         string `json:"user_id"`
	NotificationID string `json:"notification_id,omitempty"`
}

func readPayload(job *sqlstore.Job) (jobPayload, error) {
	var p jobPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.UserID == "" {
		return p, scheduler.Permanent(fmt.Errorf("notify: job payload %s: %v", job.Payload, err))
	}
	return p, nil
}

// Page is one page of a user's notifications.
type Page struct {
	Items      []parley.Notification `json:"items"`
	NextCursor string                `json:"next_cursor"`
	// Unread counts the user's unread notifications in the workspace.
	Unread int64 `json:"unread"`
}

// List returns the actor's notifications in their workspace, newest
// first, limit at a time after cursor (a previous page's next_cursor).
// Notifications about conversations the actor can no longer see are left
// out, from the items and the unread count.
func (s *Service) List(ctx context.Context, a parley.Actor, cursor string, limit int) (*Page, error) {
	if cursor != "" && !id.Valid(cursor) {
		return nil, parley.FieldErrorf("cursor", "The cursor is not one this list returned.")
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	w, err := s.Store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	page := &Page{Items: []parley.Notification{}}
	// Hidden items are skipped, so a page may take more than one batch;
	// a full page always names the next (which may then be empty).
	scan := cursor
fill:
	for {
		batch, err := s.Store.ListNotifications(ctx, a.WorkspaceID, a.UserID, scan, limit)
		if err != nil {
			return nil, err
		}
		visible, err := s.visible(ctx, a, w.Settings, convIDs(batch))
		if err != nil {
			return nil, err
		}
		for _, n := range batch {
			scan = n.ID
			if n.ConversationID != "" && !visible[n.ConversationID] {
				continue
			}
			page.Items = append(page.Items, n)
			if len(page.Items) == limit {
				page.NextCursor = n.ID
				break fill
			}
		}
		if len(batch) < limit {
			break
		}
	}
	unread, err := s.Store.UnreadNotifications(ctx, a.WorkspaceID, a.UserID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(unread))
	for c := range unread {
		if c != "" {
			ids = append(ids, c)
		}
	}
	visible, err := s.visible(ctx, a, w.Settings, ids)
	if err != nil {
		return nil, err
	}
	for c, k := range unread {
		if c == "" || visible[c] {
			page.Unread += k
		}
	}
	return page, nil
}

func convIDs(ns []parley.Notification) []string {
	var out []string
	for _, n := range ns {
		if n.ConversationID != "" {
			out = append(out, n.ConversationID)
		}
	}
	return out
}

// visible returns which of the conversations the actor may see now.
func (s *Service) visible(ctx context.Context, a parley.Actor, settings parley.WorkspaceSettings, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	auds, err := s.Store.ConversationAudiences(ctx, a.WorkspaceID, ids)
	if err != nil {
		return nil, err
	}
	for c, aud := range auds {
		out[c] = access.CanSeeConversation(a, settings, aud)
	}
	return out, nil
}

// MarkRead marks one of the user's notifications read; ENOTFOUND when it
// is not theirs.
func (s *Service) MarkRead(ctx context.Context, userID, notificationID string) (*parley.Notification, error) {
	var n *parley.Notification
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		n, err = tx.MarkNotificationRead(ctx, userID, notificationID)
		return err
	})
	return n, err
}

// MarkAllRead marks every notification of the actor in their workspace
// read and returns how many were unread.
func (s *Service) MarkAllRead(ctx context.Context, a parley.Actor) (int64, error) {
	var n int64
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		n, err = tx.MarkAllNotificationsRead(ctx, a.WorkspaceID, a.UserID)
		return err
	})
	return n, err
}

// Preferences returns the actor's preferences in their workspace (the
// defaults until they save their own).
func (s *Service) Preferences(ctx context.Context, a parley.Actor) (*parley.NotificationPreferences, error) {
	p, err := s.Store.FindNotificationPreferences(ctx, a.WorkspaceID, a.UserID)
	if parley.IsNotFound(err) {
		d := DefaultPreferences()
		return &d, nil
	}
	if err != nil {
		return nil, err
	}
	n, err := Normalize(*p)
	if err != nil {
		n = DefaultPreferences()
	}
	return &n, nil
}

// SavePreferences checks and stores the actor's preferences and returns
// them as stored (EINVALID naming the field).
func (s *Service) SavePreferences(ctx context.Context, a parley.Actor, p parley.NotificationPreferences) (*parley.NotificationPreferences, error) {
	n, err := Normalize(p)
	if err != nil {
		return nil, err
	}
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.SaveNotificationPreferences(ctx, a.WorkspaceID, a.UserID, &n)
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}
