package routing_test

import (
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/routing"
)

func TestPick(t *testing.T) {
	on := func(id string, load, capacity int) routing.Candidate {
		return routing.Candidate{UserID: id, Availability: parley.Online, Connected: true, Load: load, Capacity: capacity}
	}
	busy := on("b", 0, 0)
	busy.Availability = parley.Busy
	offline := on("b", 0, 0)
	offline.Availability = parley.Offline
	away := on("b", 0, 0)
	away.Connected = false
	tests := []struct {
		name       string
		policy     routing.Policy
		candidates []routing.Candidate
		cursor     string
		want       string
	}{
		{"manual never assigns", routing.Manual, []routing.Candidate{on("a", 0, 0)}, "", ""},
		{"an unknown policy never assigns", "random", []routing.Candidate{on("a", 0, 0)}, "", ""},
		{"nobody in the team", routing.RoundRobin, nil, "", ""},
		{"round robin starts at the first id", routing.RoundRobin, []routing.Candidate{on("c", 0, 0), on("a", 0, 0), on("b", 0, 0)}, "", "a"},
		{"round robin continues after the cursor", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), on("b", 0, 0), on("c", 0, 0)}, "a", "b"},
		{"round robin wraps around", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), on("b", 0, 0), on("c", 0, 0)}, "c", "a"},
		{"round robin after a cursor that left the team", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), on("c", 0, 0)}, "b", "c"},
		{"round robin ignores load", routing.RoundRobin, []routing.Candidate{on("a", 9, 0), on("b", 0, 0)}, "", "a"},
		{"round robin skips a busy agent", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), busy, on("c", 0, 0)}, "a", "c"},
		{"round robin skips an offline agent", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), offline, on("c", 0, 0)}, "a", "c"},
		{"round robin skips an online agent who is not connected", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), away, on("c", 0, 0)}, "a", "c"},
		{"round robin skips an agent at capacity", routing.RoundRobin, []routing.Candidate{on("a", 0, 0), on("b", 5, 5), on("c", 0, 0)}, "a", "c"},
		{"capacity 0 is unlimited", routing.RoundRobin, []routing.Candidate{on("a", 500, 0)}, "", "a"},
		{"nobody eligible waits", routing.RoundRobin, []routing.Candidate{busy, on("a", 2, 2)}, "", ""},
		{"least busy picks the lowest load", routing.LeastBusy, []routing.Candidate{on("a", 3, 0), on("b", 1, 0), on("c", 2, 0)}, "", "b"},
		{"least busy breaks ties after the cursor", routing.LeastBusy, []routing.Candidate{on("a", 1, 0), on("b", 1, 0), on("c", 1, 0)}, "a", "b"},
		{"least busy tie wraps around", routing.LeastBusy, []routing.Candidate{on("a", 1, 0), on("b", 1, 0), on("c", 2, 0)}, "b", "a"},
		{"least busy skips those at capacity", routing.LeastBusy, []routing.Candidate{on("a", 1, 1), on("b", 4, 0)}, "", "b"},
		{"least busy skips the unavailable", routing.LeastBusy, []routing.Candidate{busy, away, on("c", 7, 0)}, "", "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := routing.Pick(tt.policy, tt.candidates, tt.cursor)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Pick(%s, cursor %q) = %q, %v; want %q", tt.policy, tt.cursor, got, ok, tt.want)
			}
		})
	}
}
