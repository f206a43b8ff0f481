package delivery_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/api"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

const timeout = 5 * time.Second

// answer is what the receiver answers one call with.
type answer struct {
	status     int
	retryAfter string
}

// receiver is the API inbox's callback endpoint: it checks every
// signature itself, counts deliveries, fails on demand and can hold a call
// until released.
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu    sync.Mutex
	order []string // delivery ids in arrival order
	calls map[string]int
	// plan decides the answer to the n-th call (from 1) for a message;
	// nil answers 200.
	plan func(id string, n int) answer
	// hold, when set, makes calls for which it returns a channel wait on
	// it (or on the request's end); entered reports each held call.
	hold    func(id string, n int) chan struct{}
	entered chan string
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{t: t, secret: secret, calls: map[string]int{}, entered: make(chan string, 16)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	ts := req.Header.Get("X-Parley-Timestamp")
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := req.Header.Get("X-Parley-Signature"); !hmac.Equal([]byte(got), []byte(want)) {
		r.t.Errorf("X-Parley-Signature = %q, want %q", got, want)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var m parley.Message
	if err := json.Unmarshal(body, &m); err != nil {
		r.t.Errorf("callback body = %s, want a message: %v", body, err)
	}
	id := req.Header.Get("X-Parley-Delivery")
	if id != m.ID {
		r.t.Errorf("X-Parley-Delivery = %q, want the message id %q", id, m.ID)
	}
	r.mu.Lock()
	r.calls[id]++
	n := r.calls[id]
	r.order = append(r.order, id)
	plan, hold := r.plan, r.hold
	r.mu.Unlock()
	if hold != nil {
		if ch := hold(id, n); ch != nil {
			r.entered <- id
			select {
			case <-ch:
			case <-req.Context().Done():
				return
			}
		}
	}
	a := answer{status: http.StatusOK}
	if plan != nil {
		a = plan(id, n)
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	w.WriteHeader(a.status)
}

func (r *receiver) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

func (r *receiver) arrivals() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.order...)
}

func (r *receiver) set(plan func(string, int) answer, hold func(string, int) chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.plan, r.hold = plan, hold
}

// env is a store with a seeded workspace whose API inbox calls back the
// receiver.
type env struct {
	engine storetest.Engine
	store  *sqlstore.Store
	clock  *clocktest.Clock
	fix    *storetest.Fixture
	convs  *conversation.Service
	rcv    *receiver
	inbox  *parley.Inbox
}

func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			clock := clocktest.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			s := storetest.Open(t, engine, storetest.Options{Clock: clock})
			fn(t, newEnv(t, engine, s, clock))
		})
	}
}

func newEnv(t *testing.T, engine storetest.Engine, s *sqlstore.Store, clock *clocktest.Clock) *env {
	t.Helper()
	e := &env{engine: engine, store: s, clock: clock, fix: storetest.Seed(t, s), convs: conversation.New(s)}
	e.rcv = newReceiver(t, e.fix.Inbox.CallbackSecret)
	e.inbox = e.fix.Inbox
	e.inbox.Config = map[string]string{"callback_url": e.rcv.srv.URL + "/parley"}
	err := s.Write(context.Background(), func(tx *sqlstore.Tx) error { return tx.UpdateInbox(context.Background(), e.inbox) })
	if err != nil {
		t.Fatalf("UpdateInbox() = %v", err)
	}
	return e
}

// worker returns a worker on the env's store (or on store when given).
func (e *env) worker(t *testing.T, store *sqlstore.Store, mod func(*delivery.Config)) *delivery.Worker {
	t.Helper()
	if store == nil {
		store = e.store
	}
	guard, err := netguard.New([]string{"127.0.0.1"})
	if err != nil {
		t.Fatalf("netguard.New() = %v", err)
	}
	cfg := delivery.Config{
		Store:       store,
		Adapters:    []channel.Adapter{api.New(api.Options{Client: guard.Client(timeout), Clock: e.clock})},
		Clock:       e.clock,
		CallTimeout: timeout,
		Lease:       time.Minute,
		Rand:        func() float64 { return 0.5 }, // no jitter
	}
	if mod != nil {
		mod(&cfg)
	}
	w, err := delivery.New(cfg)
	if err != nil {
		t.Fatalf("delivery.New() = %v", err)
	}
	return w
}

