package realtime

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/parleyhq/parley"
)

// CountsFunc computes the live view counts for a socket's actor (any JSON
// value; Parley sends the object keyed by view name).
type CountsFunc func(ctx context.Context, a parley.Actor) (any, error)

// countsPacer pushes each socket its counts after events reach it, at most
// once per interval: a burst of events costs one count per socket and
// interval, the first at once, the rest at the interval's end.
type countsPacer struct {
	mu      sync.Mutex
	pending map[*conn]bool
	last    map[*conn]time.Time
}

// countsMessage is the element a socket receives.
type countsMessage struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// countsChanged schedules the socket's counts after it was sent events.
func (h *Hub) countsChanged(c *conn) {
	if h.cfg.Counts == nil || !c.wantCounts {
		return
	}
	p := &h.counts
	p.mu.Lock()
	if p.pending == nil {
		p.pending, p.last = map[*conn]bool{}, map[*conn]time.Time{}
	}
	if p.pending[c] {
		p.mu.Unlock()
		return
	}
	p.pending[c] = true
	delay := time.Until(p.last[c].Add(h.cfg.CountsInterval))
	p.mu.Unlock()
	time.AfterFunc(max(0, delay), func() { h.pushCounts(c) })
}

func (h *Hub) pushCounts(c *conn) {
	p := &h.counts
	p.mu.Lock()
	if !p.pending[c] { // the socket closed meanwhile
		p.mu.Unlock()
		return
	}
	p.last[c] = time.Now()
	p.mu.Unlock()
	v := c.view.Load()
	counts, err := h.cfg.Counts(c.ctx, v.actor)
	if err == nil {
		var msg []byte
		if msg, err = json.Marshal(countsMessage{Type: "counts", Data: counts}); err == nil {
			c.pushSignal(msg)
		}
	}
	if err != nil && c.ctx.Err() == nil {
		h.log.Warn("realtime counts failed", "workspace_id", c.ws.id, "user_id", c.userID, "err", err)
	}
	p.mu.Lock()
	delete(p.pending, c)
	p.mu.Unlock()
}

// forgetCounts drops a closed socket's pacing.
func (h *Hub) forgetCounts(c *conn) {
	p := &h.counts
	p.mu.Lock()
	if p.pending != nil {
		delete(p.pending, c)
		delete(p.last, c)
	}
	p.mu.Unlock()
}
