package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/realtime/realtimetest"
)

const (
	wsID    = "ws-1"
	timeout = 5 * time.Second
)

// env is a hub behind a real HTTP server on 127.0.0.1, with a fake store.
type env struct {
	store  *realtimetest.Store
	broker broker.Broker
	hub    *realtime.Hub
	srv    *httptest.Server
	stop   func()
}

type option func(*realtime.Config)

func newEnv(t testing.TB, opts ...option) *env {
	t.Helper()
	return newEnvWith(t, realtimetest.NewStore(), broker.NewLocal(), opts...)
}

func newEnvWith(t testing.TB, store *realtimetest.Store, b broker.Broker, opts ...option) *env {
	t.Helper()
	cfg := realtime.Config{Store: store, Actors: store, Broker: b}
	for _, o := range opts {
		o(&cfg)
	}
	hub, err := realtime.New(cfg)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hub.Run(ctx) }()
	// The test's auth: httpapi resolves the actor from a session; here the
	// X-User header names the user.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := parley.Actor{UserID: r.Header.Get("X-User"), WorkspaceID: wsID}
		if err := hub.ServeWS(w, r, actor); err != nil {
			status := http.StatusInternalServerError
			switch parley.ErrorCode(err) {
			case parley.EINVALID:
				status = http.StatusBadRequest
			case parley.EFORBIDDEN:
				status = http.StatusForbidden
			case parley.EUNAUTHORIZED:
				status = http.StatusUnauthorized
			}
			http.Error(w, parley.ErrorMessage(err), status)
		}
	}))
	e := &env{store: store, broker: b, hub: hub, srv: srv}
	var stopped bool
	e.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(timeout):
			t.Errorf("Run() did not return after its context ended")
		}
	}
	t.Cleanup(func() {
		e.stop()
		srv.Close()
	})
	return e
}

func (e *env) member(id string, role parley.Role, teams ...string) {
	e.store.SetMember(parley.Actor{UserID: id, Name: "User " + id, WorkspaceID: wsID, Role: role, TeamIDs: teams})
}

// emit stores an event and announces it, as a committing transaction does.
func (e *env) emit(t *testing.T, ev parley.Event) parley.Event {
	t.Helper()
	if ev.WorkspaceID == "" {
		ev.WorkspaceID = wsID
	}
	ev = e.store.Append(ev)
	if err := e.broker.Publish(context.Background(), ev.WorkspaceID, ev.Seq); err != nil {
		t.Fatalf("Publish() = %v", err)
	}
	return ev
}

// element is one item of a server message.
type element struct {
	Seq         int64           `json:"seq"`
	Type        string          `json:"type"`
	WorkspaceID string          `json:"workspace_id"`
	Data        json.RawMessage `json:"data"`
}

// client is a real WebSocket client; a goroutine reads its messages.
type client struct {
	t      *testing.T
	c      *realtimetest.Client
	frames chan []element
	err    error // set before frames closes
}

func (e *env) dial(t *testing.T, user, query string) *client {
	t.Helper()
	return e.dialWith(t, user, query, nil, true)
}

func (e *env) dialWith(t *testing.T, user, query string, netDial func(context.Context, string, string) (net.Conn, error), read bool) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/realtime?workspace_id=" + wsID + query
	c, err := realtimetest.Dial(ctx, u, realtimetest.DialOptions{Header: http.Header{"X-User": {user}}, NetDial: netDial})
	if err != nil {
		t.Fatalf("Dial(%s) = %v (status %d)", u, err, realtimetest.HandshakeStatus(err))
	}
	cl := &client{t: t, c: c, frames: make(chan []element, 4096)}
	t.Cleanup(func() { _ = c.CloseNow() })
	if read {
		go cl.readAll()
	}
	return cl
}

// dialSlow dials a client with a small kernel buffer that does not read
// until its test calls readAll.
func (e *env) dialSlow(t *testing.T, user string) *client {
	t.Helper()
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	return e.dialWith(t, user, "", dialer.DialContext, false)
}

