package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestOpenConversationRule checks the SQL forms of the "open conversation"
// rule against its Go definition (parley.ConversationStatus.Closed): the
// lookup finds a conversation exactly when its status is not closed, and the
// index the lookup relies on spells the same list in both dialects. Adding a
// closed status in Go fails here until the index is migrated too.
func TestOpenConversationRule(t *testing.T) {
	for _, dialect := range []string{"postgres", "sqlite"} {
		path := "migrations/" + dialect + "/00010_conversations_contact_open.sql"
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := "status NOT IN (" + sqlstore.ClosedStatusList + ")"; !strings.Contains(string(b), want) {
			t.Errorf("%s: the index predicate does not read %q: the Go rule and the index disagree", path, want)
		}
	}
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		for _, st := range parley.ConversationStatuses {
			c := newConversation(t, s, f, "open-rule-"+string(st), time.Now())
			if err := s.Write(ctx, func(tx *sqlstore.Tx) error {
				next := *c
				next.Status = st
				if st == parley.StatusSnoozed {
					until := time.Now().Add(time.Hour)
					next.SnoozedUntil = &until
				}
				return tx.SaveConversation(ctx, &next, c)
			}); err != nil {
				t.Fatalf("%s: %v", st, err)
			}
			got, err := s.FindOpenConversation(ctx, c.ContactID, "")
			found := err == nil && got.ID == c.ID
			if err != nil && !parley.IsNotFound(err) {
				t.Fatalf("%s: FindOpenConversation() = %v", st, err)
			}
			if found == st.Closed() {
				t.Errorf("status %s: found by the open lookup %v, want %v (Closed() = %v)", st, found, !st.Closed(), st.Closed())
			}
		}
	})
}

// TestInboundCounterRule runs the inbound counter rule's SQL forms (the
// UPDATE of InsertInbound on both dialects, the one statement of
// AppendToOpenConversation on PostgreSQL) against its Go definition
// (recordInbound and applyCustomerMessage) over every open status, with and
// without an earlier or a later customer message, and with activity before
// and after the message.
func TestInboundCounterRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
		n := 0
		inbound := func(contactID string, when time.Time) *parley.Message {
			n++
			return &parley.Message{WorkspaceID: f.Workspace.ID, InboxID: f.Inbox.ID, Direction: parley.DirectionIn,
				Sender: parley.Sender{Kind: parley.SenderContact, ID: contactID}, Content: fmt.Sprintf("hello %d", n),
				Channel: parley.ChannelAPI, ProviderMessageID: fmt.Sprintf("rule-%d", n), Status: parley.DeliveryReceived, CreatedAt: when}
		}
		reread := func(id string) *parley.Conversation {
			t.Helper()
			c, err := s.FindConversationByID(ctx, f.Workspace.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// setup makes a conversation in status st whose last customer message
		// (if any) was at earlier, with activity at activity.
		setup := func(name string, st parley.ConversationStatus, earlier *time.Time, activity time.Time) *parley.Conversation {
			t.Helper()
			c := newConversation(t, s, f, name, activity)
			if earlier != nil {
				if err := s.Write(ctx, func(tx *sqlstore.Tx) error {
					m := inbound(c.ContactID, *earlier)
					m.ConversationID = c.ID
					return tx.InsertInbound(ctx, m, c, &parley.MessagePreview{Content: "before"})
				}); err != nil {
					t.Fatal(err)
				}
				c = reread(c.ID)
			}
			if err := s.Write(ctx, func(tx *sqlstore.Tx) error {
				next := *c
				next.Status, next.LastActivityAt, next.SnoozedUntil = st, activity, nil
				if st == parley.StatusSnoozed {
					until := at.Add(24 * time.Hour)
					next.SnoozedUntil = &until
				}
				return tx.SaveConversation(ctx, &next, c)
			}); err != nil {
				t.Fatal(err)
			}
			return reread(c.ID)
		}
		type path struct {
			name string
			run  func(c *parley.Conversation, m *parley.Message, p *parley.MessagePreview) error
		}
		paths := []path{{"InsertInbound", func(c *parley.Conversation, m *parley.Message, p *parley.MessagePreview) error {
			return s.Write(ctx, func(tx *sqlstore.Tx) error {
				m.ConversationID = c.ID
				return tx.InsertInbound(ctx, m, c, p)
			})
		}}}
		if s.Dialect() == sqlstore.Postgres {
			paths = append(paths, path{"AppendToOpenConversation", func(c *parley.Conversation, m *parley.Message, p *parley.MessagePreview) error {
				return s.Write(ctx, func(tx *sqlstore.Tx) error {
					_, _, ok, err := tx.AppendToOpenConversation(ctx, c.ContactID, "", m, p)
					if err == nil && !ok {
						err = fmt.Errorf("took the long way")
					}
					return err
				})
			}})
		}
		earlierMsg, laterMsg := at.Add(-10*time.Minute), at.Add(10*time.Minute)
		for _, p := range paths {
			for _, st := range []parley.ConversationStatus{parley.StatusQueued, parley.StatusOpen, parley.StatusPending, parley.StatusSnoozed} {
				for _, prior := range []struct {
					name string
					at   *time.Time
				}{{"first message", nil}, {"after an earlier message", &earlierMsg}, {"arriving late", &laterMsg}} {
					for _, activity := range []time.Time{at.Add(-time.Hour), at.Add(time.Hour)} {
						name := fmt.Sprintf("%s/%s/%s/activity %+v", p.name, st, prior.name, activity.Sub(at))
						c := setup(fmt.Sprintf("rule-%d", n), st, prior.at, activity)
						want := *c
						sqlstore.ApplyCustomerMessage(&want)
						preview := &parley.MessagePreview{Content: "now"}
						sqlstore.RecordInbound(&want, at, preview)
						if err := p.run(c, inbound(c.ContactID, at), preview); err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						compareInbound(t, name, reread(c.ID), &want)
					}
				}
			}
		}
	})
}

