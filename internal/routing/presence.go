package routing

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// PresenceInterval is how often a node records who is connected to it;
// PresenceWindow is a few of these, so a missed beat does not drop anyone.
const PresenceInterval = 20 * time.Second

// PresenceRecorder writes who is connected to this node into the store
// (user_presence), which every node's routing reads: "connected" holds
// across nodes without the broker. Someone who was not connected before
// triggers their workspace's queues.
type PresenceRecorder struct {
	Store *sqlstore.Store
	// Source returns who is connected to this node now (the hub).
	Source func() []sqlstore.Presence
	Clock  parley.Clock
	Logger *slog.Logger
}

// Record records one beat.
func (r *PresenceRecorder) Record(ctx context.Context) error {
	seen := r.Source()
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

// Run records a beat every PresenceInterval until ctx ends.
func (r *PresenceRecorder) Run(ctx context.Context) error {
	t := time.NewTicker(PresenceInterval)
	defer t.Stop()
	for {
		if err := r.Record(ctx); err != nil && ctx.Err() == nil && r.Logger != nil {
			r.Logger.ErrorContext(ctx, "presence record", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