func (cl *client) readAll() {
	defer close(cl.frames)
	for {
		b, err := cl.c.Read(context.Background())
		if err != nil {
			cl.err = err
			return
		}
		var els []element
		if err := json.Unmarshal(b, &els); err != nil {
			cl.err = fmt.Errorf("message %s is not a JSON array: %w", b, err)
			return
		}
		cl.frames <- els
	}
}

// next returns the next message.
func (cl *client) next() []element {
	cl.t.Helper()
	select {
	case f, ok := <-cl.frames:
		if !ok {
			cl.t.Fatalf("socket closed: %v", cl.err)
		}
		return f
	case <-time.After(timeout):
		cl.t.Fatalf("no message within %v", timeout)
	}
	return nil
}

// hello checks the first message is exactly a hello and returns its seq.
func (cl *client) hello() int64 {
	cl.t.Helper()
	f := cl.next()
	if len(f) != 1 || f[0].Type != "hello" {
		cl.t.Fatalf("first message = %+v, want one hello", f)
	}
	return f[0].Seq
}

// until collects elements up to and including the first one matching stop.
func (cl *client) until(stop func(element) bool) []element {
	cl.t.Helper()
	var all []element
	for {
		for _, el := range cl.next() {
			all = append(all, el)
			if stop(el) {
				return all
			}
		}
	}
}

func seqIs(n int64) func(element) bool { return func(el element) bool { return el.Seq == n } }

// closed waits for the server to close the socket and returns its status.
func (cl *client) closed() ws.StatusCode {
	cl.t.Helper()
	for {
		select {
		case _, ok := <-cl.frames:
			if !ok {
				return realtimetest.CloseStatus(cl.err)
			}
		case <-time.After(timeout):
			cl.t.Fatalf("socket not closed within %v", timeout)
		}
	}
}

func (cl *client) send(v any) {
	cl.t.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := cl.c.Write(ctx, b); err != nil {
		cl.t.Fatalf("Write() = %v", err)
	}
}

func event(typ string, data string) parley.Event {
	return parley.Event{Type: typ, Data: json.RawMessage(data)}
}

func convEvent(typ, conv string, aud, prev *parley.Audience) parley.Event {
	return parley.Event{Type: typ, Data: json.RawMessage(`{"id":"` + conv + `"}`), ConversationID: conv, Audience: aud, PrevAudience: prev}
}

func seqs(els []element) []int64 {
	var s []int64
	for _, el := range els {
		s = append(s, el.Seq)
	}
	return s
}

