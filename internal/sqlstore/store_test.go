package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// newConversation creates a contact and a conversation with the given
// last activity.
func newConversation(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, source string, at time.Time) *parley.Conversation {
	t.Helper()
	ctx := context.Background()
	var c *parley.Conversation
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		ct := &parley.Contact{WorkspaceID: f.Workspace.ID, Name: source,
			Identities: []parley.ContactIdentity{{InboxID: f.Inbox.ID, SourceID: source}}}
		if err := tx.CreateContact(ctx, ct); err != nil {
			return err
		}
		c = &parley.Conversation{WorkspaceID: f.Workspace.ID, ContactID: ct.ID, InboxID: f.Inbox.ID,
			Status: parley.StatusOpen, LastActivityAt: at}
		return tx.CreateConversation(ctx, c)
	})
	if err != nil {
		t.Fatalf("create conversation: %v", err)
	}
	return c
}

func TestStore_TimesSortAcrossZones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := storetest.Seed(t, s)
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		ny, _ := time.LoadLocation("America/New_York")
		// Written in three zones; in UTC the order is c (newest), a, b.
		a := newConversation(t, s, f, "a", base.In(tokyo))
		b := newConversation(t, s, f, "b", base.Add(-time.Hour).In(ny))
		c := newConversation(t, s, f, "c", base.Add(time.Minute).In(time.FixedZone("X", -11*3600)))
		items, err := s.ListConversations(context.Background(), sqlstore.ConversationFilter{
			Scope: access.ConversationScope(f.Admin, f.Workspace.Settings), View: sqlstore.ViewAll, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.ID)
		}
		want := []string{c.ID, a.ID, b.ID}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ListConversations order = %v, want %v", got, want)
		}
		if !items[1].LastActivityAt.Equal(base) || items[1].LastActivityAt.Location() != time.UTC {
			t.Errorf("LastActivityAt = %v, want %v in UTC", items[1].LastActivityAt, base)
		}
	})
}

func TestStore_ListConversationsKeyset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := storetest.Seed(t, s)
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		want := map[string]bool{}
		for i := range 23 {
			// Pairs share a timestamp so the id breaks ties.
			c := newConversation(t, s, f, fmt.Sprintf("c%d", i), at.Add(time.Duration(i/2)*time.Second))
			want[c.ID] = true
		}
		f0 := sqlstore.ConversationFilter{Scope: access.ConversationScope(f.Admin, f.Workspace.Settings), View: sqlstore.ViewAll, Limit: 5}
		seen := map[string]bool{}
		var last *parley.ConversationItem
		for page := 0; ; page++ {
			items, err := s.ListConversations(context.Background(), f0)
			if err != nil {
				t.Fatal(err)
			}
			for i := range items {
				it := items[i]
				if seen[it.ID] {
					t.Fatalf("conversation %s listed twice", it.ID)
				}
				seen[it.ID] = true
				if last != nil && (it.LastActivityAt.After(last.LastActivityAt) ||
					(it.LastActivityAt.Equal(last.LastActivityAt) && it.ID > last.ID)) {
					t.Errorf("page %d: %s listed after %s out of order", page, it.ID, last.ID)
				}
				last = &it
			}
			if len(items) < f0.Limit {
				break
			}
			f0.After = &sqlstore.ConversationCursor{LastActivityAt: last.LastActivityAt, ID: last.ID}
		}
		if len(seen) != len(want) {
			t.Errorf("paged through %d conversations, want %d", len(seen), len(want))
		}
	})
}

func TestStore_MigrateIsIdempotentAndConcurrent(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			opts := sqlstore.Options{Secrets: storetest.Box()}
			if e == storetest.Postgres {
				opts.DatabaseURL = storetest.Schema(t)
			} else {
				opts.DataDir = t.TempDir()
			}
			var wg sync.WaitGroup
			errs := make([]error, 3)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := sqlstore.Open(context.Background(), opts)
					if err == nil {
						err = s.Migrate(context.Background())
						s.Close()
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("node %d: Open/Migrate = %v, want nil", i, err)
				}
			}
		})
	}
}

func TestStore_EventsAreNumberedWithoutGaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := storetest.Seed(t, s)
		ctx := context.Background()
		const writers, perWriter = 8, 25
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWriter {
					err := s.Write(ctx, func(tx *sqlstore.Tx) error {
						return tx.AppendEvent("test.event", f.Workspace.ID, "", map[string]int{"w": w, "i": i}, nil, nil)
					})
					if err != nil {
						t.Errorf("write: %v", err)
						return
					}
				}
			}()
		}
		// A reader resumes from the last number it saw, again and again,
		// while the writers run: it must see every event exactly once.
		seen := map[int64]bool{}
		var after int64
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		for finished := false; !finished; {
			select {
			case <-done:
				finished = true
			default:
			}
			evs, err := s.EventsAfter(ctx, f.Workspace.ID, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if ev.Seq != after+1 {
					t.Fatalf("EventsAfter(%d) returned seq %d: a gap a resuming reader would skip", after, ev.Seq)
				}
				if seen[ev.Seq] {
					t.Fatalf("seq %d seen twice", ev.Seq)
				}
				seen[ev.Seq] = true
				after = ev.Seq
			}
			if finished && len(evs) > 0 {
				finished = false // drain what committed last
			}
		}
		if got, want := len(seen), writers*perWriter; got != want {
			t.Errorf("reader saw %d events, want %d", got, want)
		}
		latest, _ := s.LatestSeq(ctx, f.Workspace.ID)
		if latest != int64(writers*perWriter) {
			t.Errorf("LatestSeq = %d, want %d", latest, writers*perWriter)
		}
	})
}

