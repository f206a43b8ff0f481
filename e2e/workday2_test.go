package e2e

import (
	"strings"
	"testing"
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