func TestHub_ServeWS(t *testing.T) {
	t.Run("the first message is hello with the latest seq, then new events follow", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		for range 3 {
			e.emit(t, event("contact.updated", `{}`))
		}
		cl := e.dial(t, "u1", "")
		if got := cl.hello(); got != 3 {
			t.Errorf("hello seq = %d, want 3", got)
		}
		ev := e.emit(t, event("contact.updated", `{"id":"c9"}`))
		f := cl.next()
		if len(f) != 1 || f[0].Seq != 4 || f[0].Type != "contact.updated" || f[0].WorkspaceID != wsID || string(f[0].Data) != `{"id":"c9"}` {
			t.Errorf("message = %+v, want event %+v", f, ev)
		}
	})

	t.Run("a client that gives since gets what it missed, once and in order, then live events", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		for range 5 {
			e.emit(t, event("contact.updated", `{}`))
		}
		cl := e.dial(t, "u1", "&since=2")
		if got := cl.hello(); got != 5 {
			t.Errorf("hello seq = %d, want 5", got)
		}
		e.emit(t, event("contact.updated", `{}`))
		got := seqs(cl.until(seqIs(6)))
		if want := []int64{3, 4, 5, 6}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("seqs = %v, want %v", got, want)
		}
	})

	t.Run("a client further behind than the ring catches up from the store while events keep coming", func(t *testing.T) {
		e := newEnv(t, func(c *realtime.Config) { c.RingSize = 4 })
		e.member("u1", parley.RoleAgent)
		warm := e.dial(t, "u1", "") // a reader with a full ring
		warm.hello()
		for range 20 {
			e.emit(t, event("contact.updated", `{}`))
		}
		warm.until(seqIs(20))
		cl := e.dial(t, "u1", "&since=3")
		cl.hello()
		go func() {
			for range 20 {
				e.emit(t, event("contact.updated", `{}`))
			}
		}()
		got := seqs(cl.until(seqIs(40)))
		for i, s := range got {
			if s != int64(i+4) {
				t.Fatalf("seqs = %v, want 4…40 each once in order", got)
			}
		}
	})

	t.Run("a client older than the oldest stored event is told to resync", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		for range 10 {
			e.emit(t, event("contact.updated", `{}`))
		}
		e.store.Prune(wsID, 6)
		cl := e.dial(t, "u1", "&since=5")
		if got := cl.hello(); got != 10 {
			t.Errorf("hello seq = %d, want 10", got)
		}
		if f := cl.next(); len(f) != 1 || f[0].Type != "resync" {
			t.Errorf("second message = %+v, want resync", f)
		}
		e.emit(t, event("contact.updated", `{}`))
		if f := cl.next(); len(f) != 1 || f[0].Seq != 11 {
			t.Errorf("message after resync = %+v, want seq 11", f)
		}
	})

	t.Run("a client exactly at the oldest stored event resumes without resync", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		for range 10 {
			e.emit(t, event("contact.updated", `{}`))
		}
		e.store.Prune(wsID, 6)
		cl := e.dial(t, "u1", "&since=6")
		cl.hello()
		if got := seqs(cl.until(seqIs(10))); fmt.Sprint(got) != "[7 8 9 10]" {
			t.Errorf("seqs = %v, want [7 8 9 10]", got)
		}
	})

	t.Run("a client ahead of the store (a reset database) is told to resync", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		e.emit(t, event("contact.updated", `{}`))
		cl := e.dial(t, "u1", "&since=99")
		cl.hello()
		if f := cl.next(); len(f) != 1 || f[0].Type != "resync" {
			t.Errorf("second message = %+v, want resync", f)
		}
	})

	t.Run("events ready together travel in one message", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		cl := e.dial(t, "u1", "")
		cl.hello()
		for range 3 {
			e.store.Append(parley.Event{WorkspaceID: wsID, Type: "contact.updated", Data: json.RawMessage(`{}`)})
		}
		if err := e.broker.Publish(context.Background(), wsID, 3); err != nil {
			t.Fatal(err)
		}
		if f := cl.next(); fmt.Sprint(seqs(f)) != "[1 2 3]" {
			t.Errorf("message = %v, want seqs [1 2 3] in one message", seqs(f))
		}
	})

	t.Run("one read of the store serves every socket of the workspace", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		var cls []*client
		for range 5 {
			cl := e.dial(t, "u1", "")
			cl.hello()
			cls = append(cls, cl)
		}
		before := e.store.Reads(wsID)
		e.emit(t, event("contact.updated", `{}`))
		for _, cl := range cls {
			cl.until(seqIs(1))
		}
		if got := e.store.Reads(wsID) - before; got != 1 {
			t.Errorf("EventsAfter called %d times for one event and 5 sockets, want 1", got)
		}
	})

	t.Run("a resync notice from the broker makes the hub read what it was not told about", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		cl := e.dial(t, "u1", "")
		cl.hello()
		e.store.Append(parley.Event{WorkspaceID: wsID, Type: "contact.updated", Data: json.RawMessage(`{}`)})
		e.broker.(*broker.Local).Resync()
		if f := cl.next(); fmt.Sprint(seqs(f)) != "[1]" {
			t.Errorf("message = %+v, want seq 1", f)
		}
	})

	t.Run("a workspace the store has no seq for yet starts at 0", func(t *testing.T) {
		e := newEnv(t, func(c *realtime.Config) { c.Store = noCounter{c.Store} })
		e.member("u1", parley.RoleAgent)
		cl := e.dial(t, "u1", "")
		if got := cl.hello(); got != 0 {
			t.Errorf("hello seq = %d, want 0", got)
		}
		e.emit(t, event(parley.EventContactUpdated, `{}`))
		if f := cl.next(); len(f) != 1 || f[0].Seq != 1 {
			t.Errorf("message = %+v, want seq 1", f)
		}
	})

	t.Run("shutting the hub down closes sockets with going away", func(t *testing.T) {
		e := newEnv(t)
		e.member("u1", parley.RoleAgent)
		cl := e.dial(t, "u1", "")
		cl.hello()
		e.stop()
		if got := cl.closed(); got != ws.StatusGoingAway {
			t.Errorf("close status = %v, want %v", got, ws.StatusGoingAway)
		}
	})
}