func TestStore_InboxSecretsAreSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := storetest.Seed(t, s)
		ctx := context.Background()
		got, err := s.FindInboxByInboundToken(ctx, f.Inbox.InboundToken)
		if err != nil {
			t.Fatalf("FindInboxByInboundToken: %v", err)
		}
		if got.ID != f.Inbox.ID || got.CallbackSecret != "whsec_test" {
			t.Errorf("FindInboxByInboundToken = %s/%q, want %s/whsec_test", got.ID, got.CallbackSecret, f.Inbox.ID)
		}
		if _, err := s.FindInboxByInboundToken(ctx, "pin_wrong"); !parley.IsNotFound(err) {
			t.Errorf("FindInboxByInboundToken(wrong) = %v, want ENOTFOUND", err)
		}
	})
}

// TestStore_OpenConversationLookupUsesItsIndex guards the inbound path's
// hottest read: on fresh statistics PostgreSQL once combined the contact
// index with a workspace-wide one and read 200 buffers a message.
func TestStore_OpenConversationLookupUsesItsIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := storetest.Seed(t, s)
		var contactID string
		for i := range 20 {
			c := newConversation(t, s, f, fmt.Sprintf("plan-%d", i), time.Now())
			contactID = c.ContactID
		}
		for _, inInbox := range []bool{false, true} {
			args := []any{contactID}
			if inInbox {
				args = append(args, f.Inbox.ID)
			}
			explain := "EXPLAIN "
			if s.Dialect() == sqlstore.SQLite {
				explain = "EXPLAIN QUERY PLAN "
			}
			plan := explainPlan(t, s, explain+sqlstore.OpenConversationQuery(inInbox), args...)
			if !strings.Contains(plan, "conversations_contact_open") {
				t.Errorf("in inbox %v: the plan does not use conversations_contact_open:\n%s", inInbox, plan)
			}
		}
	})
}

func explainPlan(t *testing.T, s *sqlstore.Store, query string, args ...any) string {
	t.Helper()
	var db *sql.DB
	for _, db = range s.Pools() {
	}
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("explain: %v", err)
		}
		fmt.Fprintln(&plan, vals...)
	}
	return plan.String()
}

func TestTx_AppendToOpenConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		base := time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
		open := newConversation(t, s, f, "fast-open", base)
		resolved := newConversation(t, s, f, "fast-resolved", base)
		if err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			c := *resolved
			c.Status = parley.StatusResolved
			return tx.SaveConversation(ctx, &c, resolved)
		}); err != nil {
			t.Fatal(err)
		}
		n := 0
		appendTo := func(contactID, inboxID string) (parley.ContactRef, *parley.Conversation, bool) {
			t.Helper()
			n++
			var ref parley.ContactRef
			var conv *parley.Conversation
			var ok bool
			err := s.Write(ctx, func(tx *sqlstore.Tx) error {
				m := &parley.Message{WorkspaceID: f.Workspace.ID, InboxID: f.Inbox.ID, Direction: parley.DirectionIn,
					Sender: parley.Sender{Kind: parley.SenderContact, ID: contactID}, Content: "hello", Channel: parley.ChannelAPI,
					ProviderMessageID: fmt.Sprintf("fast-%d", n), Status: parley.DeliveryReceived, CreatedAt: base.Add(time.Minute)}
				var err error
				ref, conv, ok, err = tx.AppendToOpenConversation(ctx, contactID, inboxID, m, &parley.MessagePreview{Content: "hello"})
				return err
			})
			if err != nil {
				t.Fatalf("AppendToOpenConversation() = %v", err)
			}
			return ref, conv, ok
		}
		messages := func(conversationID string) int {
			t.Helper()
			ms, err := s.ListMessages(ctx, conversationID, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			return len(ms)
		}

		ref, conv, ok := appendTo(open.ContactID, "")
		if s.Dialect() == sqlstore.SQLite {
			if ok || messages(open.ID) != 0 {
				t.Fatal("SQLite took the one-statement path, want the caller's statement by statement")
			}
			return
		}
		if !ok {
			t.Fatal("no append to the open conversation")
		}
		stored, err := s.FindConversationByID(ctx, f.Workspace.ID, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		if conv.ID != open.ID || ref.Name != "fast-open" || conv.InboundCount != 1 || conv.UnrepliedCount != 1 ||
			conv.LastMessage == nil || conv.LastMessage.Content != "hello" || !conv.LastActivityAt.Equal(base.Add(time.Minute)) {
			t.Errorf("returned %+v (contact %+v), want the open conversation after one inbound message", conv, ref)
		}
		if stored.InboundCount != conv.InboundCount || !stored.LastActivityAt.Equal(conv.LastActivityAt) || messages(open.ID) != 1 {
			t.Errorf("stored %+v with %d messages, want what was returned and one message", stored, messages(open.ID))
		}

		for _, tt := range []struct {
			name             string
			contact, inboxID string
		}{
			{"a contact whose conversations are resolved", resolved.ContactID, ""},
			{"a conversation in another inbox than asked", open.ContactID, f.Workspace.ID /* no such inbox */},
		} {
			if _, _, ok := appendTo(tt.contact, tt.inboxID); ok {
				t.Errorf("%s: appended, want the long way", tt.name)
			}
		}
		if messages(resolved.ID) != 0 || messages(open.ID) != 1 {
			t.Error("a refused append wrote a message")
		}
		if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteContact(ctx, f.Workspace.ID, open.ContactID) }); err != nil {
			t.Fatal(err)
		}
		if _, _, ok := appendTo(open.ContactID, ""); ok || messages(open.ID) != 1 {
			t.Error("appended for a deleted contact, want the long way")
		}
	})
}

