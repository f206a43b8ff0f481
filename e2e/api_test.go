package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/config"
)

func TestSetup_OnceEvenWhenRacing(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		if got := n.must(200, "GET", "/api/v1/setup", "", nil).m(t)["needed"]; got != true {
			t.Fatalf("setup needed = %v, want true on a fresh node", got)
		}
		token := n.setupToken()
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = n.do("POST", "/api/v1/setup", "", map[string]string{
					"token": token, "workspace_name": "Acme", "name": "Ada", "email": fmt.Sprintf("ada%d@example.com", i), "password": "correct horse",
				}).status
			}()
		}
		wg.Wait()
		created, conflicts := 0, 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 409, 401:
				conflicts++
			}
		}
		if created != 1 || conflicts != 1 {
			t.Errorf("racing set-ups answered %v, want one 201 and one refusal", statuses)
		}
		if got := n.must(200, "GET", "/api/v1/setup", "", nil).m(t)["needed"]; got != false {
			t.Errorf("setup needed = %v after set-up, want false", got)
		}
	})
}

func TestAuth_LoginTokensAndRevocation(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		login := func(pw string) response {
			return n.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ADA@example.com", "password": pw})
		}
		r := login("correct horse")
		if r.status != 200 {
			t.Fatalf("login = %d %s", r.status, r.body)
		}
		cookie := r.header.Get("Set-Cookie")
		if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || strings.Contains(cookie, "Secure") {
			t.Errorf("Set-Cookie = %q, want HttpOnly, SameSite=Lax, not Secure on http", cookie)
		}
		second := r.m(t)["token"].(string)
		if r := login("wrong password"); r.status != 401 {
			t.Errorf("wrong password = %d, want 401", r.status)
		}
		// API tokens: created, listed without the secret, usable, revoked.
		tok := n.must(201, "POST", "/api/v1/tokens", s.token, map[string]string{"name": "ci"}).m(t)
		api := tok["token"].(string)
		n.must(200, "GET", "/api/v1/me", api, nil)
		list := n.must(200, "GET", "/api/v1/tokens", s.token, nil)
		if strings.Contains(string(list.body), api) {
			t.Errorf("GET /tokens leaks the token secret")
		}
		n.must(204, "DELETE", "/api/v1/tokens/"+tok["id"].(string), s.token, nil)
		if r := n.do("GET", "/api/v1/me", api, nil); r.status != 401 {
			t.Errorf("revoked API token = %d, want 401", r.status)
		}
		// A password change revokes the other sessions and every API
		// token, not this session.
		api = n.must(201, "POST", "/api/v1/tokens", s.token, map[string]string{"name": "ci"}).m(t)["token"].(string)
		n.must(200, "GET", "/api/v1/me", api, nil)
		changed := n.must(200, "POST", "/api/v1/me/password", s.token, map[string]string{"current_password": "correct horse", "new_password": "battery staple"})
		if got := string(changed.body); !strings.Contains(got, `"revoked":{"sessions":1,"api_tokens":1}`) {
			t.Errorf("password change = %s, want it to say 1 session and 1 API token were revoked", got)
		}
		if r := n.do("GET", "/api/v1/me", api, nil); r.status != 401 {
			t.Errorf("API token after password change = %d, want 401", r.status)
		}
		n.must(200, "GET", "/api/v1/me", s.token, nil)
		if r := n.do("GET", "/api/v1/me", second, nil); r.status != 401 {
			t.Errorf("other session after password change = %d, want 401", r.status)
		}
		n.must(204, "POST", "/api/v1/auth/logout", s.token, nil)
		if r := n.do("GET", "/api/v1/me", s.token, nil); r.status != 401 {
			t.Errorf("session after logout = %d, want 401", r.status)
		}
	})
}

func TestAuth_FailedLoginsAreDelayed(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		n.bootstrap()
		wrong := map[string]string{"email": "ada@example.com", "password": "nope-nope"}
		for i := range 3 {
			if r := n.do("POST", "/api/v1/auth/login", "", wrong); r.status != 401 {
				t.Fatalf("wrong password %d = %d, want 401", i+1, r.status)
			}
		}
		r := n.do("POST", "/api/v1/auth/login", "", wrong)
		if r.status != 429 || r.header.Get("Retry-After") != "1" {
			t.Errorf("4th wrong password at once = %d, Retry-After %q; want 429, 1", r.status, r.header.Get("Retry-After"))
		}
	})
}

