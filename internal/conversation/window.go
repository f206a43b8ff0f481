package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// LastInbound reads when a contact last wrote on an inbox (*sqlstore.Tx
// and *sqlstore.Store implement it).
type LastInbound interface {
	LastInboundAt(ctx context.Context, contactID, inboxID string) (*time.Time, error)
}

// ReplyTag applies the provider's window rule (its channel.Spec's Window)
// to a free-form message (not a template) that senderKind sends on a
// channel at now, when the customer last wrote on that inbox at last (nil:
// never). It returns the message tag the reply must carry ("" for none),
// or an EINVALID error that says what is needed instead (a template on
// WhatsApp, a human agent or the customer writing first on Messenger).
func ReplyTag(kind string, last *time.Time, now time.Time, senderKind string) (string, error) {
	spec, ok := channel.Lookup(kind)
	if !ok || spec.Window == nil {
		return "", nil
	}
	return spec.Window.Tag(last, now, senderKind)
}

// HasWindow reports whether a channel kind limits free-form replies.
func HasWindow(kind string) bool {
	spec, ok := channel.Lookup(kind)
	return ok && spec.Window != nil
}

// CheckReplyWindow refuses a free-form reply that the inbox's provider
// would refuse: it reads the contact's last message on the inbox (its own
// provider timestamp, stored as the message's created_at) and applies
// ReplyTag. It returns nil for channels without a window and inside it.
// Reply calls it, in its transaction, before storing a non-private reply.
func CheckReplyWindow(ctx context.Context, q LastInbound, inbox *parley.Inbox, conv *parley.Conversation, senderKind string, now time.Time) error {
	if !HasWindow(inbox.Channel) {
		return nil
	}
	last, err := q.LastInboundAt(ctx, conv.ContactID, inbox.ID)
	if err != nil {
		return err
	}
	_, err = ReplyTag(inbox.Channel, last, now, senderKind)
	return err
}

// TemplateReply is a WhatsApp template message an agent sends.
type TemplateReply struct {
	Name       string
	Language   string
	Parameters []string
}

// SendTemplate sends an approved WhatsApp template to the conversation's
// contact through its inbox: allowed at any time, it is how a conversation
// restarts outside the 24-hour window. The template must be among the
// inbox's cached templates (load them first) with as many parameters as
// its body has variables; the thread shows its body filled in.
func (s *Service) SendTemplate(ctx context.Context, a parley.Actor, conversationID string, t TemplateReply, outbox Outbox) (*parley.Message, error) {
	var msg *parley.Message
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		inbox, err := tx.FindInboxByID(ctx, ws.ID, conv.InboxID)
		if err != nil {
			return err
		}
		msg, err = s.sendTemplateIn(ctx, tx, a, ws, inbox, conv, t, "", outbox)
		return err
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// sendTemplateIn checks a template against the inbox's cached ones and
// sends it in the transaction; prefix is where its fields are in the
// request ("" at the top, "template." in New chat).
func (s *Service) sendTemplateIn(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, ws *parley.Workspace, inbox *parley.Inbox,
	conv *parley.Conversation, t TemplateReply, prefix string, outbox Outbox) (*parley.Message, error) {
	if !channel.SpecOf(inbox.Channel).Templates {
		return nil, parley.Errorf(parley.EINVALID, "Templates are sent on WhatsApp inboxes; this conversation is on %s.", inbox.Name)
	}
	tpls, _, err := tx.ListChannelTemplates(ctx, inbox.ID)
	if parley.IsNotFound(err) {
		return nil, parley.Errorf(parley.EINVALID, "The inbox's templates have not been loaded yet.")
	} else if err != nil {
		return nil, err
	}
	var tpl *parley.ChannelTemplate
	for i := range tpls {
		if tpls[i].Name == t.Name && (t.Language == "" || tpls[i].Language == t.Language) {
			tpl = &tpls[i]
			break
		}
	}
	switch {
	case tpl == nil:
		return nil, parley.FieldErrorf(prefix+"name", "The inbox has no template %q in that language.", clip(t.Name))
	case tpl.Status != "" && !strings.EqualFold(tpl.Status, "APPROVED"):
		return nil, parley.FieldErrorf(prefix+"name", "The template %q is %s, not approved.", clip(t.Name), strings.ToLower(tpl.Status))
	case len(t.Parameters) != tpl.Variables:
		return nil, parley.FieldErrorf(prefix+"parameters", "The template %q takes %d parameters, not %d.", clip(t.Name), tpl.Variables, len(t.Parameters))
	}
	for i, p := range t.Parameters {
		if strings.TrimSpace(p) == "" || !utf8.ValidString(p) || utf8.RuneCountInString(p) > 1024 {
			return nil, parley.FieldErrorf(fmt.Sprintf("%sparameters[%d]", prefix, i), "Each parameter is text of 1 to 1024 characters.")
		}
	}
	msg := &parley.Message{
		WorkspaceID: ws.ID, ConversationID: conv.ID, InboxID: inbox.ID, Direction: parley.DirectionOut,
		Sender:  parley.Sender{Kind: parley.SenderAgent, ID: a.UserID, Name: a.Name},
		Content: fill(tpl.Body, t.Parameters, tpl.Name), ContentType: "template", Channel: inbox.Channel,
		Status: parley.DeliveryQueued,
	}
	if err := tx.InsertMessage(ctx, msg); err != nil {
		return nil, err
	}
	if err := tx.SaveMessageTemplate(ctx, msg, parley.MessageTemplate{Name: tpl.Name, Language: tpl.Language, Parameters: t.Parameters}); err != nil {
		return nil, err
	}
	return msg, s.sendReply(ctx, tx, inbox, conv, msg, outbox)
}

// fill replaces a template body's {{n}} with the parameters.
func fill(body string, params []string, name string) string {
	if body == "" {
		return "[" + name + "]"
	}
	for i, p := range params {
		body = strings.ReplaceAll(body, "{{"+strconv.Itoa(i+1)+"}}", p)
	}
	return body
}
