package e2e

import (
	"strings"
	"testing"
	"time"
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
