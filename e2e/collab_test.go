package e2e

import (
	"strings"
	"testing"
)

func TestCanned_CRUDAndRender(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		agentTok, _ := n.agent(s, "bo@example.com")
		_, cid := n.inbound(s, "cust", "m1", "Hello")

		shared := n.must(201, "POST", s.ws("/canned-replies"), s.token, map[string]any{
			"short_code": "hi", "title": "Greeting", "category": "Openers", "shared": true,
			"body": "Hi {{first_name}}, I'm {{agent_name}}. Your email {{email}}? Bye {{ contact.email | default: \"friend\" }}",
		}).m(t)
		if shared["shared"] != true || shared["owner_id"] != nil {
			t.Errorf("shared reply = %v", shared)
		}
		// A duplicate code among shared replies is a conflict naming the field.
		if r := n.do("POST", s.ws("/canned-replies"), s.token, map[string]any{"short_code": "hi", "body": "x", "shared": true}); r.status != 409 || !strings.Contains(string(r.body), "short_code") {
			t.Errorf("duplicate code = %d %s, want 409 naming short_code", r.status, r.body)
		}
		// Agents keep their own replies; sharing is for admins.
		if r := n.do("POST", s.ws("/canned-replies"), agentTok, map[string]any{"short_code": "mine", "body": "x", "shared": true}); r.status != 422 || !strings.Contains(string(r.body), "shared") {
			t.Errorf("agent shares = %d %s, want 422 naming shared", r.status, r.body)
		}
		mine := n.must(201, "POST", s.ws("/canned-replies"), agentTok, map[string]any{"short_code": "hi", "title": "My hi", "body": "Yo"}).m(t)
		if r := n.do("PATCH", s.ws("/canned-replies/"+shared["id"].(string)), agentTok, map[string]any{"title": "x"}); r.status != 403 {
			t.Errorf("agent edits a shared reply = %d, want 403", r.status)
		}
		if r := n.do("GET", s.ws("/canned-replies/"+mine["id"].(string)), s.token, nil); r.status != 404 {
			t.Errorf("admin reads the agent's own reply = %d, want 404", r.status)
		}
		if r := n.do("POST", s.ws("/canned-replies"), s.token, map[string]any{"short_code": "loop", "body": "{% for i in (1..9) %}x{% endfor %}"}); r.status != 422 || !strings.Contains(string(r.body), "body") {
			t.Errorf("loop = %d %s, want 422 naming body", r.status, r.body)
		}
		var list struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/canned-replies?q=open"), agentTok, nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0]["short_code"] != "hi" || list.Items[0]["shared"] != true {
			t.Errorf("search by category = %v", list.Items)
		}
		n.must(200, "GET", s.ws("/canned-replies"), agentTok, nil).json(t, &list)
		if len(list.Items) != 2 {
			t.Errorf("agent's list = %d replies, want 2 (shared and own)", len(list.Items))
		}

		got := n.must(200, "POST", s.ws("/conversations/"+cid+"/render"), agentTok, map[string]any{"template": shared["body"]}).m(t)
		if want := "Hi Customer, I'm bo@example.com. Your email {{email}}? Bye friend"; got["content"] != want {
			t.Errorf("content = %q, want %q", got["content"], want)
		}
		if m, _ := got["missing"].([]any); len(m) != 1 || m[0] != "email" {
			t.Errorf("missing = %v, want [email]", got["missing"])
		}
		if r := n.do("POST", s.ws("/conversations/"+cid+"/render"), agentTok, map[string]any{"template": "{% assign x = 1 %}"}); r.status != 422 || !strings.Contains(string(r.body), "template") {
			t.Errorf("bad template = %d %s", r.status, r.body)
		}
		n.must(204, "DELETE", s.ws("/canned-replies/"+mine["id"].(string)), agentTok, nil)
		n.must(404, "GET", s.ws("/canned-replies/"+mine["id"].(string)), agentTok, nil)
	})
}
