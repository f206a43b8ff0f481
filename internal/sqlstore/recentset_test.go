package sqlstore_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestLists_FromRecentSets moves conversations at random (customer
// messages at earlier and later times, replies, status, assignees, pins,
// tags) and checks that Mine, Pinned and a tag filter, which read their
// page from the activity copied onto the assignment, pin and tag rows
// (migration 00038), list, page by page and in both activity orders,
// exactly what the same view sorted in Go from an unordered read holds.
func TestLists_FromRecentSets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		rng := rand.New(rand.NewPCG(17, 19))
		if err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			return tx.EnsureTags(ctx, f.Workspace.ID, sqlstore.KindTag, []string{"vip", "late"})
		}); err != nil {
			t.Fatal(err)
		}
		base := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Microsecond)
		var ids []string
		for i := range 30 {
			ids = append(ids, newConversation(t, s, f, fmt.Sprintf("r%d", i), base.Add(time.Duration(rng.IntN(3000))*time.Minute)).ID)
		}
		people := []string{f.Admin.UserID, f.Agent.UserID}
		for round := range 5 {
			for _, id := range ids {
				op, person, pick := rng.IntN(6), people[rng.IntN(2)], rng.IntN(1000)
				at := base.Add(time.Duration(rng.IntN(3000)) * time.Minute)
				err := s.Write(ctx, func(tx *sqlstore.Tx) error {
					c, err := tx.FindConversationByID(ctx, f.Workspace.ID, id)
					if err != nil {
						return err
					}
					prev := *c
					switch op {
					case 0: // a customer message, at any time: activity only moves forward
						m := &parley.Message{WorkspaceID: c.WorkspaceID, ConversationID: c.ID, InboxID: c.InboxID,
							Direction: parley.DirectionIn, Sender: parley.Sender{Kind: parley.SenderContact, ID: c.ContactID},
							Content: "hi", Channel: parley.ChannelAPI, Status: parley.DeliveryReceived, CreatedAt: at}
						if _, _, ok, err := tx.AppendToOpenConversation(ctx, c.ContactID, "", m, &parley.MessagePreview{Content: "hi"}); ok || err != nil {
							return err
						}
						return tx.InsertInbound(ctx, m, c, &parley.MessagePreview{Content: "hi"})
					case 1: // activity set outright (a reply, a move)
						c.LastActivityAt = at
					case 2:
						return tx.SetPinned(ctx, c.ID, person, pick%3 != 0)
					case 3:
						c.Tags = [][]string{{}, {"vip"}, {"vip", "late"}, {"late"}}[pick%4]
					case 4:
						c.AssigneeIDs = [][]string{{}, {person}, {f.Admin.UserID, f.Agent.UserID}}[pick%3]
					case 5:
						c.Status = parley.ConversationStatuses[pick%len(parley.ConversationStatuses)]
					}
					return tx.SaveConversation(ctx, c, &prev)
				})
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			for _, actor := range []parley.Actor{f.Admin, f.Agent} {
				scope := access.ConversationScope(actor, f.Workspace.Settings)
				vip := &parley.Filter{Match: "all", Conditions: []parley.Condition{{Field: "tag", Op: "eq", Strings: []string{"vip"}}}}
				for _, flt := range []sqlstore.ConversationFilter{
					{Scope: scope, View: sqlstore.ViewMine},
					{Scope: scope, View: sqlstore.ViewPinned},
					{Scope: scope, View: sqlstore.ViewAll, Filter: vip},
					{Scope: scope, View: sqlstore.ViewClosed, Filter: vip},
				} {
					for _, sort := range []string{sqlstore.SortNewest, sqlstore.SortOldest} {
						name := fmt.Sprintf("round %d, %s, view %s, filter %v, %s", round, actor.Role, flt.View, flt.Filter != nil, sort)
						want := sortedInGo(t, s, flt, sort)
						got := pagedIDs(t, s, flt, sort, 4)
						if !slices.Equal(got, want) {
							t.Errorf("%s:\n got %v\nwant %v", name, got, want)
						}
					}
				}
			}
		}
	})
}

// sortedInGo lists what flt selects through the priority sort (which reads
// no activity copy) and sorts it by activity in Go.
func sortedInGo(t *testing.T, s *sqlstore.Store, flt sqlstore.ConversationFilter, sort string) []string {
	t.Helper()
	flt.Sort, flt.Limit = sqlstore.SortPriority, 1000
	items, err := s.ListConversations(context.Background(), flt)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(items, func(a, b parley.ConversationItem) int {
		c := cmp.Or(a.LastActivityAt.Compare(b.LastActivityAt), cmp.Compare(a.ID, b.ID))
		if sort == sqlstore.SortNewest {
			return -c
		}
		return c
	})
	ids := []string{}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}

// pagedIDs lists what flt selects in sort, limit rows a page.
func pagedIDs(t *testing.T, s *sqlstore.Store, flt sqlstore.ConversationFilter, sort string, limit int) []string {
	t.Helper()
	flt.Sort, flt.Limit = sort, limit
	ids := []string{}
	for range 100 {
		items, err := s.ListConversations(context.Background(), flt)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		if len(items) < limit {
			return ids
		}
		after := sqlstore.CursorAfter(items[len(items)-1])
		flt.After = &after
	}
	t.Fatal("more than 100 pages")
	return nil
}
