// Package app builds and wires every concrete part of Parley: config,
// store, broker, real-time hub, use cases and the HTTP server. Main and the
// end-to-end tests drive it.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/broker/natsbroker"
	"github.com/parleyhq/parley/internal/calls"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/providers"
	"github.com/parleyhq/parley/internal/channelops"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/health"
	"github.com/parleyhq/parley/internal/hours"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/invite"
	"github.com/parleyhq/parley/internal/linkpreview"
	"github.com/parleyhq/parley/internal/mailin"
	"github.com/parleyhq/parley/internal/medialink"
	"github.com/parleyhq/parley/internal/metrics"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/secret"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/tracking"
	"github.com/parleyhq/parley/internal/webhook"
	"github.com/parleyhq/parley/internal/widget"
	"github.com/parleyhq/parley/internal/workspace"
)

// Options are the parts tests replace.
type Options struct {
	Clock  parley.Clock
	Logger *slog.Logger
	// Hasher defaults to argon2id with production cost.
	Hasher *auth.Hasher
	// App serves the web app; nil means the embedded build.
	App http.Handler
	// NoApp serves no web app (API-only tests).
	NoApp bool
	// DNS answers the email sender checks (SPF, DKIM, DMARC); nil is the
	// system resolver.
	DNS mailin.Resolver
}

// App is a running Parley node.
type App struct {
	Config   *config.Config
	Log      *slog.Logger
	Store    *sqlstore.Store
	Sessions *session.Service
	// Invites makes invitation and password-reset links.
	Invites *invite.Service
	Broker  broker.Broker
	Hub     *realtime.Hub
	Workers *Workers
	Metrics *metrics.Metrics
	Handler http.Handler
	clock   parley.Clock
	hasher  *auth.Hasher
	signer  *secret.Signer
	// instanceKey signs known-device cookies (session).
	instanceKey []byte
	blobs       blob.Store
	listener    net.Listener
	server      *http.Server
	// metricsListener serves /metrics when PARLEY_METRICS_ADDR is set.
	metricsListener net.Listener

	// Notify creates and serves notifications; Notifier turns events
	// into them.
	Notify   *notify.Service
	Notifier *notify.Worker
	// Mail is the email channel's ingress (SMTP listener, IMAP poller).
	Mail *mailParts

	// widgetHub serves the web-chat visitors' sockets.
	widgetHub *widget.Hub
	// AI is the AI agent.
	AI *ai.Service
	// Hours is business hours and the away message.
	Hours *hours.Service
	// conversations are the agents' use cases (one Service for the node).
	conversations *conversation.Service
}

