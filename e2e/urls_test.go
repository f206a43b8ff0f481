package e2e

import (
	"strings"
	"testing"
)

func TestBadInput_AvatarURLsAreHTTPSOrParleys(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "cleo", "m1", "hello")
		var conv map[string]any
		n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).json(t, &conv)
		contact := conv["contact"].(map[string]any)["id"].(string)
		for _, tc := range []struct {
			avatar string
			want   int
		}{
			{"javascript:alert(document.cookie)", 422},
			{"JavaScript:alert(1)", 422},
			{"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", 422},
			{"http://example.com/a.png", 422},
			{"//evil.example/a.png", 422},
			{"https://user:pw@example.com/a.png", 422},
			{"https:", 422},
			{"https://example.com/a.png", 200},
			{"/media/0193f0e0-0000-7000-8000-000000000001/me.png?sig=abc", 200},
			{"", 200},
		} {
			for _, target := range []struct{ method, path string }{
				{"PATCH", "/api/v1/me"},
				{"PATCH", s.ws("/contacts/" + contact)},
			} {
				r := n.do(target.method, target.path, s.token, map[string]any{"avatar_url": tc.avatar})
				if r.status != tc.want {
					t.Errorf("%s %s avatar_url %q = %d %s, want %d", target.method, target.path, tc.avatar, r.status, r.body, tc.want)
				}
				if tc.want == 422 && problemLocation(t, r) != "body.avatar_url" {
					t.Errorf("avatar_url %q: problem %s does not name body.avatar_url", tc.avatar, r.body)
				}
			}
		}
	})
}

func TestBadInput_CallbackURLErrorIsASentence(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "CB", "channel": "api", "config": map[string]string{"callback_url": "ftp://example.com/hook"}})
		var p struct {
			Detail string `json:"detail"`
		}
		r.json(t, &p)
		if r.status != 422 || problemLocation(t, r) != "body.config.callback_url" ||
			p.Detail != "The callback URL is not allowed. The URL must start with http:// or https://." || strings.Contains(string(r.body), "code=") {
			t.Errorf("a non-HTTP callback URL = %d %s, want 422 with a sentence", r.status, r.body)
		}
	})
}
