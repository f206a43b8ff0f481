package routing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// desk is a workspace whose API inbox feeds a routing team of agents.
type desk struct {
	s      *sqlstore.Store
	clock  *clocktest.Clock
	f      *storetest.Fixture
	team   *parley.Team
	agents []string
}

func eachDesk(t *testing.T, policy string, agents int, fn func(t *testing.T, d *desk)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			s := storetest.Open(t, e, storetest.Options{Clock: clock})
			d := &desk{s: s, clock: clock, f: storetest.Seed(t, s)}
			ctx := context.Background()
			err := s.Write(ctx, func(tx *sqlstore.Tx) error {
				ws := d.f.Workspace.ID
				for i := range agents {
					u, err := tx.CreateUser(ctx, fmt.Sprintf("agent%d@example.com", i), fmt.Sprintf("Agent %d", i), "")
					if err != nil {
						return err
					}
					if err := tx.AddMember(ctx, ws, u.ID, parley.RoleAgent); err != nil {
						return err
					}
					m, err := tx.FindMember(ctx, ws, u.ID)
					if err != nil {
						return err
					}
					m.Availability = parley.Online
					if err := tx.UpdateMember(ctx, m); err != nil {
						return err
					}
					d.agents = append(d.agents, u.ID)
				}
				team, err := tx.CreateTeam(ctx, ws, "Support", d.agents)
				if err != nil {
					return err
				}
				d.team = team
				if err := tx.SetTeamRouting(ctx, &sqlstore.TeamRouting{TeamID: team.ID, WorkspaceID: ws, Policy: policy}); err != nil {
					return err
				}
				d.f.Inbox.TeamID = team.ID
				return tx.UpdateInbox(ctx, d.f.Inbox)
			})
			if err != nil {
				t.Fatal(err)
			}
			d.connect(t, d.agents...)
			fn(t, d)
		})
	}
}

