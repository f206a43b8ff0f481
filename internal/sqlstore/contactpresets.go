package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ContactPresets are what every new conversation of a contact starts
// with (seed 002): its assignees and its visibility list. VisibleTo nil
// means everyone may see the conversation.
type ContactPresets struct {
	ContactID   string    `json:"contact_id"`
	AssigneeIDs []string  `json:"assignee_ids"`
	VisibleTo   []string  `json:"visible_to"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// Empty reports whether the presets change nothing.
func (p *ContactPresets) Empty() bool { return len(p.AssigneeIDs) == 0 && p.VisibleTo == nil }

// FindContactPresets returns a contact's presets; a contact without any
// has empty ones.
func (q *queries) FindContactPresets(ctx context.Context, workspaceID, contactID string) (*ContactPresets, error) {
	p := &ContactPresets{ContactID: contactID, AssigneeIDs: []string{}}
	var assignees string
	var visible sql.NullString
	var at int64
	err := q.db.QueryRowContext(ctx, `SELECT assignee_ids, visible_to, updated_at FROM contact_presets
		WHERE contact_id = $1 AND workspace_id = $2`, contactID, workspaceID).Scan(&assignees, &visible, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find contact presets: %w", err)
	}
	_ = json.Unmarshal([]byte(assignees), &p.AssigneeIDs)
	if p.AssigneeIDs == nil {
		p.AssigneeIDs = []string{}
	}
	if visible.Valid {
		p.VisibleTo = []string{}
		_ = json.Unmarshal([]byte(visible.String), &p.VisibleTo)
	}
	p.UpdatedAt = fromMicros(at)
	return p, nil
}

// SaveContactPresets writes a contact's presets; empty ones delete the row.
func (tx *Tx) SaveContactPresets(ctx context.Context, workspaceID, userID string, p *ContactPresets) error {
	if p.Empty() {
		if _, err := tx.db.ExecContext(ctx, `DELETE FROM contact_presets WHERE contact_id = $1 AND workspace_id = $2`,
			p.ContactID, workspaceID); err != nil {
			return fmt.Errorf("save contact presets: %w", err)
		}
		return nil
	}
	p.UpdatedAt = tx.now
	_, err := tx.db.ExecContext(ctx, `INSERT INTO contact_presets (contact_id, workspace_id, assignee_ids, visible_to, updated_by, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT (contact_id) DO UPDATE SET assignee_ids = excluded.assignee_ids, visible_to = excluded.visible_to,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.ContactID, workspaceID, jsonList(p.AssigneeIDs), visibleText(p.VisibleTo), userID, micros(tx.now))
	if err != nil {
		return fmt.Errorf("save contact presets: %w", err)
	}
	return nil
}