// conversation opens a conversation with an inbound message from source.
func (e *env) conversation(t *testing.T, source string) string {
	t.Helper()
	res, err := inbound.New(e.store).Receive(context.Background(), e.inbox, channel.Inbound{
		Contact: channel.ContactInfo{SourceID: source}, ProviderMessageID: "in-" + source, Content: "Hello?",
	})
	if err != nil {
		t.Fatalf("Receive() = %v", err)
	}
	return res.ConversationID
}

func (e *env) reply(t *testing.T, w *delivery.Worker, convID, text string) *parley.Message {
	t.Helper()
	m, err := e.convs.Reply(context.Background(), e.fix.Admin, convID, text, false, w)
	if err != nil {
		t.Fatalf("Reply() = %v", err)
	}
	return m
}

func (e *env) message(t *testing.T, m *parley.Message) *parley.Message {
	t.Helper()
	got, err := e.store.FindMessageByID(context.Background(), m.ConversationID, m.ID)
	if err != nil {
		t.Fatalf("FindMessageByID() = %v", err)
	}
	return got
}

func runOnce(t *testing.T, w *delivery.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce() = %v", err)
	}
	return n
}

// drain runs the worker until it finds nothing to do.
func drain(t *testing.T, w *delivery.Worker) {
	t.Helper()
	for i := 0; runOnce(t, w) > 0; i++ {
		if i > 100 {
			t.Fatalf("RunOnce() still busy after 100 rounds")
		}
	}
}

// messageEvents returns the message.updated events of a message.
func (e *env) messageEvents(t *testing.T, id string) []parley.Message {
	t.Helper()
	evs, err := e.store.EventsAfter(context.Background(), e.fix.Workspace.ID, 0, 1000)
	if err != nil {
		t.Fatalf("EventsAfter() = %v", err)
	}
	var out []parley.Message
	for _, ev := range evs {
		if ev.Type != parley.EventMessageUpdated {
			continue
		}
		var m parley.Message
		if err := json.Unmarshal(ev.Data, &m); err != nil {
			t.Fatalf("event data = %s: %v", ev.Data, err)
		}
		if m.ID == id {
			if ev.Audience == nil {
				t.Errorf("message.updated event has no audience")
			}
			out = append(out, m)
		}
	}
	return out
}

func countStatus(h []parley.StatusChange, st parley.DeliveryStatus) int {
	n := 0
	for _, c := range h {
		if c.Status == st {
			n++
		}
	}
	return n
}

func TestWorker_SendsRepliesNotNotes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		w := e.worker(t, nil, nil)
		conv := e.conversation(t, "ann")
		m := e.reply(t, w, conv, "We are on it.")
		if _, err := e.convs.Reply(context.Background(), e.fix.Admin, conv, "internal note", true, w); err != nil {
			t.Fatalf("Reply(note) = %v", err)
		}
		if got := e.message(t, m).Status; got != parley.DeliveryQueued {
			t.Errorf("status after Reply = %s, want queued (sent by the worker, not the request)", got)
		}
		if got := len(e.rcv.arrivals()); got != 0 {
			t.Errorf("callbacks before the worker ran = %d, want 0", got)
		}

		drain(t, w)

		if got := e.rcv.arrivals(); len(got) != 1 || got[0] != m.ID {
			t.Fatalf("callbacks = %v, want only the reply %s (never the note)", got, m.ID)
		}
		got := e.message(t, m)
		if got.Status != parley.DeliverySent || got.SentAt == nil || got.OutcomeUnknown {
			t.Errorf("message = status %s sent_at %v unknown %v, want sent with a time and a known outcome", got.Status, got.SentAt, got.OutcomeUnknown)
		}
		evs := e.messageEvents(t, m.ID)
		if len(evs) == 0 || evs[len(evs)-1].Status != parley.DeliverySent {
			t.Errorf("message.updated events = %+v, want the last one sent", evs)
		}
	})
}

