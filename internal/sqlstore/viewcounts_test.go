package sqlstore_test

import (
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

// TestCounts_EveryViewEqualsRecount drives every kind of change a view
// count follows (status, assignees, team, visibility, flags, deletion,
// customer messages, replies, notes, reads, pins, who started it, team
// membership, who a visibility list holds), concurrently, and checks after each round that the kept
// counts of all 17 views equal a recount by the views' list predicates,
// for an admin and for agents under each agent scope, with and without
// statuses, and after a rebuild.
func TestCounts_EveryViewEqualsRecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		rng := rand.New(rand.NewPCG(3, 5))
		var agent2 string
		var teams []*parley.Team
		err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			u, err := tx.CreateUser(ctx, "agent2@example.com", "Agent Two", "")
			if err != nil {
				return err
			}
			if err := tx.AddMember(ctx, f.Workspace.ID, u.ID, parley.RoleAgent); err != nil {
				return err
			}
			agent2 = u.ID
			for i, members := range [][]string{{f.Agent.UserID}, {agent2}} {
				tm, err := tx.CreateTeam(ctx, f.Workspace.ID, fmt.Sprintf("T%d", i), members)
				if err != nil {
					return err
				}
				teams = append(teams, tm)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		people := []string{f.Admin.UserID, f.Agent.UserID, agent2}
		var ids []string
		for i := range 24 {
			ids = append(ids, newConversation(t, s, f, fmt.Sprintf("v%d", i), time.Now()).ID)
		}
		preview := func(dir string, private bool) *parley.MessagePreview {
			kind := parley.SenderAgent
			if dir == parley.DirectionIn {
				kind = parley.SenderContact
			}
			return &parley.MessagePreview{Content: "x", Direction: dir, SenderKind: kind, Private: private, CreatedAt: time.Now()}
		}
		for round := range 8 {
			done := make(chan error, len(ids))
			for _, id := range ids {
				op, person, pick := rng.IntN(10), people[rng.IntN(len(people))], rng.IntN(1000)
				go func() {
					done <- s.Write(ctx, func(tx *sqlstore.Tx) error {
						c, err := tx.FindConversationByID(ctx, f.Workspace.ID, id)
						if parley.IsNotFound(err) {
							return nil
						}
						if err != nil {
							return err
						}
						prev := *c
						switch op {
						case 0: // a customer message
							m := &parley.Message{WorkspaceID: c.WorkspaceID, ConversationID: c.ID, InboxID: c.InboxID,
								Direction: parley.DirectionIn, Sender: parley.Sender{Kind: parley.SenderContact}, Content: "hi",
								Channel: parley.ChannelAPI, Status: parley.DeliveryReceived}
							if _, _, ok, err := tx.AppendToOpenConversation(ctx, c.ContactID, "", m, preview(parley.DirectionIn, false)); ok || err != nil {
								return err
							}
							m.ConversationID = c.ID
							return tx.InsertInbound(ctx, m, c, preview(parley.DirectionIn, false))
						case 1: // a reply, or a note
							note := pick%3 == 0
							c.LastMessage = preview(parley.DirectionOut, note)
							if !note {
								c.UnrepliedCount, c.Handoff = 0, false
							}
						case 2:
							return tx.MarkRead(ctx, c.ID, person)
						case 3:
							_, err := tx.MarkUnread(ctx, c.ID, person)
							return err
						case 4:
							return tx.SetPinned(ctx, c.ID, person, pick%2 == 0)
						case 5:
							return tx.StartedBy(ctx, c.ID, person)
						case 6: // status, assignees
							c.Status = parley.ConversationStatuses[pick%len(parley.ConversationStatuses)]
							switch pick % 4 {
							case 0:
								c.AssigneeIDs = []string{}
							case 1:
								c.AssigneeIDs = []string{person}
							case 2:
								c.AssigneeIDs = []string{f.Agent.UserID, agent2}
							}
						case 7: // team, visibility
							c.TeamID = ""
							if pick%3 < 2 {
								c.TeamID = teams[pick%3].ID
							}
							switch pick % 5 {
							case 0:
								c.VisibleTo = nil
							case 1:
								c.VisibleTo = []string{person}
							}
						case 9: // the visibility list alone: who an agent's restricted rows are for
							c.VisibleTo = []string{person}
							if other := people[pick%len(people)]; other != person {
								c.VisibleTo = append(c.VisibleTo, other)
							}
						case 8: // flags, now and then deletion
							c.Handoff, c.Appointment = pick%2 == 0, pick%3 == 0
							if pick%17 == 0 {
								now := tx.Now()
								c.DeletedAt = &now
							}
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
			if round%3 == 2 { // team membership moves, which Unread by team follows
				err := s.Write(ctx, func(tx *sqlstore.Tx) error {
					return tx.SetTeamMembers(ctx, teams[rng.IntN(2)], []string{people[rng.IntN(3)]})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			checkCounts(t, s, f, fmt.Sprintf("round %d", round), agent2)
		}
		if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteTeam(ctx, f.Workspace.ID, teams[0].ID) }); err != nil {
			t.Fatal(err)
		}
		checkCounts(t, s, f, "after deleting a team", agent2)
		if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.RebuildViewCounts(ctx, f.Workspace.ID) }); err != nil {
			t.Fatal(err)
		}
		checkCounts(t, s, f, "after a rebuild", agent2)
	})
}

// checkCounts compares, for each actor and scope, the kept counts of every
// view with a recount.
func checkCounts(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, when, agent2 string) {
	t.Helper()
	ctx := context.Background()
	ws := f.Workspace.ID
	var members []struct {
		actor parley.Actor
		scope parley.AgentScope
	}
	for _, sc := range []parley.AgentScope{parley.ScopeAll, parley.ScopeTeams, parley.ScopeAssigned} {
		members = append(members, struct {
			actor parley.Actor
			scope parley.AgentScope
		}{f.Agent, sc}, struct {
			actor parley.Actor
			scope parley.AgentScope
		}{parley.Actor{UserID: agent2, WorkspaceID: ws, Role: parley.RoleAgent}, sc})
	}
	members = append(members, struct {
		actor parley.Actor
		scope parley.AgentScope
	}{f.Admin, parley.ScopeAll})
	for _, m := range members {
		settings := f.Workspace.Settings
		settings.AgentScope = m.scope
		for _, sts := range [][]parley.ConversationStatus{nil, {parley.StatusOpen}, {parley.StatusResolved, parley.StatusQueued}} {
			flt := sqlstore.ConversationFilter{Scope: access.ConversationScope(m.actor, settings), Statuses: sts}
			views := append(slices.Clone(sqlstore.Views), sqlstore.ViewMineUnreplied)
			all, err := s.CountViews(ctx, flt, views)
			if err != nil {
				t.Fatal(err)
			}
			for _, view := range views {
				g := flt
				g.View = view
				want, err := s.RecountConversations(ctx, g)
				if err != nil {
					t.Fatal(err)
				}
				if all[view] != want {
					t.Errorf("%s, %s (scope %s), view %s, statuses %v: kept count %d, recount %d", when, m.actor.Role, m.scope, view, sts, all[view], want)
				}
			}
		}
	}
}
