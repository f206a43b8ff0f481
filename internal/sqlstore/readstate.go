package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// MarkUnread leaves the newest customer message of a conversation unread
// for a user; false when the customer has written nothing.
func (tx *Tx) MarkUnread(ctx context.Context, conversationID, userID string) (bool, error) {
	var inbound int64
	if err := tx.db.QueryRowContext(ctx, `SELECT inbound_count FROM conversations WHERE id = $1`, conversationID).Scan(&inbound); err != nil {
		return false, notFound(err, "Conversation")
	}
	if inbound == 0 {
		return false, nil
	}
	err := tx.rekey(ctx, conversationID, func() error {
		_, err := tx.db.ExecContext(ctx,
			`INSERT INTO conversation_user_state (conversation_id, user_id, read_inbound_count, pinned) VALUES ($1, $2, $3, FALSE)
			 ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_inbound_count = excluded.read_inbound_count`,
			conversationID, userID, inbound-1)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("mark unread: %w", err)
	}
	return true, nil
}

// MarkReadOnOpen returns a member's "mark read when opened" preference
// (true when never set).
func (q *queries) MarkReadOnOpen(ctx context.Context, workspaceID, userID string) (bool, error) {
	var v bool
	err := q.db.QueryRowContext(ctx, `SELECT mark_read_on_open FROM read_preferences WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read preferences: %w", err)
	}
	return v, nil
}

// SetMarkReadOnOpen stores a member's "mark read when opened" preference.
func (tx *Tx) SetMarkReadOnOpen(ctx context.Context, workspaceID, userID string, v bool) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO read_preferences (workspace_id, user_id, mark_read_on_open) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET mark_read_on_open = excluded.mark_read_on_open`, workspaceID, userID, v)
	if err != nil {
		return fmt.Errorf("set read preferences: %w", err)
	}
	return nil
}
