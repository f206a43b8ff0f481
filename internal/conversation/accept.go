package conversation

import (
	"context"
	"slices"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// locked loads a conversation holding its row until commit and checks that
// the actor may see it (one they may not see is ENOTFOUND).
func locked(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, conversationID string) (*parley.Conversation, *parley.Workspace, error) {
	ws, err := tx.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	c, err := tx.LockConversation(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, nil, err
	}
	if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	return c, ws, nil
}

// holders names a conversation's assignees for a conflict message.
func holders(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, ids []string) string {
	if slices.Contains(ids, a.UserID) {
		return "you"
	}
	names := ""
	for i, id := range ids {
		if i > 0 {
			names += ", "
		}
		names += activity.Person(ctx, tx, id).Name
	}
	return names
}

// Accept assigns a queued or unassigned conversation to the actor and
// opens it. When several agents accept at once, exactly one wins: the
// conversation's row is locked, and the others get ECONFLICT naming who
// has it.
func (s *Service) Accept(ctx context.Context, a parley.Actor, conversationID string) (*parley.ConversationItem, error) {
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, _, err := locked(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		if len(c.AssigneeIDs) > 0 {
			return parley.Errorf(parley.ECONFLICT, "Conversation #%d is already assigned to %s.", c.Number, holders(ctx, tx, a, c.AssigneeIDs))
		}
		if c.Status.Closed() {
			return parley.Errorf(parley.ECONFLICT, "Conversation #%d is %s: reopen it first.", c.Number, c.Status)
		}
		prev := *c
		c.AssigneeIDs, c.Status, c.QueuedAt, c.SnoozedUntil = []string{a.UserID}, parley.StatusOpen, nil, nil
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if _, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionAccepted, Actor: activity.ActorRef(a)}); err != nil {
			return err
		}
		was := prev.Audience()
		if err := appendChange(ctx, tx, c, &was, "", nil); err != nil {
			return err
		}
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.accept", "conversation", c.ID, auditChange(&prev, c))
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindConversationItem(ctx, a.WorkspaceID, conversationID, a.UserID)
}
