package app

import (
	"context"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// registerLifecycle adds the working day's jobs to the scheduler: routing
// passes, and the lifecycle sweep (auto-resolve, abandon, purge).
func registerLifecycle(s *scheduler.Scheduler, timers *conversation.Timers) error {
	if err := routing.Register(s); err != nil {
		return err
	}
	return timers.Register(s)
}

// presence returns the recorder of who is connected to this node's hub.
func presence(store *sqlstore.Store, hub *realtime.Hub, a *App) *routing.PresenceRecorder {
	return &routing.PresenceRecorder{Store: store, Logger: a.Log.With("worker", "presence"),
		Source: func() []sqlstore.Presence {
			var out []sqlstore.Presence
			for _, p := range hub.Present() {
				out = append(out, sqlstore.Presence{WorkspaceID: p.WorkspaceID, UserID: p.UserID})
			}
			return out
		}}
}

// runPresence records this node's connected users until ctx ends.
func (a *App) runPresence(ctx context.Context) {
	_ = presence(a.Store, a.Hub, a).Run(ctx)
}
