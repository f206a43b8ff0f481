package inbound

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// applyPresets gives a new conversation its contact's presets (seed 002):
// the default assignees (those still members of the workspace) and the
// visibility list. It reports whether the conversation has an assignee, in
// which case it skips the team's queue.
func applyPresets(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) (bool, error) {
	p, err := tx.FindContactPresets(ctx, c.WorkspaceID, c.ContactID)
	if err != nil || p.Empty() {
		return false, err
	}
	for _, u := range p.AssigneeIDs {
		if _, err := tx.FindMember(ctx, c.WorkspaceID, u); err != nil {
			if parley.IsNotFound(err) {
				continue // left the workspace since
			}
			return false, err
		}
		c.AssigneeIDs = append(c.AssigneeIDs, u)
	}
	if p.VisibleTo != nil {
		c.VisibleTo = p.VisibleTo
	}
	return len(c.AssigneeIDs) > 0, nil
}
