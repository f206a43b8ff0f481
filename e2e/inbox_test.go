package e2e

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestConversation_PreviewLiveEqualsReload checks the one rule for a list's
// preview (the last message that is not a private note): the live
// conversation.updated event carries exactly what a reload lists, with who
// wrote it.
func TestConversation_PreviewLiveEqualsReload(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boToken, boID := n.agent(s, "bo@example.com")
		_, cid := n.inbound(s, "cust-1", "m-1", "Where is my order?")
		w := n.dial(t, s, s.token, "")
		w.next("hello")

		preview := func() map[string]any {
			t.Helper()
			for {
				f := w.next("conversation.updated")
				var c struct {
					ID          string         `json:"id"`
					LastMessage map[string]any `json:"last_message"`
				}
				if err := json.Unmarshal(f.Data, &c); err != nil {
					t.Fatalf("decode %s: %v", f.Data, err)
				}
				if c.ID == cid {
					return c.LastMessage
				}
			}
		}
		listed := func() map[string]any {
			t.Helper()
			for _, c := range n.conversations(s) {
				if c["id"] == cid {
					return c["last_message"].(map[string]any)
				}
			}
			t.Fatalf("conversation %s is not listed", cid)
			return nil
		}

		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), boToken, map[string]any{"content": "On its way"}).m(t)
		if reply["status"] != "stored" {
			t.Errorf("a reply in an API inbox without a callback is %v, want stored (nothing was sent)", reply["status"])
		}
		live := preview()
		if live["content"] != "On its way" || live["sender_id"] != boID || live["sender_name"] != "bo@example.com" {
			t.Errorf("live preview after Bo's reply = %v, want his reply with his id and name", live)
		}
		if got := listed(); !reflect.DeepEqual(got, live) {
			t.Errorf("preview after a reload = %v, live = %v, want the same", got, live)
		}

		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "VIP", "private": true})
		afterNote := preview()
		if !reflect.DeepEqual(afterNote, live) {
			t.Errorf("live preview after a note = %v, want it unchanged (%v)", afterNote, live)
		}
		if got := listed(); !reflect.DeepEqual(got, afterNote) {
			t.Errorf("preview after a reload = %v, live = %v, want the same", got, afterNote)
		}
	})
}

// TestMembers_NewMemberIsOnline: availability is the member's choice, and a
// new member who has not chosen is online (not "offline" while signed in).
func TestMembers_NewMemberIsOnline(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, boID := n.agent(s, "bo@example.com")
		var users struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/users"), s.token, nil).json(t, &users)
		for _, u := range users.Items {
			if u["availability"] != "online" {
				t.Errorf("user %v (%v) availability = %v, want online", u["email"], u["id"] == boID, u["availability"])
			}
		}
		if len(users.Items) != 2 {
			t.Errorf("users = %d, want 2", len(users.Items))
		}
	})
}
