package realtime

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/broker"
)

const (
	// maxReadBatch bounds one EventsAfter call.
	maxReadBatch = 256
	// maxAudiences bounds the per-workspace cache of conversation audiences.
	maxAudiences = 4096
)

// workspace is the one reader of a workspace on this node and the sockets
// it feeds.
type workspace struct {
	h      *Hub
	id     string
	wake   chan struct{}
	ready  chan struct{} // closed once subscribed and headSeq is known
	err    error         // why it failed to start; set before ready closes
	ctx    context.Context
	cancel context.CancelFunc
	refs   int // guarded by h.mu

	// mu guards the ring and the maps; sockets read the ring under the
	// read lock, so a thousand writers do not queue behind each other.
	mu sync.RWMutex
	// ring holds the most recent events; every event with seq > from is
	// in it, up to headSeq, the last seq read.
	ring      ring
	from      int64
	headSeq   int64
	conns     map[*conn]struct{}
	audiences map[string]parley.Audience
	// fanoutPending is set while a coalesced wake-up is scheduled.
	fanoutPending bool

	frames frameCache
}

func newWorkspace(h *Hub, id string) *workspace {
	ws := &workspace{
		h:         h,
		id:        id,
		wake:      make(chan struct{}, 1),
		ready:     make(chan struct{}),
		ring:      ring{buf: make([]*entry, h.cfg.RingSize)},
		conns:     make(map[*conn]struct{}),
		audiences: make(map[string]parley.Audience),
		frames:    frameCache{m: make(map[string]*frame)},
	}
	ws.ctx, ws.cancel = context.WithCancel(h.life)
	return ws
}

// run subscribes, learns the latest seq, then reads new events whenever a
// notice (or the poll backstop) says there may be some, until cancelled.
func (ws *workspace) run() {
	ctx, log := ws.ctx, ws.h.log
	sub, err := ws.h.cfg.Broker.Subscribe(ctx, ws.id, ws.onNotice)
	if err != nil {
		ws.fail(err)
		return
	}
	defer func() { _ = sub.Unsubscribe() }()
	latest, err := ws.h.cfg.Store.LatestSeq(ctx, ws.id)
	if parley.IsNotFound(err) { // a workspace without events yet
		latest, err = 0, nil
	}
	if err != nil {
		ws.fail(err)
		return
	}
	ws.mu.Lock()
	ws.from, ws.headSeq = latest, latest
	ws.mu.Unlock()
	close(ws.ready)

	var poll <-chan time.Time
	if ws.h.cfg.PollInterval > 0 {
		t := time.NewTicker(ws.h.cfg.PollInterval)
		defer t.Stop()
		poll = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ws.wake:
		case <-poll:
		}
		if err := ws.readNew(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.WarnContext(ctx, "realtime read events failed", "workspace_id", ws.id, "err", err)
			time.AfterFunc(time.Second, ws.poke)
		}
	}
}

func (ws *workspace) fail(err error) {
	ws.err = err
	close(ws.ready)
	ws.h.forget(ws)
}

func (ws *workspace) poke() {
	select {
	case ws.wake <- struct{}{}:
	default:
	}
}

// onNotice is the broker handler: it must not block.
func (ws *workspace) onNotice(n broker.Notice) {
	switch n.Kind {
	case broker.KindSeq:
		ws.mu.Lock()
		stale := n.Seq <= ws.headSeq
		ws.mu.Unlock()
		if !stale {
			ws.poke()
		}
	case broker.KindResync:
		ws.poke()
	case broker.KindSignal:
		ws.fanoutSignal(n.Payload)
	}
}

// readNew reads every event after headSeq into the ring and wakes the
// sockets.
func (ws *workspace) readNew(ctx context.Context) error {
	batch := min(maxReadBatch, max(1, ws.h.cfg.RingSize/2))
	for {
		ws.mu.Lock()
		after := ws.headSeq
		ws.mu.Unlock()
		evs, err := ws.h.cfg.Store.EventsAfter(ctx, ws.id, after, batch)
		if err != nil {
			return err
		}
		entries := make([]*entry, 0, len(evs))
		for i := range evs {
			if evs[i].Seq <= after {
				continue
			}
			e, err := newEntry(&evs[i])
			if err != nil {
				ws.h.log.ErrorContext(ctx, "realtime encode event failed", "workspace_id", ws.id, "seq", evs[i].Seq, "err", err)
				continue
			}
			after = e.seq
			entries = append(entries, e)
		}
		if len(entries) > 0 {
			ws.mu.Lock()
			for _, e := range entries {
				if old := ws.ring.push(e); old != nil {
					ws.from = old.seq
				}
				if e.convID != "" {
					ws.learnAudience(e.convID, e.aud, true)
				}
			}
			ws.headSeq = after
			ws.mu.Unlock()
			ws.fanout()
		}
		if len(evs) < batch {
			return nil
		}
	}
}

