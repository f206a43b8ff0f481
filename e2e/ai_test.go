package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// aiSetup gives the session's API inbox the default assistant and one
// Q&A pair, and returns the pair's id.
func (n *node) aiSetup(s session) (entryID string) {
	n.t.Helper()
	var list struct{ Items []map[string]any }
	n.must(200, "GET", s.ws("/ai/assistants"), s.token, nil).json(n.t, &list)
	if len(list.Items) != 1 || list.Items[0]["default"] != true || list.Items[0]["provider"] != "builtin" {
		n.t.Fatalf("a new workspace's assistants = %v, want one default built-in", list.Items)
	}
	n.must(204, "PUT", s.ws("/ai/inboxes/"+s.inbox), s.token, map[string]any{"assistant_id": list.Items[0]["id"]})
	e := n.must(201, "POST", s.ws("/ai/knowledge"), s.token, map[string]any{
		"kind": "qa", "question": "Do you ship to Canada?", "answer": "Yes, we ship to Canada in 5 to 7 business days.",
	}).m(n.t)
	return e["id"].(string)
}

// awaitFrom reads message.created events of conversation cid until one
// from sender kind arrives.
func (w *wsClient) awaitFrom(cid, kind string) map[string]any {
	w.t.Helper()
	for {
		f := w.next("message.created")
		var m map[string]any
		json.Unmarshal(f.Data, &m)
		if sender, _ := m["sender"].(map[string]any); m["conversation_id"] == cid && sender["kind"] == kind {
			return m
		}
	}
}

func countFrom(msgs []map[string]any, kind string) int {
	n := 0
	for _, m := range msgs {
		if sender, _ := m["sender"].(map[string]any); sender["kind"] == kind {
			n++
		}
	}
	return n
}

// TestAI_AnswersHandsOffTakesOverResumes drives the AI agent over the API
// channel: it answers from the knowledge base with its reasoning, hands
// off when the customer asks for a person (flag, reason, system line,
// notification, paused), stays silent while paused, answers again after
// resume, pauses when an agent replies, and resets its memory.
func TestAI_AnswersHandsOffTakesOverResumes(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		entry := n.aiSetup(s)
		w := n.dial(t, s, s.token, "")
		w.next("hello")

		_, cid := n.inbound(s, "cust", "m1", "Hi, do you ship to Canada?")
		reply := w.awaitFrom(cid, "ai")
		if !strings.HasPrefix(reply["content"].(string), "Yes, we ship to Canada") || reply["status"] == "failed" {
			t.Errorf("AI reply = %v", reply)
		}
		var reasoning struct {
			Intent     string
			Confidence float64
			Provider   string
			Sources    []struct{ ID, Title string }
		}
		raw, _ := json.Marshal(reply["ai_reasoning"])
		json.Unmarshal(raw, &reasoning)
		if reasoning.Provider != "builtin" || len(reasoning.Sources) == 0 || reasoning.Sources[0].ID != entry || reasoning.Confidence < 0.5 {
			t.Errorf("reasoning = %s, want builtin, confident, source %s", raw, entry)
		}
		conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if conv["ai_mode"] != "active" || conv["handoff"] != false {
			t.Errorf("after an answer: ai_mode %v handoff %v, want active, false", conv["ai_mode"], conv["handoff"])
		}

		// The customer asks for a person: the five steps.
		n.inbound(s, "cust", "m2", "I want to talk to a real person")
		line := w.awaitFrom(cid, "system")
		if sys, _ := line["system"].(map[string]any); sys["action"] != "ai_handoff" || sys["reason"] != "human_request" || line["ai_reasoning"] == nil {
			t.Errorf("handoff line = %v", line)
		}
		if nt := w.nextNotification(); nt.Type != "handoff" || nt.ConversationID != cid {
			t.Errorf("notification = %+v, want handoff on %s", nt, cid)
		}
		conv = n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if conv["handoff"] != true || conv["handoff_reason"] != "human_request" || conv["ai_mode"] != "paused" {
			t.Errorf("after handoff: handoff %v reason %v mode %v", conv["handoff"], conv["handoff_reason"], conv["ai_mode"])
		}
		var view struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/conversations?view=handoff"), s.token, nil).json(t, &view)
		if len(view.Items) != 1 || view.Items[0]["id"] != cid {
			t.Errorf("handoff view = %d items, want the conversation", len(view.Items))
		}
		// Paused: a customer message queues no AI job, so nothing answers.
		n.inbound(s, "cust", "m3", "Do you ship to Canada?")
		aiBefore := countFrom(n.messages(s, cid), "ai")

		// Resume: the AI answers again, with the whole conversation.
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"ai_mode": "active"})
		n.inbound(s, "cust", "m4", "And shipping to Canada costs?")
		if m := w.awaitFrom(cid, "ai"); !strings.Contains(m["content"].(string), "Canada") {
			t.Errorf("answer after resume = %v", m["content"])
		}
		if got := countFrom(n.messages(s, cid), "ai"); got != aiBefore+1 {
			t.Errorf("AI messages = %d, want %d (none while paused, one after resume)", got, aiBefore+1)
		}

		// An agent's reply takes over: the AI pauses.
		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Hi, Ada here."})
		if conv = n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t); conv["ai_mode"] != "paused" {
			t.Errorf("after an agent's reply: ai_mode %v, want paused", conv["ai_mode"])
		}

		// Reset: the memory starts over; the thread stays.
		st := n.must(200, "PATCH", s.ws("/conversations/"+cid+"/ai"), s.token, map[string]any{"reset": true}).m(t)
		if st["memory_from"] == nil || st["effective_assistant_id"] == "" {
			t.Errorf("state after reset = %v", st)
		}
		if sys, _ := w.awaitFrom(cid, "system")["system"].(map[string]any); sys["action"] != "ai_reset" {
			t.Errorf("reset line = %v", sys)
		}
	})
}

