package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
)

// CreateUpload records an uploaded file (its bytes are in the blob store
// under its id).
func (tx *Tx) CreateUpload(ctx context.Context, u *parley.Upload) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO uploads (id, workspace_id, user_id, file_name, content_type, size, created_at, voice) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		u.ID, u.WorkspaceID, u.UserID, u.FileName, u.ContentType, u.Size, micros(tx.now), u.Voice)
	if err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	return nil
}

// FindUpload returns a user's upload in a workspace, or ENOTFOUND.
func (q *queries) FindUpload(ctx context.Context, workspaceID, userID, uploadID string) (*parley.Upload, error) {
	u := &parley.Upload{WorkspaceID: workspaceID, UserID: userID}
	var msg sql.NullString
	err := q.db.QueryRowContext(ctx,
		`SELECT id, file_name, content_type, size, message_id, voice FROM uploads WHERE id = $1 AND workspace_id = $2 AND user_id = $3`,
		uploadID, workspaceID, userID).Scan(&u.ID, &u.FileName, &u.ContentType, &u.Size, &msg, &u.Voice)
	if err != nil {
		return nil, notFound(err, "Upload")
	}
	u.MessageID, u.Key = msg.String, u.ID
	return u, nil
}

// AttachUpload marks an upload as sent with a message; an upload already
// attached is ECONFLICT.
func (tx *Tx) AttachUpload(ctx context.Context, uploadID, messageID string) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE uploads SET message_id = $1 WHERE id = $2 AND message_id IS NULL`, messageID, uploadID)
	if err != nil {
		return fmt.Errorf("attach upload: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.FieldErrorf("attachment_ids", "That file was already sent with another message; upload it again.")
	}
	return nil
}

// FindUploadByID returns an upload by id alone, for signed links a
// provider fetches; ENOTFOUND when there is none.
func (q *queries) FindUploadByID(ctx context.Context, uploadID string) (*parley.Upload, error) {
	u := &parley.Upload{}
	var msg sql.NullString
	err := q.db.QueryRowContext(ctx,
		`SELECT id, workspace_id, user_id, file_name, content_type, size, message_id, voice FROM uploads WHERE id = $1`, uploadID).
		Scan(&u.ID, &u.WorkspaceID, &u.UserID, &u.FileName, &u.ContentType, &u.Size, &msg, &u.Voice)
	if err != nil {
		return nil, notFound(err, "Upload")
	}
	u.MessageID, u.Key = msg.String, u.ID
	return u, nil
}

// DeleteUpload removes a user's upload that was never sent; ENOTFOUND when
// there is none (or it was sent: sent files stay with their message).
func (tx *Tx) DeleteUpload(ctx context.Context, workspaceID, userID, uploadID string) error {
	res, err := tx.db.ExecContext(ctx,
		`DELETE FROM uploads WHERE id = $1 AND workspace_id = $2 AND user_id = $3 AND message_id IS NULL`,
		uploadID, workspaceID, userID)
	if err != nil {
		return fmt.Errorf("delete upload: %w", err)
	}
	return mustAffect(res, "Upload")
}

// DeleteStaleUploads removes uploads never sent that are older than
// before and returns their blob keys.
func (s *Store) DeleteStaleUploads(ctx context.Context, before time.Time) ([]string, error) {
	var keys []string
	err := s.Write(ctx, func(tx *Tx) error {
		keys = keys[:0]
		rows, err := tx.db.QueryContext(ctx,
			`DELETE FROM uploads WHERE message_id IS NULL AND created_at < $1 RETURNING CAST(id AS TEXT)`, micros(before))
		if err != nil {
			return fmt.Errorf("delete stale uploads: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return fmt.Errorf("delete stale uploads: %w", err)
			}
			keys = append(keys, k)
		}
		return rows.Err()
	})
	return keys, err
}
