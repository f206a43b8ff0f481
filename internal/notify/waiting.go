package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// KindWaiting checks, when a new conversation's first-response target is
// reached, whether its customer is still waiting for a first reply (key:
// conversation id, so it runs once per conversation).
const KindWaiting = "notify.waiting"

type waitingPayload struct {
	ConversationID string `json:"conversation_id"`
}

// RegisterWaiting adds the first-response check to sch.
func (s *Service) RegisterWaiting(sch *scheduler.Scheduler) error {
	return sch.Register(KindWaiting, scheduler.Handler{Commit: s.commitWaiting, MaxAttempts: 10})
}

// scheduleWaiting starts the first-response clock of a conversation just
// created, when the workspace has a target. The job's key is the
// conversation: it is scheduled once, so it notifies at most once.
func scheduleWaiting(ctx context.Context, tx *sqlstore.Tx, settings parley.WorkspaceSettings, ev parley.Event) error {
	target := settings.Effective().FirstResponseSeconds
	if target <= 0 || ev.ConversationID == "" {
		return nil
	}
	raw, _ := json.Marshal(waitingPayload{ConversationID: ev.ConversationID})
	return tx.ScheduleJobIfAbsent(ctx, &sqlstore.Job{Kind: KindWaiting, Key: ev.ConversationID, WorkspaceID: ev.WorkspaceID,
		DueAt: ev.CreatedAt.Add(time.Duration(target) * time.Second), Payload: raw})
}

// commitWaiting notifies the conversation's assignee (else its team's
// queue) through Decide when the customer wrote and nobody has answered
// yet; a conversation answered, closed or deleted by then notifies
// nobody.
func (s *Service) commitWaiting(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	var p waitingPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.ConversationID == "" {
		return scheduler.Permanent(fmt.Errorf("notify: waiting payload %s: %v", job.Payload, err))
	}
	c, err := tx.FindConversationByID(ctx, job.WorkspaceID, p.ConversationID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.FirstReplyAt != nil || c.LastInboundAt == nil || c.Status.Closed() || c.MergedIntoID != "" {
		return nil
	}
	name := "a customer"
	if ct, err := tx.FindContactByID(ctx, c.WorkspaceID, c.ContactID); err == nil && ct.Name != "" {
		name = ct.Name
	} else if err != nil && !parley.IsNotFound(err) {
		return err
	}
	aud := c.Audience()
	return s.Emit(ctx, tx, Source{
		Kind: SourceWaiting, WorkspaceID: c.WorkspaceID, ConversationID: c.ID, InboxID: c.InboxID,
		Audience: &aud, Number: c.Number, ContactName: name,
		Actor: parley.NotificationActor{Kind: parley.SenderSystem},
	})
}
