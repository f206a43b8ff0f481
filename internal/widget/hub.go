package widget

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/problem"
)

// Hub serves the visitors' sockets with the agents' machinery: events are
// rows, the broker says "new events up to seq N" (and carries typing), and
// ONE reader per workspace per node reads the new rows once and hands each
// visitor the replies in their own conversation. A visitor's socket costs
// a goroutine pair and a small queue; it never queries per event, except
// once to learn the conversation a new visitor's first message opened.
//
// Server to client, one JSON array per message, as on the agents' socket:
//
//	[{"type":"hello","seq":N}]
//	[{"seq":N,"type":"message.created"|"message.updated","data":{widget Message}}]
//	[{"type":"typing","data":{"state":"on"|"off","name":"…"}}]
//	[{"type":"read","data":{"conversation_id":"…","read_at":"RFC 3339"}}]
//
// The read frame says agents read the conversation: the visitor's messages
// up to read_at show "read".
//
// Client to server: {"type":"typing","state":"on"|"off"} and
// {"type":"read","status":"read"|"delivered"} (see Service.Seen).
type Hub struct {
	svc   *Service
	log   *slog.Logger
	mu    sync.Mutex
	rooms map[string]*room
	life  context.Context
	end   context.CancelFunc
}

// NewHub returns a hub; Close ends its sockets.
func NewHub(svc *Service) *Hub {
	life, end := context.WithCancel(context.Background())
	return &Hub{svc: svc, log: svc.Log, rooms: map[string]*room{}, life: life, end: end}
}

// Close ends every visitor socket and room.
func (h *Hub) Close() { h.end() }

// Connections returns how many visitor sockets are open on this node.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.rooms {
		r.mu.Lock()
		n += len(r.conns)
		r.mu.Unlock()
	}
	return n
}

// room is one workspace's visitor sockets on this node.
type room struct {
	h     *Hub
	ws    string
	sub   broker.Subscription
	mu    sync.Mutex
	seq   int64
	conns map[*vconn]struct{}
	poke  chan struct{}
	stop  context.CancelFunc
}

type vconn struct {
	v      *Visitor
	nc     net.Conn
	out    chan []byte
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	convs  map[string]bool
	cancel context.CancelFunc
}

func (c *vconn) knows(conv string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.convs[conv]
}

func (c *vconn) close() {
	c.once.Do(func() {
		close(c.done)
		c.cancel()
		_ = c.nc.Close()
	})
}

// push queues a message; a visitor too slow to take 64 is dropped (their
// widget reconnects with since).
func (c *vconn) push(b []byte) {
	select {
	case c.out <- b:
	case <-c.done:
	default:
		c.close()
	}
}

// Serve upgrades the request of an authenticated visitor whose origin was
// checked, replays what they missed after since and follows the room.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, v *Visitor, since int64) {
	rm, err := h.join(r.Context(), v.WorkspaceID)
	if err != nil {
		h.log.ErrorContext(r.Context(), "widget socket join", "workspace_id", v.WorkspaceID, "err", err)
		problem.Write(w, http.StatusServiceUnavailable, "The chat is not available right now; try again later.")
		return
	}
	nc, _, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		h.release(rm, nil)
		return
	}
	ctx, cancel := context.WithCancel(h.life)
	c := &vconn{v: v, nc: nc, out: make(chan []byte, 64), done: make(chan struct{}), convs: map[string]bool{}, cancel: cancel}
	if v.ContactID != "" {
		if conv, err := h.svc.Store.FindLatestWidgetConversation(ctx, v.ContactID, v.InboxID); err == nil {
			c.convs[conv.ID] = true
		}
	}
	rm.mu.Lock()
	head := rm.seq
	rm.conns[c] = struct{}{}
	rm.mu.Unlock()
	h.touch(ctx, v)
	c.out <- mustJSON([]any{map[string]any{"type": "hello", "seq": head}})
	if since > 0 && since < head {
		h.replay(ctx, rm, c, since, head)
	}
	go h.writeLoop(ctx, c)
	go func() {
		h.readLoop(ctx, c)
		c.close()
		h.release(rm, c)
		h.touch(context.WithoutCancel(ctx), v)
	}()
}

// touch records that the visitor is connected now. The socket does it on
// connect, with every ping (30 s) and on close, so that a visitor whose
// last_seen_at is older than a minute has left: replies to them may then
// go by email (conversation.Service.OfflineEmailCopy).
func (h *Hub) touch(ctx context.Context, v *Visitor) {
	if err := h.svc.Store.TouchVisitor(ctx, v.ID, h.svc.Clock.Now()); err != nil && ctx.Err() == nil {
		h.log.Warn("widget touch visitor", "visitor_id", v.ID, "err", err)
	}
}

