// Package conversation holds the use cases agents perform on
// conversations: list, read, reply, note, assign, change status, snooze,
// set visibility, tag, mark read, delete. Every use case checks access per
// object and writes its change, events and audit row in one transaction.
package conversation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Service runs the conversation use cases. Everything it calls out to is
// given to New, once: nothing is filled in after (internal/app builds the
// parts it calls before it).
type Service struct {
	store *sqlstore.Store
	// Blobs keeps uploaded files; without it uploads are refused.
	Blobs BlobStore
	hooks Options
}

// Options are a Service's optional parts.
type Options struct {
	// Blobs keeps uploaded files; without it uploads are refused.
	Blobs BlobStore
	// AfterAgentReply runs in the transaction of an agent's reply to the
	// customer (the AI agent pauses when a person takes over); nil: nothing.
	AfterAgentReply func(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation) error
	// AfterRead runs after an agent marked a conversation read (the
	// web-chat widget shows the customer their messages read); nil:
	// nothing.
	AfterRead func(ctx context.Context, conv *parley.Conversation)
	// CanStartChat, when set, may refuse a New chat with a contact on an
	// inbox (a web-chat inbox reaches only customers who proved who they
	// are); it runs in the New chat's transaction.
	CanStartChat func(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, contactID string) error
	// Rich reports whether a channel's adapter sends cards (a
	// channel.RichSender): the constructor sends previewed links as cards
	// there. Nil: none does.
	Rich func(channelKind string) bool
}

// New returns a Service on store, with the optional parts of o when given
// (the last one wins).
func New(store *sqlstore.Store, o ...Options) *Service {
	s := &Service{store: store}
	for _, o := range o {
		s.Blobs, s.hooks = o.Blobs, o
	}
	return s
}

// Limits on list pages.
const (
	DefaultLimit = 50
	MaxLimit     = 200
	// MaxContentLen bounds a message's text (runes).
	MaxContentLen = 65536
)

// ListParams select a page of conversations.
type ListParams struct {
	View     string
	TeamID   string
	Statuses []parley.ConversationStatus
	// Filter is the filter query parameter (JSON), parsed by List.
	Filter string
	Sort   string
	Cursor string
	Limit  int
	// ExternalRefType and ExternalRefID, both or neither, select the
	// conversations about one object of another system.
	ExternalRefType, ExternalRefID string
	// Views, for Count: the views to count (every view when empty).
	Views []string
}

// Page is one page of conversations.
type Page struct {
	Items      []parley.ConversationItem `json:"items"`
	NextCursor string                    `json:"next_cursor"`
}

