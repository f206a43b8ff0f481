package natsbroker_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/broker/brokertest"
	"github.com/parleyhq/parley/internal/broker/natsbroker"
)

func open(t *testing.T, u, prefix string) *natsbroker.Broker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := natsbroker.Open(ctx, natsbroker.Config{URL: u, Prefix: prefix, ReconnectWait: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open(%s) = %v", u, err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestBroker(t *testing.T) {
	u := brokertest.NATSURL(t)
	brokertest.Run(t, func(t *testing.T) (broker.Broker, broker.Broker) {
		prefix := brokertest.UniquePrefix()
		return open(t, u, prefix), open(t, u, prefix)
	})
}

func TestBroker_Subscribe(t *testing.T) {
	u := brokertest.NATSURL(t)
	t.Run("a workspace id that is not one subject token is refused", func(t *testing.T) {
		b := open(t, u, brokertest.UniquePrefix())
		for _, id := range []string{"", "a.b", "*", ">", "a b"} {
			if _, err := b.Subscribe(t.Context(), id, func(broker.Notice) {}); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("Subscribe(%q) = %v, want EINVALID", id, err)
			}
			if err := b.Publish(t.Context(), id, 1); parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("Publish(%q) = %v, want EINVALID", id, err)
			}
		}
	})
	t.Run("after the connection drops, subscribers are told to resync and notices flow again", func(t *testing.T) {
		p := newProxy(t, u)
		prefix := brokertest.UniquePrefix()
		sub := open(t, "nats://"+p.addr(), prefix)
		pub := open(t, u, prefix)
		r := brokertest.NewRecorder(64)
		if _, err := sub.Subscribe(t.Context(), "ws", r.Handle); err != nil {
			t.Fatal(err)
		}
		p.cut()
		if n := r.Next(t, broker.KindResync, 10*time.Second); n.WorkspaceID != "ws" {
			t.Errorf("resync for %q, want ws", n.WorkspaceID)
		}
		if err := pub.Publish(t.Context(), "ws", 9); err != nil {
			t.Fatal(err)
		}
		if n := r.Next(t, broker.KindSeq, 5*time.Second); n.Seq != 9 {
			t.Errorf("seq %d after reconnect, want 9", n.Seq)
		}
	})
}

func TestOpen(t *testing.T) {
	t.Run("it gives up when ctx ends before a server answers", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if b, err := natsbroker.Open(ctx, natsbroker.Config{URL: "nats://" + addr}); err == nil {
			b.Close()
			t.Fatal("Open() = nil error with no server, want an error")
		}
	})
}

// proxy forwards TCP to the NATS server and can cut every connection, as a
// server restart or a network failure would.
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, natsURL string) *proxy {
	t.Helper()
	pu, err := url.Parse(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: pu.Host}
	t.Cleanup(func() { l.Close(); p.cut() })
	go p.accept()
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(s, c); s.Close() }()
		go func() { _, _ = io.Copy(c, s); c.Close() }()
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