// client returns the headers of a request from addr through the proxy on
// loopback.
func client(addr string, more ...string) []string {
	return append([]string{"X-Forwarded-For", addr}, more...)
}

func TestAuth_OwnerSignsInUnderAttack(t *testing.T) {
	eachEngineWith(t, nodeOptions{configure: func(c *config.Config) { c.TrustedProxies = "127.0.0.0/8" }}, func(t *testing.T, n *node) {
		n.bootstrap()
		right := map[string]string{"email": "ada@example.com", "password": "correct horse"}
		first := n.do("POST", "/api/v1/auth/login", "", right, client("203.0.113.9")...)
		if first.status != 200 {
			t.Fatalf("first sign-in = %d %s", first.status, first.body)
		}
		var device string
		for _, c := range (&http.Response{Header: first.header}).Cookies() {
			if c.Name == "parley_device" {
				device = c.Value
			}
		}
		if device == "" {
			t.Fatalf("no parley_device cookie in %q", first.header.Values("Set-Cookie"))
		}
		// 60 wrong passwords at once, from 60 addresses behind the proxy.
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range 60 {
			wg.Go(func() {
				r := n.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ada@example.com", "password": "guess-guess"},
					client(fmt.Sprintf("198.51.100.%d", i))...)
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if statuses[401] > 10 || statuses[401]+statuses[429] != 60 {
			t.Errorf("60 parallel wrong passwords: %v, want at most 10 checked (401), the rest 429", statuses)
		}
		if r := n.do("POST", "/api/v1/auth/login", "", right, client("203.0.113.10")...); r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Errorf("right password from a new device under attack = %d (Retry-After %q), want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
		}
		r := n.do("POST", "/api/v1/auth/login", "", right, client("203.0.113.10", "Cookie", "parley_device="+device)...)
		if r.status != 200 {
			t.Errorf("right password from the known device under attack = %d %s, want 200", r.status, r.body)
		}
	})
}

func TestAuth_FailedLoginsAreRateLimitedPerAddress(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		n.bootstrap()
		// Guessing across many accounts from one address is stopped too.
		for i := range 100 {
			if r := n.do("POST", "/api/v1/auth/login", "", map[string]string{"email": fmt.Sprintf("nobody%d@example.com", i), "password": "guess-guess"}); r.status != 401 {
				t.Fatalf("failed login %d = %d, want 401", i, r.status)
			}
		}
		r := n.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ada@example.com", "password": "correct horse"})
		if r.status != 429 {
			t.Errorf("login from a new device after 100 failures from its address = %d, want 429", r.status)
		}
	})
}

func TestAuth_CookieWritesRefuseCrossSiteRequests(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		cookie := "parley_session=" + s.token
		r := n.do("POST", "/api/v1/tokens", "", map[string]string{"name": "x"}, "Cookie", cookie, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site cookie write = %d, want 403", r.status)
		}
		r = n.do("POST", "/api/v1/tokens", "", map[string]string{"name": "x"}, "Cookie", cookie, "Sec-Fetch-Site", "same-origin")
		if r.status != 201 {
			t.Errorf("same-origin cookie write = %d %s, want 201", r.status, r.body)
		}
	})
}

