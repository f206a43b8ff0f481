package e2e

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
	"github.com/parleyhq/parley/internal/clocktest"
)

// TestWebchat_OfflineRepliesByEmail: a reply to a visitor who left an
// email and has been away longer than the inbox's minutes is copied by
// email through the inbox's offline email inbox, with the conversation's
// reply address, and the visitor's answer by mail joins the same
// conversation; a connected visitor and one without an email get nothing.
func TestWebchat_OfflineRepliesByEmail(t *testing.T) {
	o := emailOptions()
	clock := clocktest.New(time.Now().UTC().Truncate(time.Second))
	o.clock = clock
	eachEngineWith(t, o, func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		eid := emailInbox(t, n, s, relay)["id"].(string)
		other := n.webchatInbox(s, "Other site", nil)["id"].(string)

		// The setting names an email inbox of the workspace, else 422 naming it.
		for _, bad := range []string{other, "00000000-0000-4000-8000-000000000000", "not-an-id"} {
			r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Bad", "channel": "webchat",
				"config": map[string]string{"allowed_origins": shopOrigin, "offline_email_inbox_id": bad}})
			if r.status != 422 || !strings.Contains(string(r.body), "config.offline_email_inbox_id") {
				t.Errorf("offline_email_inbox_id %q = %d %s, want 422 naming config.offline_email_inbox_id", bad, r.status, r.body)
			}
		}
		r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Bad", "channel": "webchat",
			"config": map[string]string{"allowed_origins": shopOrigin, "offline_email_after_minutes": "soon"}})
		if r.status != 422 || !strings.Contains(string(r.body), "config.offline_email_after_minutes") {
			t.Errorf("offline_email_after_minutes soon = %d %s, want 422 naming it", r.status, r.body)
		}
		wt := n.webchatInbox(s, "Website", map[string]string{"offline_email_inbox_id": eid, "offline_email_after_minutes": "5"})["website_token"].(string)

		reply := func(cid, content string) string {
			t.Helper()
			id := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": content}).m(t)["id"].(string)
			// The copy is decided in the transaction that records the reply sent.
			waitFor(t, func() bool { return n.replyStatus(s, cid, content) == "sent" })
			return id
		}
		emailCopies := func(cid string) int {
			t.Helper()
			k := 0
			for _, m := range n.messages(s, cid) {
				if m["inbox_id"] == eid && m["direction"] == "out" {
					k++
				}
			}
			return k
		}
		noMail := func(who string) {
			t.Helper()
			select {
			case got := <-relay.Mail:
				t.Fatalf("%s: the relay got a mail to %v, want none", who, got.To)
			default:
			}
		}

		// A visitor without an email, away for 6 minutes: no mail.
		_, anon := n.visitor(wt, map[string]any{"name": "Anon"})
		anonConv := n.widgetDo("POST", "messages", anon, map[string]any{"content": "Anyone?"}).m(t)["conversation_id"].(string)
		// A visitor with an email who comes back (their socket connects) after 10 minutes: no mail.
		_, bob := n.visitor(wt, map[string]any{"name": "Bob", "email": "bob@customer.test"})
		bobConv := n.widgetDo("POST", "messages", bob, map[string]any{"content": "Hi, Bob here"}).m(t)["conversation_id"].(string)
		// A visitor with an email who left: the reply goes by mail.
		_, alice := n.visitor(wt, map[string]any{"name": "Alice Doe"})
		aliceConv := n.widgetDo("POST", "messages", alice, map[string]any{"content": "Where is my order?"}).m(t)["conversation_id"].(string)
		if r := n.widgetDo("PATCH", "visitor", alice, map[string]any{"email": "alice@customer.test"}); r.status >= 300 {
			t.Fatalf("PATCH visitor = %d %s", r.status, r.body)
		}

		// Four minutes away: under the inbox's five, nobody gets mail.
		clock.Add(4 * time.Minute)
		reply(aliceConv, "Looking into it")
		if k := emailCopies(aliceConv); k != 0 {
			t.Fatalf("after 4 minutes away: %d email copies, want 0", k)
		}
		noMail("away 4 minutes")

		clock.Add(6 * time.Minute)
		bws, err := n.dialVisitor(t, bob, shopOrigin)
		if err != nil {
			t.Fatal(err)
		}
		bws.next("hello") // the socket recorded Bob as connected before it said hello
		reply(bobConv, "Hello Bob")
		reply(anonConv, "Hello there")
		if k := emailCopies(bobConv) + emailCopies(anonConv); k != 0 {
			t.Fatalf("connected or without email: %d email copies, want 0", k)
		}
		noMail("connected visitor, visitor without email")

		replyID := reply(aliceConv, "Your order ships today.\nTracking follows.")
		var got channeltest.RelayMail
		select {
		case got = <-relay.Mail:
		case <-time.After(20 * time.Second):
			t.Fatal("the email copy never reached the relay")
		}
		out, err := mail.ReadMessage(bytes.NewReader(got.Data))
		if err != nil {
			t.Fatal(err)
		}
		from, _ := mail.ParseAddress(out.Header.Get("From"))
		replyTo, _ := mail.ParseAddress(out.Header.Get("Reply-To"))
		if len(got.To) != 1 || got.To[0] != "alice@customer.test" || from == nil || from.Address != "support@acme.test" ||
			replyTo == nil || !strings.HasPrefix(replyTo.Address, "support+") || !strings.HasSuffix(replyTo.Address, "@acme.test") ||
			out.Header.Get("Subject") != "Your chat with Website" || !strings.Contains(string(got.Data), "Your order ships today.") {
			t.Fatalf("relay got from %s to %v:\n%s", got.From, got.To, got.Data)
		}
		if k := emailCopies(aliceConv); k != 1 {
			t.Fatalf("email copies = %d, want 1 (of %s)", k, replyID)
		}
		noMail("one reply, one copy")
		// The visitor's widget shows the reply once: the copy is not the widget's.
		if items := n.widgetMessages(alice).Items; len(items) != 3 {
			t.Fatalf("widget items = %+v, want the question and two replies", items)
		}

		// The visitor answers the mail, to its reply address: the same conversation.
		answer := customerMail("a1@customer.test", "Re: Your chat with Website", "Thanks, got the tracking number.")
		if err := n.sendMail("alice@customer.test", replyTo.Address, answer); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range n.messages(s, aliceConv) {
			if m["direction"] == "in" && strings.Contains(m["content"].(string), "got the tracking number") {
				found = m["inbox_id"] == eid
			}
		}
		if !found {
			t.Fatalf("thread = %v, want the visitor's mail in the conversation, on the email inbox", n.messages(s, aliceConv))
		}
		// The chat moved to the email inbox with the answer; the widget still shows it.
		if p := n.widgetMessages(alice); p.ConversationID != aliceConv || len(p.Items) != 4 {
			t.Fatalf("widget after the email answer = %+v, want conversation %s with the answer as the 4th item", p, aliceConv)
		}
		if convs := conversationsOn(t, n, s, eid); len(convs) != 0 && convs[0]["id"] != aliceConv {
			t.Fatalf("email inbox conversations = %v, want none but the chat's", convs)
		}
	})
}