// TestWorker_DrainsTheOutboxItIsGiven: use cases queue on an Outbox made
// before any worker (the app builds it first); a worker given that Outbox
// later sends what was queued through its adapters.
func TestWorker_DrainsTheOutboxItIsGiven(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		guard, err := netguard.New([]string{"127.0.0.1"})
		if err != nil {
			t.Fatalf("netguard.New() = %v", err)
		}
		out := delivery.NewOutbox(api.New(api.Options{Client: guard.Client(timeout), Clock: e.clock}))
		conv := e.conversation(t, "ann")
		m, err := e.convs.Reply(context.Background(), e.fix.Admin, conv, "We are on it.", false, out)
		if err != nil {
			t.Fatalf("Reply() = %v", err)
		}
		w := e.worker(t, nil, func(c *delivery.Config) { c.Adapters, c.Outbox = nil, out })
		drain(t, w)
		if got := e.rcv.arrivals(); len(got) != 1 || got[0] != m.ID {
			t.Errorf("callbacks = %v, want the reply %s", got, m.ID)
		}
		if got := e.message(t, m).Status; got != parley.DeliverySent {
			t.Errorf("status = %s, want sent", got)
		}
	})
}

func TestNew_RefusesTwoSourcesOfAdapters(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, storetest.Options{})
	a := api.New(api.Options{})
	if _, err := delivery.New(delivery.Config{Store: s, Outbox: delivery.NewOutbox(a), Adapters: []channel.Adapter{a}}); err == nil {
		t.Error("New(Outbox and Adapters) = nil error, want one: the two could disagree on what may be queued")
	}
}

func TestWorker_Outcomes(t *testing.T) {
	tests := []struct {
		name string
		plan func(id string, n int) answer
		// steps are clock advances, each followed by one RunOnce.
		steps      []time.Duration
		wantStatus parley.DeliveryStatus
		wantCalls  int
		wantError  string
	}{
		{
			name:       "a 5xx is retried after the backoff",
			plan:       func(_ string, n int) answer { return answer{status: map[bool]int{true: 503, false: 200}[n == 1]} },
			steps:      []time.Duration{0, 15 * time.Second, time.Second},
			wantStatus: parley.DeliverySent, wantCalls: 2,
		},
		{
			name: "a 429 waits for its Retry-After",
			plan: func(_ string, n int) answer {
				if n == 1 {
					return answer{status: 429, retryAfter: "3600"}
				}
				return answer{status: 200}
			},
			steps:      []time.Duration{0, 30 * time.Minute, 29 * time.Minute, time.Minute},
			wantStatus: parley.DeliverySent, wantCalls: 2,
		},
		{
			name:       "a 400 fails at once with the reason",
			plan:       func(string, int) answer { return answer{status: 400} },
			steps:      []time.Duration{0, time.Hour, 24 * time.Hour},
			wantStatus: parley.DeliveryFailed, wantCalls: 1, wantError: "The callback answered 400 Bad Request",
		},
		{
			name:       "a message that keeps failing fails after 8 attempts",
			plan:       func(string, int) answer { return answer{status: 502} },
			steps:      []time.Duration{0, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour},
			wantStatus: parley.DeliveryFailed, wantCalls: 8, wantError: "Gave up after 8 attempts. Last error: The callback answered 502 Bad Gateway",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachEnv(t, func(t *testing.T, e *env) {
				w := e.worker(t, nil, nil)
				e.rcv.set(tt.plan, nil)
				m := e.reply(t, w, e.conversation(t, "bob"), "Hi")
				for _, d := range tt.steps {
					e.clock.Add(d)
					runOnce(t, w)
				}
				got := e.message(t, m)
				if got.Status != tt.wantStatus || e.rcv.count(m.ID) != tt.wantCalls {
					t.Errorf("after %v: status %s, %d calls, want %s, %d", tt.steps, got.Status, e.rcv.count(m.ID), tt.wantStatus, tt.wantCalls)
				}
				if !strings.HasPrefix(got.Error, tt.wantError) {
					t.Errorf("error = %q, want it to start with %q", got.Error, tt.wantError)
				}
			})
		})
	}
}

func TestWorker_RetryDelays(t *testing.T) {
	p := delivery.DefaultRetryPolicy()
	var total time.Duration
	for attempt := 1; attempt < p.MaxAttempts; attempt++ {
		d := p.Delay(attempt, 0.5)
		total += d
		if lo, hi := p.Delay(attempt, 0), p.Delay(attempt, 0.999); lo >= d || hi <= d {
			t.Errorf("Delay(%d) jitter range = [%v, %v] around %v, want it to straddle", attempt, lo, hi, d)
		}
	}
	if total < 20*time.Hour || total > 28*time.Hour {
		t.Errorf("the %d waits add up to %v, want about 24h", p.MaxAttempts-1, total)
	}
}

