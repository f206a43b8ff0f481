// Package broker carries notices between Parley nodes: "events up to seq N
// were committed in workspace W", and ephemeral signals (typing, viewing)
// that are never stored. Events themselves are data in the store, so a
// broker that loses notices (a restart, a reconnect, a slow subscriber)
// loses nothing: it tells its subscribers to resync and they re-read the
// store from where they were.
//
// This package holds the interface and the in-process implementation used
// by a single node; package natsbroker holds the NATS one for several nodes.
package broker

import (
	"context"
	"errors"
	"sync"
)

// Kind tells what a Notice announces.
type Kind uint8

// Notice kinds.
const (
	// KindSeq: events up to Seq were committed in the workspace.
	KindSeq Kind = iota + 1
	// KindSignal: Payload is an ephemeral signal published to the workspace.
	KindSignal
	// KindResync: notices may have been missed (the broker reconnected or
	// dropped messages); re-read the workspace from the store.
	KindResync
)

// String returns the kind's name, for logs.
func (k Kind) String() string {
	switch k {
	case KindSeq:
		return "seq"
	case KindSignal:
		return "signal"
	case KindResync:
		return "resync"
	}
	return "unknown"
}

// Notice is one message from a broker to a subscriber of a workspace.
type Notice struct {
	Kind        Kind
	WorkspaceID string
	// Seq is set for KindSeq.
	Seq int64
	// Payload is set for KindSignal; the subscriber must not modify it.
	Payload []byte
}

// Handler receives the notices of one subscription. It must return quickly
// and must not block: a broker may call it from its delivery goroutine (the
// NATS client) or from the publisher's goroutine (Local). Calls for one
// subscription never overlap.
type Handler func(Notice)

// Subscription is an active interest in one workspace.
type Subscription interface {
	// Unsubscribe stops deliveries to the handler; once it returns the
	// handler is not called again. It is safe to call more than once.
	Unsubscribe() error
}

// Broker carries notices between the nodes of a Parley deployment. All
// methods are safe for concurrent use.
type Broker interface {
	// Publish announces that events up to seq were committed in the
	// workspace. Call it after the commit. It does not wait for delivery.
	Publish(ctx context.Context, workspaceID string, seq int64) error
	// PublishSignal sends an ephemeral payload to every subscriber of the
	// workspace, on every node, including the publishing one.
	PublishSignal(ctx context.Context, workspaceID string, payload []byte) error
	// Subscribe calls h for every notice of the workspace until the
	// subscription ends. When Subscribe returns, the interest is registered
	// (for NATS: acknowledged by the server, unless the connection is
	// reconnecting, in which case a KindResync follows the reconnect), so
	// a reader that reads the store after Subscribe returns misses nothing.
	Subscribe(ctx context.Context, workspaceID string, h Handler) (Subscription, error)
	// Close ends every subscription and releases the broker. Publishing on
	// a closed broker returns ErrClosed.
	Close() error
}

// ErrClosed is returned by a broker used after Close.
var ErrClosed = errors.New("broker: closed")

// Local is the in-process Broker of a single node: Publish calls the
// handlers of the workspace synchronously in the caller's goroutine.
type Local struct {
	mu     sync.RWMutex
	subs   map[string]map[*localSub]struct{}
	closed bool
}

// NewLocal returns an in-process broker.
func NewLocal() *Local {
	return &Local{subs: make(map[string]map[*localSub]struct{})}
}

type localSub struct {
	l  *Local
	ws string
	// mu serializes calls to h (the Handler contract) and makes
	// Unsubscribe wait for a call in progress.
	mu   sync.Mutex
	h    Handler
	done bool
}

// Publish implements Broker.
func (l *Local) Publish(ctx context.Context, workspaceID string, seq int64) error {
	return l.deliver(Notice{Kind: KindSeq, WorkspaceID: workspaceID, Seq: seq})
}

// PublishSignal implements Broker.
func (l *Local) PublishSignal(ctx context.Context, workspaceID string, payload []byte) error {
	return l.deliver(Notice{Kind: KindSignal, WorkspaceID: workspaceID, Payload: payload})
}

func (l *Local) deliver(n Notice) error {
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClosed
	}
	subs := make([]*localSub, 0, len(l.subs[n.WorkspaceID]))
	for s := range l.subs[n.WorkspaceID] {
		subs = append(subs, s)
	}
	l.mu.RUnlock()
	for _, s := range subs {
		s.call(n)
	}
	return nil
}

func (s *localSub) call(n Notice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		s.h(n)
	}
}

// Subscribe implements Broker.
func (l *Local) Subscribe(ctx context.Context, workspaceID string, h Handler) (Subscription, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	s := &localSub{l: l, ws: workspaceID, h: h}
	m := l.subs[workspaceID]
	if m == nil {
		m = make(map[*localSub]struct{})
		l.subs[workspaceID] = m
	}
	m[s] = struct{}{}
	return s, nil
}

// Unsubscribe implements Subscription.
func (s *localSub) Unsubscribe() error {
	s.l.mu.Lock()
	if m := s.l.subs[s.ws]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(s.l.subs, s.ws)
		}
	}
	s.l.mu.Unlock()
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	return nil
}

// Close implements Broker.
func (l *Local) Close() error {
	l.mu.Lock()
	l.closed = true
	subs := l.subs
	l.subs = make(map[string]map[*localSub]struct{})
	l.mu.Unlock()
	for _, m := range subs {
		for s := range m {
			s.mu.Lock()
			s.done = true
			s.mu.Unlock()
		}
	}
	return nil
}

// Resync asks every subscriber to re-read the store, as a broker does after
// it may have missed notices. Tests and operators use it on Local.
func (l *Local) Resync() {
	l.mu.RLock()
	var subs []*localSub
	for _, m := range l.subs {
		for s := range m {
			subs = append(subs, s)
		}
	}
	l.mu.RUnlock()
	for _, s := range subs {
		s.call(Notice{Kind: KindResync, WorkspaceID: s.ws})
	}
}

var _ Broker = (*Local)(nil)
