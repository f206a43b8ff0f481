package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/realtime/realtimetest"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// wsClient is a WebSocket client of /api/v1/realtime.
type wsClient struct {
	t    *testing.T
	conn *realtimetest.Client
	ctx  context.Context
	// pending holds the rest of a message whose first events were taken:
	// one message carries several events when they were ready together.
	pending []frame
}

// frame is one server event or signal.
type frame struct {
	Seq  int64           `json:"seq"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

func (n *node) dial(t *testing.T, s session, token string, since string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	u := strings.Replace(n.base, "http", "ws", 1) + "/api/v1/realtime?workspace_id=" + s.workspace
	if since != "" {
		u += "&since=" + since
	}
	c, err := realtimetest.Dial(ctx, u, realtimetest.DialOptions{Header: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatalf("dial realtime: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, conn: c, ctx: ctx}
}

// next returns the next event or signal of the type, skipping others.
func (w *wsClient) next(typ string) frame {
	w.t.Helper()
	for {
		for len(w.pending) > 0 {
			f := w.pending[0]
			w.pending = w.pending[1:]
			if f.Type == typ {
				return f
			}
		}
		w.fill("waiting for " + typ)
	}
}

// fill reads the next message into pending.
func (w *wsClient) fill(doing string) {
	w.t.Helper()
	raw, err := w.conn.Read(w.ctx)
	if err != nil {
		w.t.Fatalf("%s: %v", doing, err)
	}
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &w.pending); err != nil {
			w.t.Fatalf("decode %s: %v", raw, err)
		}
	} else {
		var f frame
		json.Unmarshal(raw, &f)
		w.pending = []frame{f}
	}
}

func (w *wsClient) send(v any) {
	w.t.Helper()
	raw, _ := json.Marshal(v)
	if err := w.conn.Write(w.ctx, raw); err != nil {
		w.t.Fatalf("send: %v", err)
	}
}

// agent invites an agent, who accepts and is signed in.
func (n *node) agent(s session, email string) (token, id string) {
	n.t.Helper()
	return n.join(s, email, "password123", "agent")
}

func TestRealtime_EventsReachTheRightPeople(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		agentTok, _ := n.agent(s, "bo@example.com")
		admin := n.dial(t, s, s.token, "")
		agent := n.dial(t, s, agentTok, "")
		admin.next("hello")
		agent.next("hello")

		_, cid := n.inbound(s, "cust", "m1", "Hello from the customer")
		for _, w := range []*wsClient{admin, agent} {
			if f := w.next("message.created"); !strings.Contains(string(f.Data), "Hello from the customer") {
				t.Errorf("message.created data = %s", f.Data)
			}
		}
		// Typing from the agent reaches the admin with the agent's name.
		agent.send(map[string]string{"type": "typing", "conversation_id": cid, "state": "on"})
		if f := admin.next("typing"); !strings.Contains(string(f.Data), "bo@example.com") || !strings.Contains(string(f.Data), `"on"`) {
			t.Errorf("typing = %s", f.Data)
		}
		// Restricting the conversation to admins removes it from the agent's screen…
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"visible_to": []string{}})
		if f := agent.next("conversation.removed"); !strings.Contains(string(f.Data), cid) {
			t.Errorf("conversation.removed data = %s", f.Data)
		}
		// …and a message in it never reaches them; opening it again brings it back.
		n.inbound(s, "cust", "m2", "private matter")
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"visible_to": nil})
		f := agent.next("conversation.updated")
		if strings.Contains(string(f.Data), "private matter") == false && !strings.Contains(string(f.Data), cid) {
			t.Errorf("conversation.updated after reopening visibility = %s", f.Data)
		}
	})
}

func TestRealtime_ResumeAfterRestartMissesNothing(t *testing.T) {
	dir := t.TempDir()
	n := start(t, nodeOptions{dataDir: dir})
	s := n.bootstrap()
	w := n.dial(t, s, s.token, "")
	hello := w.next("hello")
	n.inbound(s, "c", "m1", "first")
	first := w.next("message.created")
	w.conn.CloseNow()
	// Messages committed while the client is away are delivered on resume.
	n.inbound(s, "c", "m2", "while away")
	w2 := n.dial(t, s, s.token, itoa(first.Seq))
	f := w2.next("message.created")
	if !strings.Contains(string(f.Data), "while away") || f.Seq <= first.Seq || hello.Seq >= first.Seq {
		t.Errorf("resumed with %s (seq %d after %d)", f.Data, f.Seq, first.Seq)
	}
}

func TestRealtime_TwoNodesShareEvents(t *testing.T) {
	if os.Getenv("PARLEY_TEST_POSTGRES_URL") == "" && os.Getenv("CI") != "true" {
		t.Skip("needs PostgreSQL (PARLEY_TEST_POSTGRES_URL)")
	}
	natsURL := os.Getenv("PARLEY_TEST_NATS_URL")
	if natsURL == "" {
		natsURL = "nats://127.0.0.1:4222"
	}
	db := storetest.Schema(t)
	a := start(t, nodeOptions{databaseURL: db, natsURL: natsURL})
	b := start(t, nodeOptions{databaseURL: db, natsURL: natsURL})
	s := a.bootstrap()
	onB := b.dial(t, s, s.token, "")
	onB.next("hello")
	a.inbound(s, "cust", "m1", "sent to node A")
	if f := onB.next("message.created"); !strings.Contains(string(f.Data), "sent to node A") {
		t.Errorf("node B got %s", f.Data)
	}
	// Typing on node A reaches a socket on node B.
	onA := a.dial(t, s, s.token, "")
	onA.next("hello")
	agentTok, _ := a.agent(s, "cy@example.com")
	agentOnB := b.dial(t, s, agentTok, "")
	agentOnB.next("hello")
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	a.must(200, "GET", s.ws("/conversations"), s.token, nil).json(t, &list)
	onA.send(map[string]string{"type": "typing", "conversation_id": list.Items[0].ID, "state": "on"})
	if f := agentOnB.next("typing"); !strings.Contains(string(f.Data), "Ada Admin") {
		t.Errorf("typing across nodes = %s", f.Data)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRealtime_UpgradeHeaderDoesNotSkipTheCrossSiteCheck(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		cookie := "parley_session=" + s.token
		upgrade := []string{"Cookie", cookie, "Origin", "http://evil.example", "Connection", "Upgrade", "Upgrade", "websocket",
			"Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}
		r := n.do("PATCH", "/api/v1/me", "", map[string]string{"name": "Mallory"}, upgrade...)
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site cookie PATCH /me with an Upgrade header = %d %s, want 403", r.status, r.body)
		}
		if me := n.must(200, "GET", "/api/v1/me", s.token, nil); strings.Contains(string(me.body), "Mallory") {
			t.Errorf("GET /me = %s after a refused cross-site write, want the name unchanged", me.body)
		}
		// The WebSocket route checks Origin itself.
		r = n.do("GET", "/api/v1/realtime?workspace_id="+s.workspace, "", nil, upgrade...)
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site cookie WebSocket handshake = %d %s, want 403", r.status, r.body)
		}
		// From the app's own origin the cookie opens a socket.
		req, _ := http.NewRequest("GET", n.base+"/api/v1/realtime?workspace_id="+s.workspace, nil)
		for i := 0; i+1 < len(upgrade); i += 2 {
			req.Header.Set(upgrade[i], upgrade[i+1])
		}
		req.Header.Set("Origin", n.base)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("same-origin handshake: %v", err)
		}
		resp.Body.Close() // the socket itself after a 101
		if resp.StatusCode != http.StatusSwitchingProtocols {
			t.Errorf("same-origin cookie WebSocket handshake = %d, want 101", resp.StatusCode)
		}
	})
}

// until returns every event and signal up to and including the first for
// which stop is true.
func (w *wsClient) until(stop func(frame) bool) []frame {
	w.t.Helper()
	var all []frame
	for {
		for len(w.pending) > 0 {
			f := w.pending[0]
			w.pending = w.pending[1:]
			all = append(all, f)
			if stop(f) {
				return all
			}
		}
		w.fill("replay")
	}
}

func TestRealtime_ReplayShowsOnlyWhatTheAgentMaySeeNow(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		yTok, _ := n.agent(s, "y@example.com")
		y := n.dial(t, s, yTok, "")
		y.next("hello")
		_, restricted := n.inbound(s, "cust-1", "m1", "hush-hush before")
		if f := y.next("message.created"); !strings.Contains(string(f.Data), "hush-hush before") {
			t.Fatalf("y's message.created = %s, want the first message", f.Data)
		}
		_, open := n.inbound(s, "cust-2", "m2", "open before")
		if f := y.next("message.created"); !strings.Contains(string(f.Data), "open before") {
			t.Fatalf("y's message.created = %s, want the second message", f.Data)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+restricted), s.token, map[string]any{"visible_to": []string{}})
		y.next("conversation.removed")
		n.inbound(s, "cust-1", "m3", "hush-hush after")
		n.inbound(s, "cust-2", "m4", "open after")
		y.conn.CloseNow()

		again := n.dial(t, s, yTok, "0")
		again.next("hello")
		replayed := again.until(func(f frame) bool {
			return f.Type == "message.created" && strings.Contains(string(f.Data), "open after")
		})
		var openSeen []string
		for _, f := range replayed {
			switch {
			case strings.Contains(string(f.Data), "hush-hush"):
				t.Errorf("replayed %s %d with the restricted conversation's content: %s", f.Type, f.Seq, f.Data)
			case f.Type == "conversation.removed":
				if string(f.Data) != `{"id":"`+restricted+`"}` {
					t.Errorf("conversation.removed data = %s, want only the restricted conversation's id", f.Data)
				}
			case strings.Contains(string(f.Data), restricted):
				t.Errorf("replayed %s %d about the restricted conversation: %s", f.Type, f.Seq, f.Data)
			case f.Type == "message.created" && strings.Contains(string(f.Data), open):
				openSeen = append(openSeen, f.Type)
			}
		}
		if len(openSeen) != 2 {
			t.Errorf("replayed %d message.created of the conversation y may still see, want 2 (%+v)", len(openSeen), replayed)
		}
		for _, path := range []string{"/conversations/" + restricted, "/conversations/" + restricted + "/messages"} {
			if r := n.do("GET", s.ws(path), yTok, nil); r.status != http.StatusNotFound {
				t.Errorf("GET %s as y = %d, want 404", path, r.status)
			}
		}
		if r := n.do("GET", s.ws("/conversations/"+open), yTok, nil); r.status != http.StatusOK {
			t.Errorf("GET the open conversation as y = %d, want 200", r.status)
		}
	})
}
