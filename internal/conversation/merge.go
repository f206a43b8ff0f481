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
		if err := tx.MarkDeletedBy(ctx, c.ID, ""); err != nil {
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

// Merge merges the conversation into another of the same contact (the
// survivor): messages stay where they were written, the merged one points
// to the survivor and leaves every list (it is closed and hidden like a
// deleted one, never purged while merged), and the survivor's thread shows
// both histories in order.
func (s *Service) Merge(ctx context.Context, a parley.Actor, conversationID, intoID string) (*parley.ConversationItem, error) {
	if conversationID == intoID {
		return nil, parley.FieldErrorf("into_id", "A conversation cannot be merged into itself.")
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, ws, err := locked(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		into, err := tx.LockConversation(ctx, a.WorkspaceID, intoID)
		if err != nil || !access.CanSeeConversation(a, ws.Settings, into.Audience()) {
			if err == nil || parley.IsNotFound(err) {
				return parley.FieldErrorf("into_id", "Conversation %s does not exist.", clip(intoID))
			}
			return err
		}
		if into.ContactID != c.ContactID {
			return parley.FieldErrorf("into_id", "Only conversations of the same contact can be merged.")
		}
		if unpaid, err := tx.FindUnpaidPaymentRequest(ctx, c.ID); err != nil {
			return err
		} else if unpaid != nil {
			return unpaidConflict(c, unpaid)
		}
		prev := *c
		now := tx.Now()
		c.MergedIntoID, c.DeletedAt, c.QueuedAt = into.ID, &now, nil
		if !c.Status.Closed() {
			c.Status, c.ResolvedAt = parley.StatusResolved, &now
		}
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if err := tx.RepointMerged(ctx, c.ID, into.ID); err != nil {
			return err
		}
		if err := rerouteAfter(ctx, tx, &prev, c); err != nil {
			return err
		}
		if _, err := activity.Record(ctx, tx, into, parley.SystemEvent{Action: parley.ActionMerged, Actor: activity.ActorRef(a),
			ConversationID: c.ID, Number: c.Number}); err != nil {
			return err
		}
		aud := prev.Audience()
		if err := tx.AppendEvent(parley.EventConversationRemoved, c.WorkspaceID, c.ID,
			map[string]string{"id": c.ID, "merged_into_id": into.ID}, &aud, nil); err != nil {
			return err
		}
		if err := appendChange(ctx, tx, into, nil, "", nil); err != nil {
			return err
		}
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.merge", "conversation", c.ID,
			map[string]any{"merged_into_id": []string{"", into.ID}, "number": c.Number, "into_number": into.Number})
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindConversationItem(ctx, a.WorkspaceID, intoID, a.UserID)
}

// Reopen reopens a resolved or abandoned conversation: later customer
// messages join it.
func (s *Service) Reopen(ctx context.Context, a parley.Actor, conversationID string) (*parley.ConversationItem, error) {
	c, _, err := visible(ctx, s.store, a, conversationID)
	if err != nil {
		return nil, err
	}
	if !c.Status.Closed() {
		return nil, parley.Errorf(parley.ECONFLICT, "Conversation #%d is %s, not closed.", c.Number, c.Status)
	}
	return s.Update(ctx, a, conversationID, Change{Status: Optional[parley.ConversationStatus]{Set: true, Value: parley.StatusOpen}})
}

// unpaidConflict is the ECONFLICT of an action an unpaid request blocks.
func unpaidConflict(c *parley.Conversation, p *parley.PaymentRequest) error {
	return parley.Errorf(parley.ECONFLICT, "Conversation #%d has an unpaid payment request (%s, %s) and cannot be closed or deleted.",
		c.Number, formatAmount(p.Amount, p.Currency), p.ID)
}
