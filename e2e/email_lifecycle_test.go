package e2e

import (
	"bytes"
	"net/mail"
	"os"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// everyConversationOn lists an inbox's conversations in every status.
func everyConversationOn(t *testing.T, n *node, s session, inboxID string) []map[string]any {
	var list struct {
		Items []map[string]any `json:"items"`
	}
	n.must(200, "GET", s.ws("/conversations?view=all&status=queued,open,pending,snoozed,resolved,abandoned"), s.token, nil).json(t, &list)
	var out []map[string]any
	for _, it := range list.Items {
		if it["inbox_id"] == inboxID {
			out = append(out, it)
		}
	}
	return out
}

// conversationOf reads one conversation.
func conversationOf(t *testing.T, n *node, s session, cid string) map[string]any {
	t.Helper()
	return n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
}

// systemActions lists the system lines of a conversation.
func systemActions(t *testing.T, n *node, s session, cid string) []string {
	var th struct {
		Items []map[string]any `json:"items"`
	}
	n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).json(t, &th)
	var out []string
	for _, m := range th.Items {
		if ev, ok := m["system"].(map[string]any); ok {
			out = append(out, ev["action"].(string))
		}
	}
	return out
}

// TestLifecycle_ResolvedReply runs the workspace's resolved_reply rule
// over both values and two inbound paths (the API channel's join rule and
// email threading): a customer message continuing a resolved conversation
// opens a new linked one (new_conversation, the default) or reopens it
// (reopen). An auto-reply threading into the resolved conversation never
// reopens it, under either value; a bad value is a 422 naming the field.
func TestLifecycle_ResolvedReply(t *testing.T) {
	for _, rule := range []string{"", "new_conversation", "reopen"} {
		t.Run("rule="+rule, func(t *testing.T) {
			eachEngineWith(t, emailOptions(), func(t *testing.T, n *node) {
				s := n.bootstrap()
				if rule != "" {
					n.must(200, "PATCH", s.ws(""), s.token, map[string]any{"settings": map[string]any{"join_mode": "contact", "agent_scope": "all",
						"lifecycle": map[string]any{"auto_resolve_hours": 24, "purge_days": 7, "resolved_reply": rule}}})
				}
				if r := n.do("PATCH", s.ws(""), s.token, map[string]any{"settings": map[string]any{"join_mode": "contact", "agent_scope": "all",
					"lifecycle": map[string]any{"resolved_reply": "sometimes"}}}); r.status != 422 || !strings.Contains(string(r.body), "resolved_reply") {
					t.Fatalf("a bad resolved_reply = %d %s, want 422 naming it", r.status, r.body)
				}
				var ws struct {
					Settings struct {
						Lifecycle map[string]any `json:"lifecycle"`
					} `json:"settings"`
				}
				n.must(200, "GET", s.ws(""), s.token, nil).json(t, &ws)
				want := rule
				if want == "" {
					want = "new_conversation"
				}
				if got := ws.Settings.Lifecycle["resolved_reply"]; got != want {
					t.Fatalf("resolved_reply = %v, want %s", got, want)
				}
				reopens := rule == "reopen"

				// The API channel: no thread, the join rule.
				_, c1 := n.inbound(s, "cust-1", "api-1", "My order is late")
				n.must(200, "PATCH", s.ws("/conversations/"+c1), s.token, map[string]any{"status": "resolved"})
				_, c2 := n.inbound(s, "cust-1", "api-2", "Still late, actually")
				checkContinued(t, n, s, c1, c2, reopens)

				// Email: the customer's answer names our reply.
				relay := channeltest.NewSMTPRelay(t)
				iid := emailInbox(t, n, s, relay)["id"].(string)
				if err := n.sendMail("alice@customer.test", "support@acme.test", customerMail("r1@customer.test", "Refund", "Where is my refund?")); err != nil {
					t.Fatal(err)
				}
				e1 := everyConversationOn(t, n, s, iid)[0]["id"].(string)
				n.must(201, "POST", s.ws("/conversations/"+e1+"/messages"), s.token, map[string]any{"content": "Sent today."})
				out, err := mail.ReadMessage(bytes.NewReader(relayMail(t, relay).Data))
				if err != nil {
					t.Fatal(err)
				}
				ourID := strings.Trim(out.Header.Get("Message-Id"), "<>")
				n.must(200, "PATCH", s.ws("/conversations/"+e1), s.token, map[string]any{"status": "resolved"})

				// An auto-reply naming it first: never reopens, never counts.
				auto := customerMail("r-auto@customer.test", "Automatic reply: Re: Refund", "I am away.", "In-Reply-To: <"+ourID+">", "Auto-Submitted: auto-replied")
				if err := n.sendMail("alice@customer.test", "support@acme.test", auto); err != nil {
					t.Fatal(err)
				}
				if c := conversationOf(t, n, s, e1); c["status"] != "resolved" || c["unreplied_count"] != 0.0 {
					t.Fatalf("after an auto-reply: %v, %v unreplied; want resolved, 0", c["status"], c["unreplied_count"])
				}
				if len(everyConversationOn(t, n, s, iid)) != 1 {
					t.Fatal("the auto-reply opened a conversation")
				}

				answer := customerMail("r2@customer.test", "Re: Refund", "Not here yet.", "In-Reply-To: <"+ourID+">")
				if err := n.sendMail("alice@customer.test", "support@acme.test", answer); err != nil {
					t.Fatal(err)
				}
				convs := everyConversationOn(t, n, s, iid)
				var e2 string
				for _, c := range convs {
					if c["id"] != e1 {
						e2 = c["id"].(string)
					}
				}
				if e2 == "" {
					e2 = e1
				}
				checkContinued(t, n, s, e1, e2, reopens)
			})
		})
	}
}

