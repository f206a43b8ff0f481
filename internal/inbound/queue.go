package inbound

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// enterQueue starts a new conversation in its team's queue when the team
// routes (round robin, least busy) and schedules the team's routing pass;
// without a team, or with a manual one, it starts open and unassigned.
func enterQueue(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) error {
	if c.TeamID == "" {
		return nil
	}
	team, err := tx.FindTeamRouting(ctx, c.WorkspaceID, c.TeamID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !routing.Policy(team.Policy).Auto() {
		return nil
	}
	now := tx.Now()
	c.Status, c.QueuedAt = parley.StatusQueued, &now
	return nil
}

// routeNew triggers the routing pass for a conversation that entered a queue.
func routeNew(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) error {
	if c.Status != parley.StatusQueued {
		return nil
	}
	return routing.Trigger(ctx, tx, c.WorkspaceID, c.TeamID)
}
