package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Restore brings back a deleted conversation within its grace period
// (admins only); after the purge it is ENOTFOUND.
func (s *Service) Restore(ctx context.Context, a parley.Actor, conversationID string) (*parley.ConversationItem, error) {
	if !access.CanAdminister(a) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin can restore a conversation.")
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, err := tx.FindDeletedConversation(ctx, a.WorkspaceID, conversationID)
		if err != nil {
			return err
		}
		prev := *c
		c.DeletedAt = nil
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if _, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionRestored, Actor: activity.ActorRef(a)}); err != nil {
			return err
		}
		if err := appendChange(ctx, tx, c, nil, "", nil); err != nil {
			return err
		}
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.restore", "conversation", c.ID, map[string]int64{"number": c.Number})
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindConversationItem(ctx, a.WorkspaceID, conversationID, a.UserID)
}
