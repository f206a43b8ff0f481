package scheduler_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

const timeout = 5 * time.Second

func eachStore(t *testing.T, fn func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clock := clocktest.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			fn(t, storetest.Open(t, e, storetest.Options{Clock: clock}), clock)
		})
	}
}

func newScheduler(t *testing.T, s *sqlstore.Store, clock parley.Clock) *scheduler.Scheduler {
	t.Helper()
	sch, err := scheduler.New(scheduler.Config{Store: s, Clock: clock, Lease: time.Minute, Rand: func() float64 { return 0.5 },
		Handlers: map[string]scheduler.Handler{conversation.KindSnooze: conversation.SnoozeTimer()}})
	if err != nil {
		t.Fatalf("scheduler.New() = %v", err)
	}
	return sch
}

func runOnce(t *testing.T, sch *scheduler.Scheduler) int {
	t.Helper()
	n, err := sch.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce() = %v", err)
	}
	return n
}

func write(t *testing.T, s *sqlstore.Store, fn func(ctx context.Context, tx *sqlstore.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Write() = %v", err)
	}
}

// snooze snoozes a conversation until `until` the way conversation.Update
// does, and schedules its wake-up in the same transaction.
func snooze(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, convID string, until time.Time, scheduleJob bool) {
	t.Helper()
	write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
		c, err := tx.FindConversationByID(ctx, f.Workspace.ID, convID)
		if err != nil {
			return err
		}
		prev := *c
		u := until
		c.Status, c.SnoozedUntil = parley.StatusSnoozed, &u
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if !scheduleJob {
			return nil
		}
		return conversation.ScheduleSnooze(ctx, tx, c)
	})
}

func openConversation(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, source string) string {
	t.Helper()
	res, err := inbound.New(s).Receive(context.Background(), f.Inbox, channel.Inbound{
		Contact: channel.ContactInfo{SourceID: source}, ProviderMessageID: "in-" + source, Content: "hi",
	})
	if err != nil {
		t.Fatalf("Receive() = %v", err)
	}
	return res.ConversationID
}

func status(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, convID string) *parley.Conversation {
	t.Helper()
	c, err := s.FindConversationByID(context.Background(), f.Workspace.ID, convID)
	if err != nil {
		t.Fatalf("FindConversationByID() = %v", err)
	}
	return c
}

func TestScheduler_SnoozeWakesTheConversation(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		f := storetest.Seed(t, s)
		sch := newScheduler(t, s, clock)
		conv := openConversation(t, s, f, "ann")
		snooze(t, s, f, conv, clock.Now().Add(time.Hour), true)

		clock.Add(59 * time.Minute)
		if n := runOnce(t, sch); n != 0 {
			t.Errorf("RunOnce(before due) = %d, want 0", n)
		}
		seq, _ := s.LatestSeq(context.Background(), f.Workspace.ID)
		clock.Add(time.Minute)
		if n := runOnce(t, sch); n != 1 {
			t.Errorf("RunOnce(at due) = %d, want 1", n)
		}
		if c := status(t, s, f, conv); c.Status != parley.StatusOpen || c.SnoozedUntil != nil {
			t.Errorf("conversation = %s until %v, want open, not snoozed", c.Status, c.SnoozedUntil)
		}
		evs, _ := s.EventsAfter(context.Background(), f.Workspace.ID, seq, 10)
		// The "woke" system line, then the conversation.
		if len(evs) != 2 || evs[0].Type != parley.EventMessageCreated || !strings.Contains(string(evs[0].Data), `"action":"woke"`) ||
			evs[1].Type != parley.EventConversationUpdated || evs[1].ConversationID != conv {
			t.Errorf("events after the wake-up = %+v, want the woke line's message.created and one conversation.updated", evs)
		}
		if _, err := s.FindJob(context.Background(), conversation.KindSnooze, conv); !parley.IsNotFound(err) {
			t.Errorf("FindJob(after firing) = %v, want ENOTFOUND", err)
		}
	})
}

