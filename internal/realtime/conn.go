package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	wsproto "github.com/gobwas/ws"

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
	w      *wire
	userID string
	// socketID names this socket in the signals it sends, so that typing
	// reaches the typist's other tabs ("You are typing…") but not this one.
	socketID string
	view     atomic.Pointer[viewer]
	// wantCounts is set when the client asked for live view counts.
	wantCounts bool
	// ctx is the socket's lifetime: cancelled when it closes.
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once

	// cursor is the last seq this socket has been given (or skipped). The
	// writer goroutine owns it; ServeWS sets it before the first one starts.
	cursor int64
	// replayTo is the last seq committed when the socket opened: the events
	// up to it that a resuming client is sent are a replay, filtered by
	// the conversations' audiences as they are now (see replayOf).
	replayTo int64

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
	go c.write(false)
}

// notify tells the conn there may be something to send. It never blocks.
func (c *conn) notify() {
	if c.claim() {
		go c.write(false)
	}
}

// wake is notify for a fan-out worker: the socket's writing starts on the
// worker's own goroutine, which it leaves only if the client cannot take
// a message at once.
func (c *conn) wake() {
	if c.claim() {
		c.write(true)
	}
}

// claim makes the caller the socket's writer, or marks it dirty for the
// writer there is.
func (c *conn) claim() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started || c.writing || c.ctx.Err() != nil {
		c.dirty = true
		return false
	}
	c.writing = true
	return true
}

func (c *conn) pushSignal(msg []byte) {
	c.mu.Lock()
	if len(c.signals) < maxQueuedSignals {
		c.signals = append(c.signals, msg)
	}
	c.mu.Unlock()
	c.notify()
}

// write sends whatever is pending until nothing is; only one runs at a
// time (the claimant). Inline, on a fan-out worker, it never waits for the
// client: a message the socket cannot take at once is finished, and the
// loop continued, on a goroutine of the socket's own.
func (c *conn) write(inline bool) {
	for {
		// Rare (hello, resync, a replay or a catch-up read from the store),
		// and not for a fan-out worker to wait on.
		if inline && (c.cursor < c.replayTo || c.behindRing()) {
			go c.write(false)
			return
		}
		c.mu.Lock()
		if inline && len(c.ctrl) > 0 {
			c.mu.Unlock()
			go c.write(false)
			return
		}
		c.dirty = false
		ctrl, sigs := c.ctrl, c.signals
		c.ctrl, c.signals = nil, nil
		c.mu.Unlock()

		for _, m := range ctrl {
			if !c.send(&frame{plain: m}) {
				return
			}
		}
		entries, more, reload, err := c.collect()
		var rp *replay
		if err == nil {
			rp, err = c.replayOf(entries)
		}
		if err != nil {
			if c.ctx.Err() == nil {
				c.h.log.Error("realtime catch up failed", "workspace_id", c.ws.id, "user_id", c.userID, "err", err)
				c.close(wsproto.StatusInternalServerError, "try again later")
			}
			return
		}
		if len(entries) > 0 {
			c.h.countsChanged(c)
		}
		if f := c.ws.frameFor(c.view.Load(), entries, sigs, rp); f != nil {
			if !inline {
				if !c.send(f) {
					return
				}
			} else if sent, ok := c.trySend(f); !ok {
				return
			} else if !sent {
				go c.finish(reload)
				return
			}
		}
		if reload && !c.reload() {
			return
		}
		if !c.more(more) {
			return
		}
	}
}

// behindRing reports whether the socket's next events are older than the
// shared ring, so that collect reads them from the store.
func (c *conn) behindRing() bool {
	c.ws.mu.RLock()
	defer c.ws.mu.RUnlock()
	return c.cursor < c.ws.from
}

// more ends the writer's turn unless there is more to send.
func (c *conn) more(more bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty && !more {
		c.writing = false
		return false
	}
	return true
}

// finish completes what trySend began, then goes on as the socket's writer.
func (c *conn) finish(reload bool) {
	if err := c.w.finish(c.h.cfg.WriteTimeout); err != nil {
		c.failed(err)
		return
	}
	if reload && !c.reload() {
		return
	}
	if c.more(true) {
		c.write(false)
	}
}

// send writes one message; false means the socket is gone. A client that
// does not take a message within WriteTimeout is dropped: it reconnects
// with since and nobody else waited for it.
func (c *conn) send(f *frame) bool {
	if c.ctx.Err() != nil {
		return false
	}
	if err := c.w.send(f, c.h.cfg.WriteTimeout); err != nil {
		c.failed(err)
		return false
	}
	return true
}

// trySend is send without waiting for the client: sent is false when the
// socket could not take it all at once and finish must write the rest.
func (c *conn) trySend(f *frame) (sent, ok bool) {
	if c.ctx.Err() != nil {
		return false, false
	}
	sent, err := c.w.trySend(f)
	if err != nil {
		c.failed(err)
		return false, false
	}
	return sent, true
}