func TestHub_ServeWS_refusals(t *testing.T) {
	e := newEnv(t)
	e.member("u1", parley.RoleAgent)
	tests := []struct {
		name  string
		actor parley.Actor
		query string
		want  string
		fail  error
	}{
		{"another workspace than the actor's is forbidden", parley.Actor{UserID: "u1", WorkspaceID: wsID}, "workspace_id=ws-2", parley.EFORBIDDEN, nil},
		{"a user who is not a member is forbidden", parley.Actor{UserID: "u2", WorkspaceID: wsID}, "", parley.EFORBIDDEN, nil},
		{"no actor is unauthorized", parley.Actor{}, "", parley.EUNAUTHORIZED, nil},
		{"a since that is not a number is invalid", parley.Actor{UserID: "u1", WorkspaceID: wsID}, "since=abc", parley.EINVALID, nil},
		{"a negative since is invalid", parley.Actor{UserID: "u1", WorkspaceID: wsID}, "since=-1", parley.EINVALID, nil},
		{"a store failure is internal", parley.Actor{UserID: "u1", WorkspaceID: wsID}, "", parley.EINTERNAL, errors.New("disk on fire")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fail != nil {
				e.store.FailWith(tt.fail)
				defer e.store.FailWith(nil)
			}
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/api/v1/realtime?"+tt.query, nil)
			err := e.hub.ServeWS(w, r, tt.actor)
			if got := parley.ErrorCode(err); got != tt.want {
				t.Errorf("ServeWS() = %v, want code %s", err, tt.want)
			}
			if w.Body.Len() != 0 {
				t.Errorf("ServeWS() wrote %q, want nothing before the upgrade", w.Body.String())
			}
		})
	}
}

func TestHub_ServeWS_origin(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.OriginPatterns = []string{"app.example.com"} })
	e.member("u1", parley.RoleAgent)
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/realtime"
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"https://evil.example", false},
		{"https://app.example.com", true},
		{e.srv.URL, true},
		{"", true}, // not a browser
	} {
		t.Run(fmt.Sprintf("origin %q allowed=%v", tt.origin, tt.ok), func(t *testing.T) {
			h := http.Header{"X-User": {"u1"}}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			c, err := realtimetest.Dial(ctx, u, realtimetest.DialOptions{Header: h})
			if tt.ok && err != nil {
				t.Fatalf("Dial() = %v, want success", err)
			}
			if !tt.ok {
				if err == nil {
					c.CloseNow()
					t.Fatal("Dial() succeeded, want refusal")
				}
				if got := realtimetest.HandshakeStatus(err); got != http.StatusForbidden {
					t.Errorf("Dial() = %v (status %d), want 403", err, got)
				}
				return
			}
			c.CloseNow()
		})
	}
}

