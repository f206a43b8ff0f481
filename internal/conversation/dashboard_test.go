package conversation_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestService_Dashboard: the tiles count what the actor may see (the
// admin counts the hidden conversation, agents do not).
func TestService_Dashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := buildViews(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		for who, want := range map[string][5]int64{
			// assigned, my unreplied, unassigned, unreplied, queued
			"admin": {0, 0, 8, 5, 1},
			"a":     {1, 0, 7, 4, 1},
			"b":     {0, 0, 7, 4, 1},
		} {
			actor := map[string]parley.Actor{"admin": w.f.Admin, "a": w.a, "b": w.b}[who]
			d, err := svc.Dashboard(ctx, actor)
			if err != nil {
				t.Fatal(err)
			}
			got := [5]int64{d.ForYou.Assigned, d.ForYou.Unreplied, d.Group.Unassigned, d.Group.Unreplied, d.Group.Queued}
			if got != want {
				t.Errorf("%s: Dashboard = %v, want %v", who, got, want)
			}
		}
		// Assign the unreplied "fresh" to a: a's own unreplied tile counts it.
		err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			c, err := tx.FindConversationByID(ctx, w.f.Workspace.ID, w.convs["fresh"])
			if err != nil {
				return err
			}
			prev := *c
			c.AssigneeIDs = []string{w.a.UserID}
			return tx.SaveConversation(ctx, c, &prev)
		})
		if err != nil {
			t.Fatal(err)
		}
		if d, err := svc.Dashboard(ctx, w.a); err != nil || d.ForYou.Assigned != 2 || d.ForYou.Unreplied != 1 {
			t.Errorf("a's tiles after assigning fresh = %+v (%v), want 2 assigned, 1 unreplied", d, err)
		}
	})
}
