package conversation

import (
	"context"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/id"
	notifications "github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MaxMentions bounds the colleagues one note mentions or one request adds.
const MaxMentions = 20

// colleagues resolves user ids named in field to members who can see the
// conversation, in the order given, without duplicates. Anyone else is
// refused by name: a mention must never show a conversation to someone
// who may not see it.
func colleagues(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, conv *parley.Conversation, field string, ids []string) ([]parley.Mention, error) {
	if len(ids) > MaxMentions {
		return nil, parley.FieldErrorf(field, "At most %d colleagues at once.", MaxMentions)
	}
	var out []parley.Mention
	var refused []string
	for _, uid := range ids {
		if slices.ContainsFunc(out, func(m parley.Mention) bool { return m.ID == uid }) {
			continue
		}
		if !id.Valid(uid) {
			return nil, parley.FieldErrorf(field, "User %s is not a member of this workspace.", clip(uid))
		}
		m, err := tx.FindMember(ctx, ws.ID, uid)
		if parley.IsNotFound(err) {
			return nil, parley.FieldErrorf(field, "User %s is not a member of this workspace.", clip(uid))
		}
		if err != nil {
			return nil, err
		}
		who := parley.Actor{UserID: m.ID, Name: m.Name, WorkspaceID: ws.ID, Role: m.Role, TeamIDs: m.TeamIDs}
		if !access.CanSeeConversation(who, ws.Settings, conv.Audience()) {
			refused = append(refused, displayName(m))
			continue
		}
		out = append(out, parley.Mention{ID: m.ID, Name: displayName(m)})
	}
	if len(refused) > 0 {
		return nil, parley.FieldErrorf(field, "%s cannot see this conversation: share it with them first (assign it or add them to its visibility list).",
			strings.Join(refused, ", "))
	}
	return out, nil
}

func displayName(m *parley.Member) string {
	if strings.TrimSpace(m.Name) != "" {
		return m.Name
	}
	return m.Email
}

// notify tells the colleagues named in msg's mentions (a note's
// mentions, or the people just added) through the notification system,
// which decides with everyone else's notifications what reaches whom
// (preferences, quiet hours, push, email) and never tells the author.
func notify(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, conv *parley.Conversation, kind string, msg *parley.Message, to []parley.Mention) error {
	if len(to) == 0 {
		return nil
	}
	ids := make([]string, len(to))
	for i, u := range to {
		ids[i] = u.ID
	}
	contact := ""
	if c, err := tx.FindContactByID(ctx, conv.WorkspaceID, conv.ContactID); err == nil {
		contact = c.Name
	} else if !parley.IsNotFound(err) {
		return err
	}
	aud := conv.Audience()
	return notifications.Emit(ctx, tx, notifications.Source{
		Kind: kind, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, MessageID: msg.ID, InboxID: conv.InboxID,
		Audience: &aud, Number: conv.Number, ContactName: contact, Text: msg.Content, UserIDs: ids,
		Actor: parley.NotificationActor{Kind: parley.SenderAgent, ID: a.UserID, Name: a.Name},
	})
}

// Kinds of what a note or an addition tells colleagues (notify's
// sources; both notify as type mention).
const (
	NotifyMention     = notifications.SourceMention
	NotifyParticipant = notifications.SourceParticipant
)
