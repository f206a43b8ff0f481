package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/realtime/realtimetest"
	"github.com/parleyhq/parley/internal/widget"
)

const shopOrigin = "https://shop.example"

// webchatInbox creates a web-chat inbox allowing shopOrigin and returns
// the create answer.
func (n *node) webchatInbox(s session, name string, cfg map[string]string) map[string]any {
	n.t.Helper()
	c := map[string]string{"allowed_origins": shopOrigin}
	for k, v := range cfg {
		c[k] = v
	}
	return n.createInbox(s, name, "webchat", c)
}

// visitor starts a visitor on a website token from shopOrigin.
func (n *node) visitor(websiteToken string, body map[string]any) (id, token string) {
	n.t.Helper()
	r := n.do("POST", "/api/v1/widget/"+websiteToken+"/visitors", "", body, "Origin", shopOrigin)
	if r.status != 201 {
		n.t.Fatalf("POST visitors = %d %s, want 201", r.status, r.body)
	}
	m := r.m(n.t)
	return m["visitor_id"].(string), m["visitor_token"].(string)
}

// widgetDo calls the visitor API as a visitor from shopOrigin.
func (n *node) widgetDo(method, path, visitorToken string, body any) response {
	n.t.Helper()
	return n.do(method, "/api/v1/widget/"+path, visitorToken, body, "Origin", shopOrigin)
}

type widgetPage struct {
	Items []struct {
		ID, From, Content string
	} `json:"items"`
	ConversationID string `json:"conversation_id"`
}

func (n *node) widgetMessages(visitorToken string) widgetPage {
	n.t.Helper()
	r := n.widgetDo("GET", "messages", visitorToken, nil)
	if r.status != 200 {
		n.t.Fatalf("GET widget messages = %d %s", r.status, r.body)
	}
	var p widgetPage
	r.json(n.t, &p)
	return p
}

// dialVisitor opens a visitor's socket from origin.
func (n *node) dialVisitor(t *testing.T, token, origin string) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	u := strings.Replace(n.base, "http", "ws", 1) + "/api/v1/widget/realtime?token=" + token
	c, err := realtimetest.Dial(ctx, u, realtimetest.DialOptions{Header: http.Header{"Origin": {origin}}})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, conn: c, ctx: ctx}, nil
}

func TestWebchat_InboxCreation(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		got := n.webchatInbox(s, "Website", map[string]string{"greeting": "Hi there!", "color": "#112233"})
		token, _ := got["website_token"].(string)
		if token == "" || got["id"] != token {
			t.Fatalf("website_token = %q, want the inbox id %v", token, got["id"])
		}
		snippet, _ := got["embed_snippet"].(string)
		if !strings.HasPrefix(snippet, "<script ") || !strings.Contains(snippet, `/widget.js"`) || !strings.Contains(snippet, token) {
			t.Errorf("embed_snippet = %q, want one script tag naming /widget.js and the token", snippet)
		}
		if secret, _ := got["identity_secret"].(string); len(secret) < 32 {
			t.Errorf("identity_secret = %q, want a generated secret, shown once", secret)
		}
		again := n.must(200, "GET", s.ws("/inboxes/"+token), s.token, nil).m(t)
		if _, shown := again["identity_secret"]; shown || strings.Contains(string(n.must(200, "GET", s.ws("/inboxes/"+token), s.token, nil).body), got["identity_secret"].(string)) {
			t.Errorf("GET inbox shows the identity secret again: %v", again)
		}
		for _, tc := range []struct {
			name  string
			cfg   map[string]any
			field string
		}{
			{"an origin with a path", map[string]any{"allowed_origins": "https://shop.example/cart"}, "body.config.allowed_origins"},
			{"no origin", map[string]any{"color": "#000000"}, "body.config.allowed_origins"},
			{"a colour that is not one", map[string]any{"allowed_origins": shopOrigin, "color": "red"}, "body.config.color"},
			{"an unknown setting", map[string]any{"allowed_origins": shopOrigin, "bogus": "1"}, "body.config.bogus"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "W", "channel": "webchat", "config": tc.cfg})
				if r.status != 422 || problemLocation(t, r) != tc.field {
					t.Errorf("create = %d %s, want 422 naming %s", r.status, r.body, tc.field)
				}
			})
		}
	})
}

