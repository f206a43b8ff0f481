// Package inbound is the one path by which a customer message enters
// Parley, whatever its channel: one transaction that dedupes, resolves the
// contact, picks or opens the conversation, stores the message, updates the
// counters and appends the events. The caller acknowledges the provider
// only after Receive returns.
package inbound

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Receiver stores inbound messages.
type Receiver struct {
	store    *sqlstore.Store
	followUp func(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, msg *parley.Message) error
}

// Options are a Receiver's optional parts.
type Options struct {
	// FollowUp queues follow-up work for a stored customer message inside
	// its transaction (the AI agent's answer); nil: none.
	FollowUp func(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, msg *parley.Message) error
}

// New returns a Receiver writing to store, with the optional parts of o
// when given (the last one wins).
func New(store *sqlstore.Store, o ...Options) *Receiver {
	r := &Receiver{store: store}
	for _, o := range o {
		r.followUp = o.FollowUp
	}
	return r
}

// Result says where a message landed.
type Result struct {
	MessageID      string
	ConversationID string
	// Duplicate is true when the provider message id was seen before and
	// nothing was stored.
	Duplicate bool
	// NewConversation is true when the message opened a conversation.
	NewConversation bool
	// Blocked is true when the contact is blocked: the message is stored
	// in a hidden conversation and announced nowhere.
	Blocked bool

	conv *parley.Conversation
	msg  *parley.Message
}

// previewLen is how much of a message the conversation list shows.
const previewLen = 140

// JoinInbox returns the inbox a contact's open conversation must be in for
// an inbound message to join it under mode: "" means any inbox.
func JoinInbox(mode parley.JoinMode, inboxID string) string {
	if mode == parley.JoinContactInbox {
		return inboxID
	}
	return ""
}

// Receive stores one inbound message on inbox. It is idempotent on
// (inbox, provider message id).
func (r *Receiver) Receive(ctx context.Context, inbox *parley.Inbox, in channel.Inbound) (Result, error) {
	return r.ReceiveWithAttachments(ctx, inbox, in, nil)
}