// connect records the users as connected now.
func (d *desk) connect(t *testing.T, users ...string) {
	t.Helper()
	var seen []sqlstore.Presence
	for _, u := range users {
		seen = append(seen, sqlstore.Presence{WorkspaceID: d.f.Workspace.ID, UserID: u})
	}
	r := &routing.PresenceRecorder{Store: d.s, Source: func() []sqlstore.Presence { return seen }}
	if err := r.Record(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (d *desk) receive(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		src := fmt.Sprintf("c%d-%d", i, d.clock.Now().UnixNano())
		res, err := inbound.New(d.s).Receive(context.Background(), d.f.Inbox, channel.Inbound{
			ProviderMessageID: src, Contact: channel.ContactInfo{SourceID: src}, Content: "help"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ConversationID)
		d.clock.Add(time.Second)
	}
	return ids
}

func (d *desk) scheduler(t *testing.T) *scheduler.Scheduler {
	t.Helper()
	sch, err := scheduler.New(scheduler.Config{Store: d.s, Clock: d.clock, Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := routing.Register(sch); err != nil {
		t.Fatal(err)
	}
	return sch
}

// drain runs the scheduler until nothing is due.
func drain(t *testing.T, sch *scheduler.Scheduler) {
	t.Helper()
	for range 100 {
		n, err := sch.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the scheduler never ran out of due jobs")
}

func (d *desk) conv(t *testing.T, id string) *parley.Conversation {
	t.Helper()
	c, err := d.s.FindConversationByID(context.Background(), d.f.Workspace.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (d *desk) setMember(t *testing.T, userID string, fn func(m *parley.Member)) {
	t.Helper()
	ctx := context.Background()
	err := d.s.Write(ctx, func(tx *sqlstore.Tx) error {
		m, err := tx.FindMember(ctx, d.f.Workspace.ID, userID)
		if err != nil {
			return err
		}
		fn(m)
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		return routing.TriggerWorkspace(ctx, tx, d.f.Workspace.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRouteTeam_AssignsQueuedConversations(t *testing.T) {
	t.Run("a manual team's conversations start open and unassigned", func(t *testing.T) {
		eachDesk(t, "manual", 2, func(t *testing.T, d *desk) {
			ids := d.receive(t, 1)
			drain(t, d.scheduler(t))
			if c := d.conv(t, ids[0]); c.Status != parley.StatusOpen || len(c.AssigneeIDs) != 0 {
				t.Errorf("status %s, assignees %v; want open and unassigned", c.Status, c.AssigneeIDs)
			}
		})
	})
	t.Run("round robin takes turns in arrival order", func(t *testing.T) {
		eachDesk(t, "round_robin", 2, func(t *testing.T, d *desk) {
			ids := d.receive(t, 4)
			if c := d.conv(t, ids[0]); c.Status != parley.StatusQueued || c.QueuedAt == nil {
				t.Fatalf("a new conversation of a routing team is %s (queued_at %v), want queued", c.Status, c.QueuedAt)
			}
			drain(t, d.scheduler(t))
			for i, id := range ids {
				c := d.conv(t, id)
				if c.Status != parley.StatusOpen || len(c.AssigneeIDs) != 1 || c.AssigneeIDs[0] != d.agents[i%2] && c.AssigneeIDs[0] != d.agents[(i+1)%2] {
					t.Fatalf("conversation %d: status %s, assignees %v", i, c.Status, c.AssigneeIDs)
				}
				if i > 0 && c.AssigneeIDs[0] == d.conv(t, ids[i-1]).AssigneeIDs[0] {
					t.Errorf("conversations %d and %d went to the same agent; round robin alternates", i-1, i)
				}
			}
		})
	})
	t.Run("busy, offline and disconnected agents get nothing; the conversation waits", func(t *testing.T) {
		eachDesk(t, "least_busy", 3, func(t *testing.T, d *desk) {
			d.setMember(t, d.agents[0], func(m *parley.Member) { m.Availability = parley.Busy })
			d.setMember(t, d.agents[1], func(m *parley.Member) { m.Availability = parley.Offline })
			d.clock.Add(2 * time.Minute) // nobody is connected any more
			d.connect(t, d.agents[0], d.agents[1])
			ids := d.receive(t, 1)
			sch := d.scheduler(t)
			drain(t, sch)
			if c := d.conv(t, ids[0]); c.Status != parley.StatusQueued {
				t.Fatalf("with nobody eligible the conversation is %s, want queued", c.Status)
			}
			d.connect(t, d.agents[2]) // comes online: the queue is looked at again
			drain(t, sch)
			if c := d.conv(t, ids[0]); c.Status != parley.StatusOpen || len(c.AssigneeIDs) != 1 || c.AssigneeIDs[0] != d.agents[2] {
				t.Errorf("after agent 2 connected: status %s, assignees %v; want open, agent 2", c.Status, c.AssigneeIDs)
			}
		})
	})
	t.Run("capacity holds the rest until someone frees up, oldest first", func(t *testing.T) {
		eachDesk(t, "least_busy", 1, func(t *testing.T, d *desk) {
			d.setMember(t, d.agents[0], func(m *parley.Member) { m.Capacity = 1 })
			ids := d.receive(t, 3)
			sch := d.scheduler(t)
			drain(t, sch)
			want := []parley.ConversationStatus{parley.StatusOpen, parley.StatusQueued, parley.StatusQueued}
			for i, id := range ids {
				if got := d.conv(t, id).Status; got != want[i] {
					t.Fatalf("conversation %d is %s, want %s", i, got, want[i])
				}
			}
			d.setMember(t, d.agents[0], func(m *parley.Member) { m.Capacity = 2 })
			drain(t, sch)
			if got := d.conv(t, ids[1]).Status; got != parley.StatusOpen {
				t.Errorf("after raising the capacity the oldest waiting conversation is %s, want open", got)
			}
			if got := d.conv(t, ids[2]).Status; got != parley.StatusQueued {
				t.Errorf("the newest is %s, want still queued", got)
			}
			// Resolving one frees a place: the last waits no longer.
			agent := parley.Actor{UserID: d.agents[0], WorkspaceID: d.f.Workspace.ID, Role: parley.RoleAgent, TeamIDs: []string{d.team.ID}}
			if _, err := conversation.New(d.s).Update(context.Background(), agent, ids[0], conversation.Change{
				Status: conversation.Optional[parley.ConversationStatus]{Set: true, Value: parley.StatusResolved}}); err != nil {
				t.Fatal(err)
			}
			drain(t, sch)
			if c := d.conv(t, ids[2]); c.Status != parley.StatusOpen || len(c.AssigneeIDs) != 1 || c.AssigneeIDs[0] != d.agents[0] {
				t.Errorf("after a resolve the last conversation is %s with %v, want open with the agent", c.Status, c.AssigneeIDs)
			}
		})
	})
}

// TestRouteTeam_TwoNodesNeverAssignTwice runs two schedulers (two nodes) on
// one database while conversations arrive: each conversation ends with
// exactly one assignee and one "routed" line, and no agent above capacity.
func TestRouteTeam_TwoNodesNeverAssignTwice(t *testing.T) {
	eachDesk(t, "round_robin", 4, func(t *testing.T, d *desk) {
		for _, a := range d.agents {
			d.setMember(t, a, func(m *parley.Member) { m.Capacity = 5 })
		}
		nodes := []*scheduler.Scheduler{d.scheduler(t), d.scheduler(t)}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, n := range nodes {
			wg.Go(func() {
				for ctx.Err() == nil {
					if _, err := n.RunOnce(ctx); err != nil && ctx.Err() == nil {
						t.Error(err)
						return
					}
				}
			})
		}
		var ids []string
		for range 5 {
			ids = append(ids, d.receive(t, 5)...)
		}
		cancel()
		wg.Wait()
		for _, n := range nodes {
			drain(t, n)
		}
		load := map[string]int{}
		for _, id := range ids {
			c := d.conv(t, id)
			if c.Status == parley.StatusQueued {
				continue
			}
			if len(c.AssigneeIDs) != 1 {
				t.Errorf("conversation %d has assignees %v, want one", c.Number, c.AssigneeIDs)
				continue
			}
			load[c.AssigneeIDs[0]]++
			msgs, err := d.s.ListMessages(context.Background(), id, nil, 50)
			if err != nil {
				t.Fatal(err)
			}
			routed := 0
			for _, m := range msgs {
				if m.System != nil && m.System.Action == parley.ActionRouted {
					routed++
				}
			}
			if routed != 1 {
				t.Errorf("conversation %d was routed %d times, want once", c.Number, routed)
			}
		}
		total := 0
		for a, n := range load {
			if n > 5 {
				t.Errorf("agent %s holds %d conversations, above the capacity 5", a, n)
			}
			total += n
		}
		if total != 20 {
			t.Errorf("%d conversations assigned, want 20 (4 agents × capacity 5)", total)
		}
	})
}