func TestWorker_LeaseKeepsASlowCallToOneSend(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		a, b := e.worker(t, nil, nil), e.worker(t, nil, nil)
		release := make(chan struct{})
		e.rcv.set(nil, func(_ string, n int) chan struct{} {
			if n == 1 {
				return release
			}
			return nil
		})
		m := e.reply(t, a, e.conversation(t, "cy"), "slow")
		done := make(chan int)
		go func() { done <- runOnce(t, a) }()
		select {
		case <-e.rcv.entered:
		case <-time.After(timeout):
			t.Fatal("the first call never arrived")
		}
		if n := runOnce(t, b); n != 0 {
			t.Errorf("second worker RunOnce() = %d, want 0 while the lease holds", n)
		}
		close(release)
		<-done
		if n := runOnce(t, b); n != 0 {
			t.Errorf("second worker RunOnce() after the send = %d, want 0", n)
		}
		got := e.message(t, m)
		if e.rcv.count(m.ID) != 1 || got.Status != parley.DeliverySent || got.OutcomeUnknown {
			t.Errorf("calls %d, status %s, unknown %v; want 1, sent, false", e.rcv.count(m.ID), got.Status, got.OutcomeUnknown)
		}
	})
}

func TestWorker_FencingTokenRejectsAStaleHolder(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		a, b := e.worker(t, nil, nil), e.worker(t, nil, nil)
		release := make(chan struct{})
		e.rcv.set(nil, func(_ string, n int) chan struct{} {
			if n == 1 {
				return release
			}
			return nil
		})
		m := e.reply(t, a, e.conversation(t, "dee"), "fenced")
		done := make(chan int)
		go func() { done <- runOnce(t, a) }()
		<-e.rcv.entered
		// A's lease runs out while its call hangs (the lease was set too
		// short for the call): B takes the row and sends it.
		e.clock.Add(2 * time.Minute)
		if n := runOnce(t, b); n != 1 {
			t.Fatalf("second worker RunOnce() = %d, want 1", n)
		}
		close(release)
		<-done
		got := e.message(t, m)
		if e.rcv.count(m.ID) != 2 || got.Status != parley.DeliverySent || !got.OutcomeUnknown {
			t.Errorf("calls %d, status %s, unknown %v; want 2, sent, true", e.rcv.count(m.ID), got.Status, got.OutcomeUnknown)
		}
		if n := countStatus(got.StatusHistory, parley.DeliverySent); n != 1 {
			t.Errorf("history has %d sent entries, want 1 (the stale holder's outcome is refused)", n)
		}
	})
}

func TestWorker_Crash(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("a crash during the call sends at most once more and records the unknown outcome", func(t *testing.T) {
			a, b := e.worker(t, nil, nil), e.worker(t, nil, nil)
			e.rcv.set(nil, func(_ string, n int) chan struct{} {
				if n == 1 {
					return make(chan struct{}) // never answers
				}
				return nil
			})
			m := e.reply(t, a, e.conversation(t, "eve"), "crash")
			ctx, crash := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { a.RunOnce(ctx); close(done) }()
			<-e.rcv.entered
			crash()
			<-done
			if n := runOnce(t, b); n != 0 {
				t.Errorf("RunOnce() before the lease expired = %d, want 0", n)
			}
			e.clock.Add(61 * time.Second)
			drain(t, b)
			got := e.message(t, m)
			if e.rcv.count(m.ID) != 2 || got.Status != parley.DeliverySent || !got.OutcomeUnknown {
				t.Errorf("calls %d, status %s, unknown %v; want 2, sent, true", e.rcv.count(m.ID), got.Status, got.OutcomeUnknown)
			}
			evs := e.messageEvents(t, m.ID)
			if len(evs) == 0 || !evs[len(evs)-1].OutcomeUnknown {
				t.Errorf("message.updated events = %+v, want the last one to show the unknown outcome", evs)
			}
			e.rcv.set(nil, nil)
		})
		t.Run("a crash before the call sends exactly once", func(t *testing.T) {
			w := e.worker(t, nil, nil)
			m := e.reply(t, w, e.conversation(t, "fay"), "before")
			// A worker claims the row and dies before its in-flight commit.
			if _, err := e.store.ClaimOutbox(context.Background(), e.clock.Now(), 10, time.Minute, 5*time.Minute); err != nil {
				t.Fatalf("ClaimOutbox() = %v", err)
			}
			e.clock.Add(61 * time.Second)
			drain(t, w)
			got := e.message(t, m)
			if e.rcv.count(m.ID) != 1 || got.Status != parley.DeliverySent || got.OutcomeUnknown {
				t.Errorf("calls %d, status %s, unknown %v; want 1, sent, false", e.rcv.count(m.ID), got.Status, got.OutcomeUnknown)
			}
		})
		t.Run("a crash after the outcome commit sends exactly once", func(t *testing.T) {
			w := e.worker(t, nil, nil)
			m := e.reply(t, w, e.conversation(t, "gus"), "after")
			drain(t, w)
			e.clock.Add(time.Hour)
			drain(t, e.worker(t, nil, nil))
			if got := e.rcv.count(m.ID); got != 1 {
				t.Errorf("calls = %d, want 1", got)
			}
		})
	})
}

