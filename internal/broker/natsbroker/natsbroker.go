// Package natsbroker is the broker.Broker of a deployment with several
// Parley nodes, on core NATS (no JetStream: notices need no storage, since
// events are data in the database).
//
// Subjects are <prefix>.ws.<workspace id>.seq (payload: the seq in decimal)
// and <prefix>.ws.<workspace id>.signal (payload: the signal). The
// connection reconnects forever; after each reconnect, and when the client
// drops messages for a slow subscription, every affected subscriber gets a
// broker.KindResync notice so it re-reads the store: a NATS restart delays
// notices but loses no event.
package natsbroker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/broker"
)

// Config configures a NATS broker.
type Config struct {
	// URL is the NATS server URL (nats://127.0.0.1:4222); several may be
	// given separated by commas.
	URL string
	// Name identifies the connection in the server's monitoring.
	// Defaults to "parley".
	Name string
	// Prefix is the first subject token. Defaults to "parley"; tests use
	// their own so that they do not see each other's notices.
	Prefix string
	// PingInterval is how often the client checks the server is alive; a
	// dead server is noticed after about twice this. Defaults to 10s.
	PingInterval time.Duration
	// ReconnectWait is the pause between reconnect attempts. Defaults to 1s.
	ReconnectWait time.Duration
	// Logger receives connection state changes. Defaults to slog.Default().
	Logger *slog.Logger
}

// Broker is a broker.Broker on a NATS connection. It is safe for
// concurrent use.
type Broker struct {
	nc     *nats.Conn
	prefix string
	log    *slog.Logger

	mu   sync.Mutex
	subs map[*nats.Subscription]*subscription
}

type subscription struct {
	b   *Broker
	ws  string
	sig *nats.Subscription
	seq *nats.Subscription
	// mu serializes calls to h (the two NATS subscriptions deliver on two
	// goroutines) and makes Unsubscribe wait for a call in progress.
	mu   sync.Mutex
	h    broker.Handler
	done bool
}