// fanout wakes the sockets: at once in a quiet workspace, after the
// coalescing window in a busy one (one wake-up per window however many
// commits it saw).
func (ws *workspace) fanout() {
	cfg := ws.h.cfg
	ws.mu.Lock()
	if cfg.CoalesceWindow > 0 && len(ws.conns) > cfg.CoalesceAbove {
		if !ws.fanoutPending {
			ws.fanoutPending = true
			time.AfterFunc(coalesceWindow(cfg.CoalesceWindow, len(ws.conns)), func() {
				ws.mu.Lock()
				ws.fanoutPending = false
				conns := ws.connList()
				ws.mu.Unlock()
				wakeAll(conns)
			})
		}
		ws.mu.Unlock()
		return
	}
	conns := ws.connList()
	ws.mu.Unlock()
	for _, c := range conns {
		c.notify()
	}
}

// coalesceWindow is how long a workspace with n sockets gathers events:
// max for a thousand sockets and more, in proportion below, at least a
// millisecond.
func coalesceWindow(max time.Duration, n int) time.Duration {
	const full = 1000
	if n >= full {
		return max
	}
	return min(max, time.Duration(int64(max)*int64(n)/full)+time.Millisecond)
}

// wakeAll wakes many sockets from one worker per core. A goroutine per
// socket would put a thousand goroutines in the run queue at once, ahead
// of the requests whose events they carry (the scheduler's latency went
// to a millisecond and more, and inbound p99 with it). A worker writes
// only what a socket takes at once and yields between sockets; a socket
// that cannot keep up goes on on its own goroutine.
func wakeAll(conns []*conn) {
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(conns) {
					return
				}
				conns[i].wake()
				if i%yieldEvery == yieldEvery-1 {
					runtime.Gosched()
				}
			}
		}()
	}
}

// yieldEvery is how many sockets a fan-out worker serves between yields.
const yieldEvery = 16

// connList returns the sockets; ws.mu must be held.
func (ws *workspace) connList() []*conn {
	cs := make([]*conn, 0, len(ws.conns))
	for c := range ws.conns {
		cs = append(cs, c)
	}
	return cs
}

func (ws *workspace) leave(c *conn) {
	ws.mu.Lock()
	delete(ws.conns, c)
	ws.mu.Unlock()
	ws.h.release(ws)
}

// learnAudience caches a conversation's audience; ws.mu must be held.
// Events overwrite (they are read in order); a store lookup only fills a
// gap, so a slow lookup cannot overwrite a newer audience from an event.
func (ws *workspace) learnAudience(convID string, aud parley.Audience, overwrite bool) {
	if _, ok := ws.audiences[convID]; ok && !overwrite {
		return
	}
	if len(ws.audiences) >= maxAudiences {
		for k := range ws.audiences { // evict an arbitrary entry
			delete(ws.audiences, k)
			break
		}
	}
	ws.audiences[convID] = aud
}

// audience returns a conversation's audience from the cache or the store.
func (ws *workspace) audience(ctx context.Context, convID string) (parley.Audience, error) {
	ws.mu.Lock()
	aud, ok := ws.audiences[convID]
	ws.mu.Unlock()
	if ok {
		return aud, nil
	}
	aud, err := ws.h.cfg.Store.ConversationAudience(ctx, ws.id, convID)
	if err != nil {
		return parley.Audience{}, err
	}
	ws.mu.Lock()
	ws.learnAudience(convID, aud, false)
	aud = ws.audiences[convID]
	ws.mu.Unlock()
	return aud, nil
}

// signal is a typing or viewing signal as it travels through the broker.
// Audience lets nodes that have not seen the conversation filter without a
// query.
type signal struct {
	Type           string          `json:"type"`
	ConversationID string          `json:"conversation_id"`
	User           signalUser      `json:"user"`
	State          string          `json:"state"`
	Audience       *signalAudience `json:"audience,omitempty"`
}

// signalAudience is parley.Audience with VisibleTo always encoded, so that
// an empty list (admins only) does not arrive as nil (everyone).
type signalAudience struct {
	TeamID      string   `json:"team_id"`
	AssigneeIDs []string `json:"assignee_ids"`
	VisibleTo   []string `json:"visible_to"`
}

type signalUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type signalData struct {
	ConversationID string     `json:"conversation_id"`
	User           signalUser `json:"user"`
	State          string     `json:"state"`
}

type signalMessage struct {
	Type string     `json:"type"`
	Data signalData `json:"data"`
}

// fanoutSignal queues a signal for every other user on this node who can
// see its conversation.
func (ws *workspace) fanoutSignal(payload []byte) {
	var s signal
	if err := json.Unmarshal(payload, &s); err == nil && s.Type == "read" {
		return // for web-chat visitors' sockets (internal/widget), not agents
	}
	if err := json.Unmarshal(payload, &s); err != nil || !validSignal(s.Type, s.State) || s.ConversationID == "" {
		ws.h.log.Warn("realtime bad signal", "workspace_id", ws.id)
		return
	}
	msg, err := json.Marshal(signalMessage{Type: s.Type, Data: signalData{ConversationID: s.ConversationID, User: s.User, State: s.State}})
	if err != nil {
		return
	}
	ws.mu.Lock()
	aud, ok := ws.audiences[s.ConversationID]
	if !ok && s.Audience != nil {
		aud, ok = parley.Audience(*s.Audience), true
		ws.learnAudience(s.ConversationID, aud, false)
	}
	conns := ws.connList()
	ws.mu.Unlock()
	if !ok {
		return
	}
	for _, c := range conns {
		v := c.view.Load()
		if v.actor.UserID == s.User.ID || !access.CanSeeConversation(v.actor, v.settings, aud) {
			continue
		}
		c.pushSignal(msg)
	}
}

func validSignal(typ, state string) bool {
	return (typ == "typing" || typ == "viewing") && (state == "on" || state == "off")
}

// ring is a fixed-size circular buffer of entries in seq order.
type ring struct {
	buf      []*entry
	start, n int
}

// push appends e and returns the entry it evicted, if any.
func (r *ring) push(e *entry) *entry {
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = e
		r.n++
		return nil
	}
	old := r.buf[r.start]
	r.buf[r.start] = e
	r.start = (r.start + 1) % len(r.buf)
	return old
}

func (r *ring) at(i int) *entry { return r.buf[(r.start+i)%len(r.buf)] }

// after returns the index of the first entry with seq > seq.
func (r *ring) after(seq int64) int {
	return sort.Search(r.n, func(i int) bool { return r.at(i).seq > seq })
}

// entry is an event as the hub fans it out: encoded once, with what
// filtering needs.
type entry struct {
	seq     int64
	typ     string
	full    []byte // the event, as sent to those who can see it
	removed []byte // conversation.removed, for those who could see it before; nil without PrevAudience
	convID  string
	aud     parley.Audience
	prev    *parley.Audience
	// userID is the only recipient of a notification.created event.
	userID string
	// members, when not nil, are the only recipients (internal chats).
	members []string
	// reload: members' actors must be re-resolved after this event; all
	// of them, or only reloadUser's when set.
	reload     bool
	reloadUser string
}

// reloadTypes are the event types after which sockets re-resolve their
// actor (role, teams) and the workspace settings.
var reloadTypes = map[string]bool{
	"member.updated":    true,
	"member.removed":    true,
	"member.deleted":    true,
	"team.updated":      true,
	"workspace.updated": true,
}

