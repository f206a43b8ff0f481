package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// TestWorkday_PresetAssignmentNotifies: a conversation assigned by its
// contact's presets tells the assignee as any assignment does, and
// nobody else hears of it as a new conversation in the queue.
func TestWorkday_PresetAssignmentNotifies(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, first := n.inbound(s, "ann", "m1", "hello")
		cid := n.contactOf(s, first)
		n.must(200, "PATCH", s.ws("/conversations/"+first), s.token, map[string]any{"status": "resolved"})
		boTok, bo := n.agent(s, "bo@example.com")
		cyTok, _ := n.agent(s, "cy@example.com")
		n.must(200, "PUT", s.ws("/contacts/"+cid+"/presets"), s.token, map[string]any{"assignee_ids": []string{bo}})

		ws := n.dial(t, s, boTok, "")
		ws.next("hello")
		_, next := n.inbound(s, "ann", "m2", "back again")
		// The customer's message (new_message, as to any assignee) and the
		// assignment, in the order of their events.
		if got := ws.nextNotification(); got.Type != "new_message" || got.ConversationID != next {
			t.Fatalf("Bo's first notification = %+v, want new_message about %s", got, next)
		}
		got := ws.nextNotification()
		if got.Type != "assigned" || got.ConversationID != next || !strings.Contains(got.Text, "was assigned to you") {
			t.Fatalf("Bo's second notification = %+v, want assigned about %s", got, next)
		}
		for _, it := range n.notifications(s, cyTok, "").Items {
			if it.ConversationID == next {
				t.Errorf("Cy was told about Bo's preset conversation: %+v", it)
			}
		}
	})
}

