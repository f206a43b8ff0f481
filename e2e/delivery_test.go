package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// receiver is a customer system behind an API inbox's callback URL: it
// checks each delivery's signature on its own and counts deliveries.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	got    map[string]int // X-Parley-Delivery -> times received
	bodies chan string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, got: map[string]int{}, bodies: make(chan string, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ts := req.Header.Get("X-Parley-Timestamp")
		mac := hmac.New(sha256.New, []byte(r.secret))
		mac.Write([]byte(ts + "." + string(body)))
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(req.Header.Get("X-Parley-Signature")), []byte(want)) {
			t.Errorf("callback signature %q, want %q", req.Header.Get("X-Parley-Signature"), want)
			w.WriteHeader(401)
			return
		}
		r.mu.Lock()
		r.got[req.Header.Get("X-Parley-Delivery")]++
		r.mu.Unlock()
		r.bodies <- string(body)
		w.WriteHeader(204)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// callbackInbox creates an API inbox whose callback URL is the receiver.
func (n *node) callbackInbox(s session, r *receiver) session {
	n.t.Helper()
	m := n.must(201, "POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Callback", "channel": "api",
		"config": map[string]string{"callback_url": r.srv.URL + "/hook"}}).m(n.t)
	r.secret = m["callback_secret"].(string)
	s.inbox, s.inboundToken = m["id"].(string), m["inbound_token"].(string)
	return s
}

func TestDelivery_RepliesReachTheCallbackSigned(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		r := newReceiver(t)
		s = n.callbackInbox(s, r)
		_, cid := n.inbound(s, "cust", "m1", "Is it in stock?")
		w := n.dial(t, s, s.token, "")
		w.next("hello")
		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "A secret note", "private": true})
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Yes, 3 left"}).m(t)
		if reply["status"] != "queued" {
			t.Errorf("a reply on a callback inbox is %v, want queued for the outbox", reply["status"])
		}
		select {
		case body := <-r.bodies:
			if !strings.Contains(body, "Yes, 3 left") || strings.Contains(body, "A secret note") {
				t.Errorf("callback body = %s", body)
			}
			// The customer and the number: a receiver routes it without a lookup.
			for _, want := range []string{`"conversation_number":1`, `"source_id":"cust"`, `"name":"Customer cust"`} {
				if !strings.Contains(body, want) {
					t.Errorf("callback body = %s, want it to hold %s", body, want)
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the reply never reached the callback URL")
		}
		for {
			f := w.next("message.updated")
			if strings.Contains(string(f.Data), reply["id"].(string)) && strings.Contains(string(f.Data), `"status":"sent"`) {
				break
			}
		}
		select {
		case body := <-r.bodies:
			t.Errorf("a second callback arrived (a note must never be sent): %s", body)
		default:
		}
	})
}

func TestTwoNodes_RepliesSentOnceAndTimersFireOnce(t *testing.T) {
	if os.Getenv("PARLEY_TEST_POSTGRES_URL") == "" && os.Getenv("CI") != "true" {
		t.Skip("needs PostgreSQL (PARLEY_TEST_POSTGRES_URL)")
	}
	natsURL := os.Getenv("PARLEY_TEST_NATS_URL")
	if natsURL == "" {
		natsURL = "nats://127.0.0.1:4222"
	}
	db := storetest.Schema(t)
	clock := clocktest.New(time.Now().UTC().Truncate(time.Second))
	a := start(t, nodeOptions{databaseURL: db, natsURL: natsURL, clock: clock})
	b := start(t, nodeOptions{databaseURL: db, natsURL: natsURL, clock: clock})
	s := a.bootstrap()
	r := newReceiver(t)
	s = a.callbackInbox(s, r)
	_, cid := a.inbound(s, "cust", "m1", "hello")
	const replies = 20
	for i := range replies {
		node := a
		if i%2 == 1 {
			node = b
		}
		node.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": fmt.Sprintf("reply %d", i)})
	}
	for i := range replies {
		select {
		case <-r.bodies:
		case <-time.After(15 * time.Second):
			t.Fatalf("only %d of %d replies reached the callback", i, replies)
		}
	}
	// Every reply is marked sent, so its outbox row is done: nothing can
	// be sent again. Each was received once.
	waitFor(t, func() bool {
		body := string(a.must(200, "GET", s.ws("/conversations/"+cid+"/messages?limit=100"), s.token, nil).body)
		return strings.Count(body, `"status":"sent"`) >= replies
	})
	r.mu.Lock()
	for id, times := range r.got {
		if times != 1 {
			t.Errorf("delivery %s received %d times, want once", id, times)
		}
	}
	if len(r.got) != replies {
		t.Errorf("%d distinct deliveries, want %d", len(r.got), replies)
	}
	r.mu.Unlock()

	// A snooze timer fires once although both nodes run schedulers.
	w := b.dial(t, s, s.token, "")
	hello := w.next("hello")
	until := clock.Now().Add(time.Hour).Format(time.RFC3339Nano)
	a.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"status": "snoozed", "snoozed_until": until})
	clock.Add(2 * time.Hour)
	a.app.Workers.Wake()
	b.app.Workers.Wake()
	waitFor(t, func() bool {
		return strings.Contains(string(b.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).body), `"status":"open"`)
	})
	evs, err := a.app.Store.EventsAfter(t.Context(), s.workspace, hello.Seq, 1000)
	if err != nil {
		t.Fatal(err)
	}
	wakes := 0
	for _, ev := range evs {
		if ev.Type == "conversation.updated" && strings.Contains(string(ev.Data), `"status":"open"`) {
			wakes++
		}
	}
	if wakes != 1 {
		t.Errorf("the snooze woke the conversation %d times, want once", wakes)
	}
}

// waitFor polls cond (state in the database, not an event) for up to 15 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 15 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
