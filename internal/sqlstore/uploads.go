package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley"
)

// Upload is a file an agent uploaded, not yet or already attached.
type Upload struct {
	parley.Attachment
	WorkspaceID string `json:"-"`
	UserID      string `json:"-"`
	MessageID   string `json:"-"`
}

// CreateUpload records an uploaded file (its bytes are in the blob store
// under its id).
func (tx *Tx) CreateUpload(ctx context.Context, u *Upload) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO uploads (id, workspace_id, user_id, file_name, content_type, size, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		u.ID, u.WorkspaceID, u.UserID, u.FileName, u.ContentType, u.Size, micros(tx.now))
	if err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	return nil
}

// FindUpload returns a user's upload in a workspace, or ENOTFOUND.
func (q *queries) FindUpload(ctx context.Context, workspaceID, userID, uploadID string) (*Upload, error) {
	u := &Upload{WorkspaceID: workspaceID, UserID: userID}
	var msg sql.NullString
	err := q.db.QueryRowContext(ctx,
		`SELECT id, file_name, content_type, size, message_id FROM uploads WHERE id = $1 AND workspace_id = $2 AND user_id = $3`,
		uploadID, workspaceID, userID).Scan(&u.ID, &u.FileName, &u.ContentType, &u.Size, &msg)
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
func (q *queries) FindUploadByID(ctx context.Context, uploadID string) (*Upload, error) {
	u := &Upload{}
	var msg sql.NullString
	err := q.db.QueryRowContext(ctx,
		`SELECT id, workspace_id, user_id, file_name, content_type, size, message_id FROM uploads WHERE id = $1`, uploadID).
		Scan(&u.ID, &u.WorkspaceID, &u.UserID, &u.FileName, &u.ContentType, &u.Size, &msg)
	if err != nil {
		return nil, notFound(err, "Upload")
	}
	u.MessageID, u.Key = msg.String, u.ID
	return u, nil
}
