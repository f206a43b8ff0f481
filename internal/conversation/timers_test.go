package conversation_test

import (
	"context"
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
	"github.com/parleyhq/parley/internal/workspace"
)

// timed is a store on a fake clock with a scheduler running the lifecycle
// jobs.
type timed struct {
	s     *sqlstore.Store
	clock *clocktest.Clock
	f     *storetest.Fixture
	sch   *scheduler.Scheduler
	blobs *fakeBlobs
}

type fakeBlobs struct{ deleted []string }

func (b *fakeBlobs) Delete(_ context.Context, key string) error {
	b.deleted = append(b.deleted, key)
	return nil
}

func eachTimed(t *testing.T, l *parley.LifecycleSettings, fn func(t *testing.T, x *timed)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			s := storetest.Open(t, e, storetest.Options{Clock: clock})
			x := &timed{s: s, clock: clock, f: storetest.Seed(t, s), blobs: &fakeBlobs{}}
			x.f.Workspace.Settings.Lifecycle = l
			ctx := context.Background()
			if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateWorkspace(ctx, x.f.Workspace) }); err != nil {
				t.Fatal(err)
			}
			sch, err := scheduler.New(scheduler.Config{Store: s, Clock: clock, Lease: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if err := (&conversation.Timers{Blobs: x.blobs}).Register(sch); err != nil {
				t.Fatal(err)
			}
			x.sch = sch
			if err := conversation.EnsureSweep(ctx, s); err != nil {
				t.Fatal(err)
			}
			fn(t, x)
		})
	}
}

