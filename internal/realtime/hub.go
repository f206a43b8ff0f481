// Package realtime is the WebSocket hub: it pushes a workspace's events to
// the browsers of its members, each filtered by access.CanSeeConversation,
// and relays ephemeral typing and viewing signals between them.
//
// Events are data in the store. A broker notice ("something new at seq N")
// wakes ONE reader per workspace per node, which reads the new events once,
// encodes each once, and keeps the most recent in a shared ring. Each socket
// has only a cursor into that ring: a writer goroutine, started when there
// is something to send and gone when there is not, takes every event after
// its cursor, filters it for the socket's user and writes one JSON array per
// WebSocket message, so events ready together travel together. A socket that
// falls further behind than the ring (a burst) reads what it missed from
// the store at its own pace; one that does not take a message within
// WriteTimeout is dropped (it reconnects with since). Nobody waits for it.
//
// In a busy workspace (more than CoalesceAbove sockets) the sockets wake
// together once per CoalesceWindow, on one fan-out worker per core rather
// than a goroutine each. Sockets whose users receive the same events share
// one message, encoded once and compressed once (permessage-deflate, no
// context takeover, when the client offers it, as browsers do): about a
// twelfth of the bytes, sent as they are to every such socket.
//
// The wire protocol, server to client, one JSON array per message:
//
//	[{"type":"hello","seq":N}]          first message; every event after N follows
//	[{"type":"resync"}]                 since is older than the stored events: reload
//	[{"seq":N,"type":"…","workspace_id":"…","data":{…}}, …]
//	{"seq":N,"type":"conversation.removed","workspace_id":"…","data":{"id":"…"}}
//	{"type":"typing","data":{"conversation_id":"…","user":{"id":"…","name":"…"},"state":"on"}}
//
// Client to server: {"type":"typing"|"viewing","conversation_id":"…","state":"on"|"off"}.
package realtime

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	wsproto "github.com/gobwas/ws"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/id"
)

// EventStore is what the hub reads events and audiences from. Methods are
// called concurrently.
type EventStore interface {
	// LatestSeq returns the seq of the newest committed event of the
	// workspace, or 0 when it has none.
	LatestSeq(ctx context.Context, workspaceID string) (int64, error)
	// OldestSeq returns the seq of the oldest event still stored (older ones
	// were pruned), or 0 when none is stored.
	OldestSeq(ctx context.Context, workspaceID string) (int64, error)
	// EventsAfter returns at most limit committed events of the workspace
	// with seq > after, in seq order, with ConversationID, Audience and
	// PrevAudience filled. It must be gap-safe: it never returns an event
	// while an event with a lower seq may still commit.
	EventsAfter(ctx context.Context, workspaceID string, after int64, limit int) ([]parley.Event, error)
	// ConversationAudience returns who may see a conversation, for
	// typing/viewing signals about a conversation the hub has not seen in
	// an event yet. ENOTFOUND when the conversation does not exist.
	ConversationAudience(ctx context.Context, workspaceID, conversationID string) (parley.Audience, error)
	// ConversationAudiences returns who may see each of the conversations
	// now, by id, in one round trip, for filtering the events a client
	// missed while away. A conversation that does not exist (or no longer
	// does) is left out.
	ConversationAudiences(ctx context.Context, workspaceID string, conversationIDs []string) (map[string]parley.Audience, error)
}

// ActorLoader resolves a member of a workspace: when a socket opens, and
// again after member.updated, member.removed, member.deleted, team.updated
// and workspace.updated events. It returns ENOTFOUND (or EFORBIDDEN) when
// the user is not, or no longer, a member; the socket is then closed with
// a policy-violation status. The returned Actor has WorkspaceID set.
type ActorLoader interface {
	LoadActor(ctx context.Context, workspaceID, userID string) (parley.Actor, parley.WorkspaceSettings, error)
}

// Config configures a Hub. Store, Actors and Broker are required.
type Config struct {
	// Store is where events and audiences are read.
	Store EventStore
	// Actors resolves members when sockets open and after member changes.
	Actors ActorLoader
	// Broker carries seq notices and signals between nodes.
	Broker broker.Broker
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Clock paces the per-socket signal rate limit. Defaults to the system clock.
	Clock parley.Clock
	// OriginPatterns are the hosts, besides the request's own, that a
	// browser's Origin may name (path.Match patterns): the host of the
	// public URL when it differs from the Host header.
	OriginPatterns []string
	// RingSize is how many recent events each workspace keeps in memory; a
	// socket further behind reads from the store. Defaults to 1024.
	RingSize int
	// PingInterval is the keepalive period. Defaults to 30s.
	PingInterval time.Duration
	// WriteTimeout bounds one write and one ping; a socket that takes
	// longer is dropped (a slow client). Defaults to 10s.
	WriteTimeout time.Duration
	// TypingTimeout is how long typing "on" lasts without a refresh before
	// the hub announces "off". Defaults to 6s.
	TypingTimeout time.Duration
	// PollInterval re-reads each workspace this often even without a
	// notice, a backstop should a notice be lost while a broker is
	// unreachable. Defaults to 30s; negative disables it.
	PollInterval time.Duration
	// MaxMessageBytes bounds the events coalesced into one WebSocket
	// message (one event is always sent, whatever its size). Defaults to
	// 256 KiB.
	MaxMessageBytes int
	// CoalesceWindow is how long a workspace with a thousand sockets or
	// more gathers new events before waking its sockets, so each socket
	// gets one message per window instead of one per commit: with a
	// thousand agents, frames, not bytes, are what cost. Fewer sockets
	// (but more than CoalesceAbove) wait in proportion, so that the
	// writes a second stay about the same whatever the count and a
	// smaller team waits less. Defaults to 25ms; negative disables it.
	CoalesceWindow time.Duration
	// CoalesceAbove is the socket count above which CoalesceWindow
	// applies. Defaults to 32.
	CoalesceAbove int
	// Counts, when set, is pushed to each socket (a "counts" element)
	// after events reach it, at most once per CountsInterval (default 1s).
	Counts         CountsFunc
	CountsInterval time.Duration
}