// Open connects to NATS and waits for the first connection until ctx is
// done (then it gives up and returns the error). From then on the
// connection reconnects forever.
func Open(ctx context.Context, cfg Config) (*Broker, error) {
	if cfg.Name == "" {
		cfg.Name = "parley"
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "parley"
	}
	if err := checkToken(cfg.Prefix); err != nil {
		return nil, fmt.Errorf("nats: prefix: %w", err)
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 10 * time.Second
	}
	if cfg.ReconnectWait <= 0 {
		cfg.ReconnectWait = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	b := &Broker{prefix: cfg.Prefix, log: cfg.Logger, subs: make(map[*nats.Subscription]*subscription)}
	connected := make(chan struct{})
	var once sync.Once
	nc, err := nats.Connect(cfg.URL,
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(cfg.ReconnectWait),
		nats.PingInterval(cfg.PingInterval),
		nats.MaxPingsOutstanding(2),
		nats.ConnectHandler(func(*nats.Conn) { once.Do(func() { close(connected) }) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			b.log.Warn("nats disconnected", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			once.Do(func() { close(connected) })
			b.log.Info("nats reconnected", "server", nc.ConnectedUrlRedacted())
			// The client has resent the subscriptions; a round trip makes sure
			// the server has them before subscribers re-read the store, or a
			// notice published in between would reach no one.
			go func() {
				_ = nc.FlushTimeout(5 * time.Second)
				b.resyncAll()
			}()
		}),
		nats.ErrorHandler(b.onAsyncError),
	)
	if err != nil {
		return nil, fmt.Errorf("nats: connect: %w", err)
	}
	b.nc = nc
	if nc.IsConnected() {
		once.Do(func() { close(connected) })
	}
	select {
	case <-connected:
		return b, nil
	case <-ctx.Done():
		nc.Close()
		return nil, fmt.Errorf("nats: connect to %s: %w", nc.Opts.Servers, ctx.Err())
	}
}

// Publish implements broker.Broker. The notice is buffered by the client
// (also while it reconnects) and sent without waiting.
func (b *Broker) Publish(ctx context.Context, workspaceID string, seq int64) error {
	subj, err := b.subject(workspaceID, "seq")
	if err != nil {
		return err
	}
	if err := b.nc.Publish(subj, strconv.AppendInt(nil, seq, 10)); err != nil {
		return fmt.Errorf("nats: publish seq: %w", b.closedErr(err))
	}
	return nil
}

// PublishSignal implements broker.Broker.
func (b *Broker) PublishSignal(ctx context.Context, workspaceID string, payload []byte) error {
	subj, err := b.subject(workspaceID, "signal")
	if err != nil {
		return err
	}
	if err := b.nc.Publish(subj, payload); err != nil {
		return fmt.Errorf("nats: publish signal: %w", b.closedErr(err))
	}
	return nil
}

// Subscribe implements broker.Broker. It waits (bounded by ctx) for the
// server to acknowledge the subscription, except while reconnecting: the
// subscription is then sent on reconnect and a KindResync follows.
func (b *Broker) Subscribe(ctx context.Context, workspaceID string, h broker.Handler) (broker.Subscription, error) {
	seqSubj, err := b.subject(workspaceID, "seq")
	if err != nil {
		return nil, err
	}
	sigSubj, _ := b.subject(workspaceID, "signal")
	s := &subscription{b: b, ws: workspaceID, h: h}
	s.seq, err = b.nc.Subscribe(seqSubj, func(m *nats.Msg) {
		seq, err := strconv.ParseInt(string(m.Data), 10, 64)
		if err != nil {
			b.log.Warn("nats bad seq notice", "subject", m.Subject, "err", err)
			s.call(broker.Notice{Kind: broker.KindResync, WorkspaceID: workspaceID})
			return
		}
		s.call(broker.Notice{Kind: broker.KindSeq, WorkspaceID: workspaceID, Seq: seq})
	})
	if err != nil {
		return nil, fmt.Errorf("nats: subscribe: %w", b.closedErr(err))
	}
	s.sig, err = b.nc.Subscribe(sigSubj, func(m *nats.Msg) {
		s.call(broker.Notice{Kind: broker.KindSignal, WorkspaceID: workspaceID, Payload: m.Data})
	})
	if err != nil {
		_ = s.seq.Unsubscribe()
		return nil, fmt.Errorf("nats: subscribe: %w", b.closedErr(err))
	}
	b.mu.Lock()
	b.subs[s.seq] = s
	b.subs[s.sig] = s
	b.mu.Unlock()
	if b.nc.IsReconnecting() {
		return s, nil
	}
	fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := b.nc.FlushWithContext(fctx); err != nil && !b.nc.IsReconnecting() {
		_ = s.Unsubscribe()
		return nil, fmt.Errorf("nats: subscribe flush: %w", b.closedErr(err))
	}
	return s, nil
}

func (s *subscription) call(n broker.Notice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		s.h(n)
	}
}

// Unsubscribe implements broker.Subscription.
func (s *subscription) Unsubscribe() error {
	s.b.mu.Lock()
	err := s.b.unsubscribeLocked(s)
	s.b.mu.Unlock()
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	return err
}

func (b *Broker) unsubscribeLocked(s *subscription) error {
	delete(b.subs, s.seq)
	delete(b.subs, s.sig)
	err := errors.Join(s.seq.Unsubscribe(), s.sig.Unsubscribe())
	if err != nil && !errors.Is(err, nats.ErrBadSubscription) && !errors.Is(err, nats.ErrConnectionClosed) {
		return fmt.Errorf("nats: unsubscribe: %w", err)
	}
	return nil
}

// Close implements broker.Broker: it sends what is buffered (best effort)
// and closes the connection.
func (b *Broker) Close() error {
	if b.nc.IsConnected() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = b.nc.FlushWithContext(ctx)
		cancel()
	}
	b.nc.Close()
	b.mu.Lock()
	subs := b.subs
	b.subs = make(map[*nats.Subscription]*subscription)
	b.mu.Unlock()
	for _, s := range subs {
		s.mu.Lock()
		s.done = true
		s.mu.Unlock()
	}
	return nil
}

// resyncAll tells every subscriber that notices may have been lost.
func (b *Broker) resyncAll() {
	b.mu.Lock()
	seen := make(map[*subscription]struct{}, len(b.subs))
	for _, s := range b.subs {
		seen[s] = struct{}{}
	}
	b.mu.Unlock()
	for s := range seen {
		s.call(broker.Notice{Kind: broker.KindResync, WorkspaceID: s.ws})
	}
}

func (b *Broker) onAsyncError(_ *nats.Conn, sub *nats.Subscription, err error) {
	if sub == nil {
		b.log.Warn("nats async error", "err", err)
		return
	}
	b.mu.Lock()
	s := b.subs[sub]
	b.mu.Unlock()
	b.log.Warn("nats subscription error", "subject", sub.Subject, "err", err)
	if s != nil && errors.Is(err, nats.ErrSlowConsumer) {
		s.call(broker.Notice{Kind: broker.KindResync, WorkspaceID: s.ws})
	}
}

func (b *Broker) subject(workspaceID, kind string) (string, error) {
	if err := checkToken(workspaceID); err != nil {
		return "", fmt.Errorf("nats: workspace id: %w", err)
	}
	return b.prefix + ".ws." + workspaceID + "." + kind, nil
}

func (b *Broker) closedErr(err error) error {
	if errors.Is(err, nats.ErrConnectionClosed) {
		return errors.Join(broker.ErrClosed, err)
	}
	return err
}

// checkToken refuses what cannot be one NATS subject token. Workspace IDs
// are UUIDs, so this only catches bugs and hostile input.
func checkToken(s string) error {
	if s == "" || strings.ContainsAny(s, ".*> \t\r\n") {
		return parley.Errorf(parley.EINVALID, "%q cannot be used in a subject.", s)
	}
	return nil
}

var _ broker.Broker = (*Broker)(nil)