// replay sends the visitor's events in (since, head].
func (h *Hub) replay(ctx context.Context, rm *room, c *vconn, since, head int64) {
	for since < head {
		evs, err := h.svc.Store.EventsAfter(ctx, rm.ws, since, 500)
		if err != nil || len(evs) == 0 {
			return
		}
		for i := range evs {
			if evs[i].Seq > head {
				return
			}
			if b := h.frameFor(ctx, c, &evs[i]); b != nil {
				c.push(b)
			}
			since = evs[i].Seq
		}
	}
}

func (h *Hub) writeLoop(ctx context.Context, c *vconn) {
	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		select {
		case b := <-c.out:
			_ = c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := wsutil.WriteServerText(c.nc, b); err != nil {
				c.close()
				return
			}
		case <-ping.C:
			_ = c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := wsutil.WriteServerMessage(c.nc, ws.OpPing, nil); err != nil {
				c.close()
				return
			}
			h.touch(ctx, c.v)
		case <-c.done:
			return
		case <-ctx.Done():
			c.close()
			return
		}
	}
}

// clientMessage is what a visitor's widget sends on its socket.
type clientMessage struct {
	Type   string `json:"type"`
	State  string `json:"state"`
	Status string `json:"status"`
}

func (h *Hub) readLoop(ctx context.Context, c *vconn) {
	last := time.Time{}
	seen := map[string]*seenGate{string(parley.DeliveryRead): {}, string(parley.DeliveryDelivered): {}}
	for {
		_ = c.nc.SetReadDeadline(time.Now().Add(90 * time.Second))
		data, op, err := wsutil.ReadClientData(c.nc)
		if err != nil {
			return
		}
		if op != ws.OpText || len(data) > 1024 {
			continue
		}
		var m clientMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if m.Type == "read" {
			if m.Status == "" {
				m.Status = string(parley.DeliveryRead)
			}
			if g := seen[m.Status]; g != nil {
				g.report(func() {
					if err := h.svc.Seen(ctx, c.v, m.Status); err != nil && ctx.Err() == nil {
						h.log.Warn("widget read", "visitor_id", c.v.ID, "err", err)
					}
				})
			}
			continue
		}
		if m.Type != "typing" || (m.State != "on" && m.State != "off") {
			continue
		}
		// Repeated "on"s are thinned to one in 2 s; an "off" always passes
		// and lets the next "on" through at once (a visitor who sends and
		// starts the next message within 2 s is typing again).
		now := time.Now()
		switch {
		case m.State == "off":
			last = time.Time{}
		case now.Sub(last) > 2*time.Second:
			last = now
		default:
			continue
		}
		if err := h.svc.Typing(ctx, c.v, m.State); err != nil && ctx.Err() == nil {
			h.log.Warn("widget typing", "visitor_id", c.v.ID, "err", err)
		}
	}
}

// join returns the workspace's room, subscribing it to the broker first.
func (h *Hub) join(ctx context.Context, wsID string) (*room, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rm, ok := h.rooms[wsID]; ok {
		return rm, nil
	}
	rctx, stop := context.WithCancel(h.life)
	rm := &room{h: h, ws: wsID, conns: map[*vconn]struct{}{}, poke: make(chan struct{}, 1), stop: stop}
	sub, err := h.svc.Broker.Subscribe(ctx, wsID, rm.onNotice)
	if err != nil {
		stop()
		return nil, err
	}
	seq, err := h.svc.Store.LatestSeq(ctx, wsID)
	if err != nil {
		stop()
		_ = sub.Unsubscribe()
		return nil, err
	}
	rm.sub, rm.seq = sub, seq
	h.rooms[wsID] = rm
	go rm.run(rctx)
	return rm, nil
}

// release forgets c, and the room once it is empty.
func (h *Hub) release(rm *room, c *vconn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rm.mu.Lock()
	delete(rm.conns, c)
	empty := len(rm.conns) == 0
	rm.mu.Unlock()
	if empty && h.rooms[rm.ws] == rm {
		delete(h.rooms, rm.ws)
		rm.stop()
		_ = rm.sub.Unsubscribe()
	}
}

func (rm *room) onNotice(n broker.Notice) {
	switch n.Kind {
	case broker.KindSignal:
		rm.signal(n.Payload)
	default:
		select {
		case rm.poke <- struct{}{}:
		default:
		}
	}
}

// run reads the new events of the workspace at each notice (and every 30 s,
// should a notice be lost) and hands them out.
func (rm *room) run(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-rm.poke:
		case <-t.C:
		}
		rm.readNew(ctx)
	}
}

