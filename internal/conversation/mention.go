package conversation

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/id"
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

// Notification kinds.
const (
	NotifyMention     = "mention"
	NotifyParticipant = "participant"
)

// Notification is what a mentioned or added colleague is told. Until
// notifications have a table and channels of their own, it lives in the
// notification.created event (kept in the events table, replayed to a
// reconnecting client, delivered only to UserID and only while they can
// see the conversation).
type Notification struct {
	ID                 string         `json:"id"`
	UserID             string         `json:"user_id"`
	Kind               string         `json:"kind"`
	ConversationID     string         `json:"conversation_id"`
	ConversationNumber int64          `json:"conversation_number"`
	MessageID          string         `json:"message_id"`
	Actor              parley.Mention `json:"actor"`
	Text               string         `json:"text"`
	CreatedAt          string         `json:"created_at"`
}

// notify appends a notification.created event for each colleague but the
// author.
func notify(tx *sqlstore.Tx, a parley.Actor, conv *parley.Conversation, kind string, msg *parley.Message, to []parley.Mention) error {
	aud := conv.Audience()
	text := msg.Content
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:200]) + "…"
	}
	for _, u := range to {
		if u.ID == a.UserID {
			continue
		}
		n := Notification{ID: id.New(), UserID: u.ID, Kind: kind, ConversationID: conv.ID, ConversationNumber: conv.Number,
			MessageID: msg.ID, Actor: parley.Mention{ID: a.UserID, Name: a.Name}, Text: text, CreatedAt: tx.Now().Format("2006-01-02T15:04:05.999999Z07:00")}
		if err := tx.AppendEvent(parley.EventNotificationCreated, conv.WorkspaceID, conv.ID, n, &aud, nil); err != nil {
			return err
		}
	}
	return nil
}