func TestWebchat_VisitorConversation(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		inbox := n.webchatInbox(s, "Website", nil)
		wt := inbox["website_token"].(string)
		_, alice := n.visitor(wt, map[string]any{"name": "Alice"})
		_, bob := n.visitor(wt, map[string]any{"name": "Bob"})

		aliceWS, err := n.dialVisitor(t, alice, shopOrigin)
		if err != nil {
			t.Fatal(err)
		}
		bobWS, err := n.dialVisitor(t, bob, shopOrigin)
		if err != nil {
			t.Fatal(err)
		}
		aliceWS.next("hello")
		bobWS.next("hello")

		sent := n.widgetDo("POST", "messages", alice, map[string]any{"content": "Where is my order?", "client_message_id": "c1"})
		if sent.status != 202 {
			t.Fatalf("POST messages = %d %s", sent.status, sent.body)
		}
		first := sent.m(t)
		cid := first["conversation_id"].(string)
		again := n.widgetDo("POST", "messages", alice, map[string]any{"content": "Where is my order?", "client_message_id": "c1"}).m(t)
		if again["message_id"] != first["message_id"] {
			t.Errorf("same client_message_id stored twice: %v then %v", first, again)
		}
		// Bob's identical client id is his own message.
		bobSent := n.widgetDo("POST", "messages", bob, map[string]any{"content": "Hello from Bob", "client_message_id": "c1"}).m(t)
		if bobSent["conversation_id"] == cid {
			t.Fatalf("Bob's message joined Alice's conversation")
		}

		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "SECRET NOTE about Alice", "private": true})
		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "It ships today!"})

		// Alice's socket: her own message, then the reply; never the note.
		var got []string
		for len(got) < 2 {
			f := aliceWS.next("message.created")
			var m map[string]any
			json.Unmarshal(f.Data, &m)
			if strings.Contains(string(f.Data), "SECRET") {
				t.Fatalf("a private note reached the visitor's socket: %s", f.Data)
			}
			got = append(got, m["from"].(string)+": "+m["content"].(string))
		}
		if want := []string{"visitor: Where is my order?", "agent: It ships today!"}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("Alice's socket = %q, want %q", got, want)
		}
		// Bob's socket saw only his own message.
		f := bobWS.next("message.created")
		if !strings.Contains(string(f.Data), "Hello from Bob") {
			t.Errorf("Bob's socket got %s", f.Data)
		}
		page := n.widgetMessages(alice)
		var texts []string
		for _, m := range page.Items {
			texts = append(texts, m.From+": "+m.Content)
		}
		if strings.Join(texts, "|") != "visitor: Where is my order?|agent: It ships today!" || page.ConversationID != cid {
			t.Errorf("GET messages = %q in %s, want Alice's message and the reply in %s", texts, page.ConversationID, cid)
		}
		bobPage := n.widgetMessages(bob)
		if len(bobPage.Items) != 1 || bobPage.Items[0].Content != "Hello from Bob" {
			t.Errorf("Bob reads %+v, want only his own message", bobPage.Items)
		}
		// The agent's reply was "sent" through the channel.
		waitFor(t, func() bool {
			for _, m := range n.messages(s, cid) {
				if m["content"] == "It ships today!" && m["status"] == "sent" {
					return true
				}
			}
			return false
		})
		// Typing: the agents' socket hears the visitor.
		agentWS := n.dial(t, s, s.token, "")
		agentWS.next("hello")
		if r := n.widgetDo("POST", "typing", alice, map[string]any{"state": "on"}); r.status != 204 {
			t.Fatalf("POST typing = %d %s", r.status, r.body)
		}
		typing := agentWS.next("typing")
		if !strings.Contains(string(typing.Data), `"Alice"`) || !strings.Contains(string(typing.Data), cid) {
			t.Errorf("agents' typing signal = %s, want Alice typing in %s", typing.Data, cid)
		}
		// And the visitor hears the agent.
		agentWS.send(map[string]any{"type": "typing", "conversation_id": cid, "state": "on"})
		if vt := aliceWS.next("typing"); !strings.Contains(string(vt.Data), `"on"`) {
			t.Errorf("visitor's typing frame = %s", vt.Data)
		}
		if r := n.widgetDo("POST", "typing", alice, map[string]any{"state": "maybe"}); r.status != 422 || problemLocation(t, r) != "body.state" {
			t.Errorf("typing maybe = %d %s, want 422 naming body.state", r.status, r.body)
		}
	})
}