func TestWorker_Order(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		w := e.worker(t, nil, nil)
		t.Run("messages of one conversation leave in order", func(t *testing.T) {
			conv := e.conversation(t, "hal")
			var want []string
			for i := range 4 {
				want = append(want, e.reply(t, w, conv, strings.Repeat("x", i+1)).ID)
				e.clock.Add(time.Millisecond)
			}
			drain(t, w)
			if got := e.rcv.arrivals(); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("arrivals = %v, want %v", got, want)
			}
		})
		t.Run("a failing message holds the next for five minutes, then they go on", func(t *testing.T) {
			conv := e.conversation(t, "ivy")
			stuck := e.reply(t, w, conv, "stuck")
			e.clock.Add(time.Millisecond)
			next := e.reply(t, w, conv, "next")
			e.rcv.set(func(id string, _ int) answer {
				if id == stuck.ID {
					return answer{status: 503}
				}
				return answer{status: 200}
			}, nil)
			drain(t, w) // the first failure starts the hold
			for range 4 {
				e.clock.Add(70 * time.Second)
				drain(t, w)
			}
			if n := e.rcv.count(next.ID); n != 0 {
				t.Errorf("the next message was sent %d times within the hold (4m40s), want 0", n)
			}
			e.clock.Add(30 * time.Second)
			drain(t, w)
			if n := e.rcv.count(next.ID); n != 1 {
				t.Errorf("the next message was sent %d times after the hold, want 1", n)
			}
			if got := e.message(t, stuck).Status; got != parley.DeliverySending {
				t.Errorf("the stuck message is %s, want still sending (retrying)", got)
			}
			e.rcv.set(nil, nil)
		})
	})
}

func TestWorker_Pacing(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		pace := func(c *delivery.Config) { c.Rates = map[string]float64{parley.ChannelAPI: 1} }
		a, b := e.worker(t, nil, pace), e.worker(t, nil, pace)
		m1 := e.reply(t, a, e.conversation(t, "jo"), "one")
		m2 := e.reply(t, a, e.conversation(t, "kim"), "two")
		runOnce(t, a)
		runOnce(t, b)
		if got := len(e.rcv.arrivals()); got != 1 {
			t.Errorf("sends within the first second = %d, want 1 (1 message/s for the inbox across workers)", got)
		}
		e.clock.Add(time.Second)
		drain(t, b)
		if e.rcv.count(m1.ID) != 1 || e.rcv.count(m2.ID) != 1 {
			t.Errorf("sends after a second = %v, want each message once", e.rcv.arrivals())
		}
	})
}