// run advances the clock and runs what is due.
func (x *timed) run(t *testing.T, d time.Duration) {
	t.Helper()
	x.clock.Add(d)
	for range 50 {
		n, err := x.sch.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("jobs kept coming")
}

func (x *timed) receive(t *testing.T, source, id, content string) string {
	t.Helper()
	res, err := inbound.New(x.s).Receive(context.Background(), x.f.Inbox, channel.Inbound{
		ProviderMessageID: id, Contact: channel.ContactInfo{SourceID: source}, Content: content})
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

func (x *timed) status(t *testing.T, id string) parley.ConversationStatus {
	t.Helper()
	c, err := x.s.FindConversationByID(context.Background(), x.f.Workspace.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func TestTimers_AutoResolveAfterSilence(t *testing.T) {
	eachTimed(t, &parley.LifecycleSettings{AutoResolveHours: 24, PurgeDays: 7}, func(t *testing.T, x *timed) {
		ctx := context.Background()
		answered := x.receive(t, "ann", "a1", "hello")
		waiting := x.receive(t, "bob", "b1", "hello")
		if _, err := conversation.New(x.s).Reply(ctx, x.f.Admin, answered, "How can I help?", false, nil); err != nil {
			t.Fatal(err)
		}
		x.run(t, 23*time.Hour)
		if got := x.status(t, answered); got != parley.StatusOpen {
			t.Fatalf("after 23 hours the answered conversation is %s, want open", got)
		}
		x.run(t, 90*time.Minute)
		if got := x.status(t, answered); got != parley.StatusResolved {
			t.Errorf("after 24.5 silent hours the answered conversation is %s, want resolved", got)
		}
		if got := x.status(t, waiting); got != parley.StatusOpen {
			t.Errorf("a conversation whose customer waits on us is %s, want open (never auto-resolved)", got)
		}
		lines := systemLines(t, x.s, x.f.Workspace.ID, answered)
		if len(lines) != 1 || lines[0].System.Action != parley.ActionAutoResolved {
			t.Errorf("system lines = %+v, want one auto_resolved", lines)
		}
	})
	t.Run("off", func(t *testing.T) {
		eachTimed(t, &parley.LifecycleSettings{AutoResolveHours: 0, PurgeDays: 7}, func(t *testing.T, x *timed) {
			id := x.receive(t, "ann", "a1", "hello")
			if _, err := conversation.New(x.s).Reply(context.Background(), x.f.Admin, id, "Hi", false, nil); err != nil {
				t.Fatal(err)
			}
			x.run(t, 30*24*time.Hour)
			if got := x.status(t, id); got != parley.StatusOpen {
				t.Errorf("with auto-resolve off the conversation is %s after 30 days, want open", got)
			}
		})
	})
}

func TestTimers_AbandonNeverAnswered(t *testing.T) {
	eachTimed(t, &parley.LifecycleSettings{AbandonMinutes: 30, PurgeDays: 7}, func(t *testing.T, x *timed) {
		unanswered := x.receive(t, "ann", "a1", "hello?")
		answered := x.receive(t, "bob", "b1", "hello?")
		if _, err := conversation.New(x.s).Reply(context.Background(), x.f.Admin, answered, "Hi", false, nil); err != nil {
			t.Fatal(err)
		}
		x.run(t, 29*time.Minute)
		if got := x.status(t, unanswered); got != parley.StatusOpen {
			t.Fatalf("after 29 minutes: %s, want open", got)
		}
		x.run(t, 2*time.Minute)
		if got := x.status(t, unanswered); got != parley.StatusAbandoned {
			t.Errorf("never answered after 31 minutes: %s, want abandoned", got)
		}
		if got := x.status(t, answered); got != parley.StatusOpen {
			t.Errorf("an answered conversation is %s, want open", got)
		}
	})
}

func TestTimers_ClosingPhrase(t *testing.T) {
	eachTimed(t, &parley.LifecycleSettings{ClosingPhrasesEnabled: true, PurgeDays: 7}, func(t *testing.T, x *timed) {
		thanks := x.receive(t, "ann", "a1", "my order is late")
		x.receive(t, "ann", "a2", "thanks!")
		notYet := x.receive(t, "bob", "b1", "my order is late")
		x.receive(t, "bob", "b2", "thanks, but it still doesn't work")
		again := x.receive(t, "cat", "c1", "my order is late")
		x.receive(t, "cat", "c2", "thanks")
		x.receive(t, "cat", "c3", "oh, one more thing") // before the check runs
		x.run(t, 0)
		for _, tt := range []struct {
			id   string
			want parley.ConversationStatus
		}{{thanks, parley.StatusResolved}, {notYet, parley.StatusOpen}, {again, parley.StatusOpen}} {
			if got := x.status(t, tt.id); got != tt.want {
				t.Errorf("conversation %s is %s, want %s", tt.id, got, tt.want)
			}
		}
	})
}

func TestTimers_PurgeAfterGrace(t *testing.T) {
	eachTimed(t, &parley.LifecycleSettings{PurgeDays: 7}, func(t *testing.T, x *timed) {
		ctx := context.Background()
		id := x.receive(t, "ann", "a1", "hello")
		svc := conversation.New(x.s)
		if err := svc.Delete(ctx, x.f.Admin, id); err != nil {
			t.Fatal(err)
		}
		x.run(t, 6*24*time.Hour)
		if _, err := svc.Restore(ctx, x.f.Admin, id); err != nil {
			t.Fatalf("restore within the grace period: %v", err)
		}
		if err := svc.Delete(ctx, x.f.Admin, id); err != nil {
			t.Fatal(err)
		}
		x.run(t, 7*24*time.Hour+2*time.Minute)
		if _, err := svc.Restore(ctx, x.f.Admin, id); !parley.IsNotFound(err) {
			t.Errorf("restore after the purge = %v, want ENOTFOUND", err)
		}
		if msgs, err := x.s.ListMessages(ctx, id, nil, 10); err != nil || len(msgs) != 0 {
			t.Errorf("after the purge the messages are %d (%v), want none", len(msgs), err)
		}
	})
}

// TestTimers_PurgeKeepsWhatBlockedContactsSent: a blocked contact's
// messages are held in a hidden conversation (deleted_at set, so no view
// shows it); the purge of deleted conversations must not take them, or
// unblocking would find nothing.
func TestTimers_PurgeKeepsWhatBlockedContactsSent(t *testing.T) {
	eachTimed(t, &parley.LifecycleSettings{PurgeDays: 7}, func(t *testing.T, x *timed) {
		ctx := context.Background()
		first := x.receive(t, "bo", "b1", "hello")
		c, err := x.s.FindConversationByID(ctx, x.f.Workspace.ID, first)
		if err != nil {
			t.Fatal(err)
		}
		blocked := true
		if _, err := workspace.New(x.s, nil).UpdateContact(ctx, x.f.Admin, c.ContactID, workspace.ContactInput{Blocked: &blocked}); err != nil {
			t.Fatal(err)
		}
		held := x.receive(t, "bo", "b2", "are you there?")
		x.run(t, 8*24*time.Hour)
		if msgs, err := x.s.ListMessages(ctx, held, nil, 10); err != nil || len(msgs) == 0 {
			t.Errorf("after the purge the held messages are %d (%v), want them kept", len(msgs), err)
		}
	})
}
