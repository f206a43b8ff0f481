package workspace

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// setRouting sets a team's routing policy when given, and schedules a
// routing pass when the team routes and its policy or members changed.
func setRouting(ctx context.Context, tx *sqlstore.Tx, t *parley.Team, policy *string, membersChanged bool) error {
	if policy == nil && !membersChanged {
		return nil
	}
	r, err := tx.FindTeamRouting(ctx, t.WorkspaceID, t.ID)
	if err != nil {
		return err
	}
	if policy != nil {
		if !routing.Policy(*policy).Valid() {
			return parley.FieldErrorf("routing_policy", "Use manual, round_robin or least_busy.")
		}
		r.Policy = *policy
		if err := tx.SetTeamRouting(ctx, r); err != nil {
			return err
		}
		t.RoutingPolicy = r.Policy
	}
	if routing.Policy(r.Policy).Auto() {
		return routing.Trigger(ctx, tx, t.WorkspaceID, t.ID)
	}
	return nil
}
