package delivery

import (
	"context"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// maxWatermarkMessages bounds how many messages one watermark report
// touches: the newest ones, which are those still moving.
const maxWatermarkMessages = 50

// ApplyReport records a provider's delivery report, inside tx, on the
// message the inbox sent: the rule is parley.Message.ApplyReport (the
// history grows, the status never moves backwards), each change is
// written with its message.updated event. A watermark report (Messenger)
// applies to every message sent to its recipient before the watermark.
// Reports on messages Parley does not know (sent elsewhere, or deleted)
// are accepted and ignored.
func ApplyReport(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, s channel.StatusUpdate) error {
	if !s.Watermark.IsZero() {
		if s.Recipient == "" {
			return nil
		}
		msgs, err := tx.WatermarkCandidates(ctx, inbox.ID, s.Recipient, s.Watermark, maxWatermarkMessages)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if !m.Status.Advances(s.Status) {
				continue
			}
			if err := record(ctx, tx, m, s.Status, "", s.At); err != nil {
				return err
			}
		}
		return nil
	}
	if s.ProviderMessageID == "" {
		return nil
	}
	m, err := tx.FindMessageByProviderID(ctx, inbox.ID, s.ProviderMessageID)
	if parley.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	return record(ctx, tx, m, s.Status, s.Error, s.At)
}

// record applies one report to m and, when it changed, writes it with its
// event.
func record(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, st parley.DeliveryStatus, errText string, at time.Time) error {
	if !m.ApplyReport(st, errText, at) {
		return nil
	}
	if err := tx.UpdateMessageDelivery(ctx, m); err != nil {
		return err
	}
	aud, err := tx.ConversationAudience(ctx, m.WorkspaceID, m.ConversationID)
	if err != nil && !parley.IsNotFound(err) {
		return err
	}
	return tx.AppendEvent(parley.EventMessageUpdated, m.WorkspaceID, m.ConversationID, m, &aud, nil)
}
