// Package scheduler runs durable jobs: the timers of every timed feature
// (conversation's snooze wake-ups now; auto-resolve, SLA, digests later) and follow-up
// work queued in the transaction that caused it (outgoing webhooks, AI,
// automation), all in one table (sqlstore.Job).
//
// A job is claimed with a lease and a fencing token, so it runs on one
// node at a time. A kind's handler has two optional halves: Run does
// outside work (HTTP calls) with no transaction open and may run more than
// once (a crash after it, before the commit, runs it again); Commit applies
// the job's database effects in the transaction that deletes the job under
// its token, so they happen exactly once. A timer that only changes the
// database (a snooze wake-up) is a Commit alone, and fires once across
// nodes.
package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Handler does the jobs of one kind. At least one of Run and Commit is set.
type Handler struct {
	// Run does the job's outside work, with no transaction open. It may
	// run more than once for one job; receivers should dedupe on job.ID.
	Run func(ctx context.Context, job *sqlstore.Job) error
	// Commit applies the job's database effects in the transaction that
	// completes it: exactly once, or not at all.
	Commit func(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error
	// MaxAttempts bounds the tries before the job is marked failed
	// (default 10). Errors wrapped by Permanent fail it at once.
	MaxAttempts int
	// Timeout bounds Run (default 30s); it must be shorter than the lease.
	Timeout time.Duration
}

// Permanent wraps an error no retry can cure: the job is marked failed at
// once.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Config configures a Scheduler. Zero fields take the defaults named.
type Config struct {
	Store  *sqlstore.Store
	Clock  parley.Clock
	Logger *slog.Logger
	// Handlers are the job kinds this scheduler runs, by kind (the
	// packages that own the kinds provide them: conversation.SnoozeTimer).
	Handlers map[string]Handler
	// Lease is how long a claim holds a job (default 2m).
	Lease time.Duration
	// Concurrency is how many jobs run at once (default 4).
	Concurrency int
	// PollInterval is how often an idle scheduler looks for due jobs it
	// was not woken for (default 1s).
	PollInterval time.Duration
	// BaseDelay is the wait after a first failure; each further failure
	// waits four times longer, up to an hour (default 10s).
	BaseDelay time.Duration
	// Rand returns numbers in [0, 1) for jitter (default math/rand).
	Rand func() float64
}

// Scheduler claims and runs due jobs. Any number of schedulers, on any
// number of nodes, may run on one database. It is safe for concurrent use.
type Scheduler struct {
	cfg      Config
	log      *slog.Logger
	mu       sync.RWMutex
	handlers map[string]Handler
	wake     chan struct{}
}

// New returns a Scheduler with cfg.Handlers registered.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Store == nil {
		return nil, errors.New("scheduler: a store is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = parley.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 10 * time.Second
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	s := &Scheduler{cfg: cfg, log: cfg.Logger, handlers: map[string]Handler{}, wake: make(chan struct{}, 1)}
	for kind, h := range cfg.Handlers {
		if err := s.Register(kind, h); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Register adds the handler of a kind. A scheduler claims only the kinds
// it has handlers for, so nodes of different versions can share a table.
func (s *Scheduler) Register(kind string, h Handler) error {
	if h.Run == nil && h.Commit == nil {
		return fmt.Errorf("scheduler: register %s: a handler needs Run or Commit", kind)
	}
	if h.MaxAttempts <= 0 {
		h.MaxAttempts = 10
	}
	if h.Timeout <= 0 {
		h.Timeout = 30 * time.Second
	}
	if h.Run != nil && h.Timeout >= s.cfg.Lease {
		return fmt.Errorf("scheduler: register %s: the timeout (%v) must be shorter than the lease (%v)", kind, h.Timeout, s.cfg.Lease)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.handlers[kind]; dup {
		return fmt.Errorf("scheduler: register %s: already registered", kind)
	}
	s.handlers[kind] = h
	return nil
}

func (s *Scheduler) kinds() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.handlers))
	for k := range s.handlers {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (s *Scheduler) handler(kind string) (Handler, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, ok := s.handlers[kind]
	return h, ok
}

// Schedule queues a job of kind to run at due, inside tx. Scheduling a
// kind and key again replaces the job; an empty key makes a new job each
// time. payload is marshalled to JSON.
func Schedule(ctx context.Context, tx *sqlstore.Tx, kind, key, workspaceID string, due time.Time, payload any) error {
	_, err := Queue(ctx, tx, kind, key, workspaceID, due, payload)
	return err
}

// Queue is Schedule returning the job as stored, for RunJob once tx has
// committed.
func Queue(ctx context.Context, tx *sqlstore.Tx, kind, key, workspaceID string, due time.Time, payload any) (*sqlstore.Job, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: %w", kind, err)
	}
	j := &sqlstore.Job{Kind: kind, Key: key, WorkspaceID: workspaceID, DueAt: due, Payload: raw}
	if err := tx.ScheduleJob(ctx, j); err != nil {
		return nil, err
	}
	return j, nil
}

// Wake makes a waiting Run look for due jobs now (call it after a commit
// that scheduled one). It never blocks.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// RunOnce claims the due jobs (up to Concurrency), runs them and returns
// how many it handled. Cancelling ctx during a Run is a crash: the job is
// run again after its lease. Tests drive the scheduler with it.
func (s *Scheduler) RunOnce(ctx context.Context) (int, error) {
	jobs, err := s.cfg.Store.ClaimJobs(ctx, s.cfg.Clock.Now(), s.kinds(), s.cfg.Concurrency, s.cfg.Lease)
	if err != nil {
		return 0, fmt.Errorf("scheduler: %w", err)
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { s.process(ctx, j) })
	}
	wg.Wait()
	return len(jobs), nil
}

// Run runs due jobs until ctx ends, then returns nil once the jobs under
// way have finished.
func (s *Scheduler) Run(ctx context.Context) error {
	procCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		// Let running jobs finish their Run, within its timeout.
		time.AfterFunc(30*time.Second, cancel)
	})
	defer stop()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-timer.C:
		}
		n, err := s.RunOnce(procCtx)
		if err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "scheduler claim", "err", err)
		}
		wait := s.idleWait(ctx)
		if n == s.cfg.Concurrency {
			wait = 0 // there may be more
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// idleWait is how long to sleep with nothing due: until the next job, at
// most PollInterval.
func (s *Scheduler) idleWait(ctx context.Context) time.Duration {
	now := s.cfg.Clock.Now()
	next, err := s.cfg.Store.NextJobDue(ctx, now)
	if err != nil || next == nil {
		return s.cfg.PollInterval
	}
	return min(max(next.Sub(now), time.Millisecond), s.cfg.PollInterval)
}

var errLost = errors.New("scheduler: lease lost")

// ErrNeedsClaim is what a job's Run returns when it runs unclaimed
// (RunJob) and may take long, a remote model's answer say: RunJob then
// claims the job and runs it again, so that no other node runs it at the
// same time.
var ErrNeedsClaim = errors.New("scheduler: the job needs a claim")

// RunJob runs job, as Queue stored it, on this node now, whatever its due
// time, and returns when it is done. It first runs the job without a
// claim, a commit less on the path of a quick job, and completes it only
// if nobody claimed or replaced it meanwhile (its fencing token is
// unchanged): a lost race costs the work, never a second result. A Run
// that may take long returns ErrNeedsClaim and runs again under a claim.
//
// A job RunJob does not finish stays for its due time, when a scheduler on
// any node runs it as usual. Queue it a little in the future and call
// RunJob once the queueing transaction has committed: a node that stops
// in between costs that delay, not the job.
func (s *Scheduler) RunJob(ctx context.Context, job sqlstore.Job) error {
	h, ok := s.handler(job.Kind)
	if !ok {
		return fmt.Errorf("scheduler: run job: no handler for %s", job.Kind)
	}
	now := s.cfg.Clock.Now()
	job.Unclaimed = true
	err := s.runUnclaimed(ctx, &job, h)
	if !errors.Is(err, ErrNeedsClaim) {
		return err
	}
	claimed, err := s.cfg.Store.ClaimJob(ctx, job.ID, now, s.cfg.Lease)
	if err != nil || claimed == nil {
		return err
	}
	s.process(ctx, *claimed)
	return nil
}

// runUnclaimed runs job and completes it if its token is still the one
// read: no claim took it and no newer schedule replaced it.
func (s *Scheduler) runUnclaimed(ctx context.Context, job *sqlstore.Job, h Handler) error {
	if h.Run != nil {
		rctx, cancel := context.WithTimeout(ctx, h.Timeout)
		err := h.Run(rctx, job)
		cancel()
		if err != nil {
			return err
		}
	}
	// Optimistic (no savepoint on PostgreSQL, a round trip less): losing
	// the race is rare, and a failed write runs again alone.
	err := s.cfg.Store.WriteOptimistic(ctx, job.Key, func(tx *sqlstore.Tx) error {
		ok, err := tx.CompleteJob(ctx, job.ID, job.Token)
		if err != nil {
			return err
		}
		if !ok {
			return errLost
		}
		if h.Commit != nil {
			return h.Commit(ctx, tx, job)
		}
		return nil
	})
	if errors.Is(err, errLost) {
		return nil // claimed or replaced meanwhile: the other run's result stands
	}
	return err
}

// process runs one claimed job and records what happened.
func (s *Scheduler) process(ctx context.Context, job sqlstore.Job) {
	log := s.log.With("job_id", job.ID, "kind", job.Kind, "attempt", job.Attempts)
	h, ok := s.handler(job.Kind)
	if !ok {
		return // claimed only registered kinds
	}
	var runErr error
	if h.Run != nil {
		rctx, cancel := context.WithTimeout(ctx, h.Timeout)
		runErr = h.Run(rctx, &job)
		cancel()
		if runErr != nil && ctx.Err() != nil {
			log.WarnContext(ctx, "job interrupted")
			return
		}
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if runErr == nil {
		err := s.cfg.Store.Write(fctx, func(tx *sqlstore.Tx) error {
			ok, err := tx.CompleteJob(fctx, job.ID, job.Token)
			if err != nil {
				return err
			}
			if !ok {
				return errLost
			}
			if h.Commit != nil {
				return h.Commit(fctx, tx, &job)
			}
			return nil
		})
		switch {
		case err == nil:
			log.DebugContext(ctx, "job done")
			return
		case errors.Is(err, errLost):
			log.WarnContext(ctx, "job lease lost, rescheduled or cancelled: not completed")
			return
		}
		runErr = err
	}
	s.retryOrFail(fctx, log, job, h, runErr)
}

// retryOrFail records a failed try: the job waits its backoff, or fails
// for good after MaxAttempts or a permanent error.
func (s *Scheduler) retryOrFail(ctx context.Context, log *slog.Logger, job sqlstore.Job, h Handler, cause error) {
	_, permanent := errors.AsType[*permanentError](cause)
	final := permanent || job.Attempts >= h.MaxAttempts
	err := s.cfg.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		var ok bool
		var err error
		if final {
			ok, err = tx.FailJob(ctx, job.ID, job.Token, cause.Error())
		} else {
			ok, err = tx.RetryJob(ctx, job.ID, job.Token, s.cfg.Clock.Now().Add(s.delay(job.Attempts)), cause.Error())
		}
		if err == nil && !ok {
			return errLost
		}
		return err
	})
	switch {
	case errors.Is(err, errLost):
		log.WarnContext(ctx, "job lease lost: failure not recorded", "err", cause)
	case err != nil:
		log.ErrorContext(ctx, "job record failure", "err", err, "cause", cause)
	case final:
		log.ErrorContext(ctx, "job failed", "err", cause)
	default:
		log.WarnContext(ctx, "job will retry", "err", cause)
	}
}

// delay is the backoff after failed attempt n (from 1), ±20% jitter.
func (s *Scheduler) delay(n int) time.Duration {
	d := s.cfg.BaseDelay
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 4
	}
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*s.cfg.Rand()))
}
