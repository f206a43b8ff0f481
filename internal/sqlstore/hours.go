package sqlstore

import (
	"context"
	"fmt"
	"time"
)

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

// BusinessHoursRow is one stored business-hours setting.
type BusinessHoursRow struct {
	Settings  string
	UpdatedAt time.Time
}

// BusinessHoursOf returns the workspace's row (key "") and the inbox's
// override (key inboxID) in one query: the inbound path asks for both on
// every customer message. Missing rows are absent from the map.
func (q *queries) BusinessHoursOf(ctx context.Context, workspaceID, inboxID string) (map[string]BusinessHoursRow, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT inbox_id, settings, updated_at FROM business_hours
		WHERE workspace_id = $1 AND inbox_id IN ('', $2)`, workspaceID, inboxID)
	if err != nil {
		return nil, fmt.Errorf("business hours: %w", err)
	}
	defer rows.Close()
	out := make(map[string]BusinessHoursRow, 2)
	for rows.Next() {
		var id string
		var r BusinessHoursRow
		var at int64
		if err := rows.Scan(&id, &r.Settings, &at); err != nil {
			return nil, fmt.Errorf("business hours: %w", err)
		}
		r.UpdatedAt = fromMicros(at)
		out[id] = r
	}
	return out, rows.Err()
}