// ParseStatuses parses a comma-separated status list.
func ParseStatuses(raw string) ([]parley.ConversationStatus, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var out []parley.ConversationStatus
	for _, s := range strings.Split(raw, ",") {
		st := parley.ConversationStatus(strings.TrimSpace(s))
		if !st.Valid() {
			return nil, parley.FieldErrorf("status", "Unknown status %q: use queued, open, pending, snoozed, resolved or abandoned.", clip(string(st)))
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(raw string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || json.Unmarshal(b, v) != nil {
		return parley.FieldErrorf("cursor", "The cursor is malformed: pass next_cursor from the previous page unchanged.")
	}
	return nil
}

// visible loads a conversation and checks that the actor may see it; one
// the actor may not see is ENOTFOUND, never its data.
func visible(ctx context.Context, q interface {
	FindWorkspaceByID(context.Context, string) (*parley.Workspace, error)
	FindConversationByID(context.Context, string, string) (*parley.Conversation, error)
}, a parley.Actor, conversationID string) (*parley.Conversation, *parley.Workspace, error) {
	ws, err := q.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	c, err := q.FindConversationByID(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, nil, err
	}
	if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	return c, ws, nil
}

// Get returns one conversation as a list item for the actor.
func (s *Service) Get(ctx context.Context, a parley.Actor, conversationID string) (*parley.ConversationItem, error) {
	_, ws, err := visible(ctx, s.store, a, conversationID)
	if err != nil {
		return nil, err
	}
	item, err := s.store.FindConversationItem(ctx, a.WorkspaceID, conversationID, a.UserID)
	if err != nil {
		return nil, err
	}
	next, err := s.store.FollowUpOf(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	if next != nil && access.CanSeeConversation(a, ws.Settings, next.Audience()) {
		item.ContinuedBy = &parley.ConversationLink{ID: next.ID, Number: next.Number}
	}
	return item, nil
}

// MessagePage is one page of a thread, oldest first.
type MessagePage struct {
	Items      []parley.Message `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// Messages returns a page of a conversation's messages: the newest first
// page, then older ones by cursor.
func (s *Service) Messages(ctx context.Context, a parley.Actor, conversationID, cursor string, limit int) (*MessagePage, error) {
	if _, _, err := visible(ctx, s.store, a, conversationID); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	var before *sqlstore.MessageCursor
	if cursor != "" {
		before = &sqlstore.MessageCursor{}
		if err := decodeCursor(cursor, before); err != nil {
			return nil, err
		}
	}
	msgs, err := s.store.ListMessages(ctx, conversationID, before, limit)
	if err != nil {
		return nil, err
	}
	page := &MessagePage{Items: msgs}
	if len(msgs) == limit {
		page.NextCursor = encodeCursor(sqlstore.MessageCursor{CreatedAt: msgs[0].CreatedAt, ID: msgs[0].ID})
	}
	return page, nil
}

// Outbox decides what happens to a reply once stored. The delivery worker
// implements it; without one, replies on API inboxes without a callback URL
// are marked sent at once.
type Outbox interface {
	// Enqueue schedules m for sending inside tx. It reports whether the
	// message was queued (false: nothing to send it through).
	Enqueue(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, m *parley.Message) (bool, error)
}

// Reply posts an agent's reply (or, when private, a note) to a conversation.
func (s *Service) Reply(ctx context.Context, a parley.Actor, conversationID, content string, private bool, outbox Outbox) (*parley.Message, error) {
	return s.ReplyWith(ctx, a, conversationID, ReplyInput{Content: content, Private: private}, outbox)
}

// ReplyInput is an agent's message: text, files uploaded before, or both.
type ReplyInput struct {
	Content       string
	Private       bool
	AttachmentIDs []string
	// InboxID sends the reply through another of the contact's channels;
	// empty means the conversation's.
	InboxID string
	// MentionIDs are colleagues a private note mentions.
	MentionIDs []string
	// keepDraft leaves the agent's text draft alone (a constructor message
	// is not what the draft was for).
	keepDraft bool
}

// ReplyWith posts an agent's reply or note with attachments.
func (s *Service) ReplyWith(ctx context.Context, a parley.Actor, conversationID string, in ReplyInput, outbox Outbox) (*parley.Message, error) {
	content := strings.TrimRight(in.Content, " \t\r\n")
	switch {
	case strings.TrimSpace(content) == "" && len(in.AttachmentIDs) == 0:
		return nil, parley.FieldErrorf("content", "The message is empty.")
	case len(in.AttachmentIDs) > 10:
		return nil, parley.FieldErrorf("attachment_ids", "A message carries at most 10 files.")
	case !utf8.ValidString(content):
		return nil, parley.FieldErrorf("content", "The message is not valid UTF-8.")
	case utf8.RuneCountInString(content) > MaxContentLen:
		return nil, parley.FieldErrorf("content", "The message is longer than %d characters.", MaxContentLen)
	case len(in.MentionIDs) > 0 && !in.Private:
		return nil, parley.FieldErrorf("mention_ids", "Only a private note can mention colleagues.")
	}
	var msg *parley.Message
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		msg, err = s.reply(ctx, tx, a, conv, ws, in, content, outbox)
		return err
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// reply stores an agent's reply or note on conv inside tx, on the inbox
// the input chose (one of the contact's) or the conversation's, and
// clears the agent's draft.
func (s *Service) reply(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, conv *parley.Conversation, ws *parley.Workspace,
	in ReplyInput, content string, outbox Outbox) (*parley.Message, error) {
	private := in.Private
	var msg *parley.Message
	err := func() error {
		inbox, err := replyInbox(ctx, tx, ws, conv, in.InboxID)
		if err != nil {
			return err
		}
		if !in.keepDraft {
			if _, err := tx.DeleteDraft(ctx, conv.ID, a.UserID); err != nil {
				return err
			}
		}
		if !private {
			if err := CheckReplyWindow(ctx, tx, inbox, conv, parley.SenderAgent, tx.Now()); err != nil {
				return err
			}
		}
		atts, err := attachUploads(ctx, tx, a, inbox.Channel, in.AttachmentIDs, private)
		if err != nil {
			return err
		}
		mentions, err := colleagues(ctx, tx, ws, conv, "mention_ids", in.MentionIDs)
		if err != nil {
			return err
		}
		msg = &parley.Message{
			WorkspaceID: ws.ID, ConversationID: conv.ID, InboxID: inbox.ID, Direction: parley.DirectionOut,
			Sender: parley.Sender{Kind: parley.SenderAgent, ID: a.UserID, Name: a.Name}, Private: private,
			Content: content, ContentType: "text", Channel: inbox.Channel, Status: parley.DeliveryQueued,
			Attachments: atts, Mentions: mentions,
		}
		if private {
			msg.Status = parley.DeliverySent
		}
		if err := tx.InsertMessage(ctx, msg); err != nil {
			return err
		}
		for _, att := range atts {
			if err := tx.AttachUpload(ctx, att.ID, msg.ID); err != nil {
				return err
			}
		}
		if private {
			if err := s.recordMessage(ctx, tx, conv, msg); err != nil {
				return err
			}
			return notify(ctx, tx, a, conv, NotifyMention, msg, mentions)
		}
		conv.InboxID = inbox.ID // the channel the conversation is on now
		if err := s.sendReply(ctx, tx, inbox, conv, msg, outbox); err != nil {
			return err
		}
		if s.hooks.AfterAgentReply != nil {
			return s.hooks.AfterAgentReply(ctx, tx, conv)
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// sendReply hands a stored reply to the outbox and records it on the
// conversation.
func (s *Service) sendReply(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, msg *parley.Message, outbox Outbox) error {
	if err := s.dispatch(ctx, tx, inbox, conv, msg, outbox); err != nil {
		return err
	}
	return s.recordMessage(ctx, tx, conv, msg)
}

// recordMessage updates the conversation for a stored agent message and
// appends the events.
func (s *Service) recordMessage(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, msg *parley.Message) error {
	prev := *conv
	recordReply(conv, msg)
	if err := tx.SaveConversation(ctx, conv, &prev); err != nil {
		return err
	}
	return appendChange(ctx, tx, conv, nil, parley.EventMessageCreated, msg)
}

// dispatch hands a reply to the outbox, or marks it stored when the inbox
// has nowhere to send it (an API inbox without a callback: clients read it
// through the API, and nothing was sent anywhere).
func (s *Service) dispatch(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, m *parley.Message, outbox Outbox) error {
	if outbox != nil {
		queued, err := outbox.Enqueue(ctx, tx, inbox, conv, m)
		if err != nil || queued {
			return err
		}
	}
	if inbox.Channel == parley.ChannelAPI && inbox.Config["callback_url"] == "" {
		m.ApplyStatus(parley.DeliveryStored, "", tx.Now())
		return tx.UpdateMessageDelivery(ctx, m)
	}
	return nil
}

// recordReply updates the conversation's counters for an agent message:
// a reply answers what was waiting; a note changes nothing the customer
// sees, so it leaves the order and the unreplied count alone.
func recordReply(c *parley.Conversation, m *parley.Message) {
	if m.Private {
		return
	}
	c.UnrepliedCount = 0
	c.WaitingSince = nil
	if c.FirstReplyAt == nil {
		t := m.CreatedAt
		c.FirstReplyAt = &t
	}
	c.LastActivityAt = m.CreatedAt
	if parley.ShownInPreview(m) {
		c.LastMessage = inbound.Preview(m)
	}
}

// appendChange appends the events of a change: the object event (when
// given) and conversation.updated with who could see it before.
func appendChange(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, prev *parley.Audience, typ string, obj any) error {
	aud := c.Audience()
	if typ != "" {
		if err := tx.AppendEvent(typ, c.WorkspaceID, c.ID, obj, &aud, nil); err != nil {
			return err
		}
	}
	item, err := tx.FindConversationItem(ctx, c.WorkspaceID, c.ID, "")
	if err != nil {
		return err
	}
	return tx.AppendEvent(parley.EventConversationUpdated, c.WorkspaceID, c.ID, item, &aud, prev)
}

// MarkRead marks the conversation read for the actor.
func (s *Service) MarkRead(ctx context.Context, a parley.Actor, conversationID string) error {
	var conv *parley.Conversation
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, _, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		conv = c
		return tx.MarkRead(ctx, conversationID, a.UserID)
	})
	if err == nil && s.hooks.AfterRead != nil {
		s.hooks.AfterRead(ctx, conv)
	}
	return err
}

// SetPinned pins or unpins the conversation for the actor.
func (s *Service) SetPinned(ctx context.Context, a parley.Actor, conversationID string, pinned bool) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, _, err := visible(ctx, tx, a, conversationID); err != nil {
			return err
		}
		return tx.SetPinned(ctx, conversationID, a.UserID, pinned)
	})
}

// Delete removes a conversation (admins only).
func (s *Service) Delete(ctx context.Context, a parley.Actor, conversationID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		if !access.CanDeleteConversation(a, ws.Settings, c.Audience()) {
			return parley.Errorf(parley.EFORBIDDEN, "Only an admin can delete a conversation.")
		}
		if unpaid, err := tx.FindUnpaidPaymentRequest(ctx, c.ID); err != nil {
			return err
		} else if unpaid != nil {
			return unpaidConflict(c, unpaid)
		}
		prev := *c
		now := tx.Now()
		c.DeletedAt = &now
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if err := tx.MarkDeletedBy(ctx, c.ID, a.UserID); err != nil {
			return err
		}
		if err := rerouteAfter(ctx, tx, &prev, c); err != nil {
			return err
		}
		aud := c.Audience()
		if err := tx.AppendEvent(parley.EventConversationRemoved, c.WorkspaceID, c.ID, map[string]string{"id": c.ID}, &aud, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.delete", "conversation", c.ID, map[string]int64{"number": c.Number})
	})
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
