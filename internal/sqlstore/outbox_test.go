package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func newClock() *clocktest.Clock {
	return clocktest.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
}

// eachStore runs fn on SQLite, and on PostgreSQL (in a fresh schema) when
// PARLEY_TEST_POSTGRES_URL is set, with a fake clock.
func eachStore(t *testing.T, fn func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clock := newClock()
			fn(t, storetest.Open(t, e, storetest.Options{Clock: clock}), clock)
		})
	}
}

// fixture is a workspace with an API inbox, a contact and conversations.
type fixture struct {
	ws    *parley.Workspace
	inbox *parley.Inbox
	convs []*parley.Conversation
}

func newFixture(t *testing.T, s *sqlstore.Store, conversations int) *fixture {
	t.Helper()
	f := &fixture{}
	err := s.Write(context.Background(), func(tx *sqlstore.Tx) error {
		ctx := context.Background()
		var err error
		if f.ws, err = tx.CreateWorkspace(ctx, "Acme", parley.DefaultWorkspaceSettings()); err != nil {
			return err
		}
		f.inbox = &parley.Inbox{WorkspaceID: f.ws.ID, Name: "API", Channel: parley.ChannelAPI}
		if err := tx.CreateInbox(ctx, f.inbox); err != nil {
			return err
		}
		contact := &parley.Contact{WorkspaceID: f.ws.ID, Name: "Ann"}
		if err := tx.CreateContact(ctx, contact); err != nil {
			return err
		}
		f.convs = nil
		for range conversations {
			c := &parley.Conversation{WorkspaceID: f.ws.ID, ContactID: contact.ID, InboxID: f.inbox.ID, Status: parley.StatusOpen}
			if err := tx.CreateConversation(ctx, c); err != nil {
				return err
			}
			f.convs = append(f.convs, c)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return f
}

// enqueue stores an outgoing message in conversation i and queues it.
func (f *fixture) enqueue(t *testing.T, s *sqlstore.Store, i int) *parley.Message {
	t.Helper()
	c := f.convs[i]
	m := &parley.Message{
		WorkspaceID: f.ws.ID, ConversationID: c.ID, InboxID: f.inbox.ID, Direction: parley.DirectionOut,
		Sender: parley.Sender{Kind: parley.SenderAgent}, Content: "hello", Channel: parley.ChannelAPI, Status: parley.DeliveryQueued,
	}
	err := s.Write(context.Background(), func(tx *sqlstore.Tx) error {
		if err := tx.InsertMessage(context.Background(), m); err != nil {
			return err
		}
		return tx.EnqueueOutbox(context.Background(), m, tx.Now())
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m
}

func claimIDs(t *testing.T, s *sqlstore.Store, now time.Time, limit int) []sqlstore.OutboxItem {
	t.Helper()
	items, err := s.ClaimOutbox(context.Background(), now, limit, time.Minute, 5*time.Minute)
	if err != nil {
		t.Fatalf("ClaimOutbox(%v) = %v", now, err)
	}
	return items
}

// write runs fn in a transaction and fails the test on error.
func write(t *testing.T, s *sqlstore.Store, fn func(ctx context.Context, tx *sqlstore.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Write() = %v", err)
	}
}

func TestStore_ClaimOutbox(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		f := newFixture(t, s, 1)
		m := f.enqueue(t, s, 0)
		now := clock.Now()

		items := claimIDs(t, s, now, 10)
		if len(items) != 1 || items[0].MessageID != m.ID || items[0].InFlight {
			t.Fatalf("ClaimOutbox(%v) = %+v, want message %s not in flight", now, items, m.ID)
		}
		first := items[0]
		if got := claimIDs(t, s, now.Add(59*time.Second), 10); len(got) != 0 {
			t.Errorf("ClaimOutbox(within lease) = %d rows, want 0", len(got))
		}

		var attempt int
		var ok bool
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			var err error
			attempt, ok, err = tx.StartOutboxAttempt(ctx, m.ID, first.Token, now.Add(time.Minute))
			return err
		})
		if !ok || attempt != 1 {
			t.Fatalf("StartOutboxAttempt() = %d, %v, want 1, true", attempt, ok)
		}

		// The lease expires mid-call: the next claimer learns the first
		// outcome is unknown, and the first holder's token is stale.
		items = claimIDs(t, s, now.Add(61*time.Second), 10)
		if len(items) != 1 || !items[0].InFlight || items[0].Attempts != 1 {
			t.Fatalf("ClaimOutbox(after lease) = %+v, want the row in flight with 1 attempt", items)
		}
		if items[0].Token == first.Token {
			t.Errorf("ClaimOutbox(after lease) token = %d, want a new token", items[0].Token)
		}
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			if ok, err := tx.CompleteOutbox(ctx, m.ID, first.Token); err != nil || ok {
				t.Errorf("CompleteOutbox(stale token) = %v, %v, want false, nil", ok, err)
			}
			if ok, err := tx.RetryOutboxLater(ctx, m.ID, first.Token, now, "x"); err != nil || ok {
				t.Errorf("RetryOutboxLater(stale token) = %v, %v, want false, nil", ok, err)
			}
			if ok, err := tx.CompleteOutbox(ctx, m.ID, items[0].Token); err != nil || !ok {
				t.Errorf("CompleteOutbox(current token) = %v, %v, want true, nil", ok, err)
			}
			return nil
		})
		if _, err := s.FindOutboxRow(context.Background(), m.ID); !parley.IsNotFound(err) {
			t.Errorf("FindOutboxRow(completed) = %v, want ENOTFOUND", err)
		}
	})
}

