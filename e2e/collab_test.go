package e2e

import (
	"encoding/json"
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
		var vars struct{ Items []map[string]string }
		n.must(200, "GET", s.ws("/conversations/"+cid+"/variables"), agentTok, nil).json(t, &vars)
		found := map[string]string{}
		for _, v := range vars.Items {
			found[v["name"]] = v["value"]
		}
		if found["first_name"] != "Customer" || found["agent_name"] != "bo@example.com" || found["conversation.number"] != "1" {
			t.Errorf("variables = %v", vars.Items)
		}
		n.must(204, "DELETE", s.ws("/canned-replies/"+mine["id"].(string)), agentTok, nil)
		n.must(404, "GET", s.ws("/canned-replies/"+mine["id"].(string)), agentTok, nil)
	})
}

// nextOf returns the next frame of one of the types, skipping others.
func (w *wsClient) nextOf(types ...string) frame {
	w.t.Helper()
	for {
		for len(w.pending) > 0 {
			f := w.pending[0]
			w.pending = w.pending[1:]
			for _, typ := range types {
				if f.Type == typ {
					return f
				}
			}
		}
		w.fill("waiting for " + strings.Join(types, " or "))
	}
}

func TestMentions_NotesNotifyOnlyColleaguesWhoCanSee(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		cyTok, cyID := n.agent(s, "cy@example.com")
		_, cid := n.inbound(s, "cust", "m1", "Hello")
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"visible_to": []string{boID}})
		bo := n.dial(t, s, boTok, "")
		cy := n.dial(t, s, cyTok, "")
		bo.next("hello")
		cy.next("hello")

		// Cy cannot see the conversation: mentioning them is refused by name, and nothing is stored.
		r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "look", "private": true, "mention_ids": []string{boID, cyID}})
		if r.status != 422 || !strings.Contains(string(r.body), "cy@example.com") || !strings.Contains(string(r.body), "mention_ids") {
			t.Errorf("mention of someone without access = %d %s, want 422 naming cy and mention_ids", r.status, r.body)
		}
		if got := len(withoutSystemLines(n.messages(s, cid))); got != 1 {
			t.Errorf("messages after a refused mention = %d, want 1", got)
		}
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "hi", "mention_ids": []string{boID}}); r.status != 422 {
			t.Errorf("mention in a reply to the customer = %d, want 422", r.status)
		}
		note := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "@bo please look", "private": true, "mention_ids": []string{boID}}).m(t)
		if ids, _ := note["mention_ids"].([]any); len(ids) != 1 || ids[0] != boID {
			t.Errorf("mention_ids = %v", note["mention_ids"])
		}
		raw := nextCollabNotification(t, bo, "mentioned you")
		if raw["user_id"] != boID || raw["type"] != "mention" || raw["conversation_id"] != cid || raw["message_id"] != note["id"] ||
			raw["text"] != "Ada Admin mentioned you in #1: @bo please look" {
			t.Errorf("bo's notification = %v", raw)
		}
		// Kept in bo's notification list (one system decides and stores them all).
		var bell struct {
			Items  []map[string]any
			Unread int
		}
		n.must(200, "GET", "/api/v1/notifications?workspace_id="+s.workspace, boTok, nil).json(t, &bell)
		found := false
		for _, it := range bell.Items {
			found = found || (it["type"] == "mention" && it["message_id"] == note["id"])
		}
		if !found || bell.Unread < 1 {
			t.Errorf("bo's notifications = %+v, want the mention kept and unread", bell)
		}
		// Stored and listed with names.
		msgs := n.messages(s, cid)
		last := msgs[len(msgs)-1]
		if m, _ := last["mentions"].([]any); len(m) != 1 || m[0].(map[string]any)["name"] != "bo@example.com" {
			t.Errorf("stored mentions = %v", last["mentions"])
		}
		// Cy hears nothing of it: the next thing cy receives is a conversation cy may see.
		n.inbound(s, "other", "m2", "Another customer")
		if f := cy.nextOf("notification.created", "message.created"); f.Type != "message.created" || !strings.Contains(string(f.Data), "Another customer") {
			t.Errorf("cy received %s %s, want the other customer's message", f.Type, f.Data)
		}
	})
}

