package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley"
)

// SaveConstructorDraft keeps a user's unfinished constructor message.
func (tx *Tx) SaveConstructorDraft(ctx context.Context, workspaceID, conversationID, userID string, blocks []byte) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO constructor_drafts (conversation_id, user_id, workspace_id, blocks, updated_at)
		VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (conversation_id, user_id) DO UPDATE SET blocks = excluded.blocks, updated_at = excluded.updated_at`,
		conversationID, userID, workspaceID, string(blocks), micros(tx.now))
	if err != nil {
		return fmt.Errorf("save constructor draft: %w", err)
	}
	return nil
}

// FindConstructorDraft returns a user's constructor blocks (JSON) of a
// conversation and when they were saved, or ENOTFOUND.
func (q *queries) FindConstructorDraft(ctx context.Context, conversationID, userID string) ([]byte, int64, error) {
	var blocks string
	var at int64
	err := q.db.QueryRowContext(ctx, `SELECT blocks, updated_at FROM constructor_drafts WHERE conversation_id = $1 AND user_id = $2`,
		conversationID, userID).Scan(&blocks, &at)
	if err != nil {
		return nil, 0, notFound(err, "Constructor draft")
	}
	return []byte(blocks), at, nil
}

// DeleteConstructorDraft removes a user's constructor message of a
// conversation and reports whether there was one.
func (tx *Tx) DeleteConstructorDraft(ctx context.Context, conversationID, userID string) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM constructor_drafts WHERE conversation_id = $1 AND user_id = $2`, conversationID, userID)
	if err != nil {
		return false, fmt.Errorf("delete constructor draft: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SaveMessageCards records the cards an outbound message is sent as on
// channels that send them (Messenger's generic template).
func (tx *Tx) SaveMessageCards(ctx context.Context, m *parley.Message, cards any) error {
	raw, err := json.Marshal(cards)
	if err != nil {
		return fmt.Errorf("save message cards: %w", err)
	}
	_, err = tx.db.ExecContext(ctx, `INSERT INTO message_cards (message_id, workspace_id, cards, created_at) VALUES ($1,$2,$3,$4)`,
		m.ID, m.WorkspaceID, string(raw), micros(tx.now))
	if err != nil {
		return fmt.Errorf("save message cards: %w", err)
	}
	return nil
}

// FindMessageCards decodes the cards of a message into dst; ENOTFOUND
// when it has none.
func (q *queries) FindMessageCards(ctx context.Context, messageID string, dst any) error {
	var raw string
	if err := q.db.QueryRowContext(ctx, `SELECT cards FROM message_cards WHERE message_id = $1`, messageID).Scan(&raw); err != nil {
		return notFound(err, "Message cards")
	}
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return fmt.Errorf("message cards: %w", err)
	}
	return nil
}
