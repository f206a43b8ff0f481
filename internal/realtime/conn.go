package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
)

const (
	// clientReadLimit bounds a client message: signals are tiny.
	clientReadLimit = 1024
	// maxQueuedSignals bounds the signals waiting for one socket; more
	// are dropped (they are ephemeral and refreshed).
	maxQueuedSignals = 64
	// signalBurst and signalRate limit the signals one socket may send.
	signalBurst = 10
	signalRate  = 5 // per second
	// maxMessageEvents bounds the events coalesced into one message.
	maxMessageEvents = 512
)

var resyncMessage = []byte(`[{"type":"resync"}]`)

func helloMessage(seq int64) []byte {
	b := append([]byte(`[{"type":"hello","seq":`), strconv.FormatInt(seq, 10)...)
	return append(b, "}]"...)
}

// viewer is who a socket shows events to; replaced whole on reload.
type viewer struct {
	actor    parley.Actor
	settings parley.WorkspaceSettings
}

// conn is one socket. An idle conn has one goroutine, blocked reading; a
// writer goroutine exists only while there is something to send.
type conn struct {
	h      *Hub
	ws     *workspace
	wc     *websocket.Conn
	userID string
	view   atomic.Pointer[viewer]
	// ctx is the socket's lifetime: cancelled when it closes.
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once

	// cursor is the last seq this socket has been given (or skipped). The
	// writer goroutine owns it; ServeWS sets it before the first one starts.
	cursor int64

	mu      sync.Mutex
	started bool
	writing bool
	dirty   bool
	ctrl    [][]byte // whole messages, sent alone and first
	signals [][]byte // array elements, coalesced after events
	typing  map[string]*time.Timer
	viewing map[string]struct{}
	tokens  float64
	refill  time.Time
}

// start lets the writer run; notices before it only mark the conn dirty.
func (c *conn) start() {
	c.mu.Lock()
	c.started, c.writing = true, true
	c.mu.Unlock()
	go c.write()
}

// notify tells the conn there may be something to send. It never blocks.
func (c *conn) notify() {
	c.mu.Lock()
	if !c.started || c.writing || c.ctx.Err() != nil {
		c.dirty = true
		c.mu.Unlock()
		return
	}
	c.writing = true
	c.mu.Unlock()
	go c.write()
}