func TestParticipants_AddedWithACommentSeeAndAreNotified(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		_, cyID := n.agent(s, "cy@example.com")
		_, cid := n.inbound(s, "cust", "m1", "Hello")
		bo := n.dial(t, s, boTok, "")
		bo.next("hello")

		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"visible_to": []string{boID}})
		if r := n.do("POST", s.ws("/conversations/"+cid+"/participants"), s.token, map[string]any{"user_ids": []string{cyID}, "comment": "x"}); r.status != 422 || !strings.Contains(string(r.body), "cy@example.com") {
			t.Errorf("adding someone without access = %d %s, want 422 naming cy", r.status, r.body)
		}
		if r := n.do("POST", s.ws("/conversations/"+cid+"/participants"), s.token, map[string]any{"user_ids": []string{}}); r.status != 422 {
			t.Errorf("adding nobody = %d, want 422", r.status)
		}
		out := n.must(200, "POST", s.ws("/conversations/"+cid+"/participants"), s.token, map[string]any{"user_ids": []string{boID}, "comment": "Spanish speaker, please help"}).m(t)
		msg := out["message"].(map[string]any)
		if msg["content_type"] != "participants_added" || msg["private"] != true || msg["content"] != "Spanish speaker, please help" {
			t.Errorf("informational line = %v", msg)
		}
		if ps := out["participants"].([]any); len(ps) != 1 || ps[0].(map[string]any)["user_id"] != boID {
			t.Errorf("participants = %v", ps)
		}
		raw := nextCollabNotification(t, bo, "added you")
		if raw["type"] != "mention" || !strings.HasSuffix(raw["text"].(string), "added you to #1: Spanish speaker, please help") {
			t.Errorf("bo's notification = %v", raw)
		}
		// Adding again changes nothing and writes no second line.
		again := n.must(200, "POST", s.ws("/conversations/"+cid+"/participants"), s.token, map[string]any{"user_ids": []string{boID}}).m(t)
		if again["message"] != nil {
			t.Errorf("second add wrote %v", again["message"])
		}
		var list struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/conversations/participating"), boTok, nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0]["id"] != cid {
			t.Errorf("bo's Participating = %v", list.Items)
		}
		// The customer-facing preview is untouched by the line.
		conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if lm := conv["last_message"].(map[string]any); lm["content"] != "Hello" {
			t.Errorf("preview = %v", lm)
		}
		n.must(204, "DELETE", s.ws("/conversations/"+cid+"/participants/"+boID), s.token, nil)
		n.must(200, "GET", s.ws("/conversations/participating"), boTok, nil).json(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("Participating after removal = %v", list.Items)
		}
	})
}

