package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// TestBadInput sends malformed requests; each must answer a clear 4xx
// problem naming what is wrong, and create nothing.
func TestBadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c", "m", "hello")
		inbound := "/api/v1/inbound/" + s.inboundToken + "/messages"
		conv := s.ws("/conversations/" + cid)
		big := `{"contact":{"source_id":"x"},"source_message_id":"y","content":"` + strings.Repeat("a", 1<<20+10) + `"}`
		tests := []struct {
			name, method, path, token string
			body                      any
			status                    int
			mention                   string // in the problem body
		}{
			{"unknown field", "POST", inbound, "", `{"contact":{"source_id":"x"},"source_message_id":"y","content":"z","admin":true}`, 422, "admin"},
			{"wrong type", "POST", inbound, "", `{"contact":{"source_id":1},"source_message_id":"y","content":"z"}`, 422, "source_id"},
			{"missing content", "POST", inbound, "", `{"contact":{"source_id":"x"},"source_message_id":"y"}`, 422, "content"},
			{"empty content", "POST", inbound, "", `{"contact":{"source_id":"x"},"source_message_id":"y","content":""}`, 422, "content"},
			{"blank content", "POST", inbound, "", `{"contact":{"source_id":"x"},"source_message_id":"y","content":"   "}`, 422, "content"},
			{"missing contact", "POST", inbound, "", `{"source_message_id":"y","content":"z"}`, 422, "contact"},
			{"not JSON", "POST", inbound, "", `{"contact":`, 400, ""},
			{"oversized body", "POST", inbound, "", big, 413, ""},
			{"bad phone", "POST", inbound, "", `{"contact":{"source_id":"x","phone":"call me"},"source_message_id":"y","content":"z"}`, 422, "phone"},
			{"unknown inbound token", "POST", "/api/v1/inbound/pin_nope/messages", "", `{"contact":{"source_id":"x"},"source_message_id":"y","content":"z"}`, 404, ""},
			{"bad token", "GET", s.ws("/conversations"), "pat_forged", nil, 401, ""},
			{"no token", "GET", s.ws("/conversations"), "", nil, 401, ""},
			{"unknown view", "GET", s.ws("/conversations?view=everything"), s.token, nil, 422, "view"},
			{"unknown status", "GET", s.ws("/conversations?status=open,closed"), s.token, nil, 422, "status"},
			{"SQL in status", "GET", s.ws("/conversations?status=open'%20OR%20'1'='1"), s.token, nil, 422, "status"},
			{"SQL in search", "GET", s.ws("/contacts?q=%27%3B%20DROP%20TABLE%20contacts%3B--"), s.token, nil, 200, ""},
			{"unknown query parameter", "GET", s.ws("/conversations?channel=whatsapp"), s.token, nil, 422, "query.channel"},
			{"unknown filter field", "GET", s.ws("/conversations?filter=" + url.QueryEscape(`{"conditions":[{"field":"colour","op":"eq","value":"x"}]}`)), s.token, nil, 422, "colour"},
			{"unknown filter operator", "GET", s.ws("/conversations/counts?filter=" + url.QueryEscape(`{"conditions":[{"field":"tag","op":"like","value":"x"}]}`)), s.token, nil, 422, "like"},
			{"malformed filter", "GET", s.ws("/conversations?filter=%7B%22match"), s.token, nil, 422, "filter"},
			{"unknown view to count", "GET", s.ws("/conversations/counts?views=mine,sideways"), s.token, nil, 422, "views"},
			{"oversized filter", "GET", s.ws("/conversations?filter=" + url.QueryEscape(`{"conditions":[`+strings.Repeat(`{"field":"tag","op":"eq","value":"x"},`, 130)+`{}]}`)), s.token, nil, 422, "filter"},
			{"unknown sort", "GET", s.ws("/conversations?sort=sideways"), s.token, nil, 422, "sort"},
			{"malformed cursor", "GET", s.ws("/conversations?cursor=%27%20OR%201%3D1"), s.token, nil, 422, "cursor"},
			{"huge limit", "GET", s.ws("/conversations?limit=100000"), s.token, nil, 422, "limit"},
			{"malformed id", "GET", s.ws("/conversations/not-a-uuid"), s.token, nil, 422, "conversation_id"},
			{"unknown conversation", "GET", s.ws("/conversations/01900000-0000-7000-8000-000000000000"), s.token, nil, 404, ""},
			{"bad status", "PATCH", conv, s.token, `{"status":"closed"}`, 422, "status"},
			{"bad transition", "PATCH", conv, s.token, `{"status":"snoozed"}`, 422, "snoozed_until"},
			{"assignee not a member", "PATCH", conv, s.token, `{"assignee_ids":["01900000-0000-7000-8000-000000000000"]}`, 422, "assignee_ids"},
			{"malformed assignee", "PATCH", conv, s.token, `{"assignee_ids":["x'--"]}`, 422, "assignee_ids"},
			{"unknown team", "PATCH", conv, s.token, `{"team_id":"01900000-0000-7000-8000-000000000000"}`, 422, "team_id"},
			{"empty reply", "POST", conv + "/messages", s.token, `{"content":""}`, 422, "content"},
			{"blank reply", "POST", conv + "/messages", s.token, `{"content":"  \n"}`, 422, "content"},
			{"reply with unknown field", "POST", conv + "/messages", s.token, `{"content":"x","status":"read"}`, 422, "status"},
			{"inbox without name", "POST", s.ws("/inboxes"), s.token, `{"channel":"api"}`, 422, "name"},
			{"inbox of unknown channel", "POST", s.ws("/inboxes"), s.token, `{"name":"x","channel":"pigeon"}`, 422, "channel"},
			{"private callback URL", "POST", s.ws("/inboxes"), s.token, `{"name":"x","channel":"api","config":{"callback_url":"http://10.0.0.1/hook"}}`, 422, "callback_url"},
			{"callback URL not http", "POST", s.ws("/inboxes"), s.token, `{"name":"x","channel":"api","config":{"callback_url":"file:///etc/passwd"}}`, 422, "callback_url"},
			{"contact bad email", "POST", s.ws("/contacts"), s.token, `{"name":"x","email":"not an email"}`, 422, "email"},
			{"wrong password", "POST", "/api/v1/auth/login", "", `{"email":"ada@example.com","password":"nope"}`, 401, ""},
			{"unknown API path", "GET", "/api/v1/nothing-here", s.token, nil, 404, ""},
		}
		counts := func() string {
			var out []string
			for _, p := range []string{"/conversations?limit=200", "/contacts?limit=200", "/inboxes", "/conversations/" + cid + "/messages?limit=200"} {
				out = append(out, string(n.must(200, "GET", s.ws(p), s.token, nil).body))
			}
			return strings.Join(out, "\n")
		}
		before := counts()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := n.do(tt.method, tt.path, tt.token, tt.body)
				if r.status != tt.status {
					t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, r.status, clip(string(r.body)), tt.status)
				}
				if tt.status >= 400 {
					if ct := r.header.Get("Content-Type"); !strings.Contains(ct, "json") {
						t.Errorf("Content-Type = %q, want a JSON problem", ct)
					}
					if tt.mention != "" && !strings.Contains(string(r.body), tt.mention) {
						t.Errorf("problem %s does not name %q", clip(string(r.body)), tt.mention)
					}
				}
			})
		}
		if after := counts(); after != before {
			t.Errorf("bad input changed the data:\nbefore %s\nafter  %s", clip(before), clip(after))
		}
	})
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
