package sqlstore

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

const cannedColumns = `id, workspace_id, owner_id, short_code, title, category, body, created_at, updated_at`

func scanCanned(row rowScanner) (*parley.CannedReply, error) {
	var r parley.CannedReply
	var created, updated int64
	if err := row.Scan(&r.ID, &r.WorkspaceID, &r.OwnerID, &r.ShortCode, &r.Title, &r.Category, &r.Body, &created, &updated); err != nil {
		return nil, notFound(err, "Canned reply")
	}
	r.Shared, r.CreatedAt, r.UpdatedAt = r.OwnerID == "", fromMicros(created), fromMicros(updated)
	return &r, nil
}

// ListCannedReplies returns the workspace's shared canned replies and the
// user's own, by short code.
func (q *queries) ListCannedReplies(ctx context.Context, workspaceID, userID string) ([]parley.CannedReply, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+cannedColumns+` FROM canned_replies
		WHERE workspace_id = $1 AND (owner_id = '' OR owner_id = $2) ORDER BY short_code, owner_id LIMIT 2000`, workspaceID, userID)
	if err != nil {
		return nil, fmt.Errorf("list canned replies: %w", err)
	}
	defer rows.Close()
	out := []parley.CannedReply{}
	for rows.Next() {
		r, err := scanCanned(rows)
		if err != nil {
			return nil, fmt.Errorf("list canned replies: %w", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// FindCannedReply returns a canned reply of the workspace, or ENOTFOUND.
func (q *queries) FindCannedReply(ctx context.Context, workspaceID, replyID string) (*parley.CannedReply, error) {
	if !id.Valid(replyID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Canned reply not found.")
	}
	return scanCanned(q.db.QueryRowContext(ctx, `SELECT `+cannedColumns+` FROM canned_replies WHERE id = $1 AND workspace_id = $2`, replyID, workspaceID))
}

// CannedCodeTaken reports whether another reply with the same owner (” for
// shared) already uses the short code.
func (q *queries) CannedCodeTaken(ctx context.Context, workspaceID, ownerID, code, exceptID string) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM canned_replies WHERE workspace_id = $1 AND owner_id = $2 AND short_code = $3 AND CAST(id AS TEXT) <> $4`,
		workspaceID, ownerID, code, exceptID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("canned code taken: %w", err)
	}
	return n > 0, nil
}

// SaveCannedReply inserts (no ID) or updates a canned reply.
func (tx *Tx) SaveCannedReply(ctx context.Context, r *parley.CannedReply, createdBy string) error {
	r.UpdatedAt = tx.now
	if r.ID == "" {
		r.ID, r.CreatedAt = id.New(), tx.now
		_, err := tx.db.ExecContext(ctx, `INSERT INTO canned_replies (`+cannedColumns+`, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
			r.ID, r.WorkspaceID, r.OwnerID, r.ShortCode, r.Title, r.Category, r.Body, micros(r.CreatedAt), micros(r.UpdatedAt), createdBy)
		if err != nil {
			return fmt.Errorf("insert canned reply: %w", err)
		}
		return nil
	}
	res, err := tx.db.ExecContext(ctx, `UPDATE canned_replies SET owner_id = $1, short_code = $2, title = $3, category = $4, body = $5, updated_at = $6
		WHERE id = $7 AND workspace_id = $8`, r.OwnerID, r.ShortCode, r.Title, r.Category, r.Body, micros(r.UpdatedAt), r.ID, r.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update canned reply: %w", err)
	}
	return mustAffect(res, "Canned reply")
}

// DeleteCannedReply removes a canned reply of the workspace.
func (tx *Tx) DeleteCannedReply(ctx context.Context, workspaceID, replyID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM canned_replies WHERE id = $1 AND workspace_id = $2`, replyID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete canned reply: %w", err)
	}
	return mustAffect(res, "Canned reply")
}
