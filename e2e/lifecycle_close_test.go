package e2e

import (
	"strings"
	"testing"
)

type convView struct {
	ID             string   `json:"id"`
	Number         int64    `json:"number"`
	Status         string   `json:"status"`
	ResolutionNote string   `json:"resolution_note"`
	CloseReason    string   `json:"close_reason"`
	PreviousID     string   `json:"previous_conversation_id"`
	AssigneeIDs    []string `json:"assignee_ids"`
}

type threadView struct {
	Items []struct {
		ID             string `json:"id"`
		ConversationID string `json:"conversation_id"`
		Content        string `json:"content"`
		Sender         struct{ Kind string }
		System         *struct {
			Action         string
			Number         int64
			ConversationID string `json:"conversation_id"`
			Reason, Note   string
		}
	} `json:"items"`
}

func (n *node) thread(s session, cid string) threadView {
	n.t.Helper()
	var th threadView
	n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).json(n.t, &th)
	return th
}

func (th threadView) has(action string, number int64) bool {
	for _, m := range th.Items {
		if m.System != nil && m.System.Action == action && (number == 0 || m.System.Number == number) {
			return true
		}
	}
	return false
}

// TestLifecycle_ResolvePaymentReopen resolves with a note and a reason,
// is refused while a payment request is unpaid, reopens, and links a new
// conversation to a resolved one.
func TestLifecycle_ResolvePaymentReopen(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "cust", "m1", "I want to buy")
		conv := s.ws("/conversations/" + cid)

		// Close reasons come from the workspace's editable list.
		var ws struct {
			Settings struct {
				Lifecycle struct {
					CloseReasons     []string `json:"close_reasons"`
					AutoResolveHours int      `json:"auto_resolve_hours"`
				} `json:"lifecycle"`
			} `json:"settings"`
		}
		n.must(200, "GET", s.ws(""), s.token, nil).json(t, &ws)
		if got := strings.Join(ws.Settings.Lifecycle.CloseReasons, "|"); got != "Resolved|Qualified and handed off|Not interested|Spam or invalid" ||
			ws.Settings.Lifecycle.AutoResolveHours != 24 {
			t.Errorf("default lifecycle = %+v", ws.Settings.Lifecycle)
		}
		r := n.do("PATCH", conv, s.token, `{"status":"resolved","close_reason":"Because"}`)
		if r.status != 422 || !strings.Contains(string(r.body), "close_reason") {
			t.Errorf("unknown close reason = %d %s, want 422 naming close_reason", r.status, r.body)
		}

		// An unpaid payment request blocks resolve and delete.
		pay := n.must(201, "POST", conv+"/payment-requests", s.token, map[string]any{"amount": 4999, "currency": "eur", "description": "Starter kit"}).m(t)
		if pay["status"] != "unpaid" || pay["currency"] != "EUR" {
			t.Errorf("payment request = %v", pay)
		}
		pid := pay["id"].(string)
		for _, req := range []struct{ method, body string }{{"PATCH", `{"status":"resolved"}`}, {"DELETE", ""}} {
			var body any
			if req.body != "" {
				body = req.body
			}
			r := n.do(req.method, conv, s.token, body)
			if r.status != 409 || !strings.Contains(string(r.body), pid) || !strings.Contains(string(r.body), "49.99 EUR") {
				t.Errorf("%s with an unpaid request = %d %s, want 409 naming it", req.method, r.status, r.body)
			}
		}
		n.must(200, "PATCH", conv+"/payment-requests/"+pid, s.token, map[string]string{"status": "paid"})
		if r := n.do("PATCH", conv+"/payment-requests/"+pid, s.token, map[string]string{"status": "cancelled"}); r.status != 409 {
			t.Errorf("changing a paid request = %d, want 409", r.status)
		}
		var c convView
		n.must(200, "PATCH", conv, s.token, map[string]string{"status": "resolved", "resolution_note": "Sold the kit", "close_reason": "Qualified and handed off"}).json(t, &c)
		if c.Status != "resolved" || c.ResolutionNote != "Sold the kit" || c.CloseReason != "Qualified and handed off" {
			t.Errorf("after resolving: %+v", c)
		}

		// A message after resolution opens a new conversation linked both ways.
		_, next := n.inbound(s, "cust", "m2", "one more question")
		if next == cid {
			t.Fatal("a message after resolution joined the resolved conversation")
		}
		var nc convView
		n.must(200, "GET", s.ws("/conversations/"+next), s.token, nil).json(t, &nc)
		if nc.PreviousID != cid {
			t.Errorf("the new conversation's previous_conversation_id = %q, want %s", nc.PreviousID, cid)
		}
		if !n.thread(s, next).has("continues", c.Number) || !n.thread(s, cid).has("continued_in", nc.Number) {
			t.Error("the link is not shown in both threads")
		}

		// Reopen explicitly: then the customer's messages join it.
		n.must(200, "PATCH", s.ws("/conversations/"+next), s.token, map[string]string{"status": "resolved"})
		if r := n.do("POST", s.ws("/conversations/"+next+"/reopen"), s.token, nil); r.status != 200 {
			t.Fatalf("reopen = %d %s", r.status, r.body)
		}
		if r := n.do("POST", s.ws("/conversations/"+next+"/reopen"), s.token, nil); r.status != 409 {
			t.Errorf("reopening an open conversation = %d, want 409", r.status)
		}
		if _, joined := n.inbound(s, "cust", "m3", "thanks for reopening"); joined != next {
			t.Errorf("after a reopen the customer's message went to %s, want %s", joined, next)
		}
		if !n.thread(s, next).has("reopened", 0) || !n.thread(s, cid).has("resolved", 0) {
			t.Error("missing reopened/resolved system lines")
		}
	})
}