func (c *conn) failed(err error) {
	if errors.Is(err, os.ErrDeadlineExceeded) && c.ctx.Err() == nil {
		c.h.log.Info("realtime socket too slow", "workspace_id", c.ws.id, "user_id", c.userID)
	}
	c.drop()
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

// replayOf returns how to filter the entries a resuming client missed
// (those up to replayTo), or nil when none is: the audiences of their
// conversations as they are now, read in one query. An event's own
// audience is who could see the conversation then; a client that comes
// back must not be shown what it may no longer see (REST answers 404),
// exactly as a live client was told conversation.removed.
func (c *conn) replayOf(entries []*entry) (*replay, error) {
	if len(entries) == 0 || entries[0].seq > c.replayTo {
		return nil, nil
	}
	var ids []string
	seen := make(map[string]bool)
	for _, e := range entries {
		if e.seq > c.replayTo {
			break
		}
		if e.convID != "" && !seen[e.convID] {
			seen[e.convID] = true
			ids = append(ids, e.convID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	now, err := c.h.cfg.Store.ConversationAudiences(c.ctx, c.ws.id, ids)
	if err != nil {
		return nil, fmt.Errorf("audiences of replayed conversations: %w", err)
	}
	return &replay{upTo: c.replayTo, now: now}, nil
}

// reload re-resolves the actor and settings; false means the socket closed.
func (c *conn) reload() bool {
	a, s, err := c.h.cfg.Actors.LoadActor(c.ctx, c.ws.id, c.userID)
	if err != nil {
		if code := parley.ErrorCode(err); code == parley.ENOTFOUND || code == parley.EFORBIDDEN {
			c.h.log.Info("realtime member gone", "workspace_id", c.ws.id, "user_id", c.userID)
			c.close(wsproto.StatusPolicyViolation, "no longer a member")
			return false
		}
		if c.ctx.Err() == nil {
			c.h.log.Error("realtime reload actor failed", "workspace_id", c.ws.id, "user_id", c.userID, "err", err)
			c.close(wsproto.StatusInternalServerError, "try again later")
		}
		return false
	}
	c.view.Store(&viewer{actor: a, settings: s})
	return true
}

// close starts the close handshake with a status, once, without blocking
// the caller. The read loop ends on the client's answer, or after
// closeWait without one, and closes the connection.
func (c *conn) close(code wsproto.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.cancel()
		c.h.wg.Add(1)
		go func() {
			defer c.h.wg.Done()
			if err := c.w.writeClose(code, reason, c.h.cfg.WriteTimeout); err != nil {
				_ = c.w.nc.Close()
				return
			}
			_ = c.w.nc.SetReadDeadline(time.Now().Add(closeWait))
		}()
	})
}

// drop closes the connection without a close frame: after a failed
// write the stream may end mid-frame.
func (c *conn) drop() {
	c.closeOnce.Do(c.cancel)
	_ = c.w.nc.Close()
}

// closeWait is how long a closing socket waits for the client's close
// frame before dropping the connection.
const closeWait = 5 * time.Second

// ping keeps the connection alive. A client that does not answer is
// dropped by the read loop's deadline.
func (c *conn) ping() {
	if err := c.w.write(wsproto.OpPing, nil, c.h.cfg.WriteTimeout); err != nil && !errors.Is(err, errClosing) && c.ctx.Err() == nil {
		c.failed(err)
	}
}

// clientMessage is what a client sends.
type clientMessage struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	State          string `json:"state"`
}

// readLoop reads client messages until the socket closes, then cleans up.
// Any frame, a pong included, shows the client is there; one silent for
// a ping interval and a write timeout is dropped.
func (c *conn) readLoop() {
	defer c.cleanup()
	idle := c.h.cfg.PingInterval + c.h.cfg.WriteTimeout
	alive := func() {
		if c.ctx.Err() == nil { // closing: close set the deadline
			_ = c.w.nc.SetReadDeadline(time.Now().Add(idle))
		}
	}
	for {
		data, err := c.w.readMessage(clientReadLimit, c.h.cfg.WriteTimeout, alive)
		if err != nil {
			var ce *closeError
			if errors.As(err, &ce) {
				c.fail(ce)
			}
			return
		}
		if c.ws == nil || c.ctx.Err() != nil {
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
		Socket:         c.socketID,
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

// fail ends a connection whose client broke the protocol (RFC 6455 §7.1.7):
// the close frame says why, then what the client still sends is read
// unparsed (the stream may be out of step) until it hangs up or closeWait
// passes, so that closing does not reset the connection before the client
// has read the reason.
func (c *conn) fail(ce *closeError) {
	c.closeOnce.Do(c.cancel)
	if err := c.w.writeClose(ce.code, ce.reason, c.h.cfg.WriteTimeout); err != nil {
		return
	}
	_ = c.w.nc.SetReadDeadline(time.Now().Add(closeWait))
	_, _ = io.Copy(io.Discard, c.w.r)
}

// cleanup runs once the read loop ends: the client closed, the handshake
// is over or the connection failed.
func (c *conn) cleanup() {
	c.closeOnce.Do(c.cancel) // nothing left to tell the client
	c.cancel()
	_ = c.w.nc.Close()
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
		c.h.forgetCounts(c)
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
