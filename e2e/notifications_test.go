package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// notification is one item of GET /notifications.
type notification struct {
	ID             string  `json:"id"`
	Type           string  `json:"type"`
	ConversationID string  `json:"conversation_id"`
	MessageID      string  `json:"message_id"`
	Text           string  `json:"text"`
	UserID         string  `json:"user_id"`
	Sound          bool    `json:"sound"`
	ReadAt         *string `json:"read_at"`
	Actor          struct{ Kind, Name string }
}

type notificationPage struct {
	Items      []notification `json:"items"`
	NextCursor string         `json:"next_cursor"`
	Unread     int64          `json:"unread"`
}

func (n *node) notifications(s session, token, query string) notificationPage {
	n.t.Helper()
	var p notificationPage
	n.must(200, "GET", "/api/v1/notifications?workspace_id="+s.workspace+query, token, nil).json(n.t, &p)
	return p
}

// nextNotification awaits the next notification.created on the socket.
func (w *wsClient) nextNotification() notification {
	w.t.Helper()
	var got notification
	f := w.next("notification.created")
	if err := json.Unmarshal(f.Data, &got); err != nil {
		w.t.Fatalf("notification.created data %s: %v", f.Data, err)
	}
	return got
}

// TestNotifications_WhoGetsWhatEndToEnd drives the notification worker
// through the API: a new conversation reaches every agent who can see it,
// an assignment reaches the assignee live, a customer message reaches the
// assignee, and an agent never hears of a conversation hidden from them —
// not live, not in the list, not in the unread count.
func TestNotifications_WhoGetsWhatEndToEnd(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		boTok, boID := n.agent(s, "bo@example.com")
		cyTok, cyID := n.agent(s, "cy@example.com")
		bo := n.dial(t, s, boTok, "")
		bo.next("hello")

		// A new conversation: everyone is told (no team, all may see it).
		_, c1 := n.inbound(s, "anna", "m1", "Where is my parcel?")
		got := bo.nextNotification()
		if got.Type != "new_conversation" || got.ConversationID != c1 || got.UserID != boID || !strings.Contains(got.Text, "Where is my parcel?") {
			t.Errorf("first notification = %+v, want new_conversation about %s", got, c1)
		}

		// Hidden from Bo: visible to Cy only, assigned to Cy; its messages
		// notify Cy and never Bo.
		n.must(200, "PATCH", s.ws("/conversations/"+c1), s.token, map[string]any{"visible_to": []string{cyID}, "assignee_ids": []string{cyID}})
		n.inbound(s, "anna", "m2", "Secret follow-up")

		// Assigned to Bo: the notification arrives live, with a sound.
		_, c2 := n.inbound(s, "ben", "m3", "Hello?")
		if got := bo.nextNotification(); got.Type != "new_conversation" || got.ConversationID != c2 {
			t.Errorf("after the hidden conversation's message, Bo got %+v, want only the new conversation %s", got, c2)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+c2), s.token, map[string]any{"assignee_ids": []string{boID}})
		got = bo.nextNotification()
		if got.Type != "assigned" || got.ConversationID != c2 || !got.Sound || !strings.HasSuffix(got.Text, "assigned to you by Ada Admin") {
			t.Errorf("assignment notification = %+v, want assigned about %s with a sound", got, c2)
		}
		mid, _ := n.inbound(s, "ben", "m4", "Are you there?")
		got = bo.nextNotification()
		if got.Type != "new_message" || got.MessageID != mid || got.Text != "Customer ben: Are you there?" {
			t.Errorf("message notification = %+v, want new_message %s", got, mid)
		}

		// Cy was told about the hidden conversation's message.
		var cyTypes []string
		for _, it := range n.notifications(s, cyTok, "").Items {
			cyTypes = append(cyTypes, it.Type+":"+it.ConversationID)
		}
		if !strings.Contains(strings.Join(cyTypes, " "), "new_message:"+c1) {
			t.Errorf("Cy's notifications = %v, want the hidden conversation's message", cyTypes)
		}

		// Bo's list: newest first, nothing about c1 beyond the notice that
		// came before it was hidden, which is now left out too.
		page := n.notifications(s, boTok, "")
		var types []string
		for _, it := range page.Items {
			types = append(types, it.Type)
			if it.ConversationID == c1 {
				t.Errorf("Bo's list names the hidden conversation: %+v", it)
			}
		}
		if strings.Join(types, ",") != "new_message,assigned,new_conversation" || page.Unread != 3 {
			t.Errorf("Bo's list = %v unread %d, want new_message,assigned,new_conversation and 3 unread", types, page.Unread)
		}

		// Pages, read, read-all.
		first := n.notifications(s, boTok, "&limit=2")
		if len(first.Items) != 2 || first.NextCursor == "" {
			t.Fatalf("first page = %+v, want 2 items and a cursor", first)
		}
		rest := n.notifications(s, boTok, "&limit=2&cursor="+first.NextCursor)
		if len(rest.Items) != 1 || rest.Items[0].Type != "new_conversation" || rest.NextCursor != "" {
			t.Errorf("second page = %+v, want the oldest item and no cursor", rest)
		}
		read := n.must(200, "POST", "/api/v1/notifications/"+page.Items[0].ID+"/read", boTok, nil).m(t)
		if read["read_at"] == nil {
			t.Errorf("read = %v, want read_at set", read)
		}
		if p := n.notifications(s, boTok, ""); p.Unread != 2 {
			t.Errorf("unread after one read = %d, want 2", p.Unread)
		}
		n.must(404, "POST", "/api/v1/notifications/"+page.Items[1].ID+"/read", cyTok, nil) // not Cy's
		if m := n.must(200, "POST", "/api/v1/notifications/read-all?workspace_id="+s.workspace, boTok, nil).m(t); m["unread"] != 0.0 {
			t.Errorf("read-all = %v, want 0 unread", m)
		}
		if p := n.notifications(s, boTok, ""); p.Unread != 0 || p.Items[0].ReadAt == nil {
			t.Errorf("after read-all: unread %d, first %+v; want 0 and read", p.Unread, p.Items[0])
		}

		// Assigning yourself notifies no one.
		_, c3 := n.inbound(s, "cat", "m5", "Yo")
		if got := bo.nextNotification(); got.ConversationID != c3 {
			t.Fatalf("got %+v, want the new conversation %s", got, c3)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+c3), boTok, map[string]any{"assignee_ids": []string{boID}})
		n.inbound(s, "cat", "m6", "Still there?")
		if got := bo.nextNotification(); got.Type != "new_message" || got.ConversationID != c3 {
			t.Errorf("after assigning himself Bo got %+v, want only the next customer message", got)
		}
	})
}

