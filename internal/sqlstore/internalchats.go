package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// pair orders two user ids as internal_chats stores them.
func pair(a, b string) (string, string) {
	if b < a {
		return b, a
	}
	return a, b
}

// OpenInternalChat returns the chat between two users of a workspace,
// creating it when there is none (a and b may be the same user).
func (tx *Tx) OpenInternalChat(ctx context.Context, workspaceID, a, b string) (string, error) {
	ua, ub := pair(a, b)
	_, err := tx.db.ExecContext(ctx, `INSERT INTO internal_chats (id, workspace_id, user_a, user_b, last_message_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$5) ON CONFLICT (workspace_id, user_a, user_b) DO NOTHING`, id.New(), workspaceID, ua, ub, micros(tx.now))
	if err != nil {
		return "", fmt.Errorf("open internal chat: %w", err)
	}
	var chatID string
	if err := tx.db.QueryRowContext(ctx, `SELECT CAST(id AS TEXT) FROM internal_chats WHERE workspace_id = $1 AND user_a = $2 AND user_b = $3`,
		workspaceID, ua, ub).Scan(&chatID); err != nil {
		return "", fmt.Errorf("open internal chat: %w", err)
	}
	return chatID, nil
}

// InternalChatMembers returns the members of a chat of the workspace
// (one id for a chat with oneself), or ENOTFOUND.
func (q *queries) InternalChatMembers(ctx context.Context, workspaceID, chatID string) ([]string, error) {
	if !id.Valid(chatID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Internal chat not found.")
	}
	var a, b string
	err := q.db.QueryRowContext(ctx, `SELECT CAST(user_a AS TEXT), CAST(user_b AS TEXT) FROM internal_chats WHERE id = $1 AND workspace_id = $2`,
		chatID, workspaceID).Scan(&a, &b)
	if err != nil {
		return nil, notFound(err, "Internal chat")
	}
	if a == b {
		return []string{a}, nil
	}
	return []string{a, b}, nil
}

const internalChatSelect = `SELECT CAST(c.id AS TEXT), CAST(c.user_a AS TEXT), CAST(c.user_b AS TEXT), c.last_message_at, c.created_at,
	(SELECT COUNT(*) FROM internal_chat_messages m LEFT JOIN internal_chat_reads r ON r.chat_id = c.id AND r.user_id = $2
	  WHERE m.chat_id = c.id AND m.sender_id <> $2
	    AND (r.read_at IS NULL OR m.created_at > r.read_at OR (m.created_at = r.read_at AND CAST(m.id AS TEXT) > r.read_id)))
	FROM internal_chats c`

// Statements of internal_chat_messages.
const (
	internalMessageSelect = `SELECT CAST(id AS TEXT), CAST(sender_id AS TEXT), sender_name, content, attachments, created_at
		FROM internal_chat_messages WHERE chat_id = $1`
	// listInternalMessagesSQL is a chat's newest page ($2 the limit).
	listInternalMessagesSQL = internalMessageSelect + ` ORDER BY created_at DESC, id DESC LIMIT $2`
	// listInternalMessagesBeforeSQL is the page older than the ($3 created_at, $4 id) cursor.
	listInternalMessagesBeforeSQL = internalMessageSelect + `
		AND (created_at < $3 OR (created_at = $3 AND CAST(id AS TEXT) < $4)) ORDER BY created_at DESC, id DESC LIMIT $2`
)

// ListInternalChats returns a user's chats, latest message first, with
// their unread counts and last messages.
func (q *queries) ListInternalChats(ctx context.Context, workspaceID, userID string) ([]parley.InternalChat, error) {
	return q.internalChats(ctx, internalChatSelect+` WHERE c.workspace_id = $1 AND (c.user_a = $2 OR c.user_b = $2)
		ORDER BY c.last_message_at DESC, c.id DESC LIMIT 500`, workspaceID, userID)
}

// FindInternalChat returns one chat as its member userID sees it, or
// ENOTFOUND (also when userID is not a member).
func (q *queries) FindInternalChat(ctx context.Context, workspaceID, userID, chatID string) (*parley.InternalChat, error) {
	if !id.Valid(chatID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Internal chat not found.")
	}
	list, err := q.internalChats(ctx, internalChatSelect+` WHERE c.workspace_id = $1 AND (c.user_a = $2 OR c.user_b = $2) AND c.id = $3`,
		workspaceID, userID, chatID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "Internal chat not found.")
	}
	return &list[0], nil
}