func compareInbound(t *testing.T, name string, got, want *parley.Conversation) {
	t.Helper()
	eqTime := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
	var diffs []string
	if got.Status != want.Status {
		diffs = append(diffs, fmt.Sprintf("status %s, want %s", got.Status, want.Status))
	}
	if !eqTime(got.SnoozedUntil, want.SnoozedUntil) {
		diffs = append(diffs, fmt.Sprintf("snoozed_until %v, want %v", got.SnoozedUntil, want.SnoozedUntil))
	}
	if got.InboundCount != want.InboundCount || got.UnrepliedCount != want.UnrepliedCount {
		diffs = append(diffs, fmt.Sprintf("counts %d/%d, want %d/%d", got.InboundCount, got.UnrepliedCount, want.InboundCount, want.UnrepliedCount))
	}
	if !eqTime(got.WaitingSince, want.WaitingSince) {
		diffs = append(diffs, fmt.Sprintf("waiting_since %v, want %v", got.WaitingSince, want.WaitingSince))
	}
	if !eqTime(got.LastInboundAt, want.LastInboundAt) {
		diffs = append(diffs, fmt.Sprintf("last_inbound_at %v, want %v", got.LastInboundAt, want.LastInboundAt))
	}
	if !got.LastActivityAt.Equal(want.LastActivityAt) {
		diffs = append(diffs, fmt.Sprintf("last_activity_at %v, want %v", got.LastActivityAt, want.LastActivityAt))
	}
	if got.LastMessage == nil || want.LastMessage == nil || got.LastMessage.Content != want.LastMessage.Content {
		diffs = append(diffs, fmt.Sprintf("last_message %+v, want %+v", got.LastMessage, want.LastMessage))
	}
	if len(diffs) > 0 {
		t.Errorf("%s: the SQL form disagrees with the Go rule: %s", name, strings.Join(diffs, "; "))
	}
}
