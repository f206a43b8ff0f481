package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/api"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// callbackTimeout bounds one callback or provider call; the delivery lease
// is longer.
const callbackTimeout = 30 * time.Second

// WorkerOptions are what the background workers need.
type WorkerOptions struct {
	Store  *sqlstore.Store
	Clock  parley.Clock
	Logger *slog.Logger
	// Outbox is the queue the delivery worker drains (NewOutbox); the
	// use cases were built with it.
	Outbox *delivery.Outbox
	// Compose, Conversations and Gate are passed to delivery.Config (what
	// a provider is sent; fallback resends; the AI's second mode check).
	Compose       func(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation, inbox *parley.Inbox, out *channel.Outbound) error
	Conversations *conversation.Service
	Gate          delivery.Gate
	// Blobs deletes purged conversations' files.
	Blobs interface {
		Delete(ctx context.Context, key string) error
	}
	// Scheduler runs the timers and follow-up jobs (NewScheduler): built
	// before the use cases, which run their jobs through it.
	Scheduler *scheduler.Scheduler
}

// NewScheduler returns the node's scheduler with the snooze timer; the
// other packages register their job kinds on it.
func NewScheduler(store *sqlstore.Store, clock parley.Clock, logger *slog.Logger) (*scheduler.Scheduler, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s, err := scheduler.New(scheduler.Config{Store: store, Clock: clock, Logger: logger.With("worker", "scheduler"),
		Handlers: map[string]scheduler.Handler{conversation.KindSnooze: conversation.SnoozeTimer()}})
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	return s, nil
}

// Workers are a node's background workers: the delivery worker (the
// outbox) and the scheduler (durable timers and follow-up jobs). Every
// node runs them; leases keep them from doing the same work twice.
type Workers struct {
	// Delivery drains the outbox (WorkerOptions.Outbox) and sends.
	Delivery *delivery.Worker
	// Scheduler runs timers and follow-up jobs.
	Scheduler *scheduler.Scheduler
	// Timers are the lifecycle jobs (sweep, closing phrases, purge).
	Timers *conversation.Timers
	store  *sqlstore.Store
}

// NewOutbox returns the outbox that use cases queue replies on: it sends
// through the API channel's adapter (callbacks to user-supplied URLs,
// through guard) and adapters.
func NewOutbox(guard *netguard.Guard, clock parley.Clock, adapters []channel.Adapter) *delivery.Outbox {
	if clock == nil {
		clock = parley.SystemClock{}
	}
	callbacks := api.New(api.Options{Client: guard.Client(callbackTimeout), Clock: clock})
	return delivery.NewOutbox(append([]channel.Adapter{callbacks}, adapters...)...)
}

// NewWorkers builds the workers; they do nothing until Run.
func NewWorkers(o WorkerOptions) (*Workers, error) {
	if o.Clock == nil {
		o.Clock = parley.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Outbox == nil {
		return nil, errors.New("workers: an outbox is required (NewOutbox)")
	}
	d, err := delivery.New(delivery.Config{
		Store: o.Store, Outbox: o.Outbox, Clock: o.Clock, Logger: o.Logger.With("worker", "delivery"),
		CallTimeout: callbackTimeout, Compose: o.Compose, Conversations: o.Conversations, Gate: o.Gate,
	})
	if err != nil {
		return nil, fmt.Errorf("delivery worker: %w", err)
	}
	s := o.Scheduler
	if s == nil {
		if s, err = NewScheduler(o.Store, o.Clock, o.Logger); err != nil {
			return nil, err
		}
	}
	timers := &conversation.Timers{Blobs: o.Blobs}
	if err := registerLifecycle(s, timers); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	return &Workers{Delivery: d, Scheduler: s, Timers: timers, store: o.Store}, nil
}

// Run runs every worker until ctx ends and returns once all have stopped
// (each lets the call it has under way finish first).
func (w *Workers) Run(ctx context.Context) error {
	if err := conversation.EnsureSweep(ctx, w.store); err != nil {
		if ctx.Err() != nil { // stopped while starting: nothing to run
			return nil
		}
		return fmt.Errorf("lifecycle sweep: %w", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = w.Delivery.Run(ctx) })
	wg.Go(func() { errs[1] = w.Scheduler.Run(ctx) })
	wg.Wait()
	return errors.Join(errs...)
}

// Wake tells the scheduler that a transaction committed, so a job it
// queued starts now rather than at the next poll. Call it after every
// commit (the store's OnCommit hook); it never blocks. The delivery worker
// needs no call: its Outbox wakes it when a queued message commits.
func (w *Workers) Wake() {
	w.Scheduler.Wake()
}