func newEntry(ev *parley.Event) (*entry, error) {
	full, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	e := &entry{seq: ev.Seq, typ: ev.Type, full: full, convID: ev.ConversationID}
	if ev.Audience != nil {
		e.aud = *ev.Audience
	}
	if ev.ConversationID != "" && ev.PrevAudience != nil {
		prev := *ev.PrevAudience
		e.prev = &prev
		e.removed, err = json.Marshal(parley.Event{
			Seq:         ev.Seq,
			Type:        parley.EventConversationRemoved,
			WorkspaceID: ev.WorkspaceID,
			Data: mustJSON(struct {
				ID string `json:"id"`
			}{ev.ConversationID}),
		})
		if err != nil {
			return nil, err
		}
	}
	switch {
	case ev.Type == parley.EventNotificationCreated:
		var d struct {
			UserID string `json:"user_id"`
		}
		_ = json.Unmarshal(ev.Data, &d)
		e.userID = d.UserID
	case strings.HasPrefix(ev.Type, "internal_chat."):
		var d struct {
			MemberIDs []string `json:"member_ids"`
		}
		_ = json.Unmarshal(ev.Data, &d)
		e.members = append([]string{}, d.MemberIDs...)
	case reloadTypes[ev.Type]:
		e.reload = true
		if ev.Type == "member.updated" || ev.Type == "member.removed" || ev.Type == "member.deleted" {
			var d struct {
				ID     string `json:"id"`
				UserID string `json:"user_id"`
			}
			_ = json.Unmarshal(ev.Data, &d)
			e.reloadUser = cmp.Or(d.UserID, d.ID)
		}
	}
	return e, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// reloads reports whether this event makes userID's sockets reload.
func (e *entry) reloads(userID string) bool {
	return e.reload && (e.reloadUser == "" || e.reloadUser == userID)
}

// showing is which form of an event a viewer receives.
type showing uint8

const (
	hidden       showing = iota
	shownFull            // the event
	shownRemoved         // conversation.removed: the viewer just lost access
)

// showingFor says what the viewer receives for the event.
func (e *entry) showingFor(v *viewer) showing {
	if e.members != nil {
		if slices.Contains(e.members, v.actor.UserID) {
			return shownFull
		}
		return hidden
	}
	if e.typ == parley.EventNotificationCreated {
		if e.userID == "" || e.userID != v.actor.UserID {
			return hidden
		}
		if e.convID == "" || access.CanSeeConversation(v.actor, v.settings, e.aud) {
			return shownFull
		}
		return hidden
	}
	if e.convID == "" || access.CanSeeConversation(v.actor, v.settings, e.aud) {
		return shownFull
	}
	if e.prev != nil && access.CanSeeConversation(v.actor, v.settings, *e.prev) {
		return shownRemoved
	}
	return hidden
}

// replay is what filtering the events a resuming client missed needs:
// the events up to upTo are replayed, and now holds the current audience
// of their conversations (a conversation missing from it is gone).
type replay struct {
	upTo int64
	now  map[string]parley.Audience
}

// showingNow is showingFor for a replayed event: the event is shown only
// if the viewer may see its conversation now as well. conversation.removed
// is kept: a client resuming with the conversation on its screen must
// drop it, as a live one did.
func (e *entry) showingNow(v *viewer, rp *replay) showing {
	s := e.showingFor(v)
	if rp == nil || e.seq > rp.upTo || e.convID == "" || s != shownFull {
		return s
	}
	if now, ok := rp.now[e.convID]; ok && access.CanSeeConversation(v.actor, v.settings, now) {
		return shownFull
	}
	return hidden
}

func (e *entry) bytes(s showing) []byte {
	if s == shownRemoved {
		return e.removed
	}
	return e.full
}

// frameFor returns the message a socket sends for entries and signals, or
// nil when none of them is for its viewer; rp, when not nil, filters the
// replayed entries. The sockets of a busy workspace wake together at the
// same cursor, so those whose viewers receive the same events share one
// frame, encoded and compressed once (the key is the events and the form
// each is shown in, so a replay shares only what is the same). Signals
// are per socket: a frame with them is the socket's own.
func (ws *workspace) frameFor(v *viewer, entries []*entry, sigs [][]byte, rp *replay) *frame {
	var key []byte
	shown := make([]showing, len(entries))
	for i, e := range entries {
		if shown[i] = e.showingNow(v, rp); shown[i] != hidden {
			key = binary.AppendVarint(key, e.seq)
			key = append(key, byte(shown[i]))
		}
	}
	if len(key) == 0 && len(sigs) == 0 {
		return nil
	}
	build := func() []byte {
		var buf bytes.Buffer
		buf.WriteByte('[')
		for i, e := range entries {
			if shown[i] != hidden {
				if buf.Len() > 1 {
					buf.WriteByte(',')
				}
				buf.Write(e.bytes(shown[i]))
			}
		}
		for _, s := range sigs {
			if buf.Len() > 1 {
				buf.WriteByte(',')
			}
			buf.Write(s)
		}
		buf.WriteByte(']')
		return buf.Bytes()
	}
	if len(sigs) > 0 {
		return &frame{plain: build()}
	}
	return ws.frames.get(key, build)
}

// maxCachedFrames bounds a workspace's shared frames; the cache starts
// over when full (frames in flight stay valid).
const maxCachedFrames = 256

// frameCache holds the frames of a workspace's recent messages, by the
// events (and forms) they hold.
type frameCache struct {
	mu sync.Mutex
	m  map[string]*frame
}

func (fc *frameCache) get(key []byte, build func() []byte) *frame {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if f := fc.m[string(key)]; f != nil {
		return f
	}
	if len(fc.m) >= maxCachedFrames {
		clear(fc.m)
	}
	f := &frame{plain: build()}
	fc.m[string(key)] = f
	return f
}