// ReceiveWithAttachments is Receive for a message whose media the caller
// already fetched and stored (in the blob store): atts go on the message.
// On a duplicate nothing is stored and the caller may delete its blobs.
func (r *Receiver) ReceiveWithAttachments(ctx context.Context, inbox *parley.Inbox, in channel.Inbound, atts []parley.Attachment) (Result, error) {
	if err := validate(in); err != nil {
		return Result{}, err
	}
	// Outside the shared write transaction, on the read pool: a provider's
	// retry ends here, and the workspace's settings and an already known
	// contact cost the writer nothing. Inside, the unique index still
	// catches a duplicate racing this one (the retry then finds it), and a
	// contact deleted meanwhile is resolved again.
	pre, err := r.store.InboundPreflight(ctx, inbox, in.ProviderMessageID, in.Contact.SourceID)
	if err != nil {
		return Result{}, fmt.Errorf("receive: %w", err)
	}
	if pre.DuplicateMessageID != "" {
		return Result{MessageID: pre.DuplicateMessageID, ConversationID: pre.DuplicateConversationID, Duplicate: true}, nil
	}
	ws, known := pre.Workspace, pre.ContactID
	var res Result
	attempt := 0
	// Optimistic: a customer message almost never fails to store, so it
	// needs no savepoint of its own in the shared transaction. Keyed by
	// the customer: their messages lock their contact row.
	err = r.store.WriteOptimistic(ctx, inbox.ID+"\x00"+in.Contact.SourceID, func(tx *sqlstore.Tx) error {
		res = Result{}
		attempt++
		if attempt > 1 { // after a conflict, trust nothing read before
			known = ""
		}
		if err := receive(ctx, tx, ws, inbox, in, atts, known, attempt > 1, &res); err != nil {
			return err
		}
		if r.followUp != nil && res.conv != nil && !res.Duplicate && !res.Blocked {
			return r.followUp(ctx, tx, res.conv, res.msg)
		}
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("receive: %w", err)
	}
	return res, nil
}

func validate(in channel.Inbound) error {
	switch {
	case strings.TrimSpace(in.Contact.SourceID) == "":
		return parley.FieldErrorf("contact.source_id", "The contact's source id is required.")
	case strings.TrimSpace(in.ProviderMessageID) == "":
		return parley.FieldErrorf("source_message_id", "The message's source id is required.")
	case strings.TrimSpace(in.Content) == "" && len(in.Media) == 0:
		return parley.FieldErrorf("content", "The message has no content.")
	case !utf8.ValidString(in.Content):
		return parley.FieldErrorf("content", "The content is not valid UTF-8.")
	}
	return nil
}

func receive(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, inbox *parley.Inbox, in channel.Inbound,
	atts []parley.Attachment, knownContact string, retry bool, res *Result) error {
	if retry {
		if m, err := tx.FindMessageByProviderID(ctx, inbox.ID, in.ProviderMessageID); err == nil {
			*res = Result{MessageID: m.ID, ConversationID: m.ConversationID, Duplicate: true}
			return nil
		} else if !parley.IsNotFound(err) {
			return err
		}
	}
	msg := newMessage(tx, inbox, in, atts)
	if in.Thread != nil {
		return receiveThreaded(ctx, tx, ws, inbox, in, msg, knownContact, res)
	}
	within := JoinInbox(ws.Settings.JoinMode, inbox.ID)
	if knownContact != "" { // the common case, in one statement where the store can
		msg.Sender.ID = knownContact
		ref, conv, ok, err := tx.AppendToOpenConversation(ctx, knownContact, within, msg, Preview(msg))
		if err != nil {
			return err
		}
		if ok {
			return announce(ctx, tx, ws, inbox, msg, conv, ref, false, res)
		}
	}
	contact, err := lockContact(ctx, tx, inbox, in.Contact, knownContact)
	if err != nil {
		return err
	}
	if held, err := screen(ctx, tx, contact, inbox, within, msg, res); held || err != nil {
		return err // blocked: stored out of every view
	}
	conv, created, err := pickConversation(ctx, tx, ws, contact.ID, within, inbox, contact.New)
	if err != nil {
		return err
	}
	msg.Sender.ID, msg.ConversationID = contact.ID, conv.ID
	conv.InboxID = inbox.ID
	if err := tx.InsertInbound(ctx, msg, conv, Preview(msg)); err != nil {
		return err
	}
	return announce(ctx, tx, ws, inbox, msg, conv, contact.ContactRef, created, res)
}

// newMessage is the customer's message, before it has a conversation.
func newMessage(tx *sqlstore.Tx, inbox *parley.Inbox, in channel.Inbound, atts []parley.Attachment) *parley.Message {
	at := tx.Now()
	if !in.Timestamp.IsZero() && in.Timestamp.Before(at) {
		// The provider's own time orders the thread (and starts the
		// WhatsApp window); a clock in the future is not trusted.
		at = in.Timestamp.UTC()
	}
	return &parley.Message{
		WorkspaceID: inbox.WorkspaceID, InboxID: inbox.ID,
		Direction: parley.DirectionIn, Sender: parley.Sender{Kind: parley.SenderContact, Name: in.Contact.Name},
		Content: in.Content, ContentType: in.ContentType, Channel: inbox.Channel, ProviderMessageID: in.ProviderMessageID,
		Status: parley.DeliveryReceived, CreatedAt: at, Attachments: atts, Email: in.Email,
	}
}

// announce appends the message's event and its conversation's, the list
// item as events carry it (no particular reader: unread is every inbound
// message), built from what this transaction knows.
func announce(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, inbox *parley.Inbox, msg *parley.Message, conv *parley.Conversation,
	contact parley.ContactRef, created bool, res *Result) error {
	if err := checkClosing(ctx, tx, ws, conv, msg); err != nil {
		return err
	}
	item := &parley.ConversationItem{Conversation: *conv, Contact: contact, UnreadCount: conv.InboundCount,
		Inbox: parley.InboxRef{ID: inbox.ID, Name: inbox.Name, Channel: inbox.Channel}}
	aud := conv.Audience()
	if err := tx.AppendEvent(parley.EventMessageCreated, ws.ID, conv.ID, msg, &aud, nil); err != nil {
		return err
	}
	typ := parley.EventConversationUpdated
	if created {
		typ = parley.EventConversationCreated
	}
	if err := tx.AppendEvent(typ, ws.ID, conv.ID, item, &aud, nil); err != nil {
		return err
	}
	*res = Result{MessageID: msg.ID, ConversationID: conv.ID, NewConversation: created, conv: conv, msg: msg}
	return nil
}

// lockedContact is the contact a message is from, locked until commit.
type lockedContact struct {
	sqlstore.ContactState
	// New: created by this transaction, so without conversations.
	New bool
}

// lockContact locks the contact the message is from, resolving it first
// unless it is already known, and again should it have been deleted.
func lockContact(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, ci channel.ContactInfo, known string) (lockedContact, error) {
	if known != "" {
		st, err := tx.LockContactState(ctx, known)
		if err == nil || !parley.IsNotFound(err) {
			return lockedContact{ContactState: st}, err
		}
	}
	id, created, err := resolveContact(ctx, tx, inbox, ci)
	if err != nil {
		return lockedContact{}, err
	}
	st, err := tx.LockContactState(ctx, id)
	return lockedContact{ContactState: st, New: created}, err
}

// resolveContact finds the contact known by the identity, or by the same
// E.164 phone on another channel (one person, one history), or creates it.
func resolveContact(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, ci channel.ContactInfo) (id string, created bool, err error) {
	id, err = tx.FindContactIDByIdentity(ctx, inbox.ID, ci.SourceID)
	if err == nil || !parley.IsNotFound(err) {
		return id, false, err
	}
	ident := parley.ContactIdentity{InboxID: inbox.ID, SourceID: ci.SourceID}
	if ci.Phone != "" {
		id, err := tx.FindContactIDByPhone(ctx, inbox.WorkspaceID, ci.Phone)
		if err == nil {
			return id, false, tx.AddContactIdentity(ctx, inbox.WorkspaceID, id, ident)
		}
		if !parley.IsNotFound(err) {
			return "", false, err
		}
	}
	c := &parley.Contact{
		WorkspaceID: inbox.WorkspaceID, Name: ci.Name, Email: ci.Email, Phone: ci.Phone,
		Identities: []parley.ContactIdentity{ident},
	}
	if c.Name == "" {
		c.Name = ci.SourceID
	}
	if err := tx.CreateContact(ctx, c); err != nil {
		return "", false, err
	}
	return c.ID, true, nil
}

// pickConversation returns the conversation the message joins under the
// workspace's join mode, or opens one linked to the contact's previous one.
func pickConversation(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, contactID, within string, inbox *parley.Inbox, newContact bool) (*parley.Conversation, bool, error) {
	if !newContact { // a contact created just now has no conversation yet
		conv, err := tx.FindOpenConversation(ctx, contactID, within)
		if err == nil {
			return conv, false, nil
		}
		if !parley.IsNotFound(err) {
			return nil, false, err
		}
		if ws.Settings.ReopensResolved() {
			latest, err := tx.FindLatestConversation(ctx, contactID, within)
			if err != nil && !parley.IsNotFound(err) {
				return nil, false, err
			}
			if err == nil && latest.Status == parley.StatusResolved && latest.MergedIntoID == "" {
				return latest, false, reopen(ctx, tx, latest)
			}
		}
	}
	conv := &parley.Conversation{
		WorkspaceID: ws.ID, ContactID: contactID, InboxID: inbox.ID, Status: parley.StatusOpen,
		TeamID: inbox.TeamID, AIMode: parley.AIManual, Priority: parley.PriorityNone, LastActivityAt: tx.Now(),
	}
	// An inbox with an AI assistant starts its conversations with the AI
	// answering.
	if asst, err := tx.InboxAssistantID(ctx, inbox.ID); err != nil {
		return nil, false, err
	} else if asst != "" {
		conv.AIMode = parley.AIActive
	}
	var prev *parley.Conversation
	if !newContact {
		var err error
		if prev, err = tx.FindLatestConversation(ctx, contactID, within); err == nil {
			conv.PreviousID = prev.ID
		} else if !parley.IsNotFound(err) {
			return nil, false, err
		}
	}
	assigned := false
	if !newContact { // a contact created just now has no presets
		var err error
		if assigned, err = applyPresets(ctx, tx, conv); err != nil {
			return nil, false, err
		}
	}
	if !assigned {
		if err := enterQueue(ctx, tx, conv); err != nil {
			return nil, false, err
		}
	}
	if err := tx.CreateConversation(ctx, conv); err != nil {
		return nil, false, err
	}
	if err := routeNew(ctx, tx, conv); err != nil {
		return nil, false, err
	}
	if err := linkLines(ctx, tx, prev, conv); err != nil {
		return nil, false, err
	}
	return conv, true, nil
}

// Preview is the list preview of a message.
func Preview(m *parley.Message) *parley.MessagePreview {
	content := m.Content
	if utf8.RuneCountInString(content) > previewLen {
		content = string([]rune(content)[:previewLen])
	}
	if content == "" && len(m.Attachments) > 0 {
		content = "[" + m.Attachments[0].FileName + "]"
	}
	return &parley.MessagePreview{
		Content: content, Attachments: len(m.Attachments), Direction: m.Direction, SenderKind: m.Sender.Kind,
		SenderID: m.Sender.ID, SenderName: m.Sender.Name, Channel: m.Channel, Private: m.Private, CreatedAt: m.CreatedAt,
	}
}
