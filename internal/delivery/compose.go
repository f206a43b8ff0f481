package delivery

import (
	"context"
	"slices"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Composer completes what a provider is sent for a message (Config's
// Compose), from the provider's channel.Spec: the template a template
// message is sent as, the reply window's tag (Messenger's HUMAN_AGENT),
// the files (uploaded, or as signed links when the provider fetches them
// itself) and the status callback URL. A message the provider would
// refuse (outside its window, files over its limits, no address) fails at
// once with an EINVALID error that says why.
type Composer struct {
	Blobs blob.Store
	// MediaURL signs a public link to a file, for providers whose media
	// policy NeedsURL.
	MediaURL func(parley.Attachment) string
	// PublicURL returns PARLEY_PUBLIC_URL without a trailing slash, read at
	// each use (tests learn their port after start).
	PublicURL func() string
}

// Compose implements Config.Compose. Channels without a spec (the API
// channel) are left as they are.
func (c *Composer) Compose(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation, inbox *parley.Inbox, out *channel.Outbound) error {
	spec, ok := channel.Lookup(inbox.Channel)
	if !ok {
		return nil
	}
	if out.To == "" {
		return parley.Errorf(parley.EINVALID, "The customer has no address on this inbox.")
	}
	if cb := spec.Webhooks.StatusCallback; cb != "" {
		out.StatusCallbackURL = c.PublicURL() + channel.WebhookPath(inbox) + cb
	}
	if m.ContentType == "template" {
		t, err := tx.FindMessageTemplate(ctx, m.ID)
		if err != nil && !parley.IsNotFound(err) {
			return err
		}
		if t != nil {
			out.Template, out.Content = &channel.Template{Name: t.Name, Language: t.Language, Parameters: t.Parameters}, ""
		}
	}
	if out.Template == nil { // a constructor's link sent as a card (Messenger)
		var cards []channel.Card
		if err := tx.FindMessageCards(ctx, m.ID, &cards); err == nil {
			out.Cards = cards
		} else if !parley.IsNotFound(err) {
			return err
		}
	}
	if out.Template == nil && spec.Window != nil {
		last, err := tx.LastInboundAt(ctx, conv.ContactID, inbox.ID)
		if err != nil {
			return err
		}
		tag, err := conversation.ReplyTag(inbox.Channel, last, tx.Now(), m.Sender.Kind)
		if err != nil {
			return err
		}
		out.Tag = tag
	}
	if spec.Threads {
		mt, err := mailThread(ctx, tx, m, conv, inbox)
		if err != nil {
			return err
		}
		out.Mail = mt
	}
	needsURL := media.PolicyFor(inbox.Channel).NeedsURL
	for _, a := range m.Attachments {
		if needsURL { // the provider fetches the file from a signed link
			out.Attachments = append(out.Attachments, channel.Attachment{FileName: a.FileName, ContentType: a.ContentType, URL: c.MediaURL(a), Voice: a.Voice})
			continue
		}
		key := a.Key
		if key == "" {
			key = a.ID
		}
		data, err := c.Blobs.Get(ctx, key)
		if parley.IsNotFound(err) {
			return parley.Errorf(parley.EINVALID, "The file %s is no longer stored.", a.FileName)
		} else if err != nil {
			return err
		}
		out.Attachments = append(out.Attachments, channel.Attachment{FileName: a.FileName, ContentType: a.ContentType, Data: data, Voice: a.Voice})
	}
	if err := media.CheckOutbound(inbox.Channel, out.Attachments); err != nil {
		return parley.Errorf(parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	return nil
}

// maxReferences bounds an email reply's References: the newest ids of the
// thread (RFC 5322 asks for the first too; mail clients cope without).
const maxReferences = 20

// mailThread is what a threaded channel's reply carries about its thread:
// the subject, the ids of the earlier messages and the names.
func mailThread(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation, inbox *parley.Inbox) (*channel.MailThread, error) {
	ids, err := tx.ThreadProviderIDs(ctx, conv.ID, inbox.ID, maxReferences+1)
	if err != nil {
		return nil, err
	}
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == m.ProviderMessageID })
	if len(ids) > maxReferences {
		ids = ids[len(ids)-maxReferences:]
	}
	mt := &channel.MailThread{Subject: conv.Subject, ConversationID: conv.ID, ConversationNumber: conv.Number,
		References: ids, AgentName: m.Sender.Name}
	if len(ids) > 0 {
		mt.InReplyTo = ids[len(ids)-1]
	}
	c, err := tx.FindContactByID(ctx, conv.WorkspaceID, conv.ContactID)
	if err == nil {
		mt.ContactName = c.Name
	} else if !parley.IsNotFound(err) {
		return nil, err
	}
	return mt, nil
}