// New opens the store (migrating it) and builds the node; it does not
// listen yet.
func New(ctx context.Context, cfg *config.Config, opts Options) (*App, error) {
	a := &App{Config: cfg, Log: opts.Logger, clock: opts.Clock, hasher: opts.Hasher}
	if a.Log == nil {
		a.Log = slog.Default()
	}
	if a.clock == nil {
		a.clock = parley.SystemClock{}
	}
	if a.hasher == nil {
		a.hasher = auth.NewHasher(auth.DefaultConcurrency())
	}
	key, err := a.secretKey()
	if err != nil {
		return nil, err
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return nil, err
	}
	a.signer = secret.NewSigner(key, "media links")
	a.instanceKey = key
	if err := a.openBroker(ctx); err != nil {
		return nil, err
	}
	a.Store, err = sqlstore.Open(ctx, sqlstore.Options{
		DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, Clock: a.clock, Logger: a.Log, Secrets: box,
		OnCommit: a.publish,
	})
	if err != nil {
		a.Broker.Close()
		return nil, err
	}
	if err := a.build(opts); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// publicURL reads PARLEY_PUBLIC_URL, without a trailing slash, at each
// use (tests learn their port after start).
func (a *App) publicURL() string { return strings.TrimRight(a.Config.PublicURL, "/") }

// publish tells other nodes (and this one's hub) that events committed.
func (a *App) publish(workspaceID string, seq int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if a.Workers != nil {
		a.Workers.Wake() // a reply or timer may have been queued
	}
	if a.Notifier != nil {
		a.Notifier.Wake()
	}
	if err := a.Broker.Publish(ctx, workspaceID, seq); err != nil {
		// The hub's poll backstop and resync after reconnect cover a lost
		// notice; nothing is lost from the store.
		a.Log.Warn("publish event notice", "workspace_id", workspaceID, "seq", seq, "err", err)
	}
}

func (a *App) openBroker(ctx context.Context) error {
	if a.Config.NATSURL == "" {
		a.Broker = broker.NewLocal()
		return nil
	}
	b, err := natsbroker.Open(ctx, natsbroker.Config{URL: a.Config.NATSURL, Logger: a.Log})
	if err != nil {
		return fmt.Errorf("open nats broker: %w", err)
	}
	a.Broker = b
	return nil
}

// secretKey loads the instance key (secrets at rest, signed links): from
// the environment, a file, or one generated into the data dir.
func (a *App) secretKey() ([]byte, error) {
	cfg := a.Config
	var key []byte
	var err error
	switch {
	case cfg.SecretKey != "":
		key, err = secret.DecodeKey(cfg.SecretKey)
	case cfg.SecretKeyFile != "":
		var raw []byte
		if raw, err = os.ReadFile(cfg.SecretKeyFile); err == nil {
			key, err = secret.DecodeKey(string(raw))
		}
	default:
		path := filepath.Join(cfg.DataDir, "secret.key")
		var created bool
		key, created, err = secret.LoadOrCreateKeyFile(path)
		if err == nil && created {
			a.Log.Info("generated the key for secrets at rest; several nodes must share one key (PARLEY_SECRET_KEY)", "path", path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return key, nil
}

// build makes every part once, complete, in dependency order: each is
// given all it calls at construction and nothing is filled in after
// (wire_test.go checks it). The one cycle (conversation replies pause the
// AI, the AI queues replies, the delivery worker asks the AI and the
// conversations again) is cut by the outbox: it needs only the adapters,
// so it is made first, and the worker that drains it last.
func (a *App) build(opts Options) error {
	guard, err := netguard.ParseAllowList(a.Config.AllowPrivateAddresses)
	if err != nil {
		return fmt.Errorf("PARLEY_ALLOW_PRIVATE_ADDRESSES: %w", err)
	}
	proxies, err := a.Config.Proxies()
	if err != nil {
		return err
	}
	a.Sessions = session.New(a.Store, a.hasher, a.clock, session.Options{InstanceKey: a.instanceKey})
	if a.blobs, err = blob.NewDir(filepath.Join(a.Config.DataDir, "blobs")); err != nil {
		return err
	}
	providers.Register()
	// Open and click tracking of sent mail: signed links into this node.
	tracker := tracking.NewLinks(a.instanceKey, a.publicURL)
	adapters, err := buildAdapters(a.Config, guard, a.clock, a.Log, tracker)
	if err != nil {
		return err
	}
	links := &medialink.Links{Store: a.Store, Blobs: a.blobs, Signer: a.signer, Clock: a.clock, PublicURL: a.publicURL}

	a.Notify = &notify.Service{Store: a.Store, Log: a.Log, CheckURL: guard.CheckURL, Dial: guard.DialContext,
		PublicURL: func() string { return a.Config.PublicURL },
		WebPush: &notify.WebPush{Store: a.Store, Client: guard.Client(callbackTimeout), Log: a.Log,
			Subscriber: notify.Subscriber(a.Config.Public())}}
	// Invitations and password resets go out through the workspace's relay.
	a.Invites = invite.New(a.Store, a.hasher, a.clock, func() string { return a.Config.PublicURL },
		invite.Options{Mailer: a.Notify, Log: a.Log})

	// The outbound path: conversation → outbox → delivery → provider.
	recorder := health.New(a.Store, a.clock, a.Log)
	var senders []channel.Adapter
	for _, ad := range adapters {
		senders = append(senders, recorder.Wrap(ad))
	}
	outbox := NewOutbox(guard, a.clock, senders)
	// Business hours: outside them the assistant answers or the away
	// message goes (decided in the customer message's transaction).
	a.Hours = &hours.Service{Store: a.Store, Outbox: outbox, Log: a.Log.With("worker", "hours")}
	sched, err := NewScheduler(a.Store, a.clock, a.Log)
	if err != nil {
		return err
	}
	a.AI = newAI(a.Store, a.Notify, outbox, a.Hours, sched, guard, a.clock, a.Log)
	receiver := inbound.New(a.Store, inbound.Options{FollowUp: a.AI.Enqueue})
	chat := a.newWidget(receiver)
	a.conversations = conversation.New(a.Store, conversation.Options{
		Blobs: a.blobs, Rich: richChannels(adapters),
		// A person's reply pauses the AI; agents' reads are told to
		// web-chat visitors; a New chat on a web-chat inbox reaches only
		// identified visitors.
		AfterAgentReply: a.AI.AfterAgentReply, AfterRead: chat.AgentRead, CanStartChat: chat.CanStartChat,
	})
	composer := &delivery.Composer{Blobs: a.blobs, MediaURL: links.URL, PublicURL: a.publicURL}
	if a.Workers, err = NewWorkers(WorkerOptions{Store: a.Store, Clock: a.clock, Logger: a.Log, Outbox: outbox, Scheduler: sched,
		// The second mode check, just before an AI reply is sent.
		Gate:    a.AI.OutboxGate,
		Compose: composer.Compose, Conversations: a.conversations, Blobs: a.blobs}); err != nil {
		return err
	}

	ops := channelops.New(a.Store, adapters, a.Log)
	ws := workspace.New(a.Store, a.hasher, workspace.Options{CheckURL: guard.CheckURL,
		Channels: &workspace.ChannelSetup{PublicURL: a.publicURL, Register: ops.RegisterWebhook, Verify: ops.VerifyOwner}})
	if err := a.registerJobs(ws); err != nil {
		return err
	}
	a.Notifier = notify.NewWorker(a.Notify)
	a.Mail = a.newMail(receiver, adapters, opts.DNS, tracker)
	webhooks := webhook.New(webhook.Options{
		Store: a.Store, Inbound: receiver, Adapters: adapters, Blobs: a.blobs, PublicURL: a.publicURL,
		MetaAppSecret: a.Config.MetaAppSecret, MetaVerifyToken: a.Config.MetaVerifyToken, Clock: a.clock, Logger: a.Log,
	})
	hub, err := realtime.New(realtime.Config{
		Store: a.Store, Actors: a.Sessions, Broker: a.Broker, Logger: a.Log, Clock: a.clock,
		OriginPatterns: []string{a.Config.Public().Host},
		// Every view's count, pushed after events at most once a second.
		Counts: func(ctx context.Context, actor parley.Actor) (any, error) {
			return a.conversations.Count(ctx, actor, conversation.ListParams{})
		},
	})
	if err != nil {
		return fmt.Errorf("realtime hub: %w", err)
	}
	a.Hub = hub
	a.widgetHub = widget.NewHub(chat)
	app := opts.App
	if app == nil && !opts.NoApp {
		if app, err = webApp(); err != nil {
			return err
		}
	}
	a.Metrics = metrics.New()
	for name, db := range a.Store.Pools() {
		a.Metrics.WatchDB(name, db)
	}
	a.Metrics.Gauge("parley_websocket_connections", "Open WebSocket connections on this node.",
		func() float64 { return float64(hub.Connections()) })
	api := httpapi.New(httpapi.Deps{
		Store: a.Store, Sessions: a.Sessions, Workspaces: ws, Conversations: a.conversations, Calls: calls.New(a.Store, guard),
		Invites: a.Invites, Notifications: a.Notify, AI: a.AI, Hours: a.Hours,
		Inbound: receiver, Outbox: outbox, Logger: a.Log, PublicURL: a.Config.Public(), App: app,
		Channels: ops, Webhooks: webhooks, MediaLinks: links, Blobs: a.blobs, TrustedProxies: proxies,
		Widget: widget.NewHandler(chat, a.widgetHub), LinkPreview: linkpreview.New(guard, 0), Tracking: a.Mail.Tracking,
		Realtime: func(w http.ResponseWriter, r *http.Request, actor parley.Actor) {
			if err := hub.ServeWS(w, r, actor); err != nil {
				httpapi.WriteError(w, err)
			}
		},
	})
	a.Handler = a.Metrics.Middleware(api)
	return nil
}

// registerJobs gives the scheduler the follow-up jobs of the use cases
// built after it: contact imports, notifications and the AI's replies.
func (a *App) registerJobs(ws *workspace.Service) error {
	sch := a.Workers.Scheduler
	// Large CSV imports run as durable jobs on any node.
	if err := sch.Register(workspace.KindContactImport, ws.ContactImportJob()); err != nil {
		return err
	}
	if err := a.Notify.Register(sch, a.Notify.WebPush); err != nil {
		return err
	}
	if err := a.Notify.RegisterEmail(sch); err != nil {
		return err
	}
	if err := a.Notify.RegisterWaiting(sch); err != nil {
		return err
	}
	return sch.Register(ai.KindReply, a.AI.Handler())
}

// Listen binds the configured address (":0" picks a free port).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.listener = ln
	if err := a.listenMail(); err != nil {
		ln.Close()
		return err
	}
	if a.Config.MetricsAddr != "" {
		if a.metricsListener, err = net.Listen("tcp", a.Config.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
	}
	return nil
}

// MetricsAddr is the address /metrics is served on, after Listen; "" when
// metrics are off.
func (a *App) MetricsAddr() string {
	if a.metricsListener == nil {
		return ""
	}
	return a.metricsListener.Addr().String()
}

// Addr is the address the node listens on, after Listen.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Run serves until ctx ends, then shuts down gracefully.
func (a *App) Run(ctx context.Context) error {
	if a.listener == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	if err := a.announceSetup(ctx); err != nil {
		return err
	}
	var tlsConfig *tls.Config
	if a.Config.TLSCert != "" {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	a.server = &http.Server{
		Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn), TLSConfig: tlsConfig,
	}
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hubDone := make(chan error, 1)
	go func() { hubDone <- a.Hub.Run(hubCtx) }()
	go a.pruneEvents(hubCtx)
	go a.runPresence(hubCtx)
	a.runMail(hubCtx)
	workersDone := make(chan error, 1)
	go func() { workersDone <- a.Workers.Run(hubCtx) }()
	notifierDone := make(chan error, 1)
	go func() { notifierDone <- a.Notifier.Run(hubCtx) }()
	if a.metricsListener != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.Metrics.Handler())
		ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go ms.Serve(a.metricsListener)
		defer ms.Close()
	}
	errc := make(chan error, 1)
	go func() {
		a.Log.Info("parley listening", "addr", a.Addr(), "public_url", a.Config.PublicURL, "database", string(a.Store.Dialect()))
		if a.Config.TLSCert != "" {
			errc <- a.server.ServeTLS(a.listener, a.Config.TLSCert, a.Config.TLSKey)
		} else {
			errc <- a.server.Serve(a.listener)
		}
	}()
	var err error
	select {
	case <-ctx.Done():
		a.Log.Info("parley stopping", "reason", "signal")
	case err = <-errc:
		a.Log.Error("parley stopping", "reason", "server failed", "err", err)
	}
	stopHub()
	a.widgetHub.Close()
	<-hubDone
	if werr := <-workersDone; werr != nil && err == nil {
		err = werr
	}
	<-notifierDone
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := a.server.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.Log.Info("parley stopped", "addr", a.Addr())
	return err
}

// announceSetup prints the one-time set-up link when no user exists yet,
// and writes the token to the data dir for scripts.
func (a *App) announceSetup(ctx context.Context) error {
	token, err := a.Sessions.EnsureSetupToken(ctx)
	if err != nil || token == "" {
		return err
	}
	link := a.Config.PublicURL + "/setup?token=" + token
	a.Log.Info("first-run set-up: open this link to create the first workspace and admin", "url", link)
	if err := os.MkdirAll(a.Config.DataDir, 0o700); err == nil {
		_ = os.WriteFile(filepath.Join(a.Config.DataDir, "setup-token"), []byte(token+"\n"), 0o600)
	}
	return nil
}

// pruneEvents deletes events older than the retention and files uploaded
// but never sent, hourly.
func (a *App) pruneEvents(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := a.Store.PruneEvents(ctx, a.clock.Now().Add(-a.Config.EventRetention))
		if err != nil && ctx.Err() == nil {
			a.Log.Warn("prune events", "err", err)
		} else if n > 0 {
			a.Log.Info("pruned events", "count", n)
		}
		a.pruneUploads(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *App) pruneUploads(ctx context.Context) {
	n, err := a.conversations.PruneUploads(ctx, a.clock.Now())
	if err != nil && ctx.Err() == nil {
		a.Log.Warn("prune uploads", "err", err)
	}
	if n > 0 {
		a.Log.Info("pruned unsent uploads", "count", n)
	}
}

// Close releases the store and broker.
func (a *App) Close() error {
	var err error
	if a.Invites != nil {
		a.Invites.Wait() // reset emails still going out
	}
	if a.AI != nil {
		a.AI.Wait() // replies started the moment their message committed
	}
	if a.Store != nil {
		err = errors.Join(err, a.Store.Close())
	}
	if a.Broker != nil {
		err = errors.Join(err, a.Broker.Close())
	}
	return err
}

// CreateUser creates a user in a workspace (created when missing), for
// the CLI (session.Service.CreateUser).
func (a *App) CreateUser(ctx context.Context, email, password, name, workspaceName string, role parley.Role) (*parley.User, error) {
	return a.Sessions.CreateUser(ctx, email, password, name, workspaceName, role)
}
