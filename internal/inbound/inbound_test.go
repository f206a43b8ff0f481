package inbound_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func msg(source, id, content string) channel.Inbound {
	return channel.Inbound{ProviderMessageID: id, Contact: channel.ContactInfo{SourceID: source, Name: "Bob"}, Content: content}
}

func secondInbox(t *testing.T, s *sqlstore.Store, f *storetest.Fixture) *parley.Inbox {
	t.Helper()
	in := &parley.Inbox{WorkspaceID: f.Workspace.ID, Name: "API 2", Channel: parley.ChannelAPI, InboundToken: "pin_2" + f.Workspace.ID}
	if err := s.Write(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateInbox(context.Background(), in) }); err != nil {
		t.Fatal(err)
	}
	return in
}

func setMode(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, mode parley.JoinMode) {
	t.Helper()
	f.Workspace.Settings.JoinMode = mode
	if err := s.Write(context.Background(), func(tx *sqlstore.Tx) error { return tx.UpdateWorkspace(context.Background(), f.Workspace) }); err != nil {
		t.Fatal(err)
	}
}

func resolve(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, conversationID string) {
	t.Helper()
	ctx := context.Background()
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		c, err := tx.FindConversationByID(ctx, f.Workspace.ID, conversationID)
		if err != nil {
			return err
		}
		prev := *c
		c.Status = parley.StatusResolved
		return tx.SaveConversation(ctx, c, &prev)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReceiver_JoinsConversation is the table of which conversation an
// inbound message joins.
func TestReceiver_JoinsConversation(t *testing.T) {
	tests := []struct {
		name string
		mode parley.JoinMode
		// second message: same contact identity on the other inbox (by
		// phone), after resolving the first conversation or not.
		otherInbox, resolveFirst bool
		wantSame, wantLinked     bool
	}{
		{"the same channel joins the open conversation", parley.JoinContact, false, false, true, false},
		{"another channel joins it too (one customer, one thread)", parley.JoinContact, true, false, true, false},
		{"per contact and inbox, another channel opens its own", parley.JoinContactInbox, true, false, false, false},
		{"per contact and inbox, the same channel joins", parley.JoinContactInbox, false, false, true, false},
		{"after resolution a new conversation links to the old", parley.JoinContact, false, true, false, true},
		{"after resolution per inbox, also linked", parley.JoinContactInbox, false, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				ctx := context.Background()
				f := storetest.Seed(t, s)
				setMode(t, s, f, tt.mode)
				other := secondInbox(t, s, f)
				r := inbound.New(s)
				first := msg("+14155552671", "m1", "hi")
				first.Contact.Phone = "+14155552671"
				res1, err := r.Receive(ctx, f.Inbox, first)
				if err != nil {
					t.Fatal(err)
				}
				if tt.resolveFirst {
					resolve(t, s, f, res1.ConversationID)
				}
				inbox, second := f.Inbox, msg("+14155552671", "m2", "again")
				if tt.otherInbox {
					inbox, second = other, msg("wa-14155552671", "m2", "again")
				}
				second.Contact.Phone = "+14155552671"
				res2, err := r.Receive(ctx, inbox, second)
				if err != nil {
					t.Fatal(err)
				}
				if got := res2.ConversationID == res1.ConversationID; got != tt.wantSame {
					t.Errorf("second message joined the first conversation = %v, want %v", got, tt.wantSame)
				}
				c2, err := s.FindConversationByID(ctx, f.Workspace.ID, res2.ConversationID)
				if err != nil {
					t.Fatal(err)
				}
				if got := c2.PreviousID == res1.ConversationID; got != tt.wantLinked {
					t.Errorf("new conversation links to the previous = %v (previous_id %q), want %v", got, c2.PreviousID, tt.wantLinked)
				}
				if c1, _ := s.FindConversationByID(ctx, f.Workspace.ID, res1.ConversationID); c1 != nil && c1.ContactID != c2.ContactID {
					t.Errorf("the two messages made two contacts (%s, %s); the phone should make one", c1.ContactID, c2.ContactID)
				}
			})
		})
	}
}

func TestReceiver_DedupesProviderRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		r := inbound.New(s)
		const n = 20
		results := make([]inbound.Result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := r.Receive(ctx, f.Inbox, msg("c1", "same-id", "hello"))
				if err != nil {
					t.Errorf("Receive #%d: %v", i, err)
				}
				results[i] = res
			}()
		}
		wg.Wait()
		dups := 0
		for _, res := range results {
			if res.MessageID != results[0].MessageID || res.ConversationID != results[0].ConversationID {
				t.Errorf("Receive answered %v and %v: want the same ids", res, results[0])
			}
			if res.Duplicate {
				dups++
			}
		}
		if dups != n-1 {
			t.Errorf("%d answers were duplicates, want %d", dups, n-1)
		}
		page, err := s.ListMessages(ctx, results[0].ConversationID, nil, 100)
		if err != nil || len(page) != 1 {
			t.Errorf("stored %d messages (%v), want 1", len(page), err)
		}
	})
}

func TestReceiver_ConcurrentFirstMessagesMakeOneConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		r := inbound.New(s)
		const n = 16
		convs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := r.Receive(ctx, f.Inbox, msg("new-contact", fmt.Sprintf("m%d", i), "hello"))
				if err != nil {
					t.Errorf("Receive #%d: %v", i, err)
				}
				convs[i] = res.ConversationID
			}()
		}
		wg.Wait()
		for i := range convs {
			if convs[i] != convs[0] {
				t.Fatalf("message %d went to conversation %s, message 0 to %s: want one conversation", i, convs[i], convs[0])
			}
		}
		c, err := s.FindConversationByID(ctx, f.Workspace.ID, convs[0])
		if err != nil {
			t.Fatal(err)
		}
		page, _ := s.ListContacts(ctx, sqlstore.ContactFilter{WorkspaceID: f.Workspace.ID, Limit: 10})
		if len(page) != 1 {
			t.Errorf("%d contacts exist, want 1", len(page))
		}
		if c.UnrepliedCount != n || c.InboundCount != n {
			t.Errorf("unreplied %d, inbound %d; want %d each", c.UnrepliedCount, c.InboundCount, n)
		}
	})
}

func TestReceiver_RejectsBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := storetest.Seed(t, s)
		r := inbound.New(s)
		for _, in := range []channel.Inbound{
			msg("", "m", "x"), msg("c", "", "x"), msg("c", "m", "  "), msg("c", "m", "\xff\xfe"),
		} {
			if _, err := r.Receive(context.Background(), f.Inbox, in); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("Receive(%+v) = %v, want EINVALID", in, err)
			}
		}
		n, _ := s.CountConversations(context.Background(), sqlstore.ConversationFilter{Scope: scopeAll(f)})
		if n != 0 {
			t.Errorf("%d conversations exist after bad input, want 0", n)
		}
	})
}
