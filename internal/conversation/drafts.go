package conversation

import (
	"github.com/parleyhq/parley/internal/channel"

	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// replyInbox is the inbox a reply goes through: the one chosen, which must
// be one of the contact's channels, or the conversation's.
func replyInbox(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, conv *parley.Conversation, chosen string) (*parley.Inbox, error) {
	if chosen == "" || chosen == conv.InboxID {
		return tx.FindInboxByID(ctx, ws.ID, conv.InboxID)
	}
	contact, err := tx.FindContactByID(ctx, ws.ID, conv.ContactID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(contact.Identities, func(id parley.ContactIdentity) bool { return id.InboxID == chosen }) {
		return nil, parley.FieldErrorf("inbox_id", "The contact has no identity on inbox %s: pick one of their channels.", clip(chosen))
	}
	inbox, err := tx.FindInboxByID(ctx, ws.ID, chosen)
	if parley.IsNotFound(err) {
		return nil, parley.FieldErrorf("inbox_id", "Inbox %s does not exist.", clip(chosen))
	}
	return inbox, err
}

// MaxDraftLen bounds a draft (runes).
const MaxDraftLen = MaxContentLen

// SaveDraft keeps the actor's draft of a conversation on the server (it
// survives a reload and another device); an empty one deletes it.
func (s *Service) SaveDraft(ctx context.Context, a parley.Actor, conversationID, content string) (*parley.Draft, error) {
	if !utf8.ValidString(content) || utf8.RuneCountInString(content) > MaxDraftLen {
		return nil, parley.FieldErrorf("content", "The draft must be valid text of at most %d characters.", MaxDraftLen)
	}
	d := &parley.Draft{ConversationID: conversationID, Content: content}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, _, err := visible(ctx, tx, a, conversationID); err != nil {
			return err
		}
		if strings.TrimSpace(content) == "" {
			_, err := tx.DeleteDraft(ctx, conversationID, a.UserID)
			d.UpdatedAt = tx.Now()
			return err
		}
		return tx.SaveDraft(ctx, a.WorkspaceID, a.UserID, d)
	})
	return d, err
}

// Draft returns the actor's draft of a conversation, or ENOTFOUND.
func (s *Service) Draft(ctx context.Context, a parley.Actor, conversationID string) (*parley.Draft, error) {
	if _, _, err := visible(ctx, s.store, a, conversationID); err != nil {
		return nil, err
	}
	return s.store.FindDraft(ctx, conversationID, a.UserID)
}

// DeleteDraft clears the actor's draft of a conversation.
func (s *Service) DeleteDraft(ctx context.Context, a parley.Actor, conversationID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, _, err := visible(ctx, tx, a, conversationID); err != nil {
			return err
		}
		_, err := tx.DeleteDraft(ctx, conversationID, a.UserID)
		return err
	})
}

// NewChatInput starts a conversation from the agent's side.
type NewChatInput struct {
	ContactID     string
	InboxID       string
	Content       string
	AttachmentIDs []string
	// Template, instead of Content, opens a WhatsApp conversation outside
	// the 24-hour window.
	Template *TemplateReply
	// Subject is the first mail's subject: required on an email inbox
	// (the conversation keeps it; replies go out as "Re: …"), refused
	// elsewhere.
	Subject string
}

// MaxSubjectLen bounds a new email conversation's subject (runes): what
// fits a header line comfortably.
const MaxSubjectLen = 250

// newChatSubject checks the subject of a new conversation on inbox.
func newChatSubject(inbox *parley.Inbox, subject string) (string, error) {
	subject = strings.TrimSpace(subject)
	if !channel.SpecOf(inbox.Channel).Threads {
		if subject != "" {
			return "", parley.FieldErrorf("subject", "Only email conversations have a subject.")
		}
		return "", nil
	}
	switch {
	case subject == "":
		return "", parley.FieldErrorf("subject", "An email needs a subject.")
	case !utf8.ValidString(subject) || utf8.RuneCountInString(subject) > MaxSubjectLen:
		return "", parley.FieldErrorf("subject", "The subject must be valid text of at most %d characters.", MaxSubjectLen)
	case strings.ContainsFunc(subject, unicode.IsControl):
		// A line break would start another header (header injection).
		return "", parley.FieldErrorf("subject", "The subject must be one line without control characters.")
	}
	return subject, nil
}