// TestLifecycle_MergeDeleteRestoreAudit merges two conversations of one
// contact, deletes and restores one, and reads the audit log.
func TestLifecycle_MergeDeleteRestoreAudit(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		agentTok, _ := n.agent(s, "ann@example.com")
		n.must(200, "PATCH", s.ws(""), s.token, map[string]any{"settings": map[string]any{
			"join_mode": "contact_inbox", "agent_scope": "all"}})
		_, first := n.inbound(s, "cust", "m1", "first question")
		n.must(200, "PATCH", s.ws("/conversations/"+first), s.token, map[string]string{"status": "resolved"})
		_, second := n.inbound(s, "cust", "m2", "second question")
		_, other := n.inbound(s, "someone-else", "m3", "hello")

		if r := n.do("POST", s.ws("/conversations/"+first+"/merge"), s.token, map[string]string{"into_id": other}); r.status != 422 {
			t.Errorf("merging another contact's conversation = %d %s, want 422", r.status, r.body)
		}
		if r := n.do("POST", s.ws("/conversations/"+first+"/merge"), s.token, map[string]string{"into_id": first}); r.status != 422 {
			t.Errorf("merging into itself = %d %s, want 422", r.status, r.body)
		}
		n.must(200, "POST", s.ws("/conversations/"+first+"/merge"), s.token, map[string]string{"into_id": second})
		var list struct{ Items []convView }
		n.must(200, "GET", s.ws("/conversations"), s.token, nil).json(t, &list)
		for _, c := range list.Items {
			if c.ID == first {
				t.Error("the merged conversation is still listed")
			}
		}
		th := n.thread(s, second)
		var contents []string
		for _, m := range th.Items {
			if m.Sender.Kind == "contact" {
				contents = append(contents, m.Content)
			}
		}
		if got := strings.Join(contents, "|"); got != "first question|second question" {
			t.Errorf("the survivor's thread shows %q, want both histories in order", got)
		}
		if !th.has("merged", 0) {
			t.Error("no merged line in the survivor's thread")
		}

		// Delete (admins) and restore.
		if r := n.do("DELETE", s.ws("/conversations/"+other), agentTok, nil); r.status != 403 {
			t.Errorf("delete by an agent = %d, want 403", r.status)
		}
		n.must(204, "DELETE", s.ws("/conversations/"+other), s.token, nil)
		n.must(404, "GET", s.ws("/conversations/"+other), s.token, nil)
		if r := n.do("POST", s.ws("/conversations/"+other+"/restore"), agentTok, nil); r.status != 403 {
			t.Errorf("restore by an agent = %d, want 403", r.status)
		}
		n.must(200, "POST", s.ws("/conversations/"+other+"/restore"), s.token, nil)
		n.must(200, "GET", s.ws("/conversations/"+other), s.token, nil)

		// The audit log: admins only, newest first, pages by cursor.
		if r := n.do("GET", s.ws("/audit"), agentTok, nil); r.status != 403 {
			t.Errorf("audit log for an agent = %d, want 403", r.status)
		}
		var audit struct {
			Items []struct {
				ActorID  string         `json:"actor_id"`
				Action   string         `json:"action"`
				ObjectID string         `json:"object_id"`
				Data     map[string]any `json:"data"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		n.must(200, "GET", s.ws("/audit?limit=2"), s.token, nil).json(t, &audit)
		if len(audit.Items) != 2 || audit.Items[0].Action != "conversation.restore" || audit.Items[1].Action != "conversation.delete" ||
			audit.Items[0].ActorID != s.userID || audit.NextCursor == "" {
			t.Fatalf("audit page = %+v", audit)
		}
		n.must(200, "GET", s.ws("/audit?limit=200&cursor="+audit.NextCursor), s.token, nil).json(t, &audit)
		found := false
		for _, e := range audit.Items {
			if e.Action == "conversation.merge" && e.ObjectID == first {
				found = true
			}
		}
		if !found {
			t.Error("the merge is not in the audit log")
		}
	})
}
