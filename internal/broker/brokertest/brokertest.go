// Package brokertest holds the conformance suite every broker.Broker
// implementation passes, and helpers for tests that need a NATS server.
package brokertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/broker"
)

// NATSURL returns the NATS server tests use: $PARLEY_TEST_NATS_URL, or
// nats://127.0.0.1:4222. When the server does not answer, the test is
// skipped, unless $CI is "true": then it fails, so CI cannot silently skip.
func NATSURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("PARLEY_TEST_NATS_URL")
	if u == "" {
		u = "nats://127.0.0.1:4222"
	}
	host := u
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		host = p.Host
	}
	c, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS at %s does not answer (CI=true, so not skipping): %v", u, err)
		}
		t.Skipf("NATS at %s does not answer: %v", u, err)
	}
	_ = c.Close()
	return u
}

var prefixCounter atomic.Int64

// UniquePrefix returns a subject prefix no other test of this process or
// of another process uses, so that tests sharing a server are isolated.
func UniquePrefix() string {
	return fmt.Sprintf("parleytest%d_%d_%d", os.Getpid(), time.Now().UnixNano(), prefixCounter.Add(1))
}

// Factory returns two brokers of one deployment: notices published on pub
// reach subscribers on sub (they may be the same broker). It registers
// their cleanup with t.
type Factory func(t *testing.T) (pub, sub broker.Broker)

// Recorder is a broker.Handler that collects notices in a channel.
type Recorder struct {
	C chan broker.Notice
}

// NewRecorder returns a Recorder with room for n notices; more are dropped.
func NewRecorder(n int) *Recorder { return &Recorder{C: make(chan broker.Notice, n)} }

// Handle implements broker.Handler.
func (r *Recorder) Handle(n broker.Notice) {
	n.Payload = bytes.Clone(n.Payload)
	select {
	case r.C <- n:
	default:
	}
}

// Next waits for the next notice of the given kind, skipping others
// (KindResync may come at any time), and fails the test after timeout.
func (r *Recorder) Next(t testing.TB, kind broker.Kind, timeout time.Duration) broker.Notice {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case n := <-r.C:
			if n.Kind == kind {
				return n
			}
		case <-deadline:
			t.Fatalf("no %s notice within %v", kind, timeout)
			return broker.Notice{}
		}
	}
}

// None fails the test if a notice of the given kind arrives within wait.
// A negative check cannot be awaited, so it waits a little.
func (r *Recorder) None(t testing.TB, kind broker.Kind, wait time.Duration) {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case n := <-r.C:
			if n.Kind == kind {
				t.Fatalf("got unexpected notice %+v", n)
			}
		case <-deadline:
			return
		}
	}
}

const wait = 5 * time.Second

// Run runs the conformance suite on brokers made by f.
func Run(t *testing.T, f Factory) {
	t.Run("a seq notice reaches the workspace's subscriber and no other", func(t *testing.T) {
		pub, sub := f(t)
		ctx := context.Background()
		a, b := NewRecorder(16), NewRecorder(16)
		subscribe(t, sub, "ws-a", a.Handle)
		subscribe(t, sub, "ws-b", b.Handle)
		if err := pub.Publish(ctx, "ws-a", 42); err != nil {
			t.Fatalf("Publish() = %v", err)
		}
		n := a.Next(t, broker.KindSeq, wait)
		if n.WorkspaceID != "ws-a" || n.Seq != 42 {
			t.Errorf("notice = %+v, want ws-a seq 42", n)
		}
		// ws-b published after ws-a: once its notice arrives, a notice
		// wrongly sent to ws-b for ws-a would have arrived too.
		if err := pub.Publish(ctx, "ws-b", 7); err != nil {
			t.Fatalf("Publish() = %v", err)
		}
		if n := b.Next(t, broker.KindSeq, wait); n.Seq != 7 || n.WorkspaceID != "ws-b" {
			t.Errorf("notice = %+v, want ws-b seq 7", n)
		}
		b.None(t, broker.KindSeq, 50*time.Millisecond)
	})

	t.Run("notices of one workspace arrive in order", func(t *testing.T) {
		pub, sub := f(t)
		ctx := context.Background()
		r := NewRecorder(256)
		subscribe(t, sub, "ws", r.Handle)
		for i := int64(1); i <= 100; i++ {
			if err := pub.Publish(ctx, "ws", i); err != nil {
				t.Fatalf("Publish(%d) = %v", i, err)
			}
		}
		for i := int64(1); i <= 100; i++ {
			if n := r.Next(t, broker.KindSeq, wait); n.Seq != i {
				t.Fatalf("notice %d has seq %d", i, n.Seq)
			}
		}
	})

	t.Run("a signal reaches every subscriber, the publisher's node too", func(t *testing.T) {
		pub, sub := f(t)
		ctx := context.Background()
		r1, r2, self := NewRecorder(4), NewRecorder(4), NewRecorder(4)
		subscribe(t, sub, "ws", r1.Handle)
		subscribe(t, sub, "ws", r2.Handle)
		subscribe(t, pub, "ws", self.Handle)
		payload := []byte(`{"type":"typing"}`)
		if err := pub.PublishSignal(ctx, "ws", payload); err != nil {
			t.Fatalf("PublishSignal() = %v", err)
		}
		for _, r := range []*Recorder{r1, r2, self} {
			n := r.Next(t, broker.KindSignal, wait)
			if !bytes.Equal(n.Payload, payload) || n.WorkspaceID != "ws" {
				t.Errorf("signal = %+v (%s), want %s", n, n.Payload, payload)
			}
		}
	})

	t.Run("after Unsubscribe the handler is not called", func(t *testing.T) {
		pub, sub := f(t)
		ctx := context.Background()
		gone, stay := NewRecorder(4), NewRecorder(4)
		s := subscribe(t, sub, "ws", gone.Handle)
		subscribe(t, sub, "ws", stay.Handle)
		if err := s.Unsubscribe(); err != nil {
			t.Fatalf("Unsubscribe() = %v", err)
		}
		if err := s.Unsubscribe(); err != nil {
			t.Errorf("second Unsubscribe() = %v, want nil", err)
		}
		if err := pub.Publish(ctx, "ws", 1); err != nil {
			t.Fatalf("Publish() = %v", err)
		}
		stay.Next(t, broker.KindSeq, wait)
		gone.None(t, broker.KindSeq, 50*time.Millisecond)
	})

	t.Run("a closed broker refuses to publish", func(t *testing.T) {
		pub, _ := f(t)
		if err := pub.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if err := pub.Publish(context.Background(), "ws", 1); !errors.Is(err, broker.ErrClosed) {
			t.Errorf("Publish() after Close = %v, want ErrClosed", err)
		}
		if err := pub.PublishSignal(context.Background(), "ws", []byte("x")); !errors.Is(err, broker.ErrClosed) {
			t.Errorf("PublishSignal() after Close = %v, want ErrClosed", err)
		}
	})
}

func subscribe(t *testing.T, b broker.Broker, ws string, h broker.Handler) broker.Subscription {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := b.Subscribe(ctx, ws, h)
	if err != nil {
		t.Fatalf("Subscribe(%q) = %v", ws, err)
	}
	t.Cleanup(func() { _ = s.Unsubscribe() })
	return s
}
