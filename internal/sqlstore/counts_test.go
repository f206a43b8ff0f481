package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestCounts_EqualRecount changes conversations at random (status,
// assignees, visibility, deletion) in batches of concurrent writes and
// checks that the kept counts equal a recount after each round.
func TestCounts_EqualRecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		rng := rand.New(rand.NewPCG(7, 9))
		var ids []string
		for i := range 30 {
			ids = append(ids, newConversation(t, s, f, fmt.Sprintf("k%d", i), time.Now()).ID)
		}
		statuses := parley.ConversationStatuses
		people := []string{f.Admin.UserID, f.Agent.UserID}
		for round := range 6 {
			done := make(chan error, len(ids))
			for _, id := range ids {
				// Decide here: the writes run concurrently, the generator may not.
				status := statuses[rng.IntN(len(statuses))]
				assign, visible, del := rng.IntN(3), rng.IntN(3), rng.IntN(25) == 0
				person := people[rng.IntN(2)]
				go func() {
					done <- s.Write(ctx, func(tx *sqlstore.Tx) error {
						c, err := tx.FindConversationByID(ctx, f.Workspace.ID, id)
						if parley.IsNotFound(err) {
							return nil // deleted in an earlier round
						}
						if err != nil {
							return err
						}
						prev := *c
						c.Status = status
						switch assign {
						case 0:
							c.AssigneeIDs = []string{}
						case 1:
							c.AssigneeIDs = []string{person}
						}
						switch visible {
						case 0:
							c.VisibleTo = nil
						case 1:
							c.VisibleTo = []string{f.Agent.UserID}
							c.AssigneeIDs = []string{}
						}
						if del {
							now := tx.Now()
							c.DeletedAt = &now
						}
						return tx.SaveConversation(ctx, c, &prev)
					})
				}()
			}
			for range ids {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			for _, actor := range []parley.Actor{f.Admin, f.Agent} {
				for _, view := range sqlstore.Views {
					for _, sts := range [][]parley.ConversationStatus{nil, {parley.StatusOpen}, {parley.StatusQueued, parley.StatusOpen, parley.StatusPending, parley.StatusSnoozed}} {
						flt := sqlstore.ConversationFilter{Scope: access.ConversationScope(actor, f.Workspace.Settings), View: view, Statuses: sts}
						got, err := s.CountConversations(ctx, flt)
						if err != nil {
							t.Fatal(err)
						}
						want, err := s.RecountConversations(ctx, flt)
						if err != nil {
							t.Fatal(err)
						}
						if got != want {
							t.Errorf("round %d, %s, view %s, statuses %v: kept count %d, recount %d", round, actor.Role, view, sts, got, want)
						}
						all, err := s.CountViews(ctx, flt, sqlstore.Views)
						if err != nil {
							t.Fatal(err)
						}
						if all[view] != want {
							t.Errorf("round %d, %s, view %s, statuses %v: CountViews %d, recount %d", round, actor.Role, view, sts, all[view], want)
						}
					}
				}
			}
		}
	})
}
