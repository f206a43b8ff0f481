package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Retry queues a failed reply for sending again. The message must belong
// to a conversation the actor may see (ENOTFOUND otherwise) and have failed
// (EINVALID otherwise). Its status goes back to queued, its error is
// cleared, and the outbox takes it from there; its history keeps the
// failure.
func (s *Service) Retry(ctx context.Context, a parley.Actor, conversationID, messageID string, outbox Outbox) (*parley.Message, error) {
	var msg *parley.Message
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		m, err := tx.FindMessageByID(ctx, conv.ID, messageID)
		if err != nil {
			return err
		}
		if m.Direction != parley.DirectionOut || m.Private {
			return parley.Errorf(parley.EINVALID, "Only a reply to the customer can be retried.")
		}
		if m.Status != parley.DeliveryFailed {
			return parley.Errorf(parley.EINVALID, "Only a failed message can be retried; this one is %s.", m.Status)
		}
		inbox, err := tx.FindInboxByID(ctx, ws.ID, m.InboxID)
		if parley.IsNotFound(err) {
			return parley.Errorf(parley.EINVALID, "The message's inbox was deleted, so it cannot be sent again.")
		} else if err != nil {
			return err
		}
		// "failed" outranks "queued", so the reset is explicit rather than
		// through Message.ApplyStatus.
		m.Status, m.Error = parley.DeliveryQueued, ""
		m.StatusHistory = append(m.StatusHistory, parley.StatusChange{Status: parley.DeliveryQueued, At: tx.Now()})
		if err := tx.UpdateMessageDelivery(ctx, m); err != nil {
			return err
		}
		if err := s.dispatch(ctx, tx, inbox, conv, m, outbox); err != nil {
			return err
		}
		aud := conv.Audience()
		if err := tx.AppendEvent(parley.EventMessageUpdated, ws.ID, conv.ID, m, &aud, nil); err != nil {
			return err
		}
		msg = m
		return tx.Audit(ctx, ws.ID, a.UserID, "message.retry", "message", m.ID, map[string]string{"conversation_id": conv.ID})
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}
