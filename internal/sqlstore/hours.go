package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// BusinessHours returns the stored business-hours settings (JSON) of the
// workspace (inboxID "") or of an inbox's override; found is false when
// none were ever saved.
func (q *queries) BusinessHours(ctx context.Context, workspaceID, inboxID string) (settings string, updated time.Time, found bool, err error) {
	var at int64
	err = q.db.QueryRowContext(ctx, `SELECT settings, updated_at FROM business_hours WHERE workspace_id = $1 AND inbox_id = $2`,
		workspaceID, inboxID).Scan(&settings, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("business hours: %w", err)
	}
	return settings, fromMicros(at), true, nil
}

// SaveBusinessHours writes the workspace's (inboxID "") or an inbox's
// business-hours settings.
func (tx *Tx) SaveBusinessHours(ctx context.Context, workspaceID, inboxID, settings string) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO business_hours (workspace_id, inbox_id, settings, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, inbox_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
		workspaceID, inboxID, settings, micros(tx.Now()))
	if err != nil {
		return fmt.Errorf("save business hours: %w", err)
	}
	return nil
}

// ClaimAwayMessage marks the conversation's away message as sent and
// reports whether this call did it: false when it was sent before. The
// conditional UPDATE makes the claim once across nodes (a concurrent
// writer waits on the row and then matches nothing).
func (tx *Tx) ClaimAwayMessage(ctx context.Context, workspaceID, conversationID string) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `UPDATE conversations SET away_sent = TRUE
		WHERE id = $1 AND workspace_id = $2 AND away_sent = FALSE AND bot_messages_off = FALSE`, conversationID, workspaceID)
	if err != nil {
		return false, fmt.Errorf("claim away message: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim away message: %w", err)
	}
	return n == 1, nil
}

// ReleaseAwayMessage undoes ClaimAwayMessage when the message could not
// be sent (a channel's closed reply window), so a later one may go.
func (tx *Tx) ReleaseAwayMessage(ctx context.Context, workspaceID, conversationID string) error {
	_, err := tx.db.ExecContext(ctx, `UPDATE conversations SET away_sent = FALSE WHERE id = $1 AND workspace_id = $2`, conversationID, workspaceID)
	if err != nil {
		return fmt.Errorf("release away message: %w", err)
	}
	return nil
}
