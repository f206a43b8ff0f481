package realtime_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/realtime"
)

// TestHub_counts: events reaching a socket bring its actor's counts, at
// most once per interval however many events arrive.
func TestHub_counts(t *testing.T) {
	var calls atomic.Int64
	const interval = 300 * time.Millisecond
	e := newEnv(t, func(c *realtime.Config) {
		c.CountsInterval = interval
		c.Counts = func(ctx context.Context, a parley.Actor) (any, error) {
			n := calls.Add(1)
			return map[string]any{"user": a.UserID, "all": n}, nil
		}
	})
	e.member("a", parley.RoleAgent)
	e.member("b", parley.RoleAgent)
	a := e.dial(t, "a", "&counts=1")
	a.hello()
	b := e.dial(t, "b", "") // did not ask for counts
	b.hello()
	start := time.Now()
	var last parley.Event
	for i := range 20 {
		last = e.emit(t, event("conversation.updated", `{"i":`+string(rune('0'+i%10))+`}`))
	}
	var counts []json.RawMessage
	a.until(func(el element) bool {
		if el.Type == "counts" {
			counts = append(counts, el.Data)
		}
		return el.Seq == last.Seq
	})
	// Take what the burst may still owe (the interval's trailing push):
	// waiting for a push that should not come is the only way to see it
	// does not.
	deadline := time.After(2 * interval)
wait:
	for {
		select {
		case f := <-a.frames:
			for _, el := range f {
				if el.Type == "counts" {
					counts = append(counts, el.Data)
				}
			}
		case <-deadline:
			break wait
		}
	}
	if len(counts) == 0 {
		t.Fatal("no counts after 20 events")
	}
	b.until(func(el element) bool {
		if el.Type == "counts" {
			t.Errorf("a socket that did not ask for counts got %s", el.Data)
		}
		return el.Seq == last.Seq
	})
	elapsed := time.Since(start)
	if max := int(elapsed/interval) + 1; len(counts) > max || calls.Load() > int64(max) {
		t.Errorf("%d counts (%d computed) in %s, want at most %d (one per %s)", len(counts), calls.Load(), elapsed, max, interval)
	}
	var got struct {
		User string `json:"user"`
	}
	if err := json.Unmarshal(counts[0], &got); err != nil || got.User != "a" {
		t.Errorf("counts = %s, want the socket's actor's", counts[0])
	}
}