func (c *conn) pushSignal(msg []byte) {
	c.mu.Lock()
	if len(c.signals) < maxQueuedSignals {
		c.signals = append(c.signals, msg)
	}
	c.mu.Unlock()
	c.notify()
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write sends whatever is pending until nothing is; only one runs at a time.
func (c *conn) write() {
	for {
		c.mu.Lock()
		c.dirty = false
		ctrl, sigs := c.ctrl, c.signals
		c.ctrl, c.signals = nil, nil
		c.mu.Unlock()

		for _, m := range ctrl {
			if !c.send(m) {
				return
			}
		}
		entries, more, reload, err := c.collect()
		if err != nil {
			if c.ctx.Err() == nil {
				c.h.log.Error("realtime catch up failed", "workspace_id", c.ws.id, "user_id", c.userID, "err", err)
				c.close(websocket.StatusInternalError, "try again later")
			}
			return
		}
		if len(entries) > 0 || len(sigs) > 0 {
			buf := bufPool.Get().(*bytes.Buffer)
			buf.Reset()
			buf.WriteByte('[')
			v := c.view.Load()
			n := 0
			for _, e := range entries {
				if b := e.bytesFor(v); b != nil {
					if n > 0 {
						buf.WriteByte(',')
					}
					buf.Write(b)
					n++
				}
			}
			for _, s := range sigs {
				if n > 0 {
					buf.WriteByte(',')
				}
				buf.Write(s)
				n++
			}
			buf.WriteByte(']')
			ok := n == 0 || c.send(buf.Bytes())
			if buf.Cap() <= 1<<20 {
				bufPool.Put(buf)
			}
			if !ok {
				return
			}
		}
		if reload && !c.reload() {
			return
		}
		c.mu.Lock()
		if !c.dirty && !more {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

// send writes one message; false means the socket is gone. A client that
// does not take a message within WriteTimeout is dropped: it reconnects
// with since and nobody else waited for it.
func (c *conn) send(msg []byte) bool {
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteTimeout)
	defer cancel()
	if err := c.wc.Write(ctx, websocket.MessageText, msg); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && c.ctx.Err() == nil {
			c.h.log.Info("realtime socket too slow", "workspace_id", c.ws.id, "user_id", c.userID)
		}
		c.close(websocket.StatusGoingAway, "")
		return false
	}
	return true
}

// collect takes the events after the cursor: from the shared ring, or,
// when the cursor is older than the ring (a client resuming with since, or
// one that fell behind a burst), from the store. It stops after an event
// that makes this socket reload its actor, so that later events are
// filtered with the new one. more reports that there is more to take.
func (c *conn) collect() (entries []*entry, more, reload bool, err error) {
	ws := c.ws
	size := 0
	take := func(e *entry) (stop bool) {
		entries = append(entries, e)
		c.cursor = e.seq
		size += len(e.full)
		if e.reloads(c.userID) {
			reload = true
			return true
		}
		return size >= c.h.cfg.MaxMessageBytes || len(entries) >= maxMessageEvents
	}

	ws.mu.RLock()
	if c.cursor >= ws.from {
		defer ws.mu.RUnlock()
		i := ws.ring.after(c.cursor)
		for ; i < ws.ring.n; i++ {
			if take(ws.ring.at(i)) {
				i++
				break
			}
		}
		return entries, i < ws.ring.n, reload, nil
	}
	head := ws.headSeq
	ws.mu.RUnlock()

	evs, err := c.h.cfg.Store.EventsAfter(c.ctx, ws.id, c.cursor, maxReadBatch)
	if err != nil {
		return nil, false, false, err
	}
	if len(evs) == 0 {
		// Pruned since the socket opened: the client must reload.
		c.cursor = head
		c.mu.Lock()
		c.ctrl = append(c.ctrl, resyncMessage)
		c.mu.Unlock()
		return nil, true, false, nil
	}
	for i := range evs {
		if evs[i].Seq <= c.cursor {
			continue
		}
		e, err := newEntry(&evs[i])
		if err != nil {
			return nil, false, false, err
		}
		if take(e) {
			break
		}
	}
	return entries, true, reload, nil
}

// reload re-resolves the actor and settings; false means the socket closed.
func (c *conn) reload() bool {
	a, s, err := c.h.cfg.Actors.LoadActor(c.ctx, c.ws.id, c.userID)
	if err != nil {
		if code := parley.ErrorCode(err); code == parley.ENOTFOUND || code == parley.EFORBIDDEN {
			c.h.log.Info("realtime member gone", "workspace_id", c.ws.id, "user_id", c.userID)
			c.close(websocket.StatusPolicyViolation, "no longer a member")
			return false
		}
		if c.ctx.Err() == nil {
			c.h.log.Error("realtime reload actor failed", "workspace_id", c.ws.id, "user_id", c.userID, "err", err)
			c.close(websocket.StatusInternalError, "try again later")
		}
		return false
	}
	c.view.Store(&viewer{actor: a, settings: s})
	return true
}

// close closes the socket with a status, once, without blocking the caller
// (the close handshake waits for the peer).
func (c *conn) close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.h.wg.Add(1)
		go func() {
			defer c.h.wg.Done()
			_ = c.wc.Close(code, reason)
			c.cancel()
		}()
	})
}

func (c *conn) ping() {
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteTimeout)
	defer cancel()
	if err := c.wc.Ping(ctx); err != nil && c.ctx.Err() == nil {
		c.close(websocket.StatusGoingAway, "ping timeout")
	}
}

// clientMessage is what a client sends.
type clientMessage struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	State          string `json:"state"`
}