func TestInternalChat_OnlyItsMembersReadIt(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		cyTok, cyID := n.agent(s, "cy@example.com")
		dee, _ := n.agent(s, "dee@example.com")
		cy := n.dial(t, s, cyTok, "")
		admin := n.dial(t, s, s.token, "")
		other := n.dial(t, s, dee, "")
		for _, w := range []*wsClient{cy, admin, other} {
			w.next("hello")
		}

		chat := n.must(200, "POST", s.ws("/internal-chats"), boTok, map[string]any{"user_id": cyID}).m(t)
		chatID := chat["id"].(string)
		if again := n.must(200, "POST", s.ws("/internal-chats"), cyTok, map[string]any{"user_id": boID}).m(t); again["id"] != chatID {
			t.Errorf("cy's chat with bo = %v, want the same chat %s", again["id"], chatID)
		}
		plan := "%PDF-1.4\n% the plan\n"
		up := n.upload(s, boTok, "plan.pdf", []byte(plan))
		if up.status != 201 {
			t.Fatalf("upload = %d %s", up.status, up.body)
		}
		file := up.m(t)["id"].(string)
		msg := n.must(201, "POST", s.ws("/internal-chats/"+chatID+"/messages"), boTok, map[string]any{"content": "hi cy", "attachment_ids": []string{file}}).m(t)
		if f := cy.next("internal_chat.message"); !strings.Contains(string(f.Data), "hi cy") {
			t.Errorf("cy's event = %s", f.Data)
		}
		// Neither the admin nor another agent hears of it: their next event is a customer's message.
		n.inbound(s, "cust", "m1", "Customer speaks")
		for _, w := range []*wsClient{admin, other} {
			if f := w.nextOf("internal_chat.message", "message.created"); f.Type != "message.created" {
				t.Errorf("a non-member received %s %s", f.Type, f.Data)
			}
		}
		var list struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/internal-chats"), cyTok, nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0]["unread_count"] != float64(1) || list.Items[0]["with"].(map[string]any)["name"] != "bo@example.com" {
			t.Errorf("cy's chats = %v", list.Items)
		}
		atts := msg["attachments"].([]any)
		path := "/internal-chats/" + chatID + "/messages/" + msg["id"].(string) + "/attachments/" + atts[0].(map[string]any)["id"].(string)
		if r := n.do("GET", s.ws(path), cyTok, nil); r.status != 200 || string(r.body) != plan {
			t.Errorf("cy downloads the file = %d %q", r.status, r.body)
		}
		// The admin cannot read it, by any route.
		for _, p := range []string{"/internal-chats/" + chatID, "/internal-chats/" + chatID + "/messages", path} {
			if r := n.do("GET", s.ws(p), s.token, nil); r.status != 404 {
				t.Errorf("admin GET %s = %d, want 404", p, r.status)
			}
		}
		if r := n.do("POST", s.ws("/internal-chats/"+chatID+"/messages"), s.token, map[string]any{"content": "x"}); r.status != 404 {
			t.Errorf("admin writes = %d, want 404", r.status)
		}
		n.must(200, "GET", s.ws("/internal-chats/all"), s.token, nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0]["last_message"] != nil {
			t.Errorf("admin's list of all chats = %v, want one chat without messages", list.Items)
		}
		n.must(204, "POST", s.ws("/internal-chats/"+chatID+"/read"), cyTok, nil)
		n.must(200, "GET", s.ws("/internal-chats"), cyTok, nil).json(t, &list)
		if list.Items[0]["unread_count"] != float64(0) {
			t.Errorf("unread after read = %v", list.Items[0]["unread_count"])
		}
		// Notes to oneself.
		self := n.must(200, "POST", s.ws("/internal-chats"), boTok, map[string]any{"user_id": boID}).m(t)
		if ids := self["member_ids"].([]any); len(ids) != 1 {
			t.Errorf("self chat members = %v", ids)
		}
		n.must(201, "POST", s.ws("/internal-chats/"+self["id"].(string)+"/messages"), boTok, map[string]any{"content": "remember"})
		// Only admins delete.
		if r := n.do("DELETE", s.ws("/internal-chats/"+chatID), cyTok, nil); r.status != 403 {
			t.Errorf("member deletes = %d, want 403", r.status)
		}
		n.must(204, "DELETE", s.ws("/internal-chats/"+chatID), s.token, nil)
		if f := cy.next("internal_chat.deleted"); !strings.Contains(string(f.Data), chatID) {
			t.Errorf("deleted event = %s", f.Data)
		}
		n.must(404, "GET", s.ws("/internal-chats/"+chatID+"/messages"), boTok, nil)
		if r := n.do("POST", s.ws("/internal-chats"), boTok, map[string]any{"user_id": "0190a0a0-0000-7000-8000-000000000000"}); r.status != 422 || !strings.Contains(string(r.body), "user_id") {
			t.Errorf("chat with a stranger = %d %s", r.status, r.body)
		}
	})
}

func TestTasks_MyTasksOverdueAndAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		_, cyID := n.agent(s, "cy@example.com")
		_, cid := n.inbound(s, "cust", "m1", "Hello")
		conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		contactID := conv["contact_id"].(string)

		overdue := n.must(201, "POST", s.ws("/tasks"), s.token, map[string]any{
			"conversation_id": cid, "title": "Call back about the refund", "notes": "after 3pm", "due_at": "2020-01-01T10:00:00Z", "assignee_id": boID,
		}).m(t)
		if overdue["contact_id"] != contactID || overdue["overdue"] != true || overdue["done"] != false {
			t.Errorf("task = %v, want the conversation's contact, overdue, not done", overdue)
		}
		n.must(201, "POST", s.ws("/tasks"), s.token, map[string]any{"contact_id": contactID, "title": "Send the catalogue", "due_at": "2999-01-01T00:00:00Z", "assignee_id": boID})
		var mine struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/tasks?mine=true&open=true"), boTok, nil).json(t, &mine)
		if len(mine.Items) != 2 || mine.Items[0]["title"] != "Call back about the refund" || mine.Items[1]["overdue"] != false {
			t.Errorf("bo's tasks = %v, want the overdue one first, then the future one", mine.Items)
		}
		done := n.must(200, "PATCH", s.ws("/tasks/"+overdue["id"].(string)), boTok, map[string]any{"done": true}).m(t)
		if done["done"] != true || done["overdue"] != false || done["done_at"] == nil {
			t.Errorf("done task = %v", done)
		}
		n.must(200, "GET", s.ws("/tasks?mine=true&open=true"), boTok, nil).json(t, &mine)
		if len(mine.Items) != 1 {
			t.Errorf("open tasks after done = %d, want 1", len(mine.Items))
		}
		// A task on a conversation follows the conversation's access.
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"visible_to": []string{cyID}})
		n.must(200, "GET", s.ws("/tasks?contact_id="+contactID), boTok, nil).json(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0]["title"] != "Send the catalogue" {
			t.Errorf("bo's view of the contact's tasks = %v, want only the contact task", mine.Items)
		}
		n.must(404, "GET", s.ws("/tasks/"+overdue["id"].(string)), boTok, nil)
		if r := n.do("POST", s.ws("/tasks"), s.token, map[string]any{"conversation_id": cid, "title": "x", "assignee_id": boID}); r.status != 422 || !strings.Contains(string(r.body), "assignee_id") {
			t.Errorf("assignee without access = %d %s, want 422 naming assignee_id", r.status, r.body)
		}
		for _, body := range []map[string]any{
			{"title": "x"},
			{"contact_id": "0190a0a0-0000-7000-8000-000000000000", "title": "x"},
			{"contact_id": contactID, "title": " "},
		} {
			if r := n.do("POST", s.ws("/tasks"), s.token, body); r.status != 422 {
				t.Errorf("POST tasks %v = %d %s, want 422", body, r.status, r.body)
			}
		}
		n.must(204, "DELETE", s.ws("/tasks/"+overdue["id"].(string)), s.token, nil)
	})
}