func TestHub_filtering(t *testing.T) {
	t.Run("each user sees only the conversations they may see; those who lose access are told", func(t *testing.T) {
		e := newEnv(t)
		e.member("admin", parley.RoleAdmin)
		e.member("a1", parley.RoleAgent)
		e.member("a2", parley.RoleAgent)
		admin, a1, a2 := e.dial(t, "admin", ""), e.dial(t, "a1", ""), e.dial(t, "a2", "")
		admin.hello()
		a1.hello()
		a2.hello()

		onlyA1 := &parley.Audience{VisibleTo: []string{"a1"}}
		adminOnly := &parley.Audience{VisibleTo: []string{"admin"}}
		everyone := &parley.Audience{}
		e.emit(t, convEvent(parley.EventConversationUpdated, "c1", onlyA1, nil))                             // 1
		e.emit(t, convEvent(parley.EventConversationUpdated, "c1", adminOnly, onlyA1))                       // 2
		e.emit(t, convEvent(parley.EventConversationUpdated, "c1", everyone, adminOnly))                     // 3
		e.emit(t, event(parley.EventNotificationCreated, `{"user_id":"a2","text":"hi"}`))                    // 4
		e.emit(t, event(parley.EventContactUpdated, `{"id":"k1"}`))                                          // 5
		e.emit(t, convEvent(parley.EventMessageCreated, "c2", &parley.Audience{VisibleTo: []string{}}, nil)) // 6: nobody but admins

		type got struct{ seq, typ string }
		summary := func(els []element) string {
			var s []string
			for _, el := range els {
				s = append(s, fmt.Sprintf("%d:%s", el.Seq, el.Type))
			}
			return strings.Join(s, " ")
		}
		sentinel := e.emit(t, event("workspace.ping", `{}`)) // 7, everyone
		for _, tt := range []struct {
			name string
			cl   *client
			want string
		}{
			{"admin", admin, "1:conversation.updated 2:conversation.updated 3:conversation.updated 5:contact.updated 6:message.created 7:workspace.ping"},
			{"a1", a1, "1:conversation.updated 2:conversation.removed 3:conversation.updated 5:contact.updated 7:workspace.ping"},
			{"a2", a2, "3:conversation.updated 4:notification.created 5:contact.updated 7:workspace.ping"},
		} {
			els := tt.cl.until(seqIs(sentinel.Seq))
			if s := summary(els); s != tt.want {
				t.Errorf("%s got %s\nwant %s", tt.name, s, tt.want)
			}
			for _, el := range els {
				if el.Type == parley.EventConversationRemoved && string(el.Data) != `{"id":"c1"}` {
					t.Errorf("%s: conversation.removed data = %s, want {\"id\":\"c1\"}", tt.name, el.Data)
				}
			}
		}
	})

	t.Run("a member whose teams change is filtered by the new teams from the next event on", func(t *testing.T) {
		e := newEnv(t)
		e.store.SetSettings(wsID, parley.WorkspaceSettings{AgentScope: parley.ScopeTeams})
		e.member("a1", parley.RoleAgent, "sales")
		cl := e.dial(t, "a1", "")
		cl.hello()
		support := &parley.Audience{TeamID: "support"}
		e.emit(t, convEvent(parley.EventConversationUpdated, "c1", support, nil)) // 1: not visible
		e.member("a1", parley.RoleAgent, "support")
		e.emit(t, event("member.updated", `{"id":"a1"}`))                         // 2
		e.emit(t, convEvent(parley.EventConversationUpdated, "c1", support, nil)) // 3: visible now
		if got := seqs(cl.until(seqIs(3))); fmt.Sprint(got) != "[2 3]" {
			t.Errorf("seqs = %v, want [2 3]", got)
		}
	})

	t.Run("a user who is no longer a member is disconnected with a policy violation", func(t *testing.T) {
		e := newEnv(t)
		e.member("a1", parley.RoleAgent)
		e.member("a2", parley.RoleAgent)
		cl, other := e.dial(t, "a1", ""), e.dial(t, "a2", "")
		cl.hello()
		other.hello()
		e.store.RemoveMember(wsID, "a1")
		e.emit(t, event("member.removed", `{"user_id":"a1"}`))
		e.emit(t, event(parley.EventContactUpdated, `{}`))
		if got := cl.closed(); got != ws.StatusPolicyViolation {
			t.Errorf("close status = %v, want %v", got, ws.StatusPolicyViolation)
		}
		if got := seqs(other.until(seqIs(2))); fmt.Sprint(got) != "[1 2]" {
			t.Errorf("other member got %v, want [1 2]", got)
		}
	})
}

