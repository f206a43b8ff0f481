// Package routing decides which agent gets a queued conversation. The
// decision is one pure function (Pick) over the team's agents, their loads,
// the team's policy and the cursor of the last assignment; applying it
// (claiming the conversation, recording the cursor) is the worker's job, so
// that every rule here is table-tested without a database.
package routing

import (
	"slices"
	"strings"

	"github.com/parleyhq/parley"
)

// Policy is how a team's queue hands out conversations.
type Policy string

// Policies. Manual leaves conversations for agents to accept.
const (
	Manual     Policy = "manual"
	RoundRobin Policy = "round_robin"
	LeastBusy  Policy = "least_busy"
)

// Valid reports whether p is a known policy.
func (p Policy) Valid() bool { return p == Manual || p == RoundRobin || p == LeastBusy }

// Auto reports whether the policy assigns conversations by itself.
func (p Policy) Auto() bool { return p == RoundRobin || p == LeastBusy }

// Candidate is an agent of the team as routing sees them.
type Candidate struct {
	UserID       string
	Availability parley.Availability
	// Connected is true when the agent has a live session (presence seen
	// within the last minute on any node).
	Connected bool
	// Load is the conversations assigned to them that are open or pending.
	Load int
	// Capacity caps Load; 0 means no limit.
	Capacity int
}

// Eligible reports whether c may be given one more conversation: online (not
// busy or offline), connected, and below capacity.
func (c Candidate) Eligible() bool {
	return c.Availability == parley.Online && c.Connected && (c.Capacity == 0 || c.Load < c.Capacity)
}

// Pick returns the agent who gets the next conversation under policy, or
// "" and false when nobody qualifies (the conversation then waits, queued).
// cursor is the user id routing last assigned in this team: round robin
// continues after it, and least busy breaks ties in the same rotation so that
// equally loaded agents take turns. Candidates are considered in user-id
// order, whatever order they come in.
func Pick(policy Policy, candidates []Candidate, cursor string) (string, bool) {
	if !policy.Auto() {
		return "", false
	}
	ring := slices.Clone(candidates)
	slices.SortFunc(ring, func(a, b Candidate) int { return strings.Compare(a.UserID, b.UserID) })
	// Rotate so the first after the cursor comes first.
	start, _ := slices.BinarySearchFunc(ring, cursor, func(c Candidate, id string) int {
		if c.UserID <= id {
			return -1
		}
		return 1
	})
	ring = append(ring[start:], ring[:start]...)
	best := -1
	for i, c := range ring {
		if !c.Eligible() {
			continue
		}
		if policy == RoundRobin {
			return c.UserID, true
		}
		if best < 0 || c.Load < ring[best].Load {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return ring[best].UserID, true
}