// TestAI_PreviewAndKnowledgeAPI checks the playground and the knowledge
// base's rules: the preview answers without storing, hands off with the
// reason by precedence, says appointment; bad input is 4xx naming the
// field; agents may not change the knowledge base or preview.
func TestAI_PreviewAndKnowledgeAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		n.aiSetup(s)
		agentTok, _ := n.agent(s, "bo@example.com")
		tests := []struct {
			name, text, reply, reason string
			appointment               bool
		}{
			{"an answer from the knowledge base", "do you ship to canada", "Yes, we ship", "", false},
			{"a person request", "can a human call me?", "", "human_request", false},
			{"upset and asking for a person: the person request wins", "This is the third time I'm asking, get me a manager", "", "human_request", false},
			{"upset", "This is the third time I'm asking!", "", "negative_sentiment", false},
			{"nothing known", "What is the airspeed velocity of an unladen swallow?", "", "low_confidence", false},
			{"an appointment without a booking link", "Can I book a call for tomorrow?", "", "low_confidence", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := n.must(200, "POST", s.ws("/ai/preview"), s.token, map[string]any{
					"messages": []map[string]string{{"role": "customer", "content": tt.text}}}).m(t)
				h, _ := got["handoff"].(map[string]any)
				reply, _ := got["reply"].(string)
				if tt.reply != "" && !strings.HasPrefix(reply, tt.reply) || tt.reply == "" && got["reply"] != nil {
					t.Errorf("reply = %v, want %q", got["reply"], tt.reply)
				}
				if h["triggered"] != (tt.reason != "") || h["reason"] != tt.reason {
					t.Errorf("handoff = %v, want reason %q", h, tt.reason)
				}
				if got["appointment"] != tt.appointment {
					t.Errorf("appointment = %v, want %v", got["appointment"], tt.appointment)
				}
			})
		}
		var list struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/ai/assistants"), s.token, nil).json(t, &list)
		id := list.Items[0]["id"].(string)
		n.must(200, "PATCH", s.ws("/ai/assistants/"+id), s.token, map[string]any{"settings": map[string]any{
			"booking_url": "https://cal.example.com/acme", "handoff": map[string]any{"keywords": []string{"Lawsuit"}}}})
		got := n.must(200, "POST", s.ws("/ai/preview"), s.token, map[string]any{
			"messages": []map[string]string{{"role": "customer", "content": "I'd like to schedule a meeting"}}}).m(t)
		if r, _ := got["reply"].(string); !strings.Contains(r, "https://cal.example.com/acme") || got["appointment"] != true {
			t.Errorf("appointment with a booking link = %v", got)
		}
		got = n.must(200, "POST", s.ws("/ai/preview"), s.token, map[string]any{
			"messages": []map[string]string{{"role": "customer", "content": "a LAWSUIT about shipping"}}}).m(t)
		if h, _ := got["handoff"].(map[string]any); h["reason"] != "keyword" {
			t.Errorf("keyword handoff = %v", got["handoff"])
		}

		for _, c := range []struct {
			name, method, path, token string
			body                      any
			status                    int
			field                     string
		}{
			{"a pair without an answer", "POST", "/ai/knowledge", s.token, map[string]any{"kind": "qa", "question": "Q"}, 422, "answer"},
			{"an unknown kind", "POST", "/ai/knowledge", s.token, map[string]any{"kind": "faq", "title": "T"}, 422, "kind"},
			{"an agent adds knowledge", "POST", "/ai/knowledge", agentTok, map[string]any{"kind": "qa", "question": "Q", "answer": "A"}, 403, ""},
			{"an agent previews", "POST", "/ai/preview", agentTok, map[string]any{"messages": []map[string]string{{"role": "customer", "content": "hi"}}}, 403, ""},
			{"a bad role", "POST", "/ai/preview", s.token, map[string]any{"messages": []map[string]string{{"role": "bot", "content": "hi"}}}, 422, "messages"},
			{"an openai assistant without endpoint", "POST", "/ai/assistants", s.token, map[string]any{"name": "GPT", "provider": "openai"}, 422, "base_url"},
			{"a threshold out of range", "PATCH", "/ai/assistants/" + id, s.token, map[string]any{"settings": map[string]any{"handoff": map[string]any{"confidence_threshold": 3}}}, 422, "confidence_threshold"},
			{"deleting the default", "DELETE", "/ai/assistants/" + id, s.token, nil, 409, ""},
			{"an unknown assistant for an inbox", "PUT", "/ai/inboxes/" + s.inbox, s.token, map[string]any{"assistant_id": "01890000-0000-7000-8000-000000000000"}, 422, "assistant_id"},
		} {
			r := n.do(c.method, s.ws(c.path), c.token, c.body)
			if r.status != c.status || !strings.Contains(string(r.body), c.field) {
				t.Errorf("%s = %d %s, want %d naming %q", c.name, r.status, r.body, c.status, c.field)
			}
		}
		r := n.do("POST", s.ws("/ai/knowledge-imports"), s.token, "question,answer\nQ1,A1\nQ2\n", "Content-Type", "text/csv")
		if r.status != 422 || !strings.Contains(string(r.body), "Line 3") {
			t.Errorf("bad CSV = %d %s, want 422 naming line 3", r.status, r.body)
		}
		r = n.do("POST", s.ws("/ai/knowledge-imports"), s.token, "question,answer\nWhat are your opening hours?,9 to 5 on weekdays\n", "Content-Type", "text/csv")
		if r.status != 201 || !strings.Contains(string(r.body), `"imported":1`) {
			t.Errorf("CSV import = %d %s", r.status, r.body)
		}
		var found struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/ai/knowledge?q=opening+hours"), agentTok, nil).json(t, &found)
		if len(found.Items) != 1 || found.Items[0]["answer"] != "9 to 5 on weekdays" {
			t.Errorf("knowledge search = %v", found.Items)
		}
	})
}