type deletedPage struct {
	Items []struct {
		ID        string    `json:"id"`
		Number    int64     `json:"number"`
		DeletedAt time.Time `json:"deleted_at"`
		PurgeAt   time.Time `json:"purge_at"`
		DeletedBy *struct {
			ID, Name string
		} `json:"deleted_by"`
		Contact struct{ Name string } `json:"contact"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// TestWorkday_DeletedConversationsList: admins list the deleted
// conversations still in their grace period (who, when, purge date), page
// through them, and a restore brings one back into the views.
func TestWorkday_DeletedConversationsList(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, _ := n.agent(s, "bo@example.com")
		_, c1 := n.inbound(s, "ann", "m1", "first")
		_, c2 := n.inbound(s, "ben", "m2", "second")
		_, kept := n.inbound(s, "cat", "m3", "third")
		n.must(204, "DELETE", s.ws("/conversations/"+c1), s.token, nil)
		n.must(204, "DELETE", s.ws("/conversations/"+c2), s.token, nil)

		if r := n.do("GET", s.ws("/conversations/deleted"), boTok, nil); r.status != 403 {
			t.Fatalf("deleted list for an agent = %d %s, want 403", r.status, r.body)
		}
		for _, bad := range []string{"?cursor=!!!", "?limit=500"} {
			r := n.do("GET", s.ws("/conversations/deleted"+bad), s.token, nil)
			if r.status != 422 || !strings.Contains(string(r.body), strings.SplitN(bad[1:], "=", 2)[0]) {
				t.Errorf("deleted list %s = %d %s, want 422 naming the parameter", bad, r.status, r.body)
			}
		}

		var page deletedPage
		n.must(200, "GET", s.ws("/conversations/deleted?limit=1"), s.token, nil).json(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != c2 || page.NextCursor == "" {
			t.Fatalf("first page = %+v, want %s (deleted last) and a cursor", page, c2)
		}
		it := page.Items[0]
		if it.DeletedBy == nil || it.DeletedBy.ID != s.userID || it.DeletedBy.Name != "Ada Admin" || it.Contact.Name == "" {
			t.Errorf("deleted item = %+v, want deleted by Ada Admin with its contact", it)
		}
		if got := it.PurgeAt.Sub(it.DeletedAt); got != 7*24*time.Hour {
			t.Errorf("purge_at - deleted_at = %v, want the default 7 days", got)
		}
		n.must(200, "GET", s.ws("/conversations/deleted?limit=1&cursor="+page.NextCursor), s.token, nil).json(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != c1 {
			t.Fatalf("second page = %+v, want %s", page, c1)
		}

		// Restored: off the list, back in the views with its thread.
		n.must(200, "POST", s.ws("/conversations/"+c1+"/restore"), s.token, nil)
		n.must(200, "GET", s.ws("/conversations/deleted"), s.token, nil).json(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != c2 {
			t.Errorf("after the restore the list = %+v, want only %s", page.Items, c2)
		}
		list := string(n.must(200, "GET", s.ws("/conversations?view=all"), boTok, nil).body)
		if !strings.Contains(list, c1) || !strings.Contains(list, kept) || strings.Contains(list, c2) {
			t.Errorf("the all view after the restore lacks %s or shows the deleted %s: %s", c1, c2, list)
		}
		if body := string(n.must(200, "GET", s.ws("/conversations/"+c1+"/messages"), boTok, nil).body); !strings.Contains(body, "first") {
			t.Errorf("restored thread = %s, want its message", body)
		}
		// Deleted again: the deleter is recorded anew.
		n.must(204, "DELETE", s.ws("/conversations/"+c1), s.token, nil)
		n.must(200, "GET", s.ws("/conversations/deleted"), s.token, nil).json(t, &page)
		if len(page.Items) != 2 || page.Items[0].ID != c1 || page.Items[0].DeletedBy == nil {
			t.Errorf("after deleting again the list = %+v", page.Items)
		}
	})
}

// TestWorkday_ContinuedBy: a resolved conversation names its follow-up
// (continued_by) and the follow-up names it (previous_conversation_id);
// a reader who may not see the follow-up gets no link.
func TestWorkday_ContinuedBy(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, bo := n.agent(s, "bo@example.com")
		cyTok, _ := n.agent(s, "cy@example.com")
		_, first := n.inbound(s, "ann", "m1", "hello")
		if got := n.must(200, "GET", s.ws("/conversations/"+first), s.token, nil).m(t); got["continued_by"] != nil {
			t.Errorf("continued_by before any follow-up = %v", got["continued_by"])
		}
		n.must(200, "PATCH", s.ws("/conversations/"+first), s.token, map[string]any{"status": "resolved"})
		_, next := n.inbound(s, "ann", "m2", "me again")
		if next == first {
			t.Fatal("the message after resolution joined the resolved conversation")
		}
		var old struct {
			ContinuedBy *struct {
				ID     string
				Number int64
			} `json:"continued_by"`
		}
		n.must(200, "GET", s.ws("/conversations/"+first), boTok, nil).json(t, &old)
		nextConv := n.must(200, "GET", s.ws("/conversations/"+next), boTok, nil).m(t)
		if old.ContinuedBy == nil || old.ContinuedBy.ID != next || float64(old.ContinuedBy.Number) != nextConv["number"].(float64) {
			t.Fatalf("continued_by = %+v, want %s #%v", old.ContinuedBy, next, nextConv["number"])
		}
		if nextConv["previous_conversation_id"] != first {
			t.Errorf("previous_conversation_id = %v, want %s", nextConv["previous_conversation_id"], first)
		}
		// Hidden from Cy: no link for her.
		n.must(200, "PATCH", s.ws("/conversations/"+next), s.token, map[string]any{"visible_to": []string{bo}})
		if got := n.must(200, "GET", s.ws("/conversations/"+first), cyTok, nil).m(t); got["continued_by"] != nil {
			t.Errorf("continued_by for a reader who cannot see the follow-up = %v", got["continued_by"])
		}
	})
}

// TestCalls_RecordedInTheHistory: a call record joins the contact's
// current conversation as a private call line (GET …/messages returns
// it), is never sent to the customer's system, is found by search on its
// notes, is listed in the contact's history, and is refused with a 422
// naming the field for bad input and a 404 for a conversation the caller
// may not see. A personal API token (a bridged phone system) posts the
// same way, and a contact without a conversation going gets a new one.
func TestCalls_RecordedInTheHistory(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		r := newReceiver(t)
		s = n.callbackInbox(s, r)
		_, cid := n.inbound(s, "cust", "m1", "Please call me back")
		contact := n.contactOf(s, cid)
		boTok, bo := n.agent(s, "bo@example.com")
		cyTok, _ := n.agent(s, "cy@example.com")
		started := time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339)
		path := s.ws("/contacts/" + contact + "/calls")

		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no direction", map[string]any{"started_at": started}, "property direction"},
			{"bad direction", map[string]any{"direction": "sideways", "started_at": started}, "body.direction"},
			{"no start", map[string]any{"direction": "inbound"}, "property started_at"},
			{"future start", map[string]any{"direction": "inbound", "started_at": time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)}, "body.started_at"},
			{"negative duration", map[string]any{"direction": "inbound", "started_at": started, "duration_s": -1}, "body.duration_s"},
			{"http recording", map[string]any{"direction": "inbound", "started_at": started, "recording_url": "http://rec.example.com/1.mp3"}, "body.recording_url"},
			{"ftp recording", map[string]any{"direction": "inbound", "started_at": started, "recording_url": "ftp://rec.example.com/1.mp3"}, "body.recording_url"},
			{"credentials in recording", map[string]any{"direction": "inbound", "started_at": started, "recording_url": "https://u:p@rec.example.com/1.mp3"}, "body.recording_url"},
			{"private recording", map[string]any{"direction": "inbound", "started_at": started, "recording_url": "https://10.1.2.3/1.mp3"}, "body.recording_url"},
			{"unknown agent", map[string]any{"direction": "inbound", "started_at": started, "agent_id": "0190aaaa-0000-7000-8000-000000000000"}, "body.agent_id"},
		} {
			res := n.do("POST", path, s.token, tc.body)
			if res.status != 422 || !strings.Contains(string(res.body), tc.field) {
				t.Errorf("%s: %d %s, want 422 naming %s", tc.name, res.status, res.body, tc.field)
			}
		}

		call := n.must(201, "POST", path, boTok, map[string]any{"direction": "outbound", "started_at": started, "duration_s": 245,
			"recording_url": "https://rec.example.com/calls/1.mp3", "notes": "Promised a refund for the broken kettle"}).m(t)
		if call["conversation_id"] != cid || call["content_type"] != "call" || call["private"] != true {
			t.Fatalf("call = %v, want a private call line in %s", call, cid)
		}
		rec := call["call"].(map[string]any)
		if rec["direction"] != "outbound" || rec["duration_s"] != float64(245) || rec["agent_id"] != bo || rec["agent_name"] == "" ||
			rec["recording_url"] != "https://rec.example.com/calls/1.mp3" {
			t.Errorf("call record = %v", rec)
		}
		// The loopback is allowed on this node (PARLEY_ALLOW_PRIVATE_ADDRESSES=127.0.0.1/8): plain http there.
		n.must(201, "POST", path, s.token, map[string]any{"direction": "inbound", "started_at": started,
			"recording_url": "http://127.0.0.1:9/rec.mp3", "conversation_id": cid})

		// In the thread.
		var th struct {
			Items []struct {
				ID          string
				ContentType string `json:"content_type"`
				Call        *struct{ Notes string }
			} `json:"items"`
		}
		n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), cyTok, nil).json(t, &th)
		found := 0
		for _, m := range th.Items {
			if m.ContentType == "call" && m.Call != nil {
				found++
			}
		}
		if found != 2 {
			t.Errorf("the thread holds %d call lines, want 2: %+v", found, th.Items)
		}

		// Never sent: the reply that follows is the only delivery.
		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Refund issued"})
		select {
		case body := <-r.bodies:
			if !strings.Contains(body, "Refund issued") || strings.Contains(body, "kettle") {
				t.Errorf("callback body = %s, want the reply and no call", body)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the reply never reached the callback URL")
		}
		select {
		case body := <-r.bodies:
			t.Errorf("a second callback arrived (a call record must never be sent): %s", body)
		case <-time.After(300 * time.Millisecond): // nothing else is due: a bounded look for a stray delivery
		}

		// Found by search on its notes; listed in the contact's history.
		if body := string(n.must(200, "GET", s.ws("/search?q=kettle"), cyTok, nil).body); !strings.Contains(body, cid) {
			t.Errorf("search for the notes = %s, want the conversation", body)
		}
		var hist struct {
			Items []struct {
				ConversationNumber int64 `json:"conversation_number"`
				Call               struct{ Direction string }
			} `json:"items"`
		}
		n.must(200, "GET", path, cyTok, nil).json(t, &hist)
		if len(hist.Items) != 2 || hist.Items[0].Call.Direction != "inbound" || hist.Items[1].ConversationNumber == 0 {
			t.Errorf("contact's calls = %+v, want both, newest first", hist.Items)
		}

		// Hidden from Cy: 404 to record into it, and her history is empty.
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"visible_to": []string{bo}})
		for _, body := range []map[string]any{
			{"direction": "inbound", "started_at": started, "conversation_id": cid},
			{"direction": "inbound", "started_at": started},
		} {
			if res := n.do("POST", path, cyTok, body); res.status != 404 {
				t.Errorf("a call into a hidden conversation by Cy = %d %s, want 404", res.status, res.body)
			}
		}
		n.must(200, "GET", path, cyTok, nil).json(t, &hist)
		if len(hist.Items) != 0 {
			t.Errorf("Cy's view of the contact's calls = %+v, want none", hist.Items)
		}
		n.must(404, "POST", s.ws("/contacts/0190aaaa-0000-7000-8000-000000000000/calls"), s.token,
			map[string]any{"direction": "inbound", "started_at": started})

		// A personal API token; a resolved conversation means a new one, continuing it.
		tok := n.must(201, "POST", "/api/v1/tokens", s.token, map[string]string{"name": "pbx"}).m(t)["token"].(string)
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"status": "resolved"})
		got := n.must(201, "POST", path, tok, map[string]any{"direction": "inbound", "started_at": started, "duration_s": 30,
			"agent_id": bo, "notes": "Asked about opening hours"}).m(t)
		next := got["conversation_id"].(string)
		if next == cid {
			t.Fatal("the call joined the resolved conversation")
		}
		conv := n.must(200, "GET", s.ws("/conversations/"+next), boTok, nil).m(t)
		if conv["previous_conversation_id"] != cid || conv["status"] != "open" || fmt.Sprint(conv["assignee_ids"]) != "["+bo+"]" {
			t.Errorf("the call's new conversation = %v, want open, assigned to Bo, continuing %s", conv, cid)
		}
	})
}

// TestNewChat_WhatsAppTemplateOutsideTheWindow: New chat to a WhatsApp
// contact whose last message is 25 hours old refuses free text on content
// (saying a template is needed) and writes nothing; a template that does
// not match is named; an approved one opens the conversation and reaches
// the provider (the loopback Graph fake) as a template.
func TestNewChat_WhatsAppTemplateOutsideTheWindow(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		f.graph.Templates = []channeltest.GraphTemplate{
			{Name: "order_update", Language: "en_US", Status: "APPROVED", Category: "UTILITY", ID: "1",
				Components: []map[string]any{{"type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped."}}},
			{Name: "draft", Language: "en_US", Status: "PENDING", Category: "MARKETING", ID: "3"},
		}
		in := n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "waba_id": "1234", "access_token": waToken})
		iid := in["id"].(string)
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp", metaAppSecret, waText("wamid.old", waCustomer, "hi", time.Now().Add(-25*time.Hour)))); r.status != 200 {
			t.Fatalf("webhook = %d %s", r.status, r.body)
		}
		convs := n.conversations(s)
		if len(convs) != 1 {
			t.Fatalf("%d conversations, want 1", len(convs))
		}
		contact := convs[0]["contact_id"].(string)

		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
			text  string
		}{
			{"free text outside the window", map[string]any{"content": "Your parcel is here"}, "body.content", "template"},
			{"too few parameters", map[string]any{"template": map[string]any{"name": "order_update", "parameters": []string{"Kim"}}}, "body.template.parameters", "2 parameters"},
			{"unknown template", map[string]any{"template": map[string]any{"name": "nope"}}, "body.template.name", "no template"},
			{"pending template", map[string]any{"template": map[string]any{"name": "draft"}}, "body.template.name", "not approved"},
			{"both", map[string]any{"content": "x", "template": map[string]any{"name": "order_update"}}, "body.template", "either"},
		} {
			tc.body["contact_id"], tc.body["inbox_id"] = contact, iid
			r := n.do("POST", s.ws("/conversations"), s.token, tc.body)
			if r.status != 422 || !strings.Contains(string(r.body), `"location":"`+tc.field+`"`) || !strings.Contains(string(r.body), tc.text) {
				t.Errorf("%s: %d %s, want 422 at %s saying %q", tc.name, r.status, r.body, tc.field, tc.text)
			}
		}
		if got := len(n.conversations(s)); got != 1 {
			t.Fatalf("refused New chats left %d conversations, want 1", got)
		}

		ws := n.dial(t, s, s.token, "")
		ws.next("hello")
		conv := n.must(201, "POST", s.ws("/conversations"), s.token, map[string]any{"contact_id": contact, "inbox_id": iid,
			"template": map[string]any{"name": "order_update", "language": "en_US", "parameters": []string{"Kim", "#42"}}}).m(t)
		msgs := n.messages(s, conv["id"].(string))
		if len(msgs) != 1 || msgs[0]["content"] != "Hi Kim, your order #42 has shipped." || msgs[0]["content_type"] != "template" {
			t.Fatalf("the new conversation's messages = %v, want the filled template", msgs)
		}
		ws.awaitMessage(msgs[0]["id"].(string), "sent")
		sent := f.graph.Sent()
		if len(sent) != 1 || sent[0].Body["type"] != "template" || sent[0].Body["to"] != waCustomer {
			t.Fatalf("Graph received %+v, want one template to %s", sent, waCustomer)
		}
	})
}
