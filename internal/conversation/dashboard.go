package conversation

import (
	"context"
	"encoding/json"

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
	counts, err := s.store.CountViews(ctx, f, []string{sqlstore.ViewMine, sqlstore.ViewUnassigned, sqlstore.ViewUnreplied, sqlstore.ViewQueued})
	if err != nil {
		return nil, err
	}
	d.ForYou.Assigned, d.Group.Unassigned = counts[sqlstore.ViewMine], counts[sqlstore.ViewUnassigned]
	d.Group.Unreplied, d.Group.Queued = counts[sqlstore.ViewUnreplied], counts[sqlstore.ViewQueued]
	if a.UserID != "" {
		id, _ := json.Marshal(a.UserID)
		mine := &parley.Filter{Match: "all", Conditions: []parley.Condition{{Field: "assignee", Op: "eq", Value: id, Strings: []string{a.UserID}}}}
		g := f
		g.View, g.Filter = sqlstore.ViewUnreplied, mine
		if d.ForYou.Unreplied, err = s.store.CountConversations(ctx, g); err != nil {
			return nil, err
		}
	}
	return &d, nil
}
