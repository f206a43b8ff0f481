package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel/webchat"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// OfflineEmailCopy copies a reply just sent on a web-chat inbox to the
// visitor's email when they left: the inbox names an email inbox
// (webchat.OfflineEmail), the visitor left an email, and none of the
// contact's visitors on the inbox has been connected for the inbox's
// minutes (their widget's socket refreshes last_seen_at while open). The
// copy is a new outbound message of the same conversation on the email
// inbox, queued on outbox in tx, so that the mail carries the
// conversation's reply address and the visitor's answer joins it. It runs
// in the transaction that records the reply as sent, so the decision is
// made once and survives a crash; a reply already copied is not copied
// again. It returns nil when there is nothing to send.
func (s *Service) OfflineEmailCopy(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation,
	inbox *parley.Inbox, outbox Outbox) (*parley.Message, error) {
	if conv == nil || inbox.Channel != parley.ChannelWebchat || m.Direction != parley.DirectionOut || m.Private ||
		m.Sender.Kind == parley.SenderSystem || m.System != nil {
		return nil, nil
	}
	targetID, after := webchat.OfflineEmail(inbox)
	if targetID == "" {
		return nil, nil
	}
	if _, err := tx.FindOfflineCopy(ctx, m.ID); err == nil {
		return nil, nil
	} else if !parley.IsNotFound(err) {
		return nil, err
	}
	p, err := tx.ContactVisitorPresence(ctx, inbox.ID, conv.ContactID)
	if parley.IsNotFound(err) {
		return nil, nil // a contact reached here without the widget
	} else if err != nil {
		return nil, err
	}
	if p.Email == "" || tx.Now().Sub(p.LastSeenAt) < after {
		return nil, nil // no address, or still connected (or only just left)
	}
	target, err := tx.FindInboxByID(ctx, inbox.WorkspaceID, targetID)
	if err != nil || target.Channel != parley.ChannelEmail {
		return nil, ignoreNotFound(err) // the email inbox was deleted since
	}
	ident := parley.ContactIdentity{InboxID: target.ID, SourceID: p.Email}
	if err := tx.AddContactIdentity(ctx, inbox.WorkspaceID, conv.ContactID, ident); parley.ErrorCode(err) == parley.ECONFLICT {
		// Another contact writes from that address: mailing it would
		// thread their answer into someone else's history.
		slog.Default().WarnContext(ctx, "offline email copy skipped: the address belongs to another contact",
			"conversation_id", conv.ID, "inbox_id", target.ID)
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("offline email identity: %w", err)
	}
	if err := CheckAttachments(target.Channel, m.Attachments); err != nil {
		return nil, nil // email takes what web chat takes; never fail the reply for it
	}
	if conv.Subject == "" {
		// The mail's subject, kept by the conversation so that every copy
		// and the visitor's answer share one thread in their mail client.
		conv.Subject = "Your chat with " + inbox.Name
	}
	c := &parley.Message{
		WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, InboxID: target.ID, Direction: parley.DirectionOut,
		Sender: m.Sender, Content: m.Content, ContentType: m.ContentType, Channel: target.Channel,
		Status: parley.DeliveryQueued, Attachments: slices.Clone(m.Attachments),
	}
	if err := tx.InsertMessage(ctx, c); err != nil {
		return nil, err
	}
	if err := tx.LinkOfflineCopy(ctx, conv.WorkspaceID, m.ID, c.ID); err != nil {
		return nil, err
	}
	if err := s.sendReply(ctx, tx, target, conv, c, outbox); err != nil {
		return nil, err
	}
	return c, tx.Audit(ctx, conv.WorkspaceID, "", "message.offline_email", "message", c.ID,
		map[string]string{"conversation_id": conv.ID, "copy_of": m.ID, "inbox_id": target.ID})
}
