package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

const savedFilterColumns = `id, workspace_id, user_id, name, filter, shared, created_at, updated_at`

func scanSavedFilter(row rowScanner) (*parley.SavedFilter, error) {
	var f parley.SavedFilter
	var raw string
	var created, updated int64
	if err := row.Scan(&f.ID, &f.WorkspaceID, &f.OwnerID, &f.Name, &raw, &f.Shared, &created, &updated); err != nil {
		return nil, notFound(err, "Saved filter")
	}
	if err := json.Unmarshal([]byte(raw), &f.Filter); err != nil {
		return nil, fmt.Errorf("saved filter %s: %w", f.ID, err)
	}
	if f.Filter.Conditions == nil {
		f.Filter.Conditions = []parley.Condition{}
	}
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &f, nil
}

// CreateSavedFilter inserts a saved filter; ID and times are filled in.
func (tx *Tx) CreateSavedFilter(ctx context.Context, f *parley.SavedFilter) error {
	f.ID, f.CreatedAt, f.UpdatedAt = id.New(), tx.now, tx.now
	raw, err := json.Marshal(f.Filter)
	if err != nil {
		return fmt.Errorf("create saved filter: %w", err)
	}
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO saved_filters (`+savedFilterColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		f.ID, f.WorkspaceID, f.OwnerID, f.Name, string(raw), f.Shared, micros(tx.now), micros(tx.now)); err != nil {
		return fmt.Errorf("create saved filter: %w", err)
	}
	return nil
}

// SaveSavedFilter writes a saved filter's name, filter and sharing.
func (tx *Tx) SaveSavedFilter(ctx context.Context, f *parley.SavedFilter) error {
	f.UpdatedAt = tx.now
	raw, err := json.Marshal(f.Filter)
	if err != nil {
		return fmt.Errorf("save saved filter: %w", err)
	}
	res, err := tx.db.ExecContext(ctx, `UPDATE saved_filters SET name = $1, filter = $2, shared = $3, updated_at = $4 WHERE id = $5 AND workspace_id = $6`,
		f.Name, string(raw), f.Shared, micros(tx.now), f.ID, f.WorkspaceID)
	if err != nil {
		return fmt.Errorf("save saved filter: %w", err)
	}
	return mustAffect(res, "Saved filter")
}

// DeleteSavedFilter removes a saved filter.
func (tx *Tx) DeleteSavedFilter(ctx context.Context, workspaceID, filterID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM saved_filters WHERE id = $1 AND workspace_id = $2`, filterID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete saved filter: %w", err)
	}
	return mustAffect(res, "Saved filter")
}

// FindSavedFilterByID returns a saved filter of the workspace, or
// ENOTFOUND. Callers check that the user may see it.
func (q *queries) FindSavedFilterByID(ctx context.Context, workspaceID, filterID string) (*parley.SavedFilter, error) {
	return scanSavedFilter(q.db.QueryRowContext(ctx,
		`SELECT `+savedFilterColumns+` FROM saved_filters WHERE id = $1 AND workspace_id = $2`, filterID, workspaceID))
}

// ListSavedFilters returns the user's own filters and the workspace's
// shared ones, by name.
func (q *queries) ListSavedFilters(ctx context.Context, workspaceID, userID string) ([]parley.SavedFilter, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+savedFilterColumns+` FROM saved_filters
		WHERE workspace_id = $1 AND (user_id = $2 OR shared) ORDER BY name, id`, workspaceID, userID)
	if err != nil {
		return nil, fmt.Errorf("list saved filters: %w", err)
	}
	defer rows.Close()
	out := []parley.SavedFilter{}
	for rows.Next() {
		f, err := scanSavedFilter(rows)
		if err != nil {
			return nil, fmt.Errorf("list saved filters: %w", err)
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}