func TestWorker_ConcurrentNodesSendEachMessageOnce(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			clock := clocktest.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			var s1, s2 *sqlstore.Store
			if engine == storetest.Postgres {
				// Two nodes: two stores on one database.
				url := storetest.Schema(t)
				for _, s := range []**sqlstore.Store{&s1, &s2} {
					st, err := sqlstore.Open(context.Background(), sqlstore.Options{DatabaseURL: url, Secrets: storetest.Box(), Clock: clock})
					if err != nil {
						t.Fatalf("Open() = %v", err)
					}
					t.Cleanup(func() { st.Close() })
					*s = st
				}
			} else {
				// SQLite has one writer per database: workers share it.
				s1 = storetest.Open(t, engine, storetest.Options{Clock: clock})
				s2 = s1
			}
			e := newEnv(t, engine, s1, clock)
			w1, w2 := e.worker(t, s1, nil), e.worker(t, s2, nil)
			want := map[string][]string{}
			var total int
			for c := range 6 {
				conv := e.conversation(t, "node"+string(rune('a'+c)))
				for i := range 5 {
					want[conv] = append(want[conv], e.reply(t, w1, conv, "m"+string(rune('0'+i))).ID)
					total++
				}
			}
			var wg sync.WaitGroup
			for _, w := range []*delivery.Worker{w1, w2, w1, w2} {
				wg.Go(func() {
					for range 200 {
						if n, err := w.RunOnce(context.Background()); err != nil {
							t.Errorf("RunOnce() = %v", err)
							return
						} else if n == 0 && len(e.rcv.arrivals()) >= total {
							return
						}
					}
				})
			}
			wg.Wait()
			arrivals := e.rcv.arrivals()
			if len(arrivals) != total {
				t.Errorf("%d callbacks, want %d", len(arrivals), total)
			}
			pos := map[string]int{}
			for i, id := range arrivals {
				if _, dup := pos[id]; dup {
					t.Errorf("message %s sent twice", id)
				}
				pos[id] = i
			}
			for conv, ids := range want {
				for i := 1; i < len(ids); i++ {
					if pos[ids[i]] < pos[ids[i-1]] {
						t.Errorf("conversation %s: message %d arrived before message %d", conv, i, i-1)
					}
				}
			}
		})
	}
}

func TestWorker_Run(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		w := e.worker(t, nil, func(c *delivery.Config) { c.PollInterval = time.Hour })
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		e.rcv.set(nil, func(string, int) chan struct{} {
			ch := make(chan struct{})
			close(ch)
			return ch // held calls report on entered, then answer at once
		})
		// No Wake: the Outbox wakes the worker when the transaction that
		// queued a reply commits. The second reply finds the worker idle
		// (its poll is an hour away).
		conv := e.conversation(t, "lou")
		var m *parley.Message
		for _, text := range []string{"via Run", "via Run, again"} {
			m = e.reply(t, w, conv, text)
			select {
			case id := <-e.rcv.entered:
				if id != m.ID {
					t.Errorf("callback for %s, want %s", id, m.ID)
				}
			case <-time.After(timeout):
				t.Fatalf("Run() did not send %q once it committed", text)
			}
		}
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v, want nil", err)
			}
		case <-time.After(timeout):
			t.Fatal("Run() did not return after its context ended")
		}
		if got := e.message(t, m).Status; got != parley.DeliverySent {
			t.Errorf("status = %s, want sent", got)
		}
	})
}

func TestService_Retry(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		w := e.worker(t, nil, nil)
		conv := e.conversation(t, "max")
		e.rcv.set(func(string, int) answer { return answer{status: 400} }, nil)
		failed := e.reply(t, w, conv, "will fail")
		drain(t, w)
		sent := e.reply(t, w, conv, "sent")
		e.rcv.set(nil, nil)
		drain(t, w)
		if got := e.message(t, failed).Status; got != parley.DeliveryFailed {
			t.Fatalf("status = %s, want failed", got)
		}
		// Only the admin may see the conversation from now on.
		if _, err := e.convs.Update(context.Background(), e.fix.Admin, conv, conversation.Change{
			VisibleTo: conversation.Optional[[]string]{Set: true, Value: []string{e.fix.Admin.UserID}},
		}); err != nil {
			t.Fatalf("Update() = %v", err)
		}
		tests := []struct {
			name     string
			actor    parley.Actor
			conv, id string
			wantCode string
		}{
			{"a message that has not failed cannot be retried", e.fix.Admin, conv, sent.ID, parley.EINVALID},
			{"an agent who cannot see the conversation gets not found", e.fix.Agent, conv, failed.ID, parley.ENOTFOUND},
			{"a message of another conversation is not found", e.fix.Admin, e.conversation(t, "ned"), failed.ID, parley.ENOTFOUND},
			{"a failed message is queued again", e.fix.Admin, conv, failed.ID, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m, err := e.convs.Retry(context.Background(), tt.actor, tt.conv, tt.id, w)
				if parley.ErrorCode(err) != tt.wantCode {
					t.Fatalf("Retry() = %v, want code %q", err, tt.wantCode)
				}
				if err == nil && (m.Status != parley.DeliveryQueued || m.Error != "") {
					t.Errorf("Retry() = status %s error %q, want queued without error", m.Status, m.Error)
				}
			})
		}
		drain(t, w)
		got := e.message(t, failed)
		if got.Status != parley.DeliverySent || e.rcv.count(failed.ID) != 2 {
			t.Errorf("after retry: status %s, %d calls, want sent, 2", got.Status, e.rcv.count(failed.ID))
		}
		if countStatus(got.StatusHistory, parley.DeliveryFailed) != 1 {
			t.Errorf("history = %+v, want it to keep the failure", got.StatusHistory)
		}
	})
}

