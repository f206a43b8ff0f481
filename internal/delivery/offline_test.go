package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/webchat"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// TestWorker_OfflineEmailCopy: a web-chat reply is copied to the email
// inbox when the visitor left an email and has been away long enough, in
// the transaction that records it sent, and only once however often the
// decision is replayed.
func TestWorker_OfflineEmailCopy(t *testing.T) {
	cases := []struct {
		name    string
		email   string
		minutes string // the inbox's offline_email_after_minutes
		away    time.Duration
		want    int
	}{
		{"away long enough", "alice@customer.test", "5", 6 * time.Minute, 1},
		{"default five minutes", "alice@customer.test", "", 5 * time.Minute, 1},
		{"not away long enough", "alice@customer.test", "5", 4 * time.Minute, 0},
		{"no email", "", "5", time.Hour, 0},
		{"turned off", "alice@customer.test", "0", time.Hour, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachEnv(t, func(t *testing.T, e *env) {
				ctx := context.Background()
				mailer := &fakeAdapter{kind: parley.ChannelEmail}
				w := e.worker(t, nil, func(c *delivery.Config) {
					c.Adapters = append(c.Adapters, webchat.Adapter{}, mailer)
					c.Conversations = e.convs
				})
				ws := e.fix.Workspace.ID
				emailInbox := &parley.Inbox{WorkspaceID: ws, Name: "Support", Channel: parley.ChannelEmail,
					Config: map[string]string{"address": "support@acme.test"}}
				chat := &parley.Inbox{WorkspaceID: ws, Name: "Website", Channel: parley.ChannelWebchat,
					Config: map[string]string{webchat.KeyAllowedOrigins: "https://shop.example"}}
				err := e.store.Write(ctx, func(tx *sqlstore.Tx) error {
					if err := tx.CreateInbox(ctx, emailInbox); err != nil {
						return err
					}
					chat.Config[webchat.KeyOfflineEmailInbox] = emailInbox.ID
					if tc.minutes != "" {
						chat.Config[webchat.KeyOfflineEmailAfter] = tc.minutes
					}
					return tx.CreateInbox(ctx, chat)
				})
				if err != nil {
					t.Fatal(err)
				}
				res, err := inbound.New(e.store).Receive(ctx, chat, channel.Inbound{
					Contact: channel.ContactInfo{SourceID: "visitor:1"}, ProviderMessageID: "widget:1", Content: "Hello?"})
				if err != nil {
					t.Fatal(err)
				}
				conv, err := e.store.FindConversationByID(ctx, ws, res.ConversationID)
				if err != nil {
					t.Fatal(err)
				}
				err = e.store.Write(ctx, func(tx *sqlstore.Tx) error {
					return tx.CreateVisitor(ctx, &sqlstore.Visitor{WorkspaceID: ws, InboxID: chat.ID, SourceID: "visitor:1",
						ContactID: conv.ContactID, Email: tc.email}, "hash-1")
				})
				if err != nil {
					t.Fatal(err)
				}
				e.clock.Add(tc.away)
				m := e.reply(t, w, conv.ID, "We are on it.")
				drain(t, w)
				if got := e.message(t, m).Status; got != parley.DeliverySent {
					t.Fatalf("reply status = %s, want sent", got)
				}
				if len(mailer.sent) != tc.want {
					t.Fatalf("mails = %d, want %d", len(mailer.sent), tc.want)
				}
				if tc.want == 0 {
					return
				}
				if out := mailer.sent[0]; out.To != tc.email || out.Content != "We are on it." {
					t.Errorf("mail to %q %q, want %q and the reply", out.To, out.Content, tc.email)
				}
				// The decision replayed (a recorded outcome retried): no second copy.
				err = e.store.Write(ctx, func(tx *sqlstore.Tx) error {
					c, err := e.convs.OfflineEmailCopy(ctx, tx, e.message(t, m), conv, chat, w)
					if c != nil {
						t.Errorf("a second copy %s was queued", c.ID)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				drain(t, w)
				if len(mailer.sent) != 1 {
					t.Errorf("mails after a replay = %d, want 1", len(mailer.sent))
				}
			})
		})
	}
}