// readLoop reads client messages until the socket closes, then cleans up.
func (c *conn) readLoop() {
	defer c.cleanup()
	for {
		typ, data, err := c.wc.Read(c.ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText || c.ws == nil {
			continue
		}
		var m clientMessage
		if err := json.Unmarshal(data, &m); err != nil || !validSignal(m.Type, m.State) ||
			m.ConversationID == "" || len(m.ConversationID) > 100 {
			continue
		}
		if !c.allow() {
			continue
		}
		c.handleSignal(m)
	}
}

// allow is a token bucket: a client cannot flood the broker with signals.
func (c *conn) allow() bool {
	now := c.h.cfg.Clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refill.IsZero() {
		c.tokens = signalBurst
	} else {
		c.tokens = min(signalBurst, c.tokens+now.Sub(c.refill).Seconds()*signalRate)
	}
	c.refill = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

func (c *conn) handleSignal(m clientMessage) {
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteTimeout)
	defer cancel()
	aud, err := c.ws.audience(ctx, m.ConversationID)
	if err != nil {
		if !parley.IsNotFound(err) && c.ctx.Err() == nil {
			c.h.log.Warn("realtime conversation audience failed", "workspace_id", c.ws.id, "conversation_id", m.ConversationID, "err", err)
		}
		return
	}
	v := c.view.Load()
	if !access.CanSeeConversation(v.actor, v.settings, aud) {
		return
	}
	c.mu.Lock()
	switch {
	case m.Type == "typing" && m.State == "on":
		t := c.typing[m.ConversationID]
		if t == nil || !t.Reset(c.h.cfg.TypingTimeout) {
			if c.typing == nil {
				c.typing = make(map[string]*time.Timer)
			}
			conv := m.ConversationID
			var nt *time.Timer
			nt = time.AfterFunc(c.h.cfg.TypingTimeout, func() { c.expireTyping(conv, &nt) })
			c.typing[conv] = nt
		}
	case m.Type == "typing":
		if t := c.typing[m.ConversationID]; t != nil {
			t.Stop()
			delete(c.typing, m.ConversationID)
		}
	case m.State == "on":
		if c.viewing == nil {
			c.viewing = make(map[string]struct{})
		}
		c.viewing[m.ConversationID] = struct{}{}
	default:
		delete(c.viewing, m.ConversationID)
	}
	c.mu.Unlock()
	c.publish(ctx, m.Type, m.ConversationID, m.State, &aud)
}

// expireTyping announces "off" when typing was not refreshed in time. t
// is read under c.mu, which the code that set it held.
func (c *conn) expireTyping(conv string, t **time.Timer) {
	c.mu.Lock()
	if c.typing[conv] != *t {
		c.mu.Unlock()
		return
	}
	delete(c.typing, conv)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(c.h.life, c.h.cfg.WriteTimeout)
	defer cancel()
	c.publish(ctx, "typing", conv, "off", nil)
}

// publish sends a signal through the broker; aud nil takes it from the
// cache (it was learnt when the signal was first allowed).
func (c *conn) publish(ctx context.Context, typ, conv, state string, aud *parley.Audience) {
	if aud == nil {
		c.ws.mu.Lock()
		if a, ok := c.ws.audiences[conv]; ok {
			aud = &a
		}
		c.ws.mu.Unlock()
	}
	v := c.view.Load()
	sig := signal{
		Type:           typ,
		ConversationID: conv,
		User:           signalUser{ID: v.actor.UserID, Name: v.actor.Name},
		State:          state,
	}
	if aud != nil {
		sa := signalAudience(*aud)
		sig.Audience = &sa
	}
	payload, err := json.Marshal(sig)
	if err != nil {
		return
	}
	if err := c.h.cfg.Broker.PublishSignal(ctx, c.ws.id, payload); err != nil && ctx.Err() == nil {
		c.h.log.Warn("realtime publish signal failed", "workspace_id", c.ws.id, "err", err)
	}
}

// cleanup runs once the read loop ends: the socket is closed or closing.
func (c *conn) cleanup() {
	c.close(websocket.StatusNormalClosure, "")
	c.cancel()
	if ws := c.ws; ws != nil {
		c.mu.Lock()
		var off []string
		for conv, t := range c.typing {
			t.Stop()
			off = append(off, "typing", conv)
		}
		for conv := range c.viewing {
			off = append(off, "viewing", conv)
		}
		c.typing, c.viewing = nil, nil
		c.mu.Unlock()
		ws.leave(c)
		if len(off) > 0 {
			ctx, cancel := context.WithTimeout(c.h.life, c.h.cfg.WriteTimeout)
			for i := 0; i < len(off); i += 2 {
				c.publish(ctx, off[i], off[i+1], "off", nil)
			}
			cancel()
		}
	}
	c.h.mu.Lock()
	delete(c.h.conns, c)
	c.h.mu.Unlock()
	c.h.wg.Done()
}