func TestScheduler_SnoozeFollowsTheConversation(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		f := storetest.Seed(t, s)
		sch := newScheduler(t, s, clock)
		t.Run("snoozing again moves the timer", func(t *testing.T) {
			conv := openConversation(t, s, f, "bo")
			snooze(t, s, f, conv, clock.Now().Add(time.Hour), true)
			snooze(t, s, f, conv, clock.Now().Add(3*time.Hour), true)
			clock.Add(2 * time.Hour)
			runOnce(t, sch)
			if c := status(t, s, f, conv); c.Status != parley.StatusSnoozed {
				t.Errorf("after 2h: %s, want still snoozed", c.Status)
			}
			clock.Add(time.Hour)
			runOnce(t, sch)
			if c := status(t, s, f, conv); c.Status != parley.StatusOpen {
				t.Errorf("after 3h: %s, want open", c.Status)
			}
		})
		t.Run("a timer for another snooze changes nothing", func(t *testing.T) {
			conv := openConversation(t, s, f, "cy")
			snooze(t, s, f, conv, clock.Now().Add(time.Hour), true)
			snooze(t, s, f, conv, clock.Now().Add(5*time.Hour), false) // the old timer stays
			clock.Add(time.Hour)
			if n := runOnce(t, sch); n != 1 {
				t.Errorf("RunOnce() = %d, want the old timer to fire", n)
			}
			if c := status(t, s, f, conv); c.Status != parley.StatusSnoozed {
				t.Errorf("conversation = %s, want still snoozed (until the later time)", c.Status)
			}
		})
		t.Run("waking by hand cancels the timer", func(t *testing.T) {
			conv := openConversation(t, s, f, "di")
			snooze(t, s, f, conv, clock.Now().Add(time.Hour), true)
			if _, err := conversation.New(s).Update(context.Background(), f.Admin, conv, conversation.Change{
				Status: conversation.Optional[parley.ConversationStatus]{Set: true, Value: parley.StatusOpen},
			}); err != nil {
				t.Fatalf("Update() = %v", err)
			}
			write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
				c, err := tx.FindConversationByID(ctx, f.Workspace.ID, conv)
				if err != nil {
					return err
				}
				return conversation.ScheduleSnooze(ctx, tx, c)
			})
			if _, err := s.FindJob(context.Background(), conversation.KindSnooze, conv); !parley.IsNotFound(err) {
				t.Errorf("FindJob() = %v, want ENOTFOUND", err)
			}
		})
	})
}

func TestScheduler_FiresOnceAcrossNodes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		var runs, commits atomic.Int64
		const n = 20
		var nodes []*scheduler.Scheduler
		for range 3 {
			sch := newScheduler(t, s, clock)
			err := sch.Register("test.tick", scheduler.Handler{
				Run: func(context.Context, *sqlstore.Job) error { runs.Add(1); return nil },
				Commit: func(ctx context.Context, tx *sqlstore.Tx, j *sqlstore.Job) error {
					commits.Add(1)
					return nil
				},
			})
			if err != nil {
				t.Fatalf("Register() = %v", err)
			}
			nodes = append(nodes, sch)
		}
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			for range n {
				if err := scheduler.Schedule(ctx, tx, "test.tick", "", "", clock.Now(), map[string]int{"x": 1}); err != nil {
					return err
				}
			}
			return nil
		})
		var wg sync.WaitGroup
		for _, sch := range nodes {
			wg.Go(func() {
				for runOnce(t, sch) > 0 {
				}
			})
		}
		wg.Wait()
		if runs.Load() != n || commits.Load() != n {
			t.Errorf("runs %d, commits %d, want %d each", runs.Load(), commits.Load(), n)
		}
	})
}

func TestScheduler_Failures(t *testing.T) {
	tests := []struct {
		name        string
		errs        []error // Run's result per try; nil afterwards
		maxAttempts int
		wantRuns    int
		wantFailed  bool
	}{
		{"a transient error is retried", []error{errors.New("busy"), errors.New("busy")}, 5, 3, false},
		{"a permanent error fails at once", []error{scheduler.Permanent(errors.New("bad payload"))}, 5, 1, true},
		{"too many failures fail the job", []error{errors.New("a"), errors.New("b"), errors.New("c")}, 3, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
				sch := newScheduler(t, s, clock)
				var runs int
				var committed bool
				err := sch.Register("test.flaky", scheduler.Handler{
					MaxAttempts: tt.maxAttempts,
					Run: func(context.Context, *sqlstore.Job) error {
						runs++
						if runs <= len(tt.errs) {
							return tt.errs[runs-1]
						}
						return nil
					},
					Commit: func(context.Context, *sqlstore.Tx, *sqlstore.Job) error { committed = true; return nil },
				})
				if err != nil {
					t.Fatalf("Register() = %v", err)
				}
				write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
					return scheduler.Schedule(ctx, tx, "test.flaky", "k", "", clock.Now(), nil)
				})
				for range 6 {
					runOnce(t, sch)
					clock.Add(2 * time.Hour)
				}
				if runs != tt.wantRuns || committed == tt.wantFailed {
					t.Errorf("runs %d, committed %v; want %d, %v", runs, committed, tt.wantRuns, !tt.wantFailed)
				}
				j, err := s.FindJob(context.Background(), "test.flaky", "k")
				if tt.wantFailed && (err != nil || j.FailedAt == nil || j.LastError == "") {
					t.Errorf("FindJob() = %+v, %v, want a failed job with its error", j, err)
				}
				if !tt.wantFailed && !parley.IsNotFound(err) {
					t.Errorf("FindJob() = %v, want ENOTFOUND (done)", err)
				}
			})
		})
	}
}

