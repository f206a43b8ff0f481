package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// fakePush records pushes; fail makes the next calls fail.
type fakePush struct {
	mu   sync.Mutex
	sent []notify.PushMessage
	fail int
}

func (f *fakePush) Push(_ context.Context, _ string, m notify.PushMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("push service unavailable")
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakePush) take() []notify.PushMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.sent
	f.sent = nil
	return out
}

type env struct {
	store *sqlstore.Store
	clock *clocktest.Clock
	svc   *notify.Service
	sch   *scheduler.Scheduler
	push  *fakePush
	f     *storetest.Fixture
}

func eachEnv(t *testing.T, start time.Time, fn func(t *testing.T, e *env)) {
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			clock := clocktest.New(start)
			s := storetest.Open(t, engine, storetest.Options{Clock: clock})
			sch, err := scheduler.New(scheduler.Config{Store: s, Clock: clock, Lease: time.Minute, BaseDelay: time.Minute, Rand: func() float64 { return 0.5 }})
			if err != nil {
				t.Fatal(err)
			}
			e := &env{store: s, clock: clock, svc: notify.New(s, nil), sch: sch, push: &fakePush{}, f: storetest.Seed(t, s)}
			if err := e.svc.Register(sch, e.push); err != nil {
				t.Fatal(err)
			}
			fn(t, e)
		})
	}
}

func (e *env) notify(t *testing.T, text string) {
	t.Helper()
	ctx := context.Background()
	err := e.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return e.svc.Notify(ctx, tx, &parley.Notification{WorkspaceID: e.f.Workspace.ID, UserID: e.f.Agent.UserID,
			Type: parley.NotifySuggestion, Text: text})
	})
	if err != nil {
		t.Fatalf("Notify() = %v", err)
	}
}

func (e *env) run(t *testing.T) int {
	t.Helper()
	n, err := e.sch.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce() = %v", err)
	}
	return n
}

func (e *env) quietHours(t *testing.T, zone string, w ...parley.QuietWindow) {
	t.Helper()
	p := notify.DefaultPreferences()
	p.TimeZone, p.QuietHours = zone, w
	if _, err := e.svc.SavePreferences(context.Background(), e.f.Agent, p); err != nil {
		t.Fatalf("SavePreferences() = %v", err)
	}
}

// TestService_QuietHoursHoldPushesForOneSummary: pushes created during
// quiet hours wait (in app they are kept), and when the window ends one
// summary goes out for all of them; outside quiet hours each goes at once.
func TestService_QuietHoursHoldPushesForOneSummary(t *testing.T) {
	// 23:00 in Paris (UTC+1 in winter), a Tuesday.
	eachEnv(t, time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC), func(t *testing.T, e *env) {
		e.quietHours(t, "Europe/Paris", parley.QuietWindow{Start: "22:30", End: "07:00"})
		e.notify(t, "first")
		e.clock.Add(time.Hour)
		e.notify(t, "second")
		e.notify(t, "third")
		if n := e.run(t); n != 0 || len(e.push.take()) != 0 {
			t.Fatalf("during quiet hours: %d jobs ran, want none (held)", n)
		}
		page, err := e.svc.List(context.Background(), e.f.Agent, "", 10)
		if err != nil || len(page.Items) != 3 || page.Unread != 3 {
			t.Fatalf("List() during quiet hours = %+v, %v; want the 3 kept in app", page, err)
		}
		e.clock.Add(6*time.Hour + 59*time.Minute) // 06:59 Paris
		if n := e.run(t); n != 0 {
			t.Fatalf("a minute before the end: %d jobs ran, want none", n)
		}
		e.clock.Add(time.Minute) // 07:00 Paris
		if n := e.run(t); n != 1 {
			t.Fatalf("at the end of quiet hours: %d jobs ran, want 1 summary", n)
		}
		sent := e.push.take()
		if len(sent) != 1 || sent[0].Count != 3 || sent[0].Title != "3 notifications while you were away" {
			t.Fatalf("pushes = %+v, want one summary of 3", sent)
		}
		// Daytime: each notification is pushed at once.
		e.notify(t, "fourth")
		if n := e.run(t); n != 1 {
			t.Fatalf("daytime: %d jobs ran, want 1", n)
		}
		if sent := e.push.take(); len(sent) != 1 || sent[0].Body != "fourth" || sent[0].Count != 1 {
			t.Errorf("daytime pushes = %+v, want the notification itself", sent)
		}
		if n := e.run(t); n != 0 {
			t.Errorf("after everything went: %d jobs ran, want none", n)
		}
	})
}

// TestService_PushOutageLosesNothing: a push service failure is retried
// after the backoff, and a notification read meanwhile is not pushed.
func TestService_PushOutageLosesNothing(t *testing.T) {
	eachEnv(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), func(t *testing.T, e *env) {
		e.push.fail = 1
		e.notify(t, "hello")
		if n := e.run(t); n != 1 || len(e.push.take()) != 0 {
			t.Fatalf("first try: %d jobs, want 1 that failed", n)
		}
		e.clock.Add(2 * time.Minute)
		if n := e.run(t); n != 1 {
			t.Fatalf("retry: %d jobs, want 1", n)
		}
		if sent := e.push.take(); len(sent) != 1 || sent[0].Body != "hello" {
			t.Fatalf("after the outage pushes = %+v, want hello", sent)
		}
		e.push.fail = 1
		e.notify(t, "read before the retry")
		e.run(t)
		if _, err := e.svc.MarkAllRead(context.Background(), e.f.Agent); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(2 * time.Minute)
		e.run(t)
		if sent := e.push.take(); len(sent) != 0 {
			t.Errorf("pushes of a notification read meanwhile = %+v, want none", sent)
		}
	})
}

// TestQuietUntil covers windows past midnight, days of week and zones.
func TestQuietUntil(t *testing.T) {
	p := notify.DefaultPreferences()
	p.TimeZone = "America/New_York"
	p.QuietHours = []parley.QuietWindow{
		{Start: "22:00", End: "07:00", Days: []int{1, 2, 3, 4, 5}}, // weeknights
		{Start: "12:00", End: "13:00"},
	}
	ny, _ := time.LoadLocation("America/New_York")
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, ny) } // Dec 1, 2026 is a Tuesday
	for _, tt := range []struct {
		name  string
		now   time.Time
		quiet bool
		until time.Time
	}{
		{"Tuesday 23:00 is quiet until Wednesday 07:00", at(1, 23, 0), true, at(2, 7, 0)},
		{"Wednesday 06:59 (after a Tuesday start) is quiet", at(2, 6, 59), true, at(2, 7, 0)},
		{"Wednesday 07:00 is not", at(2, 7, 0), false, time.Time{}},
		{"Saturday 23:00 is not (weeknights only)", at(5, 23, 0), false, time.Time{}},
		{"Saturday 01:00 after a Friday start is quiet", at(5, 1, 0), true, at(5, 7, 0)},
		{"lunch every day", at(6, 12, 30), true, at(6, 13, 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			until, quiet := notify.QuietUntil(p, tt.now)
			if quiet != tt.quiet || !until.Equal(tt.until) {
				t.Errorf("QuietUntil(%v) = %v, %v; want %v, %v", tt.now, until, quiet, tt.until, tt.quiet)
			}
		})
	}
}
