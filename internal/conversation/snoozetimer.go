package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// KindSnooze is the job that wakes a snoozed conversation.
const KindSnooze = "conversation.snooze"

type snoozePayload struct {
	ConversationID string    `json:"conversation_id"`
	SnoozedUntil   time.Time `json:"snoozed_until"`
}

// ScheduleSnooze keeps a conversation's wake-up timer in step with it,
// inside tx: a snoozed conversation gets (or moves) its timer to
// SnoozedUntil; any other has its timer cancelled. Call it in the
// transaction that changes the conversation's status or snoozed_until.
func ScheduleSnooze(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) error {
	if c.Status != parley.StatusSnoozed || c.SnoozedUntil == nil {
		return tx.CancelJob(ctx, KindSnooze, c.ID)
	}
	until := c.SnoozedUntil.UTC().Truncate(time.Microsecond)
	return scheduler.Schedule(ctx, tx, KindSnooze, c.ID, c.WorkspaceID, until, snoozePayload{ConversationID: c.ID, SnoozedUntil: until})
}

// SnoozeTimer is the scheduler job that wakes snoozed conversations;
// register it on the scheduler under KindSnooze.
func SnoozeTimer() scheduler.Handler { return scheduler.Handler{Commit: wakeSnoozed, MaxAttempts: 20} }

// wakeSnoozed moves the conversation back to open if it is still snoozed
// until the time the job was scheduled for; otherwise (woken by hand,
// snoozed again, deleted) it does nothing.
func wakeSnoozed(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	var p snoozePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return scheduler.Permanent(fmt.Errorf("snooze payload: %w", err))
	}
	c, err := tx.FindConversationByID(ctx, job.WorkspaceID, p.ConversationID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Status != parley.StatusSnoozed || c.SnoozedUntil == nil ||
		!c.SnoozedUntil.Truncate(time.Microsecond).Equal(p.SnoozedUntil.Truncate(time.Microsecond)) {
		return nil
	}
	prev := *c
	c.Status, c.SnoozedUntil = parley.StatusOpen, nil
	if err := tx.SaveConversation(ctx, c, &prev); err != nil {
		return err
	}
	if _, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionWoke}); err != nil {
		return err
	}
	item, err := tx.FindConversationItem(ctx, c.WorkspaceID, c.ID, "")
	if err != nil {
		return err
	}
	aud := c.Audience()
	if err := tx.AppendEvent(parley.EventConversationUpdated, c.WorkspaceID, c.ID, item, &aud, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, c.WorkspaceID, "", "conversation.wake", "conversation", c.ID,
		map[string]any{"status": []string{string(parley.StatusSnoozed), string(parley.StatusOpen)}, "snoozed_until": p.SnoozedUntil})
}
