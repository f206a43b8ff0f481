package sqlstore

import (
	"context"
	"fmt"
)

// RecordChannelTestFailure notes a failed "Test connection" as the inbox's
// last error (and when): it is not a failed send, so the run of failures
// and its alert are left as they are.
func (tx *Tx) RecordChannelTestFailure(ctx context.Context, workspaceID, inboxID, errText string) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO channel_health (inbox_id, workspace_id, last_error, last_error_at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (inbox_id) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
		inboxID, workspaceID, errText, micros(tx.now))
	if err != nil {
		return fmt.Errorf("record channel test failure: %w", err)
	}
	return nil
}