func (q *queries) internalChats(ctx context.Context, query string, args ...any) ([]parley.InternalChat, error) {
	workspaceID, userID := args[0].(string), args[1].(string)
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list internal chats: %w", err)
	}
	defer rows.Close()
	out := []parley.InternalChat{}
	for rows.Next() {
		c := parley.InternalChat{WorkspaceID: workspaceID}
		var a, b string
		var last, created int64
		if err := rows.Scan(&c.ID, &a, &b, &last, &created, &c.UnreadCount); err != nil {
			return nil, fmt.Errorf("list internal chats: %w", err)
		}
		c.MemberIDs = []string{a, b}
		if a == b {
			c.MemberIDs = []string{a}
		}
		c.With.ID = a
		if a == userID {
			c.With.ID = b
		}
		c.LastMessageAt, c.CreatedAt = fromMicros(last), fromMicros(created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list internal chats: %w", err)
	}
	rows.Close()
	for i := range out {
		c := &out[i]
		var name, email sql.NullString
		if err := q.db.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = $1`, c.With.ID).Scan(&name, &email); err == nil {
			c.With.Name = name.String
			if c.With.Name == "" {
				c.With.Name = email.String
			}
		}
		msgs, err := q.ListInternalMessages(ctx, c.ID, nil, 1)
		if err != nil {
			return nil, err
		}
		if len(msgs) > 0 {
			c.LastMessage = &msgs[0]
		}
	}
	return out, nil
}

// InsertInternalMessage stores a message and moves its chat up.
func (tx *Tx) InsertInternalMessage(ctx context.Context, workspaceID string, m *parley.InternalChatMessage) error {
	if m.ID == "" {
		m.ID = id.New()
	}
	m.CreatedAt = tx.now
	if m.Attachments == nil {
		m.Attachments = []parley.Attachment{}
	}
	atts, _ := json.Marshal(m.Attachments)
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO internal_chat_messages (id, chat_id, workspace_id, sender_id, sender_name, content, attachments, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, m.ID, m.ChatID, workspaceID, m.SenderID, m.SenderName, m.Content, string(atts), micros(m.CreatedAt)); err != nil {
		return fmt.Errorf("insert internal message: %w", err)
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE internal_chats SET last_message_at = $1 WHERE id = $2`, micros(m.CreatedAt), m.ChatID); err != nil {
		return fmt.Errorf("insert internal message: %w", err)
	}
	return nil
}

// ListInternalMessages returns up to limit messages of a chat older than
// before (the newest when nil), oldest first.
func (q *queries) ListInternalMessages(ctx context.Context, chatID string, before *MessageCursor, limit int) ([]parley.InternalChatMessage, error) {
	query, args := listInternalMessagesSQL, []any{chatID, limit}
	if before != nil {
		query, args = listInternalMessagesBeforeSQL, []any{chatID, limit, micros(before.CreatedAt), before.ID}
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list internal messages: %w", err)
	}
	defer rows.Close()
	out := []parley.InternalChatMessage{}
	for rows.Next() {
		m := parley.InternalChatMessage{ChatID: chatID}
		var atts string
		var created int64
		if err := rows.Scan(&m.ID, &m.SenderID, &m.SenderName, &m.Content, &atts, &created); err != nil {
			return nil, fmt.Errorf("list internal messages: %w", err)
		}
		_ = json.Unmarshal([]byte(atts), &m.Attachments)
		if m.Attachments == nil {
			m.Attachments = []parley.Attachment{}
		}
		m.CreatedAt = fromMicros(created)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list internal messages: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

// FindInternalMessage returns a message of a chat, or ENOTFOUND.
func (q *queries) FindInternalMessage(ctx context.Context, chatID, messageID string) (*parley.InternalChatMessage, error) {
	if !id.Valid(messageID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Message not found.")
	}
	m := parley.InternalChatMessage{ChatID: chatID}
	var atts string
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT CAST(id AS TEXT), CAST(sender_id AS TEXT), sender_name, content, attachments, created_at
		FROM internal_chat_messages WHERE id = $1 AND chat_id = $2`, messageID, chatID).Scan(&m.ID, &m.SenderID, &m.SenderName, &m.Content, &atts, &created)
	if err != nil {
		return nil, notFound(err, "Message")
	}
	_ = json.Unmarshal([]byte(atts), &m.Attachments)
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

// MarkInternalChatRead marks everything in a chat read for a user, up to
// its newest message.
func (tx *Tx) MarkInternalChatRead(ctx context.Context, chatID, userID string) error {
	msgs, err := tx.ListInternalMessages(ctx, chatID, nil, 1)
	if err != nil || len(msgs) == 0 {
		return err
	}
	last := msgs[0]
	_, err = tx.db.ExecContext(ctx, `INSERT INTO internal_chat_reads (chat_id, user_id, read_at, read_id) VALUES ($1,$2,$3,$4)
		ON CONFLICT (chat_id, user_id) DO UPDATE SET read_at = $3, read_id = $4`, chatID, userID, micros(last.CreatedAt), last.ID)
	if err != nil {
		return fmt.Errorf("mark internal chat read: %w", err)
	}
	return nil
}

// DeleteInternalChat removes a chat of the workspace and its messages.
func (tx *Tx) DeleteInternalChat(ctx context.Context, workspaceID, chatID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM internal_chats WHERE id = $1 AND workspace_id = $2`, chatID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete internal chat: %w", err)
	}
	return mustAffect(res, "Internal chat")
}

// ListInternalChatsOf returns every chat of the workspace (ids and
// members) without their messages: what an admin sees to delete them.
func (q *queries) ListInternalChatsOf(ctx context.Context, workspaceID string) ([]parley.InternalChat, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT CAST(id AS TEXT), CAST(user_a AS TEXT), CAST(user_b AS TEXT), last_message_at, created_at
		FROM internal_chats WHERE workspace_id = $1 ORDER BY last_message_at DESC, id DESC LIMIT 1000`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list internal chats: %w", err)
	}
	defer rows.Close()
	out := []parley.InternalChat{}
	for rows.Next() {
		c := parley.InternalChat{WorkspaceID: workspaceID}
		var a, b string
		var last, created int64
		if err := rows.Scan(&c.ID, &a, &b, &last, &created); err != nil {
			return nil, fmt.Errorf("list internal chats: %w", err)
		}
		c.MemberIDs = []string{a, b}
		if a == b {
			c.MemberIDs = []string{a}
		}
		c.LastMessageAt, c.CreatedAt = fromMicros(last), fromMicros(created)
		out = append(out, c)
	}
	return out, rows.Err()
}
