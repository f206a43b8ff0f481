package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Dashboard holds the dashboard's tiles, each the count of a view (the
// tile opens it).
type Dashboard struct {
	ForYou struct {
		// Assigned: the Mine view.
		Assigned int64 `json:"assigned"`
		// Unreplied: the Unreplied view, assigned to you.
		Unreplied int64 `json:"unreplied"`
	} `json:"for_you"`
	Group struct {
		Unassigned int64 `json:"unassigned"`
		Unreplied  int64 `json:"unreplied"`
		Queued     int64 `json:"queued"`
	} `json:"group"`
}

// Dashboard counts the tiles among the conversations the actor may see.
func (s *Service) Dashboard(ctx context.Context, a parley.Actor) (*Dashboard, error) {
	f, err := s.selection(ctx, a, ListParams{})
	if err != nil {
		return nil, err
	}
	var d Dashboard
	counts, err := s.store.CountViews(ctx, f, []string{sqlstore.ViewMine, sqlstore.ViewMineUnreplied, sqlstore.ViewUnassigned,
		sqlstore.ViewUnreplied, sqlstore.ViewQueued})
	if err != nil {
		return nil, err
	}
	d.ForYou.Assigned, d.ForYou.Unreplied = counts[sqlstore.ViewMine], counts[sqlstore.ViewMineUnreplied]
	d.Group.Unassigned, d.Group.Unreplied, d.Group.Queued = counts[sqlstore.ViewUnassigned], counts[sqlstore.ViewUnreplied], counts[sqlstore.ViewQueued]
	return &d, nil
}
