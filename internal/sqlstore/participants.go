package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
)

// AddParticipant adds a colleague to a conversation; added is false when
// they already were.
func (tx *Tx) AddParticipant(ctx context.Context, workspaceID, conversationID, userID, addedBy string) (added bool, err error) {
	res, err := tx.db.ExecContext(ctx, `INSERT INTO conversation_participants (conversation_id, user_id, workspace_id, added_by, created_at)
		VALUES ($1,$2,$3,$4,$5) ON CONFLICT (conversation_id, user_id) DO NOTHING`, conversationID, userID, workspaceID, addedBy, micros(tx.now))
	if err != nil {
		return false, fmt.Errorf("add participant: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveParticipant removes a colleague from a conversation.
func (tx *Tx) RemoveParticipant(ctx context.Context, conversationID, userID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM conversation_participants WHERE conversation_id = $1 AND user_id = $2`, conversationID, userID)
	if err != nil {
		return fmt.Errorf("remove participant: %w", err)
	}
	return mustAffect(res, "Participant")
}

// ListParticipants returns a conversation's participants, first added first.
func (q *queries) ListParticipants(ctx context.Context, conversationID string) ([]parley.Participant, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT CAST(p.user_id AS TEXT), COALESCE(NULLIF(u.name, ''), u.email, ''), p.added_by, p.created_at
		FROM conversation_participants p LEFT JOIN users u ON u.id = p.user_id
		WHERE p.conversation_id = $1 ORDER BY p.created_at, p.user_id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("list participants: %w", err)
	}
	defer rows.Close()
	out := []parley.Participant{}
	for rows.Next() {
		p := parley.Participant{ConversationID: conversationID}
		var created int64
		if err := rows.Scan(&p.UserID, &p.Name, &p.AddedBy, &created); err != nil {
			return nil, fmt.Errorf("list participants: %w", err)
		}
		p.CreatedAt = fromMicros(created)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Statements of conversation_participants.
const (
	participatingSelect = `SELECT CAST(p.conversation_id AS TEXT), p.created_at FROM conversation_participants p
		JOIN conversations c ON c.id = p.conversation_id AND c.deleted_at IS NULL
		WHERE p.workspace_id = $1 AND p.user_id = $2`
	participatingOrder = ` ORDER BY p.created_at DESC, p.conversation_id DESC LIMIT $3`
	// listParticipatingSQL is the user's first page ($3 the limit).
	listParticipatingSQL = participatingSelect + participatingOrder
	// listParticipatingAfterSQL is the page after the ($4 created_at, $5 conversation id) cursor.
	listParticipatingAfterSQL = participatingSelect +
		` AND (p.created_at < $4 OR (p.created_at = $4 AND CAST(p.conversation_id AS TEXT) < $5))` + participatingOrder
)

// ParticipatingCursor is the keyset position in a user's Participating list.
type ParticipatingCursor struct {
	AddedAt        time.Time `json:"t"`
	ConversationID string    `json:"id"`
}

// ListParticipating returns the conversations a user was added to, last
// added first, after the cursor: their ids and when the user was added.
func (q *queries) ListParticipating(ctx context.Context, workspaceID, userID string, after *ParticipatingCursor, limit int) ([]ParticipatingCursor, error) {
	query, args := listParticipatingSQL, []any{workspaceID, userID, limit}
	if after != nil {
		query, args = listParticipatingAfterSQL, []any{workspaceID, userID, limit, micros(after.AddedAt), after.ConversationID}
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list participating: %w", err)
	}
	defer rows.Close()
	var out []ParticipatingCursor
	for rows.Next() {
		var c ParticipatingCursor
		var at int64
		if err := rows.Scan(&c.ConversationID, &at); err != nil {
			return nil, fmt.Errorf("list participating: %w", err)
		}
		c.AddedAt = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
