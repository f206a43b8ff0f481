package routing

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleyhq/parley/internal/sqlstore"
)

// PresenceInterval is how often a node records who is connected to it;
// PresenceWindow is a few of these, so a missed beat does not drop anyone.
// PresenceCheck is how often it looks for someone new, whom it records at
// once (they came online: routing may give them work now).
const (
	PresenceInterval = 20 * time.Second
	PresenceCheck    = 2 * time.Second
)

// PresenceRecorder writes who is connected to this node into the store
// (user_presence), which every node's routing reads: "connected" holds
// across nodes without the broker. Someone who was not connected before
// triggers their workspace's queues.
type PresenceRecorder struct {
	Store *sqlstore.Store
	// Source returns who is connected to this node now (the hub).
	Source func() []sqlstore.Presence
	Logger *slog.Logger
}

// Record records one beat.
func (r *PresenceRecorder) Record(ctx context.Context) error {
	return r.record(ctx, r.Source())
}

func (r *PresenceRecorder) record(ctx context.Context, seen []sqlstore.Presence) error {
	if len(seen) == 0 {
		return nil
	}
	return r.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		online, err := tx.TouchPresence(ctx, seen, tx.Now().Add(-PresenceWindow))
		if err != nil {
			return err
		}
		for _, ws := range online {
			if err := TriggerWorkspace(ctx, tx, ws); err != nil {
				return err
			}
		}
		return nil
	})
}

// Run records a beat every PresenceInterval, and at once when someone
// new connects, until ctx ends.
func (r *PresenceRecorder) Run(ctx context.Context) error {
	t := time.NewTicker(PresenceCheck)
	defer t.Stop()
	known := map[sqlstore.Presence]bool{}
	var last time.Time
	for {
		now := time.Now()
		seen := r.Source()
		fresh := false
		current := make(map[sqlstore.Presence]bool, len(seen))
		for _, p := range seen {
			current[p] = true
			fresh = fresh || !known[p]
		}
		if fresh || now.Sub(last) >= PresenceInterval {
			if err := r.record(ctx, seen); err != nil {
				if ctx.Err() == nil && r.Logger != nil {
					r.Logger.ErrorContext(ctx, "presence record", "err", err)
				}
			} else {
				known, last = current, now
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