// TestStore_WriteOptimisticFailureWritesNothing runs optimistic writes
// (no savepoint on PostgreSQL) beside ordinary ones in shared commits: one
// that fails after a statement leaves nothing behind, and the others all
// commit.
func TestStore_WriteOptimisticFailureWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		errRefused := errors.New("refused after writing")
		const writers = 24
		start := make(chan struct{})
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				write := func(ctx context.Context, fn func(*sqlstore.Tx) error) error {
					return s.WriteOptimistic(ctx, fmt.Sprint(i), fn)
				}
				if i%3 == 0 {
					write = s.Write
				}
				errs[i] = write(ctx, func(tx *sqlstore.Tx) error {
					if _, err := tx.CreateTag(ctx, f.Workspace.ID, sqlstore.KindTag, fmt.Sprintf("tag-%02d", i), ""); err != nil {
						return err
					}
					if i == 7 {
						return errRefused
					}
					return nil
				})
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if i == 7 && !errors.Is(err, errRefused) {
				t.Errorf("the failing write returned %v, want its own error", err)
			}
			if i != 7 && err != nil {
				t.Errorf("write %d = %v, want nil", i, err)
			}
		}
		tags, err := s.ListTags(ctx, f.Workspace.ID, sqlstore.KindTag)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, tg := range tags {
			got[tg.Name] = true
		}
		if got["tag-07"] || len(got) != writers-1 {
			t.Errorf("tags = %v, want the %d of the writes that succeeded and not tag-07", got, writers-1)
		}
	})
}

// TestStore_SharedTransactionsDoNotDeadlockForever has writes lock one of
// a few contacts each, from many goroutines, so that shared transactions
// on different writers lock them in opposite orders. PostgreSQL breaks
// each deadlock; the batch must then give way rather than retry while its
// earlier writes still hold their locks (which once looped for minutes).
func TestStore_SharedTransactionsDoNotDeadlockForever(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		f := storetest.Seed(t, s)
		var contacts []string
		for i := range 3 {
			contacts = append(contacts, newConversation(t, s, f, fmt.Sprintf("lock-%d", i), time.Now()).ContactID)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for g := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 5 {
					err := s.Write(ctx, func(tx *sqlstore.Tx) error {
						_, err := tx.LockContact(ctx, contacts[(g+j)%len(contacts)])
						// Hold the lock a moment, as a longer write would, so
						// that other batches meet it.
						time.Sleep(2 * time.Millisecond)
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("Write() = %v", err)
		}
	})
}

// TestStore_SilentSweepUsesItsIndexes guards the lifecycle sweep, which
// runs every few minutes on every node: each kind of silent conversation
// must be read from its partial index (migration 00039), whose predicate
// SQLite matches only term for term (a scan read a million rows a run);
// INDEXED BY fails the statement if the index cannot serve it. PostgreSQL,
// on a table this small, rightly prefers a scan: the plan is checked on
// SQLite, the predicates are the same text on both.
func TestStore_SilentSweepUsesItsIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		if s.Dialect() != sqlstore.SQLite {
			t.Skip("plan checked on SQLite")
		}
		f := storetest.Seed(t, s)
		newConversation(t, s, f, "silent", time.Now().Add(-72*time.Hour))
		for kind, index := range map[string]string{sqlstore.SilentResolvable: "conversations_resolvable", sqlstore.SilentAbandoned: "conversations_abandonable"} {
			plan := explainPlan(t, s, "EXPLAIN QUERY PLAN "+sqlstore.SilentQuery(s.Dialect(), kind), f.Workspace.ID, time.Now().UnixMicro(), 200)
			if !strings.Contains(plan, index) || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%s: the plan does not read %s in order:\n%s", kind, index, plan)
			}
		}
	})
}