func (rm *room) readNew(ctx context.Context) {
	for {
		rm.mu.Lock()
		after := rm.seq
		rm.mu.Unlock()
		evs, err := rm.h.svc.Store.EventsAfter(ctx, rm.ws, after, 500)
		if err != nil {
			if ctx.Err() == nil {
				rm.h.log.ErrorContext(ctx, "widget read events", "workspace_id", rm.ws, "err", err)
			}
			return
		}
		for i := range evs {
			rm.dispatch(ctx, &evs[i])
		}
		if len(evs) > 0 {
			rm.mu.Lock()
			rm.seq = evs[len(evs)-1].Seq
			rm.mu.Unlock()
		}
		if len(evs) < 500 {
			return
		}
	}
}

func (rm *room) connList() []*vconn {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	out := make([]*vconn, 0, len(rm.conns))
	for c := range rm.conns {
		out = append(out, c)
	}
	return out
}

func (rm *room) dispatch(ctx context.Context, ev *parley.Event) {
	if ev.Type != parley.EventMessageCreated && ev.Type != parley.EventMessageUpdated {
		return
	}
	for _, c := range rm.connList() {
		if b := rm.h.frameFor(ctx, c, ev); b != nil {
			c.push(b)
		}
	}
}

// frameFor returns the message event as visitor c may see it, or nil.
func (h *Hub) frameFor(ctx context.Context, c *vconn, ev *parley.Event) []byte {
	if ev.Type != parley.EventMessageCreated && ev.Type != parley.EventMessageUpdated {
		return nil
	}
	var m parley.Message
	if json.Unmarshal(ev.Data, &m) != nil || m.InboxID != c.v.InboxID {
		return nil
	}
	if !c.knows(m.ConversationID) && !h.learn(ctx, c, &m) {
		return nil
	}
	vm, ok := visible(&m)
	if !ok {
		return nil
	}
	h.svc.author(ctx, &m, &vm)
	return mustJSON([]any{map[string]any{"seq": ev.Seq, "type": ev.Type, "data": vm}})
}

// learn finds out whether a customer message in a conversation c does not
// know yet is c's own (their first message opened it).
func (h *Hub) learn(ctx context.Context, c *vconn, m *parley.Message) bool {
	if m.Direction != parley.DirectionIn || m.ConversationID == "" {
		return false
	}
	if c.v.ContactID == "" {
		cid, err := h.svc.contactID(ctx, c.v)
		if err != nil || cid == "" {
			return false
		}
		c.mu.Lock()
		c.v.ContactID = cid
		c.mu.Unlock()
	}
	conv, err := h.svc.Store.FindConversationByID(ctx, c.v.WorkspaceID, m.ConversationID)
	if err != nil || conv.ContactID != c.v.ContactID {
		return false
	}
	c.mu.Lock()
	c.convs[m.ConversationID] = true
	c.mu.Unlock()
	return true
}

// signal forwards agents' typing, and their reading, in a visitor's
// conversation to them.
func (rm *room) signal(payload []byte) {
	var rs readSignal
	if json.Unmarshal(payload, &rs) == nil && rs.Type == "read" {
		b := mustJSON([]any{map[string]any{"type": "read", "data": map[string]string{"conversation_id": rs.ConversationID, "read_at": rs.ReadAt}}})
		for _, c := range rm.connList() {
			if c.knows(rs.ConversationID) {
				c.push(b)
			}
		}
		return
	}
	var s visitorSignal
	if json.Unmarshal(payload, &s) != nil || s.Type != "typing" || strings.HasPrefix(s.User.ID, ContactUserPrefix) {
		return
	}
	if s.State != "on" && s.State != "off" {
		return
	}
	b := mustJSON([]any{map[string]any{"type": "typing", "data": map[string]string{"state": s.State, "name": s.User.Name}}})
	for _, c := range rm.connList() {
		if c.knows(s.ConversationID) {
			c.push(b)
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// seenGate runs a visitor's read (or delivered) reports at most once a
// second, each costing queries: one that comes sooner is not dropped but
// run at the end of that second, once however many came meanwhile.
type seenGate struct {
	mu      sync.Mutex
	last    time.Time
	pending bool
}

func (g *seenGate) report(run func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending {
		return
	}
	if wait := time.Second - time.Since(g.last); wait > 0 {
		g.pending = true
		time.AfterFunc(wait, func() {
			g.mu.Lock()
			g.pending, g.last = false, time.Now()
			g.mu.Unlock()
			run()
		})
		return
	}
	g.last = time.Now()
	go run()
}
