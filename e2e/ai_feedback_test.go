package e2e

import (
	"strings"
	"testing"
)

// TestAI_FeedbackTrainsTheAssistant drives seed 004 "Train AI with
// feedback": an agent rates an AI reply and writes the better answer; the
// correction waits for an admin (an agent cannot approve it); approved, it
// is a Q&A entry the built-in assistant answers the next similar question
// from; a rejected one stays as a record and adds nothing.
func TestAI_FeedbackTrainsTheAssistant(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		n.aiSetup(s)
		agentTok, agentID := n.agent(s, "bo@example.com")
		w := n.dial(t, s, s.token, "")
		w.next("hello")

		// The assistant does not know: it hands off with its handoff reply.
		custMsg, cid := n.inbound(s, "cust", "m1", "How long is the warranty on the blender?")
		reply := w.awaitFrom(cid, "ai")
		mid := reply["id"].(string)
		vote := func(token, rating, correction string) map[string]any {
			t.Helper()
			return n.must(200, "POST", s.ws("/conversations/"+cid+"/messages/"+mid+"/ai-feedback"), token,
				map[string]any{"rating": rating, "correction": correction}).m(t)
		}
		first := vote(agentTok, "up", "")
		if first["status"] != "none" || first["question"] != "How long is the warranty on the blender?" || first["user_id"] != agentID {
			t.Errorf("a vote without correction = %v", first)
		}
		// Voting again changes the one vote.
		fb := vote(agentTok, "down", "Every blender has a two-year warranty.")
		if fb["id"] != first["id"] || fb["rating"] != "down" || fb["status"] != "pending" {
			t.Errorf("changed vote = %v, want the same record, down, pending", fb)
		}
		var mine struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/conversations/"+cid+"/ai-feedback"), agentTok, nil).json(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0]["rating"] != "down" {
			t.Errorf("the agent's votes in the thread = %v, want one down", mine.Items)
		}

		fid := fb["id"].(string)
		for _, c := range []struct {
			name, method, path, token string
			body                      any
			status                    int
			field                     string
		}{
			{"an agent approves", "POST", "/ai/feedback/" + fid + "/approve", agentTok, nil, 403, ""},
			{"an agent rejects", "POST", "/ai/feedback/" + fid + "/reject", agentTok, nil, 403, ""},
			{"a bad rating", "POST", "/conversations/" + cid + "/messages/" + mid + "/ai-feedback", agentTok, map[string]any{"rating": "meh"}, 422, "rating"},
			{"a vote on the customer's message", "POST", "/conversations/" + cid + "/messages/" + custMsg + "/ai-feedback", agentTok, map[string]any{"rating": "up"}, 422, "message_id"},
			{"an unknown message", "POST", "/conversations/" + cid + "/messages/01890000-0000-7000-8000-000000000000/ai-feedback", agentTok, map[string]any{"rating": "up"}, 404, ""},
			{"an unknown status", "GET", "/ai/feedback?status=maybe", s.token, nil, 422, "status"},
			{"an unknown record", "POST", "/ai/feedback/01890000-0000-7000-8000-000000000000/approve", s.token, nil, 404, ""},
			{"an empty edited answer is the correction, a NUL is not text", "POST", "/ai/feedback/" + fid + "/approve", s.token, map[string]any{"answer": "bad\u0000"}, 422, "answer"},
		} {
			r := n.do(c.method, s.ws(c.path), c.token, c.body)
			if r.status != c.status || !strings.Contains(string(r.body), c.field) {
				t.Errorf("%s = %d %s, want %d naming %q", c.name, r.status, r.body, c.status, c.field)
			}
		}

		// The admin's review list.
		var pending struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/ai/feedback?status=pending"), s.token, nil).json(t, &pending)
		if len(pending.Items) != 1 || pending.Items[0]["id"] != fid || pending.Items[0]["reply"] != reply["content"] ||
			pending.Items[0]["user_name"] == "" || pending.Items[0]["conversation_number"] == nil {
			t.Fatalf("pending = %v, want the agent's correction with the AI reply and the voter", pending.Items)
		}
		approved := n.must(200, "POST", s.ws("/ai/feedback/"+fid+"/approve"), s.token,
			map[string]any{"question": "What is the warranty on the blender?"}).m(t)
		kid, _ := approved["knowledge_id"].(string)
		if approved["status"] != "approved" || kid == "" || approved["reviewed_by"] != s.userID {
			t.Fatalf("approved = %v", approved)
		}
		entry := n.must(200, "GET", s.ws("/ai/knowledge/"+kid), s.token, nil).m(t)
		if entry["source"] != "feedback" || entry["question"] != "What is the warranty on the blender?" || entry["answer"] != "Every blender has a two-year warranty." {
			t.Errorf("the entry = %v, want the edited question and the correction", entry)
		}
		if r := n.do("POST", s.ws("/ai/feedback/"+fid+"/approve"), s.token, nil); r.status != 409 {
			t.Errorf("approving twice = %d %s, want 409", r.status, r.body)
		}
		// Changing only the rating keeps the approval.
		if again := vote(agentTok, "up", "Every blender has a two-year warranty."); again["status"] != "approved" {
			t.Errorf("re-rated = %v, want still approved", again["status"])
		}

		// The next similar question is answered from the approved entry.
		_, cid2 := n.inbound(s, "cust2", "m2", "what's the warranty for the blender")
		ans := w.awaitFrom(cid2, "ai")
		if ans["content"] != "Every blender has a two-year warranty." {
			t.Errorf("the next similar question got %q, want the approved correction", ans["content"])
		}

		// The admin's own correction on that answer, rejected: a record,
		// no new entry.
		rej := n.must(200, "POST", s.ws("/conversations/"+cid2+"/messages/"+ans["id"].(string)+"/ai-feedback"), s.token,
			map[string]any{"rating": "down", "correction": "Three years."}).m(t)
		if r := n.must(200, "POST", s.ws("/ai/feedback/"+rej["id"].(string)+"/reject"), s.token, nil).m(t); r["status"] != "rejected" || r["knowledge_id"] != "" {
			t.Errorf("rejected = %v", r)
		}
		var all struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/ai/feedback"), s.token, nil).json(t, &all)
		if len(all.Items) != 2 {
			t.Errorf("admin sees %d records, want 2 (approved and rejected)", len(all.Items))
		}
		n.must(200, "GET", s.ws("/ai/feedback"), agentTok, nil).json(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0]["user_id"] != agentID {
			t.Errorf("the agent sees %v, want only their own", mine.Items)
		}
		var kb struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/ai/knowledge"), s.token, nil).json(t, &kb)
		if len(kb.Items) != 2 {
			t.Errorf("knowledge entries = %d, want 2 (the set-up pair and the approved correction)", len(kb.Items))
		}
	})
}