// Hub serves WebSocket connections. Create it with New, run Run for its
// lifetime and route GET /api/v1/realtime to ServeWS.
type Hub struct {
	cfg Config
	log *slog.Logger

	// life bounds every connection and workspace reader. It is the hub's
	// lifetime, not a request's: connections outlive the HTTP handler.
	life context.Context
	stop context.CancelFunc

	mu         sync.Mutex
	closed     bool
	workspaces map[string]*workspace
	conns      map[*conn]struct{}
	wg         sync.WaitGroup
	counts     countsPacer
}

// New returns a Hub. It checks the configuration and fills defaults.
func New(cfg Config) (*Hub, error) {
	if cfg.Store == nil || cfg.Actors == nil || cfg.Broker == nil {
		return nil, parley.Errorf(parley.EINVALID, "The real-time hub needs a store, an actor loader and a broker.")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = parley.SystemClock{}
	}
	if cfg.RingSize <= 0 {
		cfg.RingSize = 1024
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.TypingTimeout <= 0 {
		cfg.TypingTimeout = 6 * time.Second
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 30 * time.Second
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 256 << 10
	}
	if cfg.CoalesceWindow == 0 {
		cfg.CoalesceWindow = 25 * time.Millisecond
	}
	if cfg.CoalesceAbove <= 0 {
		cfg.CoalesceAbove = 32
	}
	if cfg.CountsInterval <= 0 {
		cfg.CountsInterval = time.Second
	}
	life, stop := context.WithCancel(context.Background())
	return &Hub{
		cfg:        cfg,
		log:        cfg.Logger,
		life:       life,
		stop:       stop,
		workspaces: make(map[string]*workspace),
		conns:      make(map[*conn]struct{}),
	}, nil
}

// Run pings every connection periodically until ctx is done, then closes
// every connection with status 1001 (going away), stops the workspace
// readers and returns nil once they are gone.
func (h *Hub) Run(ctx context.Context) error {
	t := time.NewTicker(h.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.shutdown()
			return nil
		case <-t.C:
			for _, c := range h.snapshot() {
				go c.ping()
			}
		}
	}
}

func (h *Hub) snapshot() []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	cs := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		cs = append(cs, c)
	}
	return cs
}

func (h *Hub) shutdown() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	for _, c := range h.snapshot() {
		c.close(wsproto.StatusGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(h.cfg.WriteTimeout):
	}
	h.stop()
	<-done
}