// TestNotifications_BadInput: every bad request is a 4xx naming the field.
func TestNotifications_BadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		for _, tt := range []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"no workspace", "GET", "/api/v1/notifications", nil, 422, "query.workspace_id"},
			{"a cursor it never gave", "GET", "/api/v1/notifications?workspace_id=" + s.workspace + "&cursor=abc", nil, 422, "query.cursor"},
			{"a limit too large", "GET", "/api/v1/notifications?workspace_id=" + s.workspace + "&limit=1000", nil, 422, "query.limit"},
			{"a bad notification id", "POST", "/api/v1/notifications/nope/read", nil, 422, "path.notification_id"},
			{"an unknown notification", "POST", "/api/v1/notifications/01890000-0000-7000-8000-000000000000/read", nil, 404, ""},
			{"a bad time zone", "PUT", "/api/v1/me/notification-preferences?workspace_id=" + s.workspace, map[string]any{"time_zone": "Mars/Olympus"}, 422, "body.time_zone"},
			{"a bad scope", "PUT", "/api/v1/me/notification-preferences?workspace_id=" + s.workspace, map[string]any{"scope": "some"}, 422, "body.scope"},
			{"an unknown type", "PUT", "/api/v1/me/notification-preferences?workspace_id=" + s.workspace, map[string]any{"types": map[string]any{"gossip": map[string]bool{"push": true}}}, 422, "body.types.gossip"},
			{"a bad quiet window", "PUT", "/api/v1/me/notification-preferences?workspace_id=" + s.workspace, map[string]any{"quiet_hours": []any{map[string]any{"start": "25:00", "end": "07:00"}}}, 422, "body.quiet_hours[0].start"},
			{"a bad day", "PUT", "/api/v1/me/notification-preferences?workspace_id=" + s.workspace, map[string]any{"quiet_hours": []any{map[string]any{"start": "22:00", "end": "07:00", "days": []int{7}}}}, 422, "body.quiet_hours[0].days"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := n.do(tt.method, tt.path, s.token, tt.body)
				if r.status != tt.status || (tt.field != "" && !strings.Contains(string(r.body), `"`+tt.field+`"`)) {
					t.Errorf("%s %s = %d %s, want %d naming %s", tt.method, tt.path, r.status, r.body, tt.status, tt.field)
				}
			})
		}
		// Nothing half-saved: the preferences are still the defaults.
		p := n.must(200, "GET", "/api/v1/me/notification-preferences?workspace_id="+s.workspace, s.token, nil).m(t)
		if p["time_zone"] != "UTC" || p["scope"] != "all" {
			t.Errorf("preferences after refused saves = %v, want the defaults", p)
		}
		// A valid save comes back normalised, types left out keep their defaults.
		saved := n.must(200, "PUT", "/api/v1/me/notification-preferences?workspace_id="+s.workspace, s.token, map[string]any{
			"scope": "assigned", "time_zone": "Europe/Paris",
			"types":       map[string]any{"new_message": map[string]bool{"in_app": true, "sound": false}},
			"quiet_hours": []any{map[string]any{"start": "22:00", "end": "07:00", "days": []int{5, 1, 1}}},
		}).m(t)
		again := n.must(200, "GET", "/api/v1/me/notification-preferences?workspace_id="+s.workspace, s.token, nil).m(t)
		types := again["types"].(map[string]any)
		if again["scope"] != "assigned" || again["time_zone"] != "Europe/Paris" || types["new_message"].(map[string]any)["sound"] != false ||
			types["assigned"].(map[string]any)["sound"] != true || fmt.Sprint(again["quiet_hours"]) != "[map[days:[1 5] end:07:00 start:22:00]]" ||
			fmt.Sprint(saved) != fmt.Sprint(again) {
			t.Errorf("saved %v, read back %v", saved, again)
		}
	})
}