func TestStore_ClaimOutboxOrder(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		f := newFixture(t, s, 2)
		a := f.enqueue(t, s, 0)
		clock.Add(time.Millisecond)
		b := f.enqueue(t, s, 0)
		other := f.enqueue(t, s, 1)
		now := clock.Now()

		items := claimIDs(t, s, now, 10)
		got := map[string]bool{}
		for _, it := range items {
			got[it.MessageID] = true
		}
		if len(items) != 2 || !got[a.ID] || !got[other.ID] {
			t.Fatalf("ClaimOutbox() = %+v, want the head of each conversation (%s, %s)", items, a.ID, other.ID)
		}
		tok := map[string]int64{}
		for _, it := range items {
			tok[it.MessageID] = it.Token
		}
		// a fails and is retried later: b waits behind it for the hold.
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			if _, err := tx.CompleteOutbox(ctx, other.ID, tok[other.ID]); err != nil {
				return err
			}
			ok, err := tx.RetryOutboxLater(ctx, a.ID, tok[a.ID], now.Add(time.Hour), "503")
			if !ok {
				t.Errorf("RetryOutboxLater() = false, want true")
			}
			return err
		})
		tests := []struct {
			after time.Duration
			want  int
		}{
			{time.Minute, 0},
			{4*time.Minute + 59*time.Second, 0},
			{5*time.Minute + time.Second, 1},
		}
		for _, tt := range tests {
			items := claimIDs(t, s, now.Add(tt.after), 10)
			if len(items) != tt.want {
				t.Errorf("ClaimOutbox(+%v) = %d rows, want %d", tt.after, len(items), tt.want)
			}
			if len(items) == 1 && items[0].MessageID != b.ID {
				t.Errorf("ClaimOutbox(+%v) = %s, want %s", tt.after, items[0].MessageID, b.ID)
			}
		}
	})
}

func TestStore_TakePace(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		now := clock.Now()
		tests := []struct {
			at       time.Duration
			wantOK   bool
			wantNext time.Duration
		}{
			{0, true, 0},
			{100 * time.Millisecond, false, time.Second},
			{time.Second, true, 0},
			{time.Second + 999*time.Millisecond, false, 2 * time.Second},
		}
		for _, tt := range tests {
			write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
				ok, next, err := tx.TakePace(ctx, "inbox:x", now.Add(tt.at), time.Second)
				if err != nil {
					return err
				}
				if ok != tt.wantOK || (!ok && !next.Equal(now.Add(tt.wantNext))) {
					t.Errorf("TakePace(+%v) = %v, %v, want %v, +%v", tt.at, ok, next.Sub(now), tt.wantOK, tt.wantNext)
				}
				return nil
			})
		}
	})
}

func TestStore_ClaimOutboxConcurrent(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		const n = 40
		f := newFixture(t, s, n)
		for i := range n {
			f.enqueue(t, s, i)
		}
		now := clock.Now()
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					items, err := s.ClaimOutbox(context.Background(), now, 3, time.Minute, 5*time.Minute)
					if err != nil {
						t.Errorf("ClaimOutbox() = %v", err)
						return
					}
					if len(items) == 0 {
						return
					}
					mu.Lock()
					for _, it := range items {
						seen[it.MessageID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("claimed %d distinct rows, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("row %s claimed %d times, want 1", id, c)
			}
		}
	})
}
