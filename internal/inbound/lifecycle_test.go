package inbound_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestReceiver_CustomerMessageMovesStatus is the table of what a
// customer's message does to its conversation's status, over every status,
// on both stores: through the one-statement path (the contact is known,
// PostgreSQL) and the statement-by-statement one (a new identity of the
// same contact by phone). The kept counts (and the assignee's Mine
// counts) must still equal a recount.
func TestReceiver_CustomerMessageMovesStatus(t *testing.T) {
	for _, st := range parley.ConversationStatuses {
		next, joins := st.AfterCustomerMessage()
		for _, path := range []string{"known contact", "new identity"} {
			t.Run(string(st)+"/"+path, func(t *testing.T) {
				storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
					ctx := context.Background()
					f := storetest.Seed(t, s)
					r := inbound.New(s)
					first := msg("+14155552671", "m1", "hi")
					first.Contact.Phone = "+14155552671"
					res1, err := r.Receive(ctx, f.Inbox, first)
					if err != nil {
						t.Fatal(err)
					}
					err = s.Write(ctx, func(tx *sqlstore.Tx) error {
						c, err := tx.FindConversationByID(ctx, f.Workspace.ID, res1.ConversationID)
						if err != nil {
							return err
						}
						prev := *c
						c.Status, c.AssigneeIDs = st, []string{f.Agent.UserID}
						if st == parley.StatusSnoozed {
							until := tx.Now().Add(time.Hour)
							c.SnoozedUntil = &until
						}
						return tx.SaveConversation(ctx, c, &prev)
					})
					if err != nil {
						t.Fatal(err)
					}
					inbox, second := f.Inbox, msg("+14155552671", "m2", "still there?")
					if path == "new identity" {
						inbox, second = secondInbox(t, s, f), msg("wa-14155552671", "m2", "still there?")
					}
					second.Contact.Phone = "+14155552671"
					res2, err := r.Receive(ctx, inbox, second)
					if err != nil {
						t.Fatal(err)
					}
					if joined := res2.ConversationID == res1.ConversationID; joined != joins {
						t.Fatalf("a message to a %s conversation joined it = %v, want %v", st, joined, joins)
					}
					c, err := s.FindConversationByID(ctx, f.Workspace.ID, res1.ConversationID)
					if err != nil {
						t.Fatal(err)
					}
					if c.Status != next {
						t.Errorf("after a customer message a %s conversation is %s, want %s", st, c.Status, next)
					}
					if next != parley.StatusSnoozed && c.SnoozedUntil != nil {
						t.Errorf("a %s conversation keeps snoozed_until %v", c.Status, c.SnoozedUntil)
					}
					if joins && (c.LastInboundAt == nil || c.InboundCount != 2) {
						t.Errorf("last_inbound_at = %v, inbound_count = %d: the message was not recorded", c.LastInboundAt, c.InboundCount)
					}
					for _, actor := range []parley.Actor{f.Admin, f.Agent} {
						for _, view := range []string{sqlstore.ViewAll, sqlstore.ViewMine} {
							for _, sts := range [][]parley.ConversationStatus{{st}, {next}} {
								flt := sqlstore.ConversationFilter{Scope: access.ConversationScope(actor, f.Workspace.Settings), View: view, Statuses: sts}
								got, err := s.CountConversations(ctx, flt)
								if err != nil {
									t.Fatal(err)
								}
								want, err := s.RecountConversations(ctx, flt)
								if err != nil {
									t.Fatal(err)
								}
								if got != want {
									t.Errorf("%s, view %s, statuses %v: kept count %d, recount %d", actor.Role, view, sts, got, want)
								}
							}
						}
					}
				})
			})
		}
	}
}
