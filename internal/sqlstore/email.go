package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parleyhq/parley"
)

// emailText is a message's email details as stored (NULL for none).
func emailText(e *parley.EmailInfo) sql.NullString {
	if e == nil {
		return sql.NullString{}
	}
	b, _ := json.Marshal(e)
	return sql.NullString{String: string(b), Valid: true}
}

func decodeEmail(s sql.NullString) *parley.EmailInfo {
	if !s.Valid || s.String == "" {
		return nil
	}
	var e parley.EmailInfo
	if json.Unmarshal([]byte(s.String), &e) != nil {
		return nil
	}
	return &e
}

// FindInboxByRouteKey returns the live inbox of a channel bound to key
// (an email inbox's address), or ENOTFOUND.
func (q *queries) FindInboxByRouteKey(ctx context.Context, channel, key string) (*parley.Inbox, error) {
	return q.scanInbox(q.db.QueryRowContext(ctx,
		`SELECT `+inboxColumns+` FROM inboxes WHERE channel = $1 AND route_key = $2 AND deleted_at IS NULL`, channel, key))
}

// FindConversationByNumber returns a live conversation of the workspace by
// its number, or ENOTFOUND.
func (q *queries) FindConversationByNumber(ctx context.Context, workspaceID string, number int64) (*parley.Conversation, error) {
	return scanConversation(q.db.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations c WHERE c.workspace_id = $1 AND c.number = $2 AND c.deleted_at IS NULL`,
		workspaceID, number))
}

// ThreadProviderIDs returns the provider message ids of a conversation's
// messages on an inbox, oldest first, at most limit of the newest: an
// email reply's References.
func (q *queries) ThreadProviderIDs(ctx context.Context, conversationID, inboxID string, limit int) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT provider_message_id FROM messages
		WHERE conversation_id = $1 AND inbox_id = $2 AND provider_message_id <> '' AND private = FALSE
		ORDER BY created_at DESC, id DESC LIMIT $3`, conversationID, inboxID, limit)
	if err != nil {
		return nil, fmt.Errorf("thread ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("thread ids: %w", err)
		}
		out = append(out, s)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, rows.Err()
}

// InsertQuietInbound stores a customer message that changes nothing about
// its conversation (an automatic reply): no unreplied count, no status
// change, no new activity.
func (tx *Tx) InsertQuietInbound(ctx context.Context, m *parley.Message) error {
	ins, args := tx.messageInsert(m)
	if _, err := tx.db.ExecContext(ctx, ins, args...); err != nil {
		return fmt.Errorf("insert quiet message: %w", err)
	}
	return nil
}

// EmailPoll is where an inbox's IMAP polling stands.
type EmailPoll struct {
	UIDValidity uint32
	LastUID     uint32
}

// FindEmailPoll returns an inbox's polling state (zero when it never
// polled).
func (q *queries) FindEmailPoll(ctx context.Context, inboxID string) (EmailPoll, error) {
	var p EmailPoll
	var v, u int64
	err := q.db.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM email_polls WHERE inbox_id = $1`, inboxID).Scan(&v, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("find email poll: %w", err)
	}
	return EmailPoll{UIDValidity: uint32(v), LastUID: uint32(u)}, nil
}

// SaveEmailPoll records an inbox's polling state.
func (tx *Tx) SaveEmailPoll(ctx context.Context, inboxID string, p EmailPoll) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO email_polls (inbox_id, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (inbox_id) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
		inboxID, int64(p.UIDValidity), int64(p.LastUID), micros(tx.now))
	if err != nil {
		return fmt.Errorf("save email poll: %w", err)
	}
	return nil
}