func TestAPIChannel_EndToEnd(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		mid, cid := n.inbound(s, "cust-1", "m-1", "Where is my order?")
		mid2, cid2 := n.inbound(s, "cust-1", "m-1", "Where is my order?")
		if mid2 != mid || cid2 != cid {
			t.Errorf("a repeated source_message_id answered %s/%s, want %s/%s", mid2, cid2, mid, cid)
		}
		n.inbound(s, "cust-1", "m-2", "Hello?")
		var list struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/conversations?view=all"), s.token, nil).json(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("list has %d conversations, want 1", len(list.Items))
		}
		it := list.Items[0]
		if it["unreplied_count"] != 2.0 || it["unread_count"] != 2.0 || it["number"] != 1.0 {
			t.Errorf("item = unreplied %v unread %v number %v, want 2, 2, 1", it["unreplied_count"], it["unread_count"], it["number"])
		}
		if it["contact"].(map[string]any)["name"] != "Customer cust-1" || it["last_message"].(map[string]any)["content"] != "Hello?" {
			t.Errorf("item contact/preview = %v / %v", it["contact"], it["last_message"])
		}
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "On its way!"}).m(t)
		if reply["status"] != "stored" || reply["direction"] != "out" || reply["sender"].(map[string]any)["kind"] != "agent" {
			t.Errorf("reply = %v, want an outbound agent message marked stored (no callback URL: nothing was sent)", reply)
		}
		note := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "VIP", "private": true}).m(t)
		if note["private"] != true {
			t.Errorf("note private = %v", note["private"])
		}
		n.must(204, "POST", s.ws("/conversations/"+cid+"/read"), s.token, nil)
		conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if conv["unreplied_count"] != 0.0 || conv["unread_count"] != 0.0 || conv["first_reply_at"] == nil {
			t.Errorf("after reply and read: unreplied %v unread %v first_reply_at %v", conv["unreplied_count"], conv["unread_count"], conv["first_reply_at"])
		}
		patched := n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{
			"assignee_ids": []string{s.userID}, "priority": "high", "ai_mode": "paused", "tags": []string{"Billing Issue"}, "labels": []string{"Escalated"},
		}).m(t)
		if patched["priority"] != "high" || patched["ai_mode"] != "paused" || fmt.Sprint(patched["tags"]) != "[Billing Issue]" {
			t.Errorf("patched = %v", patched)
		}
		counts := n.must(200, "GET", s.ws("/conversations/counts"), s.token, nil).m(t)
		if counts["all"] != 1.0 || counts["mine"] != 1.0 || counts["unassigned"] != 0.0 {
			t.Errorf("counts = %v, want all 1 mine 1 unassigned 0", counts)
		}
		// views= counts those alone.
		some := n.must(200, "GET", s.ws("/conversations/counts?views=mine,unassigned&filter="+url.QueryEscape(`{"conditions":[{"field":"channel","op":"eq","value":"api"}]}`)), s.token, nil).m(t)
		if len(some) != 2 || some["mine"] != 1.0 || some["unassigned"] != 0.0 {
			t.Errorf("counts of mine and unassigned = %v, want only mine 1 and unassigned 0", some)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"status": "resolved"})
		_, cid3 := n.inbound(s, "cust-1", "m-3", "One more thing")
		if cid3 == cid {
			t.Fatalf("a message after resolution joined the resolved conversation")
		}
		c3 := n.must(200, "GET", s.ws("/conversations/"+cid3), s.token, nil).m(t)
		if c3["previous_conversation_id"] != cid || c3["number"] != 2.0 {
			t.Errorf("new conversation previous = %v number = %v, want %s and 2", c3["previous_conversation_id"], c3["number"], cid)
		}
		var msgs struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).json(t, &msgs)
		// Besides the four messages the thread has system lines (assigned,
		// resolved, continued in #2), never sent.
		var written []map[string]any
		for _, m := range msgs.Items {
			if m["sender"].(map[string]any)["kind"] != "system" {
				written = append(written, m)
			} else if m["private"] != true {
				t.Errorf("a system line is not private: %v", m)
			}
		}
		if len(written) != 4 || written[0]["content"] != "Where is my order?" {
			t.Errorf("thread has %d messages besides system lines (first %v), want 4 oldest first", len(written), written[0]["content"])
		}
		if open := n.must(200, "GET", s.ws("/conversations?status=resolved"), s.token, nil); strings.Count(string(open.body), `"id"`) < 1 {
			t.Errorf("status=resolved lists nothing")
		}
	})
}

func TestAPI_OtherWorkspacesAreInvisible(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c", "m", "secret")
		// An admin of the workspace invites an agent elsewhere: a user who
		// is not a member of Acme must get 404 for everything in it.
		eve, _ := n.join(s, "eve@example.com", "password123", "agent")
		n.must(204, "DELETE", s.ws("/users/"+n.userID(s, "eve@example.com")), s.token, nil)
		for _, p := range []string{"/conversations", "/conversations/" + cid, "/conversations/" + cid + "/messages", "/inboxes", "/contacts"} {
			if r := n.do("GET", s.ws(p), eve, nil); r.status != 404 || strings.Contains(string(r.body), "secret") {
				t.Errorf("GET %s as a non-member = %d %s, want 404 without data", p, r.status, r.body)
			}
		}
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), eve, map[string]string{"content": "hi"}); r.status != 404 {
			t.Errorf("reply as a non-member = %d, want 404", r.status)
		}
	})
}

func (n *node) userID(s session, email string) string {
	n.t.Helper()
	var users struct {
		Items []struct{ ID, Email string } `json:"items"`
	}
	n.must(200, "GET", s.ws("/users"), s.token, nil).json(n.t, &users)
	for _, u := range users.Items {
		if u.Email == email {
			return u.ID
		}
	}
	n.t.Fatalf("no user %s", email)
	return ""
}
