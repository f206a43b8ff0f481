package e2e

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestContacts_PresetsApplyToNewConversations(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, first := n.inbound(s, "ann", "m1", "hello")
		cid := n.contactOf(s, first)
		n.must(200, "PATCH", s.ws("/conversations/"+first), s.token, map[string]any{"status": "resolved"})
		boTok, bo := n.agent(s, "bo@example.com")
		cyTok, _ := n.agent(s, "cy@example.com")

		// Only admins set presets; unknown users are named and change nothing.
		n.must(403, "PUT", s.ws("/contacts/"+cid+"/presets"), boTok, map[string]any{"assignee_ids": []string{bo}})
		r := n.do("PUT", s.ws("/contacts/"+cid+"/presets"), s.token, map[string]any{
			"assignee_ids": []string{bo, "0190aaaa-0000-7000-8000-000000000000"}})
		if r.status != 422 || !strings.Contains(string(r.body), "body.assignee_ids[1]") {
			t.Fatalf("unknown assignee: %d %s, want 422 naming body.assignee_ids[1]", r.status, r.body)
		}
		if got := n.must(200, "GET", s.ws("/contacts/"+cid+"/presets"), boTok, nil).m(t); len(got["assignee_ids"].([]any)) != 0 || got["visible_to"] != nil {
			t.Fatalf("presets after a refused write = %v, want none", got)
		}

		got := n.must(200, "PUT", s.ws("/contacts/"+cid+"/presets"), s.token, map[string]any{
			"assignee_ids": []string{bo}, "visible_to": []string{}}).m(t)
		if vis := got["visible_to"].([]any); len(vis) != 1 || vis[0] != bo {
			t.Fatalf("visible_to = %v, want the assignee added", vis)
		}

		// The next conversation of the contact starts assigned and restricted.
		_, next := n.inbound(s, "ann", "m2", "back again")
		if next == first {
			t.Fatal("the message after resolution joined the resolved conversation")
		}
		conv := n.must(200, "GET", s.ws("/conversations/"+next), s.token, nil).m(t)
		if a := conv["assignee_ids"].([]any); len(a) != 1 || a[0] != bo {
			t.Errorf("assignees = %v, want [%s]", a, bo)
		}
		if conv["status"] != "open" {
			t.Errorf("status = %v, want open", conv["status"])
		}
		n.must(200, "GET", s.ws("/conversations/"+next), boTok, nil)
		if r := n.do("GET", s.ws("/conversations/"+next), cyTok, nil); r.status != 404 && r.status != 403 {
			t.Errorf("an agent outside the visibility list reads the conversation: %d", r.status)
		}

		// Cleared presets: the contact's conversations open as before.
		n.must(200, "PUT", s.ws("/contacts/"+cid+"/presets"), s.token, map[string]any{"assignee_ids": []string{}, "visible_to": nil})
		n.must(200, "PATCH", s.ws("/conversations/"+next), s.token, map[string]any{"status": "resolved"})
		_, third := n.inbound(s, "ann", "m3", "and again")
		if a := n.must(200, "GET", s.ws("/conversations/"+third), cyTok, nil).m(t)["assignee_ids"].([]any); len(a) != 0 {
			t.Errorf("assignees after clearing the presets = %v, want none", a)
		}

		// The activity log holds the presets and the assignments of the
		// contact's conversations.
		n.must(200, "PATCH", s.ws("/conversations/"+third), s.token, map[string]any{"assignee_ids": []string{bo}})
		var act struct{ Items []struct{ Action string } }
		n.must(200, "GET", s.ws("/contacts/"+cid+"/activity"), s.token, nil).json(t, &act)
		for _, want := range []string{"contact.presets", "conversation.update"} {
			if !slices.ContainsFunc(act.Items, func(e struct{ Action string }) bool { return e.Action == want }) {
				t.Errorf("activity %v lacks %s", act.Items, want)
			}
		}
	})
}