func TestScheduler_CrashDuringRunRunsAgainAfterTheLease(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		a, b := newScheduler(t, s, clock), newScheduler(t, s, clock)
		entered := make(chan struct{}, 1)
		var runs, commits atomic.Int64
		h := scheduler.Handler{
			Run: func(ctx context.Context, _ *sqlstore.Job) error {
				if runs.Add(1) == 1 {
					entered <- struct{}{}
					<-ctx.Done()
					return ctx.Err()
				}
				return nil
			},
			Commit: func(context.Context, *sqlstore.Tx, *sqlstore.Job) error { commits.Add(1); return nil },
		}
		for _, sch := range []*scheduler.Scheduler{a, b} {
			if err := sch.Register("test.slow", h); err != nil {
				t.Fatalf("Register() = %v", err)
			}
		}
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			return scheduler.Schedule(ctx, tx, "test.slow", "", "", clock.Now(), nil)
		})
		ctx, crash := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { a.RunOnce(ctx); close(done) }()
		<-entered
		crash()
		<-done
		if n := runOnce(t, b); n != 0 {
			t.Errorf("RunOnce(within the lease) = %d, want 0", n)
		}
		clock.Add(61 * time.Second)
		if n := runOnce(t, b); n != 1 {
			t.Errorf("RunOnce(after the lease) = %d, want 1", n)
		}
		if runs.Load() != 2 || commits.Load() != 1 {
			t.Errorf("runs %d, commits %d; want 2, 1", runs.Load(), commits.Load())
		}
	})
}

func TestScheduler_Run(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		sch, err := scheduler.New(scheduler.Config{Store: s, Clock: clock, PollInterval: time.Hour})
		if err != nil {
			t.Fatalf("New() = %v", err)
		}
		fired := make(chan string, 1)
		if err := sch.Register("test.run", scheduler.Handler{
			Commit: func(_ context.Context, _ *sqlstore.Tx, j *sqlstore.Job) error { fired <- j.Key; return nil },
		}); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- sch.Run(ctx) }()
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			return scheduler.Schedule(ctx, tx, "test.run", "woken", "", clock.Now(), nil)
		})
		sch.Wake()
		select {
		case key := <-fired:
			if key != "woken" {
				t.Errorf("fired %q, want woken", key)
			}
		case <-time.After(timeout):
			t.Fatal("Run() did not fire the job after Wake()")
		}
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v, want nil", err)
			}
		case <-time.After(timeout):
			t.Fatal("Run() did not return after its context ended")
		}
	})
}

func TestScheduler_Register(t *testing.T) {
	clock := clocktest.New(time.Now())
	s := storetest.Open(t, storetest.SQLite, storetest.Options{Clock: clock})
	sch := newScheduler(t, s, clock)
	tests := []struct {
		name string
		kind string
		h    scheduler.Handler
	}{
		{"a handler without Run or Commit", "a", scheduler.Handler{}},
		{"a kind registered twice", conversation.KindSnooze, scheduler.Handler{Commit: func(context.Context, *sqlstore.Tx, *sqlstore.Job) error { return nil }}},
		{"a Run timeout not under the lease", "b", scheduler.Handler{Run: func(context.Context, *sqlstore.Job) error { return nil }, Timeout: time.Hour}},
	}
	for _, tt := range tests {
		if err := sch.Register(tt.kind, tt.h); err == nil {
			t.Errorf("Register(%s) = nil, want an error", tt.name)
		}
	}
}