// Connections returns how many sockets are open on this node.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// ServeWS upgrades an authenticated request to a WebSocket and serves it.
// The caller has resolved actor from the session or token. Query
// parameters: workspace_id (defaults to the actor's; another workspace is
// refused) and since, the last seq the client saw.
//
// Before the upgrade ServeWS writes nothing and returns a *parley.Error
// for the caller to answer (EINVALID, EUNAUTHORIZED, EFORBIDDEN,
// EINTERNAL). Once it has called upgrade it returns nil: a failed
// handshake has been answered (400 or 426), and a successful socket
// lives on in the hub after ServeWS returns (so the ResponseWriter must
// support http.Hijacker).
func (h *Hub) ServeWS(w http.ResponseWriter, r *http.Request, actor parley.Actor) error {
	q := r.URL.Query()
	wsID := q.Get("workspace_id")
	if wsID == "" {
		wsID = actor.WorkspaceID
	}
	if actor.UserID == "" || actor.WorkspaceID == "" {
		return parley.Errorf(parley.EUNAUTHORIZED, "You must sign in to receive updates.")
	}
	if wsID != actor.WorkspaceID {
		return parley.Errorf(parley.EFORBIDDEN, "You are not a member of this workspace.")
	}
	if v := q.Get("counts"); v != "" && v != "0" && v != "1" {
		return parley.FieldErrorf("counts", "Counts must be 1 (send the view counts) or 0.")
	}
	since, hasSince := int64(0), q.Has("since") && q.Get("since") != ""
	if hasSince {
		n, err := strconv.ParseInt(q.Get("since"), 10, 64)
		if err != nil || n < 0 {
			return parley.FieldErrorf("since", "Since must be a sequence number, 0 or more.")
		}
		since = n
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return parley.Errorf(parley.EINTERNAL, "The server is shutting down.")
	}
	a, settings, err := h.cfg.Actors.LoadActor(r.Context(), wsID, actor.UserID)
	if err != nil {
		if code := parley.ErrorCode(err); code == parley.ENOTFOUND || code == parley.EFORBIDDEN {
			return parley.Errorf(parley.EFORBIDDEN, "You are not a member of this workspace.")
		}
		// The caller only answers 500: what went wrong is told here.
		h.log.ErrorContext(r.Context(), "realtime load actor failed", "workspace_id", wsID, "user_id", actor.UserID, "err", err)
		return parley.Errorf(parley.EINTERNAL, "Real-time updates are unavailable; try again later.")
	}

	if !checkOrigin(r, h.cfg.OriginPatterns) {
		return parley.Errorf(parley.EFORBIDDEN, "This page's origin may not open a socket here.")
	}
	wire, err := upgrade(w, r, h.cfg.WriteTimeout)
	if err != nil {
		level := slog.LevelDebug // a bad handshake: the client's mistake, answered
		if errors.Is(err, wsproto.ErrNotHijacker) {
			level = slog.LevelError // a middleware hides the connection: ours
		}
		h.log.Log(r.Context(), level, "realtime accept failed", "workspace_id", wsID, "user_id", actor.UserID, "err", err)
		return nil
	}

	// Counts cost a query per socket and second: only sockets that show
	// them (the web app's) ask, with counts=1; bots and benches do not.
	c := &conn{h: h, w: wire, userID: a.UserID, socketID: id.New(), wantCounts: q.Get("counts") == "1"}
	c.ctx, c.cancel = context.WithCancel(h.life)
	c.view.Store(&viewer{actor: a, settings: settings})

	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		c.cancel()
		_ = wire.writeClose(wsproto.StatusGoingAway, "server shutting down", h.cfg.WriteTimeout)
		_ = wire.nc.Close()
		return nil
	}
	h.conns[c] = struct{}{}
	h.wg.Add(1)
	h.mu.Unlock()

	ws, err := h.join(r.Context(), wsID)
	if err != nil {
		h.log.ErrorContext(r.Context(), "realtime join failed", "workspace_id", wsID, "err", err)
		c.close(wsproto.StatusInternalServerError, "try again later")
		go c.readLoop()
		return nil
	}
	c.ws = ws
	ws.mu.Lock()
	hello, from := ws.headSeq, ws.from
	c.cursor, c.replayTo = hello, hello
	ws.conns[c] = struct{}{}
	ws.mu.Unlock()
	c.mu.Lock()
	c.ctrl = append(c.ctrl, helloMessage(hello))
	c.mu.Unlock()

	if hasSince && since != hello {
		resync := since > hello
		if since < hello && since < from {
			oldest, err := h.cfg.Store.OldestSeq(r.Context(), wsID)
			if err != nil {
				h.log.ErrorContext(r.Context(), "realtime oldest seq failed", "workspace_id", wsID, "err", err)
				c.close(wsproto.StatusInternalServerError, "try again later")
				go c.readLoop()
				return nil
			}
			resync = oldest == 0 || since+1 < oldest
		}
		if resync {
			c.mu.Lock()
			c.ctrl = append(c.ctrl, resyncMessage)
			c.mu.Unlock()
		} else {
			c.cursor = since
		}
	}
	c.start()
	go c.readLoop()
	return nil
}

// join returns the workspace's reader, starting it if this node has none,
// once it is subscribed to the broker and knows the latest seq.
func (h *Hub) join(ctx context.Context, wsID string) (*workspace, error) {
	h.mu.Lock()
	ws := h.workspaces[wsID]
	if ws == nil {
		ws = newWorkspace(h, wsID)
		h.workspaces[wsID] = ws
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			ws.run()
		}()
	}
	ws.refs++
	h.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, h.cfg.WriteTimeout)
	defer cancel()
	select {
	case <-ws.ready:
	case <-ctx.Done():
		h.release(ws)
		return nil, ctx.Err()
	}
	if ws.err != nil {
		h.release(ws)
		return nil, ws.err
	}
	return ws, nil
}

// release drops one reference to the workspace and stops its reader after
// the last.
func (h *Hub) release(ws *workspace) {
	h.mu.Lock()
	ws.refs--
	last := ws.refs == 0
	if last && h.workspaces[ws.id] == ws {
		delete(h.workspaces, ws.id)
	}
	h.mu.Unlock()
	if last {
		ws.cancel()
	}
}

// forget removes a workspace whose reader failed to start, so that the
// next socket starts a new one.
func (h *Hub) forget(ws *workspace) {
	h.mu.Lock()
	if h.workspaces[ws.id] == ws {
		delete(h.workspaces, ws.id)
	}
	h.mu.Unlock()
}
