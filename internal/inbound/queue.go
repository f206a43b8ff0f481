package inbound

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// enterQueue starts a new conversation in its team's queue when the team
// routes (round robin, least busy) and schedules the team's routing pass;
// without a team, or with a manual one, it starts open and unassigned.
func enterQueue(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) error {
	if c.TeamID == "" {
		return nil
	}
	team, err := tx.FindTeamRouting(ctx, c.WorkspaceID, c.TeamID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !routing.Policy(team.Policy).Auto() {
		return nil
	}
	now := tx.Now()
	c.Status, c.QueuedAt = parley.StatusQueued, &now
	return nil
}

// routeNew triggers the routing pass for a conversation that entered a queue.
func routeNew(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) error {
	if c.Status != parley.StatusQueued {
		return nil
	}
	return routing.Trigger(ctx, tx, c.WorkspaceID, c.TeamID)
}

// KindClosing is the job that checks whether a customer's short message
// was only a closing phrase (and resolves the conversation if so): the
// conversation package handles it.
const KindClosing = "lifecycle.closing"

// ClosingPayload is a KindClosing job's payload.
type ClosingPayload struct {
	ConversationID string `json:"conversation_id"`
	MessageID      string `json:"message_id"`
	// InboundCount is the conversation's count with this message: a later
	// customer message makes the check moot.
	InboundCount int64 `json:"inbound_count"`
}

// maxClosingLen is the longest message checked for a closing phrase
// (bytes): longer ones are never only one, and cost the hot path nothing.
const maxClosingLen = 80

// checkClosing queues the closing-phrase check of a short customer message
// when the workspace resolves on closing phrases.
func checkClosing(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, c *parley.Conversation, m *parley.Message) error {
	l := ws.Settings.Lifecycle
	if l == nil || !l.ClosingPhrasesEnabled || len(m.Content) > maxClosingLen || c.Status.Closed() {
		return nil
	}
	return scheduler.Schedule(ctx, tx, KindClosing, c.ID, c.WorkspaceID, tx.Now(),
		ClosingPayload{ConversationID: c.ID, MessageID: m.ID, InboundCount: c.InboundCount})
}

// linkLines records the link between a conversation and the one it
// continues in both threads ("continues #123", "continued in #124").
func linkLines(ctx context.Context, tx *sqlstore.Tx, prev, c *parley.Conversation) error {
	if prev == nil {
		return nil
	}
	if _, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionContinues, ConversationID: prev.ID, Number: prev.Number}); err != nil {
		return err
	}
	_, err := activity.Record(ctx, tx, prev, parley.SystemEvent{Action: parley.ActionContinuedIn, ConversationID: c.ID, Number: c.Number})
	return err
}