func TestWebchat_Security(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		shop := n.webchatInbox(s, "Shop", nil)
		wt := shop["website_token"].(string)
		secret := shop["identity_secret"].(string)
		other := n.createInbox(s, "Other", "webchat", map[string]string{"allowed_origins": "https://other.example"})
		ot := other["website_token"].(string)
		strict := n.webchatInbox(s, "Members", map[string]string{"identity_secret_required": "true"})

		t.Run("an origin not on the list is refused, without CORS", func(t *testing.T) {
			for _, origin := range []string{"", "https://evil.example", "https://shop.example.evil.example", "http://shop.example"} {
				r := n.do("POST", "/api/v1/widget/"+wt+"/visitors", "", map[string]any{}, "Origin", origin)
				if r.status != 403 || r.header.Get("Access-Control-Allow-Origin") != "" {
					t.Errorf("Origin %q: %d (ACAO %q), want 403 without CORS", origin, r.status, r.header.Get("Access-Control-Allow-Origin"))
				}
			}
			r := n.do("OPTIONS", "/api/v1/widget/messages", "", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
			if r.status != 403 || r.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight from evil = %d, want 403", r.status)
			}
			r = n.do("OPTIONS", "/api/v1/widget/messages", "", nil, "Origin", shopOrigin, "Access-Control-Request-Method", "POST")
			if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != shopOrigin {
				t.Errorf("preflight from the shop = %d (ACAO %q), want 204 naming it", r.status, r.header.Get("Access-Control-Allow-Origin"))
			}
			_, tok := n.visitor(wt, nil)
			if r := n.do("GET", "/api/v1/widget/messages", tok, nil, "Origin", "https://evil.example"); r.status != 403 {
				t.Errorf("messages from evil with a good token = %d, want 403", r.status)
			}
			if _, err := n.dialVisitor(t, tok, "https://evil.example"); err == nil {
				t.Errorf("socket from evil opened")
			}
		})
		t.Run("a token from one inbox is useless on another", func(t *testing.T) {
			_, tok := n.visitor(wt, nil)
			n.widgetDo("POST", "messages", tok, map[string]any{"content": "shop question"})
			for _, p := range []string{"messages", "visitor"} {
				if r := n.do("GET", "/api/v1/widget/"+p, tok, nil, "Origin", "https://other.example"); r.status != 403 {
					t.Errorf("GET %s with the shop's token from the other site = %d, want 403", p, r.status)
				}
			}
			r := n.do("POST", "/api/v1/widget/"+ot+"/visitors", "", map[string]any{}, "Origin", shopOrigin)
			if r.status != 403 {
				t.Errorf("starting a visitor on the other inbox from the shop = %d, want 403", r.status)
			}
			if r := n.widgetDo("GET", "messages", "pvt_forged", nil); r.status != 401 {
				t.Errorf("forged visitor token = %d, want 401", r.status)
			}
			if r := n.widgetDo("GET", "messages", s.token, nil); r.status != 401 {
				t.Errorf("an agent's token as visitor token = %d, want 401", r.status)
			}
		})
		t.Run("identity", func(t *testing.T) {
			good := widget.IdentityHash(secret, "cust-42")
			for _, tc := range []struct {
				name  string
				token string
				body  map[string]any
				want  int
			}{
				{"a matching hash", wt, map[string]any{"identifier": "cust-42", "identifier_hash": good}, 201},
				{"a forged hash", wt, map[string]any{"identifier": "cust-42", "identifier_hash": strings.Repeat("0", 64)}, 401},
				{"another identifier's hash", wt, map[string]any{"identifier": "cust-43", "identifier_hash": good}, 401},
				{"no hash", wt, map[string]any{"identifier": "cust-42"}, 401},
				{"anonymous where identity is required", strict["website_token"].(string), map[string]any{"name": "Anon"}, 401},
				{"an unknown field", wt, map[string]any{"admin": true}, 422},
				{"a name of the wrong type", wt, map[string]any{"name": 5}, 422},
				{"an email that is not one", wt, map[string]any{"email": "nope"}, 422},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := n.do("POST", "/api/v1/widget/"+tc.token+"/visitors", "", tc.body, "Origin", shopOrigin)
					if r.status != tc.want {
						t.Errorf("= %d %s, want %d", r.status, r.body, tc.want)
					}
				})
			}
			// A verified visitor is the known contact: a second visitor with
			// the same identity reads the first one's conversation.
			_, v1 := n.visitor(wt, map[string]any{"identifier": "cust-42", "identifier_hash": good, "name": "Carol"})
			c1 := n.widgetDo("POST", "messages", v1, map[string]any{"content": "from my phone"}).m(t)["conversation_id"]
			_, v2 := n.visitor(wt, map[string]any{"identifier": "cust-42", "identifier_hash": good})
			if p := n.widgetMessages(v2); p.ConversationID != c1 || len(p.Items) != 1 {
				t.Errorf("the same verified customer on another device reads %+v, want conversation %v", p, c1)
			}
			_, anon := n.visitor(wt, nil)
			if p := n.widgetMessages(anon); len(p.Items) != 0 {
				t.Errorf("an anonymous visitor reads %+v", p.Items)
			}
		})
		t.Run("bad bodies answer 4xx naming the field", func(t *testing.T) {
			_, tok := n.visitor(wt, nil)
			for _, tc := range []struct {
				method, path string
				body         any
				field        string
			}{
				{"POST", "messages", map[string]any{"content": ""}, "body.content"},
				{"POST", "messages", map[string]any{"content": 7}, "body.content"},
				{"POST", "messages", "[1,2]", "body"},
				{"POST", "messages", map[string]any{"content": "x", "attachment_ids": []string{"a"}}, "body.attachment_ids"},
				{"PATCH", "visitor", map[string]any{"email": "x@"}, "body.email"},
				{"GET", "messages?cursor=zzz", nil, "query.cursor"},
				{"GET", "messages?bogus=1", nil, "query.bogus"},
			} {
				r := n.widgetDo(tc.method, tc.path, tok, tc.body)
				if r.status != 422 || problemLocation(t, r) != tc.field {
					t.Errorf("%s %s %v = %d %s, want 422 naming %s", tc.method, tc.path, tc.body, r.status, r.body, tc.field)
				}
			}
			if p := n.widgetMessages(tok); len(p.Items) != 0 {
				t.Errorf("refused bodies stored messages: %+v", p.Items)
			}
			r := n.widgetDo("PATCH", "visitor", tok, map[string]any{"name": "Dana", "email": "Dana@Example.com"}).m(t)
			if r["name"] != "Dana" || r["email"] != "dana@example.com" {
				t.Errorf("PATCH visitor = %v", r)
			}
		})
		t.Run("rate limits per address and per visitor", func(t *testing.T) {
			_, tok := n.visitor(wt, nil)
			limited := false
			for i := 0; i < 40 && !limited; i++ {
				r := n.widgetDo("POST", "typing", tok, map[string]any{"state": "off"})
				limited = r.status == 429 && r.header.Get("Retry-After") != ""
			}
			if !limited {
				t.Errorf("40 calls at once by one visitor were never limited")
			}
			limited = false
			for i := 0; i < 40 && !limited; i++ {
				r := n.do("POST", "/api/v1/widget/"+wt+"/visitors", "", map[string]any{}, "Origin", shopOrigin)
				limited = r.status == 429
			}
			if !limited {
				t.Errorf("40 new visitors at once from one address were never limited")
			}
		})
	})
}