// fakeAdapter records the Outbounds it is given.
type fakeAdapter struct {
	kind string
	mu   sync.Mutex
	sent []channel.Outbound
}

func (f *fakeAdapter) Kind() string { return f.kind }

func (f *fakeAdapter) ParseWebhook(*http.Request, []byte, string, *parley.Inbox) (*channel.WebhookResult, error) {
	return nil, channel.ErrMalformed
}

func (f *fakeAdapter) Send(_ context.Context, _ *parley.Inbox, out channel.Outbound) (channel.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, out)
	return channel.SendResult{ProviderMessageID: "SM" + out.DeliveryID}, nil
}

func TestWorker_ProviderAdapters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		sms := &fakeAdapter{kind: parley.ChannelTwilioSMS}
		var failed []string
		w := e.worker(t, nil, func(c *delivery.Config) {
			c.Adapters = append(c.Adapters, sms)
			c.Compose = func(_ context.Context, _ *sqlstore.Tx, m *parley.Message, _ *parley.Conversation, _ *parley.Inbox, out *channel.Outbound) error {
				out.Tag = "TAG"
				return nil
			}
			c.OnFailed = func(_ context.Context, m *parley.Message) { failed = append(failed, m.ID) }
		})
		inboxes := map[string]*parley.Inbox{}
		for _, kind := range []string{parley.ChannelTwilioSMS, parley.ChannelTelegram} {
			in := &parley.Inbox{WorkspaceID: e.fix.Workspace.ID, Name: kind, Channel: kind}
			if err := e.store.Write(context.Background(), func(tx *sqlstore.Tx) error { return tx.CreateInbox(context.Background(), in) }); err != nil {
				t.Fatalf("CreateInbox() = %v", err)
			}
			inboxes[kind] = in
		}
		open := func(in *parley.Inbox, source string) string {
			res, err := inbound.New(e.store).Receive(context.Background(), in, channel.Inbound{
				Contact: channel.ContactInfo{SourceID: source}, ProviderMessageID: "in-" + source, Content: "hi",
			})
			if err != nil {
				t.Fatalf("Receive() = %v", err)
			}
			return res.ConversationID
		}
		smsMsg := e.reply(t, w, open(inboxes[parley.ChannelTwilioSMS], "+15550001"), "by SMS")
		tgMsg := e.reply(t, w, open(inboxes[parley.ChannelTelegram], "tg-42"), "by Telegram")
		drain(t, w)

		if len(sms.sent) != 1 {
			t.Fatalf("SMS sends = %d, want 1", len(sms.sent))
		}
		want := channel.Outbound{To: "+15550001", Content: "by SMS", DeliveryID: smsMsg.ID, Tag: "TAG"}
		if got := sms.sent[0]; got.To != want.To || got.Content != want.Content || got.DeliveryID != want.DeliveryID || got.Tag != want.Tag {
			t.Errorf("Send(%+v), want %+v", got, want)
		}
		if got := e.message(t, smsMsg); got.Status != parley.DeliverySent || got.ProviderMessageID != "SM"+smsMsg.ID {
			t.Errorf("SMS message = %s %q, want sent with the provider id", got.Status, got.ProviderMessageID)
		}
		got := e.message(t, tgMsg)
		if got.Status != parley.DeliveryFailed || !strings.Contains(got.Error, "No sender is configured") {
			t.Errorf("Telegram message = %s %q, want failed for want of a sender", got.Status, got.Error)
		}
		if len(failed) != 1 || failed[0] != tgMsg.ID {
			t.Errorf("OnFailed calls = %v, want [%s]", failed, tgMsg.ID)
		}
	})
}
