package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/id"
)

// ContactNote is a note about a person (not about one conversation),
// shown on the client card to the whole team.
type ContactNote struct {
	ID         string    `json:"id"`
	ContactID  string    `json:"contact_id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CreateContactNote inserts a note; ID and times are filled in.
func (tx *Tx) CreateContactNote(ctx context.Context, workspaceID string, n *ContactNote) error {
	n.ID, n.CreatedAt, n.UpdatedAt = id.New(), tx.now, tx.now
	_, err := tx.db.ExecContext(ctx, `INSERT INTO contact_notes (id, workspace_id, contact_id, author_id, author_name, body, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, n.ID, workspaceID, n.ContactID, n.AuthorID, n.AuthorName, n.Body, micros(tx.now), micros(tx.now))
	if err != nil {
		return fmt.Errorf("create contact note: %w", err)
	}
	return nil
}

// FindContactNote returns one note of a contact, or ENOTFOUND.
func (q *queries) FindContactNote(ctx context.Context, workspaceID, contactID, noteID string) (*ContactNote, error) {
	if !id.Valid(noteID) {
		return nil, notFound(sql.ErrNoRows, "Note")
	}
	notes, err := q.listContactNotes(ctx, `WHERE workspace_id = $1 AND contact_id = $2 AND id = $3`, workspaceID, contactID, noteID)
	if err != nil {
		return nil, err
	}
	if len(notes) == 0 {
		return nil, notFound(sql.ErrNoRows, "Note")
	}
	return &notes[0], nil
}

// ListContactNotes returns a contact's notes, newest first.
func (q *queries) ListContactNotes(ctx context.Context, workspaceID, contactID string, limit int) ([]ContactNote, error) {
	return q.listContactNotes(ctx, `WHERE workspace_id = $1 AND contact_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
		workspaceID, contactID, limit)
}

func (q *queries) listContactNotes(ctx context.Context, tail string, args ...any) ([]ContactNote, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, contact_id, author_id, author_name, body, created_at, updated_at FROM contact_notes `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list contact notes: %w", err)
	}
	defer rows.Close()
	out := []ContactNote{}
	for rows.Next() {
		var n ContactNote
		var created, updated int64
		if err := rows.Scan(&n.ID, &n.ContactID, &n.AuthorID, &n.AuthorName, &n.Body, &created, &updated); err != nil {
			return nil, fmt.Errorf("list contact notes: %w", err)
		}
		n.CreatedAt, n.UpdatedAt = fromMicros(created), fromMicros(updated)
		out = append(out, n)
	}
	return out, rows.Err()
}

// DeleteContactNote deletes a note.
func (tx *Tx) DeleteContactNote(ctx context.Context, workspaceID, noteID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM contact_notes WHERE id = $1 AND workspace_id = $2`, noteID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete contact note: %w", err)
	}
	return mustAffect(res, "Note")
}

// MoveContactNotes gives the notes of one contact to another (a merge).
func (tx *Tx) MoveContactNotes(ctx context.Context, workspaceID, fromID, toID string) error {
	if _, err := tx.db.ExecContext(ctx, `UPDATE contact_notes SET contact_id = $1 WHERE contact_id = $2 AND workspace_id = $3`,
		toID, fromID, workspaceID); err != nil {
		return fmt.Errorf("move contact notes: %w", err)
	}
	return nil
}
