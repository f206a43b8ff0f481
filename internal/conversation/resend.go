package conversation

import (
	"context"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Resent is a failed message sent again through another inbox.
type Resent struct {
	Message  *parley.Message `json:"message"`
	ResendOf string          `json:"resend_of"`
}

// Resend sends a failed reply again, in one action, through another of the
// contact's channels: a new outbound message on inboxID in the same
// conversation, linked to the failed one (which is resent once). The
// contact must be reachable there (an identity on that inbox, or for SMS a
// phone number), the new channel's reply window and attachment limits
// apply, and the failed message stays as it was.
func (s *Service) Resend(ctx context.Context, a parley.Actor, conversationID, messageID, inboxID string, outbox Outbox) (*Resent, error) {
	var out *Resent
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		failed, err := tx.FindMessageByID(ctx, conv.ID, messageID)
		if err != nil {
			return err
		}
		if !failed.Status.Failed() {
			return parley.Errorf(parley.EINVALID, "Only a failed message can be resent; this one is %s.", failed.Status)
		}
		target, err := tx.FindInboxByID(ctx, ws.ID, inboxID)
		if parley.IsNotFound(err) {
			return parley.FieldErrorf("inbox_id", "That inbox does not exist.")
		} else if err != nil {
			return err
		}
		sender := parley.Sender{Kind: parley.SenderAgent, ID: a.UserID, Name: a.Name}
		m, err := s.resend(ctx, tx, conv, failed, target, sender, false, outbox)
		if err != nil {
			return err
		}
		out = &Resent{Message: m, ResendOf: failed.ID}
		return tx.Audit(ctx, ws.ID, a.UserID, "message.resend", "message", m.ID,
			map[string]string{"conversation_id": conv.ID, "resend_of": failed.ID, "inbox_id": target.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Fallback resends a message that failed for good on its inbox through
// that inbox's fallback inbox (Inbox.FallbackInboxID), as its original
// sender. It returns nil when there is nothing to do: no fallback, a
// message already resent, a contact the fallback cannot reach, or a
// message no longer failing. The delivery worker's OnFailed hook calls it
// once the failure is committed; a message still "sending" also qualifies,
// for callers that learn of the failure first.
func (s *Service) Fallback(ctx context.Context, failed *parley.Message, outbox Outbox) (*Resent, error) {
	var out *Resent
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		m, err := tx.FindMessageByID(ctx, failed.ConversationID, failed.ID)
		if parley.IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		if !m.Status.Failed() && m.Status != parley.DeliverySending && m.Status != parley.DeliveryQueued {
			return nil
		}
		if _, err := tx.FindResend(ctx, m.ID); err == nil {
			return nil
		} else if !parley.IsNotFound(err) {
			return err
		}
		inbox, err := tx.FindInboxByID(ctx, m.WorkspaceID, m.InboxID)
		if err != nil || inbox.FallbackInboxID == "" {
			return ignoreNotFound(err)
		}
		target, err := tx.FindInboxByID(ctx, m.WorkspaceID, inbox.FallbackInboxID)
		if err != nil {
			return ignoreNotFound(err)
		}
		conv, err := tx.FindConversationByID(ctx, m.WorkspaceID, m.ConversationID)
		if err != nil {
			return ignoreNotFound(err)
		}
		r, err := s.resend(ctx, tx, conv, m, target, m.Sender, true, outbox)
		if parley.ErrorCode(err) == parley.EINVALID {
			return nil // the fallback cannot take it; the failure stands
		}
		if err != nil {
			return err
		}
		out = &Resent{Message: r, ResendOf: m.ID}
		return tx.Audit(ctx, m.WorkspaceID, "", "message.fallback", "message", r.ID,
			map[string]string{"conversation_id": conv.ID, "resend_of": m.ID, "inbox_id": target.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func ignoreNotFound(err error) error {
	if parley.IsNotFound(err) {
		return nil
	}
	return err
}

// resend stores and queues the copy of failed on target.
func (s *Service) resend(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, failed *parley.Message, target *parley.Inbox, sender parley.Sender, automatic bool, outbox Outbox) (*parley.Message, error) {
	if failed.Direction != parley.DirectionOut || failed.Private {
		return nil, parley.Errorf(parley.EINVALID, "Only a reply to the customer can be resent.")
	}
	if target.ID == failed.InboxID {
		return nil, parley.FieldErrorf("inbox_id", "Choose another inbox than the one that failed; use retry to send through the same one.")
	}
	if target.Channel == parley.ChannelAPI && target.Config["callback_url"] == "" {
		return nil, parley.FieldErrorf("inbox_id", "That inbox cannot send to customers.")
	}
	if err := reachable(ctx, tx, conv, target); err != nil {
		return nil, err
	}
	if failed.ContentType == "template" && channel.SpecOf(target.Channel).Templates {
		return nil, parley.FieldErrorf("inbox_id", "A template message cannot be resent on another %s number.", channel.SpecOf(target.Channel).Label)
	}
	if err := CheckReplyWindow(ctx, tx, target, conv, sender.Kind, tx.Now()); err != nil {
		return nil, err
	}
	if err := CheckAttachments(target.Channel, failed.Attachments); err != nil {
		return nil, err
	}
	contentType := failed.ContentType
	if contentType == "template" {
		contentType = "text"
	}
	m := &parley.Message{
		WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, InboxID: target.ID, Direction: parley.DirectionOut,
		Sender: sender, Content: failed.Content, ContentType: contentType, Channel: target.Channel,
		Status: parley.DeliveryQueued, Attachments: slices.Clone(failed.Attachments),
	}
	if err := tx.InsertMessage(ctx, m); err != nil {
		return nil, err
	}
	if err := tx.LinkResend(ctx, conv.WorkspaceID, failed.ID, m.ID, automatic); err != nil {
		return nil, err
	}
	return m, s.sendReply(ctx, tx, target, conv, m, outbox)
}

// reachable checks that the conversation's contact can be sent to through
// target: an identity there, or, for SMS, a phone number (which becomes
// their identity on the inbox: one customer, one history).
func reachable(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, target *parley.Inbox) error {
	_, err := tx.FindContactSourceID(ctx, conv.ContactID, target.ID)
	if err == nil || !parley.IsNotFound(err) {
		return err
	}
	if channel.SpecOf(target.Channel).PhoneReach {
		c, err := tx.FindContactByID(ctx, conv.WorkspaceID, conv.ContactID)
		if err != nil {
			return err
		}
		if c.Phone != "" {
			return tx.AddContactIdentity(ctx, conv.WorkspaceID, c.ID, parley.ContactIdentity{InboxID: target.ID, SourceID: c.Phone})
		}
	}
	return parley.FieldErrorf("inbox_id", "The customer cannot be reached through %s: they have not written there and no phone number is known for it.", target.Name)
}

// CheckAttachments checks stored attachments against a channel's limits
// (count, type, size) before a message carrying them is queued on it.
func CheckAttachments(channelKind string, atts []parley.Attachment) error {
	if len(atts) == 0 {
		return nil
	}
	p := media.PolicyFor(channelKind)
	if len(atts) > p.MaxAttachments {
		if p.MaxAttachments == 1 {
			return parley.Errorf(parley.EINVALID, "%s sends one attachment per message.", p.Name)
		}
		return parley.Errorf(parley.EINVALID, "%s sends at most %d attachments per message.", p.Name, p.MaxAttachments)
	}
	if p.NeedsURL {
		return parley.Errorf(parley.EINVALID, "%s attachments must be sent by public link; stored files cannot be sent there yet.", p.Name)
	}
	var total int64
	for _, a := range atts {
		ct, _, _ := strings.Cut(a.ContentType, ";")
		if !slices.Contains(p.Types, strings.TrimSpace(ct)) {
			return parley.Errorf(parley.EINVALID, "%s does not accept files of this type (%s).", p.Name, ct)
		}
		if a.Size > media.Limit(kindOfType(ct)) {
			return parley.Errorf(parley.ETOOLARGE, "The file %s is too large for %s.", a.FileName, p.Name)
		}
		total += a.Size
	}
	if p.MaxTotal > 0 && total > p.MaxTotal {
		return parley.Errorf(parley.ETOOLARGE, "The attachments are too large together for %s.", p.Name)
	}
	return nil
}

func kindOfType(ct string) media.Kind {
	switch {
	case strings.HasPrefix(ct, "image/"):
		return media.KindImage
	case strings.HasPrefix(ct, "video/"):
		return media.KindVideo
	case strings.HasPrefix(ct, "audio/"):
		return media.KindAudio
	}
	return media.KindDocument
}