func TestHub_signals(t *testing.T) {
	setup := func(t *testing.T) (e *env, a, b, c *client) {
		e = newEnv(t, func(c *realtime.Config) { c.TypingTimeout = 150 * time.Millisecond })
		for _, u := range []string{"a", "b", "c"} {
			e.member(u, parley.RoleAgent)
		}
		e.store.SetAudience(wsID, "conv-1", parley.Audience{VisibleTo: []string{"a", "b"}})
		a, b, c = e.dial(t, "a", ""), e.dial(t, "b", ""), e.dial(t, "c", "")
		a.hello()
		b.hello()
		c.hello()
		return e, a, b, c
	}
	type data struct {
		ConversationID string `json:"conversation_id"`
		User           struct{ ID, Name string }
		State          string
	}
	expect := func(t *testing.T, cl *client, typ, state string) {
		t.Helper()
		f := cl.next()
		if len(f) != 1 || f[0].Type != typ {
			t.Fatalf("message = %+v, want one %s", f, typ)
		}
		var d data
		if err := json.Unmarshal(f[0].Data, &d); err != nil {
			t.Fatal(err)
		}
		if d.ConversationID != "conv-1" || d.User.ID != "a" || d.User.Name != "User a" || d.State != state {
			t.Errorf("%s data = %s, want conv-1, user a, %s", typ, f[0].Data, state)
		}
	}

	t.Run("typing reaches others who can see the conversation, not the typist, and expires", func(t *testing.T) {
		e, a, b, c := setup(t)
		a.send(map[string]string{"type": "typing", "conversation_id": "conv-1", "state": "on"})
		expect(t, b, "typing", "on")
		expect(t, b, "typing", "off") // not refreshed within TypingTimeout
		e.emit(t, event(parley.EventContactUpdated, `{}`))
		for name, cl := range map[string]*client{"a": a, "c": c} {
			if f := cl.next(); len(f) != 1 || f[0].Seq != 1 {
				t.Errorf("%s got %+v, want only the event", name, f)
			}
		}
	})

	t.Run("typing reaches the typist's other tabs, not the tab that types; viewing does not", func(t *testing.T) {
		e, a, b, _ := setup(t)
		a2 := e.dial(t, "a", "")
		a2.hello()
		a.send(map[string]string{"type": "typing", "conversation_id": "conv-1", "state": "on"})
		expect(t, b, "typing", "on")
		expect(t, a2, "typing", "on") // the web app says "You are typing…"
		a.send(map[string]string{"type": "viewing", "conversation_id": "conv-1", "state": "on"})
		expect(t, b, "viewing", "on")
		e.emit(t, event(parley.EventContactUpdated, `{}`))
		for name, cl := range map[string]*client{"a": a, "a2": a2} {
			if f := cl.next(); len(f) != 1 || f[0].Seq != 1 {
				t.Errorf("%s got %+v, want only the event (no echo, no own viewing)", name, f)
			}
		}
	})

	t.Run("typing off is relayed at once", func(t *testing.T) {
		_, a, b, _ := setup(t)
		a.send(map[string]string{"type": "typing", "conversation_id": "conv-1", "state": "on"})
		expect(t, b, "typing", "on")
		a.send(map[string]string{"type": "typing", "conversation_id": "conv-1", "state": "off"})
		expect(t, b, "typing", "off")
	})

	t.Run("viewing turns off when the viewer's socket closes", func(t *testing.T) {
		_, a, b, _ := setup(t)
		a.send(map[string]string{"type": "viewing", "conversation_id": "conv-1", "state": "on"})
		expect(t, b, "viewing", "on")
		a.c.Close(ws.StatusNormalClosure, "")
		expect(t, b, "viewing", "off")
	})

	t.Run("signals about a conversation the sender cannot see are dropped", func(t *testing.T) {
		e, _, b, c := setup(t)
		c.send(map[string]string{"type": "typing", "conversation_id": "conv-1", "state": "on"})
		c.send(map[string]string{"type": "typing", "conversation_id": "no-such", "state": "on"})
		e.emit(t, event(parley.EventContactUpdated, `{}`))
		if f := b.next(); len(f) != 1 || f[0].Seq != 1 {
			t.Errorf("b got %+v, want only the event", f)
		}
	})
}

