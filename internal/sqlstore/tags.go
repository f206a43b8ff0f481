package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Tag kinds: one table holds both, told apart by kind.
const (
	KindTag   = "tag"
	KindLabel = "label"
)

func tagWhat(kind string) string { return strings.ToUpper(kind[:1]) + kind[1:] }

func tagConflict(kind string) error {
	return &parley.Error{Code: parley.ECONFLICT, Field: "name", Message: fmt.Sprintf("A %s with this name already exists.", kind)}
}

// CreateTag inserts a tag or label; the name must be unused (ECONFLICT).
func (tx *Tx) CreateTag(ctx context.Context, workspaceID, kind, name, color string) (*parley.Tag, error) {
	t := &parley.Tag{ID: id.New(), WorkspaceID: workspaceID, Name: name, Color: color, CreatedAt: tx.now}
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO tags (id, workspace_id, kind, name, color, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		t.ID, workspaceID, kind, name, color, micros(tx.now)); err != nil {
		if isUniqueViolation(err) {
			return nil, tagConflict(kind)
		}
		return nil, fmt.Errorf("create %s: %w", kind, err)
	}
	return t, nil
}

// FindTagByID returns a tag or label of the workspace (ENOTFOUND).
func (q *queries) FindTagByID(ctx context.Context, workspaceID, kind, tagID string) (*parley.Tag, error) {
	var t parley.Tag
	var created int64
	err := q.db.QueryRowContext(ctx,
		`SELECT id, workspace_id, name, color, created_at FROM tags WHERE id = $1 AND workspace_id = $2 AND kind = $3`,
		tagID, workspaceID, kind).Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Color, &created)
	if err != nil {
		return nil, notFound(err, tagWhat(kind))
	}
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

// UpdateTag writes a tag's or label's name and colour; a name in use is
// ECONFLICT on field name. It does not touch the conversations and
// contacts carrying the old name: see RenameTagOn.
func (tx *Tx) UpdateTag(ctx context.Context, kind string, t *parley.Tag) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE tags SET name = $1, color = $2 WHERE id = $3 AND workspace_id = $4 AND kind = $5`,
		t.Name, t.Color, t.ID, t.WorkspaceID, kind)
	if err != nil {
		if isUniqueViolation(err) {
			return tagConflict(kind)
		}
		return fmt.Errorf("update %s: %w", kind, err)
	}
	return mustAffect(res, tagWhat(kind))
}

// DeleteTag removes a tag or label row (and, by cascade, its
// conversation_tags rows). Call RenameTagOn with an empty name first to
// take the name off conversations and contacts.
func (tx *Tx) DeleteTag(ctx context.Context, workspaceID, kind, tagID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM tags WHERE id = $1 AND workspace_id = $2 AND kind = $3`, tagID, workspaceID, kind)
	if err != nil {
		return fmt.Errorf("delete %s: %w", kind, err)
	}
	return mustAffect(res, tagWhat(kind))
}

// TagUse counts what a rename or delete rewrote.
type TagUse struct {
	Conversations int `json:"conversations"`
	Contacts      int `json:"contacts"`
}

// RenameTagOn replaces the name oldName of tag t by newName in the tags (or
// labels) of every conversation carrying it and, for tags, of every contact
// of the workspace; an empty newName removes it. Conversations are found
// through conversation_tags (indexed by tag); contacts, which keep free
// names without a link table, by a LIKE on their JSON list, checked again
// after decoding.
func (tx *Tx) RenameTagOn(ctx context.Context, t *parley.Tag, kind, oldName, newName string) (TagUse, error) {
	var use TagUse
	col := "tags"
	if kind == KindLabel {
		col = "labels"
	}
	n, err := tx.rewriteLists(ctx,
		`SELECT c.id, c.`+col+` FROM conversations c JOIN conversation_tags ct ON ct.conversation_id = c.id WHERE ct.tag_id = $1 AND c.workspace_id = $2`,
		`UPDATE conversations SET `+col+` = $1 WHERE id = $2`, oldName, newName, t.ID, t.WorkspaceID)
	if err != nil {
		return use, fmt.Errorf("rename %s on conversations: %w", kind, err)
	}
	use.Conversations = n
	if kind != KindTag {
		return use, nil
	}
	quoted, _ := json.Marshal(oldName)
	pattern := "%" + likeEscaper.Replace(string(quoted)) + "%"
	n, err = tx.rewriteLists(ctx,
		`SELECT id, tags FROM contacts WHERE workspace_id = $1 AND tags LIKE $2 ESCAPE '\'`,
		`UPDATE contacts SET tags = $1 WHERE id = $2`, oldName, newName, t.WorkspaceID, pattern)
	if err != nil {
		return use, fmt.Errorf("rename tag on contacts: %w", err)
	}
	use.Contacts = n
	return use, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// rewriteLists reads (id, JSON list) rows and writes back each list with
// oldName replaced by newName (or dropped when newName is empty).
func (tx *Tx) rewriteLists(ctx context.Context, query, update, oldName, newName string, args ...any) (int, error) {
	rows, err := tx.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	type row struct {
		id    string
		names []string
	}
	var todo []row
	for rows.Next() {
		var r row
		var raw string
		if err := rows.Scan(&r.id, &raw); err != nil {
			rows.Close()
			return 0, err
		}
		_ = json.Unmarshal([]byte(raw), &r.names)
		if slices.Contains(r.names, oldName) {
			todo = append(todo, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, r := range todo {
		out := make([]string, 0, len(r.names))
		for _, n := range r.names {
			if n == oldName {
				n = newName
			}
			if n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		if _, err := tx.db.ExecContext(ctx, update, jsonList(out), r.id); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// ListTags returns a workspace's tags or labels by name.
func (q *queries) ListTags(ctx context.Context, workspaceID, kind string) ([]parley.Tag, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT id, workspace_id, name, color, created_at FROM tags WHERE workspace_id = $1 AND kind = $2 ORDER BY name`, workspaceID, kind)
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", kind, err)
	}
	defer rows.Close()
	out := []parley.Tag{}
	for rows.Next() {
		var t parley.Tag
		var created int64
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Color, &created); err != nil {
			return nil, fmt.Errorf("list %ss: %w", kind, err)
		}
		t.CreatedAt = fromMicros(created)
		out = append(out, t)
	}
	return out, rows.Err()
}
