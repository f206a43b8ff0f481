package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/id"
)

// ImportRowError is a row of a CSV import that was not imported, and why.
type ImportRowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ContactImport is a CSV import and its progress.
type ContactImport struct {
	ID          string           `json:"id"`
	WorkspaceID string           `json:"workspace_id"`
	Status      string           `json:"status"`
	DryRun      bool             `json:"dry_run"`
	Total       int              `json:"total"`
	Processed   int              `json:"processed"`
	Created     int              `json:"created"`
	Updated     int              `json:"updated"`
	Unchanged   int              `json:"unchanged"`
	Failed      int              `json:"failed"`
	Errors      []ImportRowError `json:"errors"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// SaveContactImport inserts or rewrites an import's progress.
func (tx *Tx) SaveContactImport(ctx context.Context, im *ContactImport, userID string) error {
	if im.ID == "" {
		im.ID, im.CreatedAt = id.New(), tx.now
	}
	im.UpdatedAt = tx.now
	if im.Errors == nil {
		im.Errors = []ImportRowError{}
	}
	errs, _ := json.Marshal(im.Errors)
	_, err := tx.db.ExecContext(ctx, `INSERT INTO contact_imports (id, workspace_id, user_id, status, total, processed, created, updated,
			unchanged, failed, errors, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, total = excluded.total, processed = excluded.processed,
			created = excluded.created, updated = excluded.updated, unchanged = excluded.unchanged, failed = excluded.failed,
			errors = excluded.errors, updated_at = excluded.updated_at`,
		im.ID, im.WorkspaceID, userID, im.Status, im.Total, im.Processed, im.Created, im.Updated, im.Unchanged, im.Failed,
		string(errs), micros(im.CreatedAt), micros(tx.now))
	if err != nil {
		return fmt.Errorf("save contact import: %w", err)
	}
	return nil
}

// FindContactImport returns an import of the workspace, or ENOTFOUND.
func (q *queries) FindContactImport(ctx context.Context, workspaceID, importID string) (*ContactImport, error) {
	var im ContactImport
	var errs string
	var created, updated int64
	err := q.db.QueryRowContext(ctx, `SELECT id, workspace_id, status, total, processed, created, updated, unchanged, failed, errors,
		created_at, updated_at FROM contact_imports WHERE id = $1 AND workspace_id = $2`, importID, workspaceID).Scan(
		&im.ID, &im.WorkspaceID, &im.Status, &im.Total, &im.Processed, &im.Created, &im.Updated, &im.Unchanged, &im.Failed, &errs,
		&created, &updated)
	if err != nil {
		return nil, notFound(err, "Import")
	}
	im.CreatedAt, im.UpdatedAt = fromMicros(created), fromMicros(updated)
	_ = json.Unmarshal([]byte(errs), &im.Errors)
	if im.Errors == nil {
		im.Errors = []ImportRowError{}
	}
	return &im, nil
}

// FindContactIDByEmail returns the live contact with that (normalised)
// email in the workspace, or ENOTFOUND.
func (q *queries) FindContactIDByEmail(ctx context.Context, workspaceID, email string) (string, error) {
	var cid string
	err := q.db.QueryRowContext(ctx,
		`SELECT id FROM contacts WHERE workspace_id = $1 AND email = $2 AND deleted_at IS NULL ORDER BY created_at LIMIT 1`,
		workspaceID, normalizeEmail(email)).Scan(&cid)
	if err != nil {
		return "", notFound(err, "Contact")
	}
	return cid, nil
}

// ContactImportFile is what a background import's job needs to run (or
// resume) it: the file, the options it was started with, and the CSV line
// of the last row already written (0 before the first batch).
type ContactImportFile struct {
	ImportID    string
	WorkspaceID string
	Options     []byte
	Body        []byte
	DoneLine    int
}

// SaveContactImportFile keeps a background import's file and options until
// it finishes.
func (tx *Tx) SaveContactImportFile(ctx context.Context, f *ContactImportFile) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO contact_import_files (import_id, workspace_id, options, body, done_line)
		VALUES ($1,$2,$3,$4,$5)`, f.ImportID, f.WorkspaceID, string(f.Options), f.Body, f.DoneLine)
	if err != nil {
		return fmt.Errorf("save contact import file: %w", err)
	}
	return nil
}

// FindContactImportFile returns a background import's file, or ENOTFOUND
// once the import has finished.
func (q *queries) FindContactImportFile(ctx context.Context, workspaceID, importID string) (*ContactImportFile, error) {
	f := ContactImportFile{ImportID: importID, WorkspaceID: workspaceID}
	var opts string
	err := q.db.QueryRowContext(ctx, `SELECT options, body, done_line FROM contact_import_files WHERE import_id = $1 AND workspace_id = $2`,
		importID, workspaceID).Scan(&opts, &f.Body, &f.DoneLine)
	if err != nil {
		return nil, notFound(err, "Import file")
	}
	f.Options = []byte(opts)
	return &f, nil
}

// AdvanceContactImport records that the rows up to line are written; call
// it in the transaction that writes them.
func (tx *Tx) AdvanceContactImport(ctx context.Context, importID string, line int) error {
	if _, err := tx.db.ExecContext(ctx, `UPDATE contact_import_files SET done_line = $1 WHERE import_id = $2`, line, importID); err != nil {
		return fmt.Errorf("advance contact import: %w", err)
	}
	return nil
}

// DeleteContactImportFile drops a finished import's file.
func (tx *Tx) DeleteContactImportFile(ctx context.Context, importID string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM contact_import_files WHERE import_id = $1`, importID); err != nil {
		return fmt.Errorf("delete contact import file: %w", err)
	}
	return nil
}

// FindContactImportUser returns who started an import (the background job
// acts as them).
func (q *queries) FindContactImportUser(ctx context.Context, workspaceID, importID string) (string, error) {
	var uid string
	err := q.db.QueryRowContext(ctx, `SELECT user_id FROM contact_imports WHERE id = $1 AND workspace_id = $2`, importID, workspaceID).Scan(&uid)
	if err != nil {
		return "", notFound(err, "Import")
	}
	return uid, nil
}

// MatchContactKeys returns the live contacts of the workspace with any of
// the (normalised) emails or phones, as email → id and phone → id (the
// oldest contact when several share one): an import batch's lookups in one
// query rather than two per row.
func (q *queries) MatchContactKeys(ctx context.Context, workspaceID string, emails, phones []string) (byEmail, byPhone map[string]string, err error) {
	byEmail, byPhone = map[string]string{}, map[string]string{}
	if len(emails) == 0 && len(phones) == 0 {
		return byEmail, byPhone, nil
	}
	args := []any{workspaceID}
	list := func(vals []string) string {
		if len(vals) == 0 {
			return "NULL"
		}
		first := len(args) + 1
		for _, v := range vals {
			args = append(args, v)
		}
		return placeholders(first, len(vals))
	}
	norm := make([]string, len(emails))
	for i, e := range emails {
		norm[i] = normalizeEmail(e)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT id, email, phone FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL
		AND (email IN (`+list(norm)+`) OR phone IN (`+list(phones)+`)) ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("match contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid, email, phone string
		if err := rows.Scan(&cid, &email, &phone); err != nil {
			return nil, nil, fmt.Errorf("match contacts: %w", err)
		}
		if _, ok := byEmail[email]; !ok && email != "" {
			byEmail[email] = cid
		}
		if _, ok := byPhone[phone]; !ok && phone != "" {
			byPhone[phone] = cid
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("match contacts: %w", err)
	}
	return byEmail, byPhone, nil
}