func TestHub_slowClient(t *testing.T) {
	t.Run("a client that does not read is dropped and the others get everything", func(t *testing.T) {
		e := newEnv(t, func(c *realtime.Config) {
			c.RingSize = 8
			c.WriteTimeout = time.Second
		})
		e.member("u1", parley.RoleAgent)
		fast := e.dial(t, "u1", "")
		fast.hello()
		// The slow client never reads.
		slow := e.dialSlow(t, "u1")

		blob := `{"blob":"` + strings.Repeat("x", 64<<10) + `"}`
		const n = 200
		go func() {
			for range n {
				e.emit(t, event(parley.EventContactUpdated, blob))
			}
		}()
		got := fast.until(seqIs(n))
		if len(got) != n {
			t.Errorf("fast client got %d events, want %d", len(got), n)
		}
		// The drop itself cannot be awaited from outside: watch the count.
		deadline := time.Now().Add(timeout)
		for e.hub.Connections() != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("Connections() = %d, want the slow client dropped", e.hub.Connections())
			}
			time.Sleep(10 * time.Millisecond)
		}
		go slow.readAll()
		received := 0
		for {
			select {
			case f, ok := <-slow.frames:
				if !ok {
					if received >= n {
						t.Errorf("slow client received all %d events, want it dropped", n)
					}
					return
				}
				for _, el := range f {
					if el.Seq > 0 {
						received++
					}
				}
			case <-time.After(timeout):
				t.Fatalf("slow client still open after receiving %d events", received)
			}
		}
	})
}

// noCounter is a store whose LatestSeq says ENOTFOUND before the first
// event, as a store that creates its counter row lazily may.
type noCounter struct{ realtime.EventStore }

func (s noCounter) LatestSeq(ctx context.Context, workspaceID string) (int64, error) {
	n, err := s.EventStore.LatestSeq(ctx, workspaceID)
	if err == nil && n == 0 {
		return 0, parley.Errorf(parley.ENOTFOUND, "Workspace not found.")
	}
	return n, err
}

func TestHub_coalescesBusyWorkspaces(t *testing.T) {
	// Above CoalesceAbove sockets, commits within one window reach each
	// socket as one message.
	e := newEnv(t, func(c *realtime.Config) { c.CoalesceAbove = 1; c.CoalesceWindow = 200 * time.Millisecond })
	e.member("u1", parley.RoleAgent)
	e.member("u2", parley.RoleAgent)
	a, b := e.dial(t, "u1", ""), e.dial(t, "u2", "")
	a.hello()
	b.hello()
	for range 3 {
		e.emit(t, event("contact.updated", `{}`))
	}
	for _, cl := range []*client{a, b} {
		if f := cl.next(); len(f) != 3 {
			t.Errorf("first message after three quick commits has %d events, want 3 in one message", len(f))
		}
	}
}