func TestContacts_NotesAboutThePerson(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		cid := n.newContact(s, map[string]any{"name": "Ann"})
		other := n.newContact(s, map[string]any{"name": "Ann again"})
		boTok, _ := n.agent(s, "bo@example.com")
		cyTok, _ := n.agent(s, "cy@example.com")

		for _, bad := range []string{"", "   "} {
			r := n.do("POST", s.ws("/contacts/"+cid+"/notes"), boTok, map[string]any{"body": bad})
			if r.status != 422 || !strings.Contains(string(r.body), "body.body") {
				t.Errorf("note %q: %d %s, want 422 naming body.body", bad, r.status, r.body)
			}
		}
		note := n.must(201, "POST", s.ws("/contacts/"+cid+"/notes"), boTok, map[string]any{"body": "Prefers calls after 5 pm"}).m(t)
		if note["author_name"] == "" || note["body"] != "Prefers calls after 5 pm" {
			t.Errorf("note = %v", note)
		}
		n.must(201, "POST", s.ws("/contacts/"+other+"/notes"), cyTok, map[string]any{"body": "Same person, other phone"})
		n.must(403, "DELETE", s.ws("/contacts/"+cid+"/notes/"+note["id"].(string)), cyTok, nil)
		n.must(404, "DELETE", s.ws("/contacts/"+other+"/notes/"+note["id"].(string)), s.token, nil)

		// A merge brings the other's notes to the survivor.
		n.must(200, "POST", s.ws("/contacts/"+cid+"/merge"), s.token, map[string]any{"other_id": other})
		var list struct{ Items []struct{ ID, Body string } }
		n.must(200, "GET", s.ws("/contacts/"+cid+"/notes"), cyTok, nil).json(t, &list)
		if len(list.Items) != 2 || list.Items[0].Body != "Same person, other phone" {
			t.Fatalf("notes after merge = %+v, want both, newest first", list.Items)
		}
		n.must(204, "DELETE", s.ws("/contacts/"+cid+"/notes/"+note["id"].(string)), s.token, nil)
		n.must(200, "GET", s.ws("/contacts/"+cid+"/notes"), cyTok, nil).json(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("%d notes after delete, want 1", len(list.Items))
		}
	})
}

// Custom attributes of the contact select conversations in the filter
// object and fill canned replies.
func TestContacts_AttributesInFiltersAndCannedReplies(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		n.must(201, "POST", s.ws("/contact-attributes"), s.token, map[string]any{"key": "plan", "label": "Plan", "type": "list", "options": []string{"free", "pro"}})
		_, gold := n.inbound(s, "gia", "m1", "hello")
		_, plain := n.inbound(s, "pat", "m2", "hello")
		n.must(200, "PATCH", s.ws("/contacts/"+n.contactOf(s, gold)), s.token, map[string]any{"attributes": map[string]string{"plan": "pro"}})

		filter := url.QueryEscape(`{"conditions":[{"field":"contact.attributes.plan","op":"eq","value":"pro"}]}`)
		var page struct{ Items []struct{ ID string } }
		n.must(200, "GET", s.ws("/conversations?filter="+filter), s.token, nil).json(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != gold {
			t.Errorf("filter plan=pro lists %+v, want only %s", page.Items, gold)
		}
		r := n.must(200, "POST", s.ws("/conversations/"+gold+"/render"), s.token, map[string]any{
			"template": "Your {{contact.custom_attributes.plan}} plan"}).m(t)
		if r["content"] != "Your pro plan" {
			t.Errorf("rendered %v, want the attribute filled", r["content"])
		}
		r = n.must(200, "POST", s.ws("/conversations/"+plain+"/render"), s.token, map[string]any{
			"template": "Your {{contact.custom_attributes.plan}} plan"}).m(t)
		if missing, _ := r["missing"].([]any); len(missing) != 1 {
			t.Errorf("render without the attribute = %v, want it named missing", r)
		}
	})
}