// checkContinued checks where a customer's message after a resolve went.
func checkContinued(t *testing.T, n *node, s session, first, second string, reopens bool) {
	t.Helper()
	c1 := conversationOf(t, n, s, first)
	if reopens {
		if second != first || c1["status"] != "open" || c1["unreplied_count"] == 0.0 {
			t.Fatalf("reopen: message went to %s (first %s), which is %v with %v unreplied; want the first, open, unreplied",
				second, first, c1["status"], c1["unreplied_count"])
		}
		acts := systemActions(t, n, s, first)
		if len(acts) == 0 || acts[len(acts)-1] != "reopened" {
			t.Fatalf("reopen: system lines %v, want the last to be reopened", acts)
		}
		return
	}
	c2 := conversationOf(t, n, s, second)
	if second == first || c1["status"] != "resolved" || c2["status"] != "open" || c2["previous_conversation_id"] != first {
		t.Fatalf("new_conversation: first %s is %v; second %s is %v continuing %v; want a new open one linked to the resolved first",
			first, c1["status"], second, c2["status"], c2["previous_conversation_id"])
	}
}

// TestEmail_AutoReplyNamingNothing uses the auto-reply sample, whose
// In-Reply-To names a mail Parley never sent: from a sender with no
// conversation it is kept in a conversation that starts resolved (in no
// queue, not unreplied); from a sender with one it is stored quietly in
// the latest, which stays as it was. It never opens a visible, unreplied
// conversation.
func TestEmail_AutoReplyNamingNothing(t *testing.T) {
	sample, err := os.ReadFile("../internal/mailparse/testdata/autoreply.eml")
	if err != nil {
		t.Fatal(err)
	}
	eachEngineWith(t, emailOptions(), func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		iid := emailInbox(t, n, s, relay)["id"].(string)
		if err := n.sendMail("carol@customer.test", "support@acme.test", string(sample)); err != nil {
			t.Fatal(err)
		}
		convs := everyConversationOn(t, n, s, iid)
		if len(convs) != 1 {
			t.Fatalf("conversations = %v, want the one holding the auto-reply", convs)
		}
		held := convs[0]
		if held["status"] != "resolved" || held["unreplied_count"] != 0.0 || held["subject"] != "Automatic reply: Re: Where is my order?" {
			t.Fatalf("the auto-reply's conversation = %v, want resolved, 0 unreplied, with its subject", held)
		}
		th := threadOf(t, n, s, held["id"].(string))
		if len(th) != 1 || th[0]["email"].(map[string]any)["auto_reply"] != true {
			t.Fatalf("thread = %v, want the auto-reply, marked", th)
		}
		var open struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/conversations?view=all&status=open"), s.token, nil).json(t, &open)
		for _, c := range open.Items {
			if c["id"] == held["id"] {
				t.Fatalf("the auto-reply's conversation is listed as open: %v", c)
			}
		}

		// Carol writes for real, then her auto-reply comes again (another id).
		if err := n.sendMail("carol@customer.test", "support@acme.test",
			strings.ReplaceAll(customerMail("carol-1@customer.test", "Order 77", "Where is order 77?"), "Alice Doe <alice@customer.test>", "Carol White <carol@customer.test>")); err != nil {
			t.Fatal(err)
		}
		var real map[string]any
		for _, c := range everyConversationOn(t, n, s, iid) {
			if c["id"] != held["id"] {
				real = c
			}
		}
		if real == nil || real["status"] != "open" || real["unreplied_count"] != 1.0 {
			t.Fatalf("Carol's mail = %v, want an open conversation with 1 unreplied", real)
		}
		again := strings.Replace(string(sample), "auto-88a1@customer.test", "auto-88a2@customer.test", 1)
		if err := n.sendMail("carol@customer.test", "support@acme.test", again); err != nil {
			t.Fatal(err)
		}
		if convs := everyConversationOn(t, n, s, iid); len(convs) != 2 {
			t.Fatalf("conversations = %d, want still 2", len(convs))
		}
		c := conversationOf(t, n, s, real["id"].(string))
		if c["status"] != "open" || c["unreplied_count"] != 1.0 {
			t.Fatalf("after the second auto-reply Carol's conversation is %v with %v unreplied, want open with 1", c["status"], c["unreplied_count"])
		}
		if th := threadOf(t, n, s, real["id"].(string)); len(th) != 2 || th[1]["email"].(map[string]any)["auto_reply"] != true {
			t.Fatalf("Carol's thread = %v, want her mail then the auto-reply", th)
		}
	})
}

