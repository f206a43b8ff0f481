package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// AttributeDef defines a custom contact attribute of a workspace.
type AttributeDef struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Key         string    `json:"key"`
	Label       string    `json:"label"`
	Type        string    `json:"type"`
	Options     []string  `json:"options"`
	CreatedAt   time.Time `json:"created_at"`
}

// CreateAttributeDef inserts a definition; a key in use is ECONFLICT.
func (tx *Tx) CreateAttributeDef(ctx context.Context, d *AttributeDef) error {
	d.ID, d.CreatedAt = id.New(), tx.now
	if d.Options == nil {
		d.Options = []string{}
	}
	opts, _ := json.Marshal(d.Options)
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO contact_attribute_defs (id, workspace_id, key, label, type, options, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		d.ID, d.WorkspaceID, d.Key, d.Label, d.Type, string(opts), micros(tx.now)); err != nil {
		if isUniqueViolation(err) {
			return &parley.Error{Code: parley.ECONFLICT, Field: "key", Message: fmt.Sprintf("An attribute with key %q already exists.", d.Key)}
		}
		return fmt.Errorf("create attribute definition: %w", err)
	}
	return nil
}

// UpdateAttributeDef changes a definition's label and options (its key and
// type stay: values already written were checked against them).
func (tx *Tx) UpdateAttributeDef(ctx context.Context, d *AttributeDef) error {
	opts, _ := json.Marshal(d.Options)
	res, err := tx.db.ExecContext(ctx, `UPDATE contact_attribute_defs SET label = $1, options = $2 WHERE id = $3 AND workspace_id = $4`,
		d.Label, string(opts), d.ID, d.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update attribute definition: %w", err)
	}
	return mustAffect(res, "Attribute")
}

// DeleteAttributeDef removes a definition; values stay on contacts as text.
func (tx *Tx) DeleteAttributeDef(ctx context.Context, workspaceID, defID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM contact_attribute_defs WHERE id = $1 AND workspace_id = $2`, defID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete attribute definition: %w", err)
	}
	return mustAffect(res, "Attribute")
}

// ListAttributeDefs returns a workspace's definitions by key.
func (q *queries) ListAttributeDefs(ctx context.Context, workspaceID string) ([]AttributeDef, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, workspace_id, key, label, type, options, created_at
		FROM contact_attribute_defs WHERE workspace_id = $1 ORDER BY key`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list attribute definitions: %w", err)
	}
	defer rows.Close()
	out := []AttributeDef{}
	for rows.Next() {
		var d AttributeDef
		var opts string
		var at int64
		if err := rows.Scan(&d.ID, &d.WorkspaceID, &d.Key, &d.Label, &d.Type, &opts, &at); err != nil {
			return nil, fmt.Errorf("list attribute definitions: %w", err)
		}
		d.CreatedAt = fromMicros(at)
		_ = json.Unmarshal([]byte(opts), &d.Options)
		if d.Options == nil {
			d.Options = []string{}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
