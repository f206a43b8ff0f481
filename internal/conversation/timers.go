package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Job kinds of the lifecycle timers.
const (
	// KindSweep is the recurring sweep: auto-resolve after the customer's
	// silence, abandon what was never answered, purge what was deleted
	// long enough ago, and look at the queues again.
	KindSweep = "lifecycle.sweep"
	// KindClosing checks whether a customer's short message was only a
	// closing phrase, and resolves the conversation if so.
	KindClosing = inbound.KindClosing
)

// SweepInterval is how often the sweep runs (once across nodes).
const SweepInterval = time.Minute

// sweepBatch bounds what one sweep closes per workspace and kind; a full
// batch runs the sweep again at once.
const sweepBatch = 200

// Timers runs the lifecycle jobs.
type Timers struct {
	// Blobs deletes purged conversations' files; nil keeps them.
	Blobs interface {
		Delete(ctx context.Context, key string) error
	}
}

// Register adds the lifecycle jobs to a scheduler.
func (t *Timers) Register(s *scheduler.Scheduler) error {
	if err := s.Register(KindSweep, scheduler.Handler{Commit: t.sweep, MaxAttempts: 1000}); err != nil {
		return err
	}
	return s.Register(KindClosing, scheduler.Handler{Commit: closeOnPhrase, MaxAttempts: 20})
}

// EnsureSweep schedules the recurring sweep unless it exists (every node
// calls it at start; the job runs once across nodes).
func EnsureSweep(ctx context.Context, store *sqlstore.Store) error {
	return store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.ScheduleJobIfAbsent(ctx, &sqlstore.Job{Kind: KindSweep, Key: "all", DueAt: tx.Now()})
	})
}

// sweep is one pass over every workspace, in the transaction that
// completes the job, which schedules the next one.
func (t *Timers) sweep(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	wss, err := tx.WorkspaceSettingsAll(ctx)
	if err != nil {
		return err
	}
	next := tx.Now().Add(SweepInterval)
	for _, ws := range wss {
		full, err := t.sweepWorkspace(ctx, tx, &ws)
		if err != nil {
			return fmt.Errorf("sweep workspace %s: %w", ws.ID, err)
		}
		if full {
			next = tx.Now()
		}
	}
	return scheduler.Schedule(ctx, tx, KindSweep, "all", "", next, struct{}{})
}

func (t *Timers) sweepWorkspace(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace) (full bool, err error) {
	l := ws.Settings.Effective()
	now := tx.Now()
	closed := 0
	if l.AbandonMinutes > 0 {
		list, err := tx.LockSilent(ctx, ws.ID, sqlstore.SilentAbandoned, now.Add(-time.Duration(l.AbandonMinutes)*time.Minute), sweepBatch)
		if err != nil {
			return false, err
		}
		for _, c := range list {
			ev := parley.SystemEvent{Action: parley.ActionAbandoned, Reason: fmt.Sprintf("no customer message for %d minutes", l.AbandonMinutes)}
			if err := activity.Close(ctx, tx, c, parley.StatusAbandoned, ev); err != nil {
				return false, err
			}
		}
		closed += len(list)
		full = full || len(list) == sweepBatch
	}
	if l.AutoResolveHours > 0 {
		list, err := tx.LockSilent(ctx, ws.ID, sqlstore.SilentResolvable, now.Add(-time.Duration(l.AutoResolveHours)*time.Hour), sweepBatch)
		if err != nil {
			return false, err
		}
		skipped := 0
		for _, c := range list {
			if unpaid, err := tx.FindUnpaidPaymentRequest(ctx, c.ID); err != nil {
				return false, err
			} else if unpaid != nil {
				skipped++ // cannot close with an unpaid request
				continue
			}
			ev := parley.SystemEvent{Action: parley.ActionAutoResolved, Reason: fmt.Sprintf("no customer message for %d hours", l.AutoResolveHours)}
			if err := activity.Close(ctx, tx, c, parley.StatusResolved, ev); err != nil {
				return false, err
			}
		}
		closed += len(list) - skipped
		full = full || (len(list) == sweepBatch && skipped == 0)
	}
	n, keys, err := tx.PurgeDeleted(ctx, ws.ID, now.Add(-time.Duration(l.PurgeDays)*24*time.Hour), sweepBatch)
	if err != nil {
		return false, err
	}
	if n > 0 {
		if err := tx.Audit(ctx, ws.ID, "", "conversation.purge", "workspace", ws.ID, map[string]int{"conversations": n}); err != nil {
			return false, err
		}
	}
	full = full || n == sweepBatch
	if t.Blobs != nil {
		// Before the commit: should it fail, the rows stay past their
		// grace period and the next sweep purges them again.
		for _, k := range keys {
			_ = t.Blobs.Delete(ctx, k)
		}
	}
	// Closing frees agents; and queues wait for agents the sweep may not
	// have seen come online.
	return full, routing.TriggerWorkspace(ctx, tx, ws.ID)
}

// closeOnPhrase resolves the conversation when the customer's message was
// only a closing phrase and is still their last one.
func closeOnPhrase(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	var p inbound.ClosingPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return scheduler.Permanent(fmt.Errorf("closing payload: %w", err))
	}
	ws, err := tx.FindWorkspaceByID(ctx, job.WorkspaceID)
	if err != nil {
		return ignoreGone(err)
	}
	l := ws.Settings.Effective()
	if !l.ClosingPhrasesEnabled {
		return nil
	}
	phrases := l.ClosingPhrases
	if phrases == nil {
		phrases = DefaultClosingPhrases
	}
	c, err := tx.LockConversation(ctx, job.WorkspaceID, p.ConversationID)
	if err != nil {
		return ignoreGone(err)
	}
	if c.Status.Closed() || c.InboundCount != p.InboundCount {
		return nil // closed meanwhile, or the customer wrote again
	}
	m, err := tx.FindMessageByID(ctx, c.ID, p.MessageID)
	if err != nil {
		return ignoreGone(err)
	}
	if !IsClosingPhrase(m.Content, phrases) {
		return nil
	}
	if unpaid, err := tx.FindUnpaidPaymentRequest(ctx, c.ID); err != nil || unpaid != nil {
		return err
	}
	ev := parley.SystemEvent{Action: parley.ActionAutoResolved, Reason: "closing phrase"}
	prev := *c
	if err := activity.Close(ctx, tx, c, parley.StatusResolved, ev); err != nil {
		return err
	}
	return rerouteAfter(ctx, tx, &prev, c)
}

func ignoreGone(err error) error {
	if parley.IsNotFound(err) {
		return nil
	}
	return err
}