// TestEmail_NewConversationWithSubject starts an email conversation from
// Parley (New chat): the subject is required (422 naming it, also for a
// subject that would inject a header) and refused on other channels; the
// mail leaves with it and no In-Reply-To; the customer's answer threads
// into the new conversation.
func TestEmail_NewConversationWithSubject(t *testing.T) {
	eachEngineWith(t, emailOptions(), func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		iid := emailInbox(t, n, s, relay)["id"].(string)
		if err := n.sendMail("alice@customer.test", "support@acme.test", customerMail("n1@customer.test", "Hello", "Hi there.")); err != nil {
			t.Fatal(err)
		}
		first := everyConversationOn(t, n, s, iid)[0]
		contactID := first["contact"].(map[string]any)["id"].(string)
		n.must(200, "PATCH", s.ws("/conversations/"+first["id"].(string)), s.token, map[string]any{"status": "resolved"})

		for _, subject := range []string{"", "   ", "Invoice\r\nBcc: victim@elsewhere.test", strings.Repeat("x", 251)} {
			r := n.do("POST", s.ws("/conversations"), s.token, map[string]any{"contact_id": contactID, "inbox_id": iid, "content": "Your invoice is attached.", "subject": subject})
			if r.status != 422 || !strings.Contains(string(r.body), "subject") {
				t.Fatalf("subject %q = %d %s, want 422 naming subject", subject, r.status, r.body)
			}
		}
		_, apiConv := n.inbound(s, "api-cust", "api-n1", "hello")
		apiContact := conversationOf(t, n, s, apiConv)["contact"].(map[string]any)["id"].(string)
		if r := n.do("POST", s.ws("/conversations"), s.token, map[string]any{"contact_id": apiContact, "inbox_id": s.inbox, "content": "x", "subject": "Hi"}); r.status != 422 || !strings.Contains(string(r.body), "subject") {
			t.Fatalf("a subject on an API inbox = %d %s, want 422 naming subject", r.status, r.body)
		}

		conv := n.must(201, "POST", s.ws("/conversations"), s.token, map[string]any{"contact_id": contactID, "inbox_id": iid,
			"content": "Your invoice for December.", "subject": "  Invoice 2026-12  "}).m(t)
		cid := conv["id"].(string)
		if conv["subject"] != "Invoice 2026-12" {
			t.Fatalf("new conversation subject = %v", conv["subject"])
		}
		out, err := mail.ReadMessage(bytes.NewReader(relayMail(t, relay).Data))
		if err != nil {
			t.Fatal(err)
		}
		replyTo, _ := mail.ParseAddress(out.Header.Get("Reply-To"))
		if out.Header.Get("Subject") != "Invoice 2026-12" || out.Header.Get("In-Reply-To") != "" || out.Header.Get("Bcc") != "" ||
			replyTo == nil || !strings.HasPrefix(replyTo.Address, "support+") {
			t.Fatalf("the first mail's headers: %v", out.Header)
		}
		ourID := strings.Trim(out.Header.Get("Message-Id"), "<>")
		// The relay has it; the answer can only come once Parley recorded the send.
		waitFor(t, func() bool { return threadOf(t, n, s, cid)[0]["status"] == "sent" })
		answer := customerMail("n2@customer.test", "Re: Invoice 2026-12", "Thanks, paid.", "In-Reply-To: <"+ourID+">", "References: <"+ourID+">")
		if err := n.sendMail("alice@customer.test", "support@acme.test", answer); err != nil {
			t.Fatal(err)
		}
		th := threadOf(t, n, s, cid)
		// (The answer's Date header is older than our mail: it sorts first.)
		if len(th) != 2 || !strings.Contains(th[0]["content"].(string)+th[1]["content"].(string), "paid") {
			t.Fatalf("the new conversation's thread = %v, want our mail and the answer", th)
		}
		if c := conversationOf(t, n, s, cid); c["subject"] != "Invoice 2026-12" || c["status"] != "open" {
			t.Fatalf("after the answer: %v", c)
		}
	})
}