// NewChat creates a conversation with a contact on one of their channels
// and sends the first message through the outbox, in one transaction: the
// channel's rules (the reply window, files) apply as to any reply. The
// conversation is open, assigned to the actor, with a new number.
func (s *Service) NewChat(ctx context.Context, a parley.Actor, in NewChatInput, outbox Outbox) (*parley.ConversationItem, error) {
	content := strings.TrimRight(in.Content, " \t\r\n")
	switch {
	case in.Template != nil && (content != "" || len(in.AttachmentIDs) > 0):
		return nil, parley.FieldErrorf("template", "Send either a template or content, not both.")
	case in.Template != nil:
	case strings.TrimSpace(content) == "" && len(in.AttachmentIDs) == 0:
		return nil, parley.FieldErrorf("content", "The message is empty.")
	case !utf8.ValidString(content) || utf8.RuneCountInString(content) > MaxContentLen:
		return nil, parley.FieldErrorf("content", "The message must be valid text of at most %d characters.", MaxContentLen)
	}
	var id string
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		ws, err := tx.FindWorkspaceByID(ctx, a.WorkspaceID)
		if err != nil {
			return err
		}
		contact, err := tx.FindContactByID(ctx, ws.ID, in.ContactID)
		if err != nil {
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("contact_id", "Contact %s does not exist.", clip(in.ContactID))
			}
			return err
		}
		inbox, err := tx.FindInboxByID(ctx, ws.ID, in.InboxID)
		if err != nil {
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("inbox_id", "Inbox %s does not exist.", clip(in.InboxID))
			}
			return err
		}
		if s.hooks.CanStartChat != nil {
			if err := s.hooks.CanStartChat(ctx, tx, inbox, contact.ID); err != nil {
				return err
			}
		}
		if !slices.ContainsFunc(contact.Identities, func(id parley.ContactIdentity) bool { return id.InboxID == in.InboxID }) {
			return parley.FieldErrorf("inbox_id", "The contact has no identity on inbox %s: pick one of their channels.", clip(in.InboxID))
		}
		subject, err := newChatSubject(inbox, in.Subject)
		if err != nil {
			return err
		}
		c := &parley.Conversation{
			WorkspaceID: ws.ID, ContactID: contact.ID, InboxID: inbox.ID, Status: parley.StatusOpen, TeamID: inbox.TeamID,
			AssigneeIDs: []string{a.UserID}, AIMode: parley.AIManual, Priority: parley.PriorityNone, Source: "agent",
			Subject: subject,
		}
		if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
			return parley.Errorf(parley.EFORBIDDEN, "You cannot start a conversation in this inbox.")
		}
		if in.Template == nil {
			// Outside the provider's window a free-form first message
			// would be refused: say so on content, before anything is
			// written.
			if err := CheckReplyWindow(ctx, tx, inbox, c, parley.SenderAgent, tx.Now()); err != nil {
				return parley.FieldErrorf("content", "%s", parley.ErrorMessage(err))
			}
		} else if !channel.SpecOf(inbox.Channel).Templates {
			return parley.FieldErrorf("template", "Templates are sent on WhatsApp inboxes; %s is not one.", inbox.Name)
		}
		if err := tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		if err := tx.StartedBy(ctx, c.ID, a.UserID); err != nil { // the Dialogs view
			return err
		}
		aud := c.Audience()
		item, err := tx.FindConversationItem(ctx, c.WorkspaceID, c.ID, "")
		if err != nil {
			return err
		}
		if err := tx.AppendEvent(parley.EventConversationCreated, c.WorkspaceID, c.ID, item, &aud, nil); err != nil {
			return err
		}
		if in.Template != nil {
			if _, err := s.sendTemplateIn(ctx, tx, a, ws, inbox, c, *in.Template, "template.", outbox); err != nil {
				return err
			}
		} else if _, err := s.reply(ctx, tx, a, c, ws, ReplyInput{Content: content, AttachmentIDs: in.AttachmentIDs}, content, outbox); err != nil {
			return err
		}
		id = c.ID
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.create", "conversation", c.ID, map[string]any{"number": c.Number, "inbox_id": inbox.ID})
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindConversationItem(ctx, a.WorkspaceID, id, a.UserID)
}
