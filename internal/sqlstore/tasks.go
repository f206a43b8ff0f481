package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

const taskColumns = `CAST(id AS TEXT), CAST(contact_id AS TEXT), CAST(conversation_id AS TEXT), title, notes, due_at,
	CAST(assignee_id AS TEXT), done, done_at, created_by, created_at, updated_at`

func scanTask(row rowScanner, workspaceID string) (*parley.Task, error) {
	t := parley.Task{WorkspaceID: workspaceID}
	var conv, assignee sql.NullString
	var due, doneAt sql.NullInt64
	var created, updated int64
	if err := row.Scan(&t.ID, &t.ContactID, &conv, &t.Title, &t.Notes, &due, &assignee, &t.Done, &doneAt, &t.CreatedBy, &created, &updated); err != nil {
		return nil, notFound(err, "Task")
	}
	t.ConversationID, t.AssigneeID = conv.String, assignee.String
	t.DueAt, t.DoneAt = timePtr(due), timePtr(doneAt)
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// TaskFilter selects tasks; empty fields do not restrict.
type TaskFilter struct {
	WorkspaceID    string
	AssigneeID     string
	ContactID      string
	ConversationID string
	// Open: only tasks not done.
	Open  bool
	Limit int
}

// ListTasks returns tasks, open first, soonest due first (no due date last).
func (q *queries) ListTasks(ctx context.Context, f TaskFilter) ([]parley.Task, error) {
	// Built: each optional filter adds a condition.
	query := `SELECT ` + taskColumns + ` FROM tasks WHERE workspace_id = $1`
	args := []any{f.WorkspaceID}
	if f.AssigneeID != "" {
		query += ` AND assignee_id = ` + bind(&args, f.AssigneeID)
	}
	if f.ContactID != "" {
		query += ` AND contact_id = ` + bind(&args, f.ContactID)
	}
	if f.ConversationID != "" {
		query += ` AND conversation_id = ` + bind(&args, f.ConversationID)
	}
	if f.Open {
		query += ` AND NOT done`
	}
	query += ` ORDER BY done, CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, created_at, id LIMIT ` + bind(&args, f.Limit)
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	defer rows.Close()
	out := []parley.Task{}
	for rows.Next() {
		t, err := scanTask(rows, f.WorkspaceID)
		if err != nil {
			return nil, fmt.Errorf("list tasks: %w", err)
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// FindTask returns a task of the workspace, or ENOTFOUND.
func (q *queries) FindTask(ctx context.Context, workspaceID, taskID string) (*parley.Task, error) {
	if !id.Valid(taskID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Task not found.")
	}
	return scanTask(q.db.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1 AND workspace_id = $2`, taskID, workspaceID), workspaceID)
}

// SaveTask inserts (no ID) or updates a task.
func (tx *Tx) SaveTask(ctx context.Context, t *parley.Task) error {
	t.UpdatedAt = tx.now
	if t.ID == "" {
		t.ID, t.CreatedAt = id.New(), tx.now
		_, err := tx.db.ExecContext(ctx, `INSERT INTO tasks (id, workspace_id, contact_id, conversation_id, title, notes, due_at, assignee_id, done, done_at, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			t.ID, t.WorkspaceID, t.ContactID, nullString(t.ConversationID), t.Title, t.Notes, nullMicros(t.DueAt), nullString(t.AssigneeID),
			t.Done, nullMicros(t.DoneAt), t.CreatedBy, micros(t.CreatedAt), micros(t.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert task: %w", err)
		}
		return nil
	}
	res, err := tx.db.ExecContext(ctx, `UPDATE tasks SET conversation_id = $1, title = $2, notes = $3, due_at = $4, assignee_id = $5, done = $6, done_at = $7, updated_at = $8
		WHERE id = $9 AND workspace_id = $10`,
		nullString(t.ConversationID), t.Title, t.Notes, nullMicros(t.DueAt), nullString(t.AssigneeID), t.Done, nullMicros(t.DoneAt), micros(t.UpdatedAt), t.ID, t.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update task: %w", err)
	}
	return mustAffect(res, "Task")
}

// DeleteTask removes a task of the workspace.
func (tx *Tx) DeleteTask(ctx context.Context, workspaceID, taskID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM tasks WHERE id = $1 AND workspace_id = $2`, taskID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete task: %w", err)
	}
	return mustAffect(res, "Task")
}