// TestNotifications_SMTPSettings: admins set the mail server for digests;
// the password is never shown; agents cannot; bad fields are named.
func TestNotifications_SMTPSettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		agentTok, _ := n.agent(s, "bo@example.com")
		path := s.ws("/notification-smtp")
		got := n.must(200, "PUT", path, s.token, map[string]any{"host": "smtp.example.com", "port": 587, "username": "u", "password": "pw", "from": "Parley <n@example.com>"}).m(t)
		if got["password_set"] != true || got["password"] != nil || got["security"] != "starttls" {
			t.Errorf("saved = %v, want the password set, not shown, starttls by default", got)
		}
		if again := n.must(200, "GET", path, s.token, nil).m(t); again["host"] != "smtp.example.com" || again["password"] != nil || again["password_set"] != true {
			t.Errorf("read back = %v", again)
		}
		n.must(403, "GET", path, agentTok, nil)
		if r := n.do("PUT", path, s.token, map[string]any{"host": "smtp.example.com", "from": "not an address"}); r.status != 422 || !strings.Contains(string(r.body), "body.from") {
			t.Errorf("bad sender = %d %s, want 422 naming body.from", r.status, r.body)
		}
		if r := n.do("PUT", path, s.token, map[string]any{"host": "smtp.example.com:25", "from": "n@example.com"}); r.status != 422 || !strings.Contains(string(r.body), "body.host") {
			t.Errorf("host with a port = %d %s, want 422 naming body.host", r.status, r.body)
		}
	})
}