func TestHub_replay(t *testing.T) {
	summary := func(els []element) string {
		var s []string
		for _, el := range els {
			s = append(s, fmt.Sprintf("%d:%s", el.Seq, el.Type))
		}
		return strings.Join(s, " ")
	}
	everyone, adminsOnly := &parley.Audience{}, &parley.Audience{VisibleTo: []string{}}
	history := func(t *testing.T, e *env) (sentinel int64) {
		e.emit(t, convEvent(parley.EventConversationCreated, "c1", everyone, nil)) // 1
		e.emit(t, convEvent(parley.EventMessageCreated, "c1", everyone, nil))      // 2
		notice := convEvent(parley.EventNotificationCreated, "c1", everyone, nil)
		notice.Data = json.RawMessage(`{"user_id":"y","conversation_id":"c1"}`)
		e.emit(t, notice)                                                                 // 3: y's, about c1
		e.emit(t, convEvent(parley.EventConversationCreated, "c2", everyone, nil))        // 4
		e.emit(t, convEvent(parley.EventMessageCreated, "c2", everyone, nil))             // 5
		e.emit(t, convEvent(parley.EventConversationUpdated, "c1", adminsOnly, everyone)) // 6: y loses c1
		e.emit(t, convEvent(parley.EventMessageCreated, "c1", adminsOnly, nil))           // 7
		e.emit(t, convEvent(parley.EventMessageCreated, "c2", everyone, nil))             // 8
		return e.emit(t, event(parley.EventContactUpdated, `{"id":"k1"}`)).Seq            // 9
	}
	// What y, who may no longer see c1, is replayed: c2 in full, c1 only
	// as removed (a client resuming with c1 on its screen must drop it).
	const wantY = "4:conversation.created 5:message.created 6:conversation.removed 8:message.created 9:contact.updated"
	const wantAdmin = "1:conversation.created 2:message.created 4:conversation.created 5:message.created 6:conversation.updated 7:message.created 8:message.created 9:contact.updated"
	for _, tt := range []struct {
		name string
		// live: a socket is open while the events happen, so that they
		// are replayed from the ring rather than from the store.
		live bool
	}{
		{"events replayed from the store are filtered by who may see the conversation now", false},
		{"events replayed from the ring are filtered by who may see the conversation now", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.member("admin", parley.RoleAdmin)
			e.member("y", parley.RoleAgent)
			var sentinel int64
			if tt.live {
				admin := e.dial(t, "admin", "")
				admin.hello()
				sentinel = history(t, e)
				admin.until(seqIs(sentinel))
			} else {
				sentinel = history(t, e)
			}
			y := e.dial(t, "y", "&since=0")
			if hello := y.hello(); hello != sentinel {
				t.Fatalf("hello seq = %d, want %d", hello, sentinel)
			}
			els := y.until(seqIs(sentinel))
			if s := summary(els); s != wantY {
				t.Errorf("y replayed %s\nwant %s", s, wantY)
			}
			for _, el := range els {
				if el.Seq == 6 && string(el.Data) != `{"id":"c1"}` {
					t.Errorf("conversation.removed data = %s, want only the id", el.Data)
				}
			}
			admin := e.dial(t, "admin", "&since=0")
			admin.hello()
			if s := summary(admin.until(seqIs(sentinel))); s != wantAdmin {
				t.Errorf("admin replayed %s\nwant %s (nothing filtered out)", s, wantAdmin)
			}
			// Live events after the replay are filtered as they were.
			last := e.emit(t, convEvent(parley.EventMessageCreated, "c2", everyone, nil))
			e.emit(t, convEvent(parley.EventMessageCreated, "c1", adminsOnly, nil))
			end := e.emit(t, event(parley.EventContactUpdated, `{"id":"k1"}`))
			if got := seqs(y.until(seqIs(end.Seq))); fmt.Sprint(got) != fmt.Sprint([]int64{last.Seq, end.Seq}) {
				t.Errorf("y got live %v, want [%d %d]", got, last.Seq, end.Seq)
			}
		})
	}

	t.Run("a long replay reads the audiences once per page and live events never", func(t *testing.T) {
		e := newEnv(t)
		e.member("admin", parley.RoleAdmin)
		e.member("y", parley.RoleAgent)
		admin := e.dial(t, "admin", "")
		admin.hello()
		const n = 600
		for i := range n {
			e.emit(t, convEvent(parley.EventMessageCreated, fmt.Sprintf("c%d", i%3), everyone, nil))
		}
		admin.until(seqIs(n))
		if got := e.store.AudienceReads(wsID); got != 0 {
			t.Fatalf("live events read audiences %d times, want 0", got)
		}
		y := e.dial(t, "y", "&since=0")
		y.hello()
		if got := len(y.until(seqIs(n))); got != n {
			t.Errorf("replayed %d events, want %d", got, n)
		}
		if got, most := e.store.AudienceReads(wsID), (n+255)/256; got == 0 || got > most {
			t.Errorf("ConversationAudiences called %d times for %d events, want 1 to %d", got, n, most)
		}
	})
}

// logBuffer collects a hub's log lines; the hub logs from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestHub_ServeWS_internalErrorsAreLogged(t *testing.T) {
	var logs logBuffer
	e := newEnv(t, func(c *realtime.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	e.member("u1", parley.RoleAgent)
	e.store.FailWith(errors.New("disk on fire"))
	r := httptest.NewRequest(http.MethodGet, "/api/v1/realtime", nil)
	err := e.hub.ServeWS(httptest.NewRecorder(), r, parley.Actor{UserID: "u1", WorkspaceID: wsID})
	if parley.ErrorCode(err) != parley.EINTERNAL || strings.Contains(parley.ErrorMessage(err), "disk") {
		t.Errorf("ServeWS() = %v, want EINTERNAL with a message that does not tell the cause", err)
	}
	for _, want := range []string{`msg="realtime load actor failed"`, `workspace_id=ws-1`, `user_id=u1`, `err="disk on fire"`} {
		if got := logs.String(); !strings.Contains(got, want) {
			t.Errorf("log = %q, want it to contain %s", got, want)
		}
	}
}