func TestReadState_MarkUnreadAndPreference(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "cust", "m1", "Hello")
		unread := func() float64 {
			return n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)["unread_count"].(float64)
		}
		n.must(204, "POST", s.ws("/conversations/"+cid+"/read"), s.token, nil)
		if got := unread(); got != 0 {
			t.Fatalf("unread after read = %v", got)
		}
		n.must(204, "POST", s.ws("/conversations/"+cid+"/unread"), s.token, nil)
		if got := unread(); got != 1 {
			t.Errorf("unread after mark unread = %v, want 1", got)
		}
		if p := n.must(200, "GET", s.ws("/me/read-preferences"), s.token, nil).m(t); p["mark_read_on_open"] != true {
			t.Errorf("default preference = %v, want mark_read_on_open true", p)
		}
		n.must(200, "PUT", s.ws("/me/read-preferences"), s.token, map[string]any{"mark_read_on_open": false})
		if p := n.must(200, "GET", s.ws("/me/read-preferences"), s.token, nil).m(t); p["mark_read_on_open"] != false {
			t.Errorf("preference after PUT = %v", p)
		}
		if r := n.do("PUT", s.ws("/me/read-preferences"), s.token, map[string]any{}); r.status != 422 {
			t.Errorf("PUT without the field = %d, want 422", r.status)
		}
	})
}

// TestViews_ImportantFollowsTasks: a contact with an open task puts their
// conversations in the Important view (and its count) until the task is
// done.
func TestViews_ImportantFollowsTasks(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "cust", "m1", "Hello")
		n.inbound(s, "other", "m2", "Hi there")
		contactID := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)["contact_id"].(string)
		important := func() (ids []string, count float64) {
			t.Helper()
			var page struct{ Items []struct{ ID string } }
			n.must(200, "GET", s.ws("/conversations?view=important"), s.token, nil).json(t, &page)
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			return ids, n.must(200, "GET", s.ws("/conversations/counts"), s.token, nil).m(t)["important"].(float64)
		}
		if ids, c := important(); len(ids) != 0 || c != 0 {
			t.Fatalf("important before any task = %v (count %v), want none", ids, c)
		}
		task := n.must(201, "POST", s.ws("/tasks"), s.token, map[string]any{"contact_id": contactID, "title": "Call back"}).m(t)
		if ids, c := important(); len(ids) != 1 || ids[0] != cid || c != 1 {
			t.Errorf("important with an open task = %v (count %v), want [%s] (1)", ids, c, cid)
		}
		n.must(200, "PATCH", s.ws("/tasks/"+task["id"].(string)), s.token, map[string]any{"done": true})
		if ids, c := important(); len(ids) != 0 || c != 0 {
			t.Errorf("important after the task is done = %v (count %v), want none", ids, c)
		}
	})
}

// nextCollabNotification awaits the next mention notification whose text
// holds what ("mentioned you", "added you") on the socket, passing over
// the notification worker's own (new_conversation and the like), which
// arrive when they will.
func nextCollabNotification(t *testing.T, w *wsClient, what string) map[string]any {
	t.Helper()
	for {
		var raw map[string]any
		if err := json.Unmarshal(w.next("notification.created").Data, &raw); err != nil {
			t.Fatal(err)
		}
		if text, _ := raw["text"].(string); raw["type"] == "mention" && strings.Contains(text, what) {
			return raw
		}
	}
}

// withoutSystemLines drops the system lines (sender kind system) that
// actions such as a visibility change add to a thread.
func withoutSystemLines(msgs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, m := range msgs {
		if sender, _ := m["sender"].(map[string]any); sender["kind"] == "system" {
			continue
		}
		out = append(out, m)
	}
	return out
}
