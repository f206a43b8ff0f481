package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// KindRoute is the job that routes a team's queue. Its key is the team, so
// one pass per team runs at a time across nodes; triggering it again while
// it runs voids that run's lease (its assignments roll back) and runs it
// again on what is now true.
const KindRoute = "routing.team"

// PresenceWindow is how recently a user must have been seen connected to
// count as connected.
const PresenceWindow = time.Minute

// batch bounds the conversations one pass assigns; a full batch triggers
// another pass.
const batch = 100

type routePayload struct {
	TeamID string `json:"team_id"`
}

// Trigger schedules a routing pass of the team now, inside tx (call it in
// the transaction that queued a conversation or freed an agent).
func Trigger(ctx context.Context, tx *sqlstore.Tx, workspaceID, teamID string) error {
	if teamID == "" {
		return nil
	}
	return scheduler.Schedule(ctx, tx, KindRoute, teamID, workspaceID, tx.Now(), routePayload{TeamID: teamID})
}

// TriggerWorkspace schedules a pass of every team of the workspace that
// routes automatically and has a queue: someone may have freed up.
func TriggerWorkspace(ctx context.Context, tx *sqlstore.Tx, workspaceID string) error {
	teams, err := tx.QueuedTeams(ctx, workspaceID)
	if err != nil || len(teams) == 0 {
		return err
	}
	policies, err := tx.TeamPolicies(ctx, workspaceID)
	if err != nil {
		return err
	}
	for _, t := range teams {
		if Policy(policies[t]).Auto() {
			if err := Trigger(ctx, tx, workspaceID, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// Register adds the routing job to a scheduler.
func Register(s *scheduler.Scheduler) error {
	return s.Register(KindRoute, scheduler.Handler{Commit: route, MaxAttempts: 20})
}

// route is one pass over a team's queue, in the transaction that completes
// the job: the team's row, its queued conversations and its agents' member
// rows are locked (PostgreSQL), so neither another pass nor an agent
// accepting at the same moment can assign a conversation twice.
func route(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	var p routePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return scheduler.Permanent(fmt.Errorf("route payload: %w", err))
	}
	n, err := RouteTeam(ctx, tx, job.WorkspaceID, p.TeamID)
	if err != nil {
		return err
	}
	if n == batch {
		return Trigger(ctx, tx, job.WorkspaceID, p.TeamID)
	}
	return nil
}

// RouteTeam assigns the team's queued conversations, oldest first, to its
// eligible agents under its policy until the queue or the agents run out,
// and returns how many it assigned.
func RouteTeam(ctx context.Context, tx *sqlstore.Tx, workspaceID, teamID string) (int, error) {
	team, err := tx.LockTeamRouting(ctx, workspaceID, teamID)
	if parley.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	policy := Policy(team.Policy)
	if !policy.Auto() {
		return 0, nil
	}
	agents, err := tx.ListAgents(ctx, workspaceID, teamID, true)
	if err != nil || len(agents) == 0 {
		return 0, err
	}
	queue, err := tx.LockQueued(ctx, workspaceID, teamID, batch)
	if err != nil || len(queue) == 0 {
		return 0, err
	}
	since := tx.Now().Add(-PresenceWindow)
	cands := make([]Candidate, len(agents))
	for i, a := range agents {
		cands[i] = Candidate{UserID: a.UserID, Availability: a.Availability, Capacity: a.Capacity, Load: a.Load,
			Connected: a.LastSeen != nil && !a.LastSeen.Before(since)}
	}
	assigned := 0
	for _, c := range queue {
		// Only agents who may see the conversation can be given it.
		visible := cands
		if c.VisibleTo != nil {
			visible = slices.DeleteFunc(slices.Clone(cands), func(x Candidate) bool { return !slices.Contains(c.VisibleTo, x.UserID) })
		}
		pick, ok := Pick(policy, visible, team.Cursor)
		if !ok {
			continue
		}
		if err := assign(ctx, tx, c, pick, team); err != nil {
			return assigned, err
		}
		team.Cursor = pick
		for i := range cands {
			if cands[i].UserID == pick {
				cands[i].Load++
			}
		}
		assigned++
	}
	if assigned > 0 {
		if err := tx.SetTeamRouting(ctx, team); err != nil {
			return assigned, err
		}
	}
	return assigned, nil
}

func assign(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, userID string, team *sqlstore.TeamRouting) error {
	prev := *c
	c.AssigneeIDs, c.Status, c.QueuedAt = []string{userID}, parley.StatusOpen, nil
	if err := tx.SaveConversation(ctx, c, &prev); err != nil {
		return err
	}
	if _, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionRouted,
		Subject: activity.Person(ctx, tx, userID), Team: &parley.TeamRef{ID: team.TeamID, Name: team.Name}}); err != nil {
		return err
	}
	item, err := tx.FindConversationItem(ctx, c.WorkspaceID, c.ID, "")
	if err != nil {
		return err
	}
	aud, was := c.Audience(), prev.Audience()
	if err := tx.AppendEvent(parley.EventConversationUpdated, c.WorkspaceID, c.ID, item, &aud, &was); err != nil {
		return err
	}
	return tx.Audit(ctx, c.WorkspaceID, "", "conversation.route", "conversation", c.ID,
		map[string]any{"assignee_ids": []any{prev.AssigneeIDs, c.AssigneeIDs}, "status": []string{string(prev.Status), string(c.Status)},
			"policy": team.Policy})
}
