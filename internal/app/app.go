// Package app builds and wires every concrete part of Parley: config,
// store, broker, real-time hub, use cases and the HTTP server. Main and the
// end-to-end tests drive it.
package app

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/parleyhq/parley/internal/calls"
	"log/slog"
	"net"
	"net/http"
	"net/url"
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

func (a *App) build(opts Options) error {
	guard, err := netguard.ParseAllowList(a.Config.AllowPrivateAddresses)
	if err != nil {
		return fmt.Errorf("PARLEY_ALLOW_PRIVATE_ADDRESSES: %w", err)
	}
	proxies, err := a.Config.Proxies()
	if err != nil {
		return err
	}
	a.Sessions = session.New(a.Store, a.hasher, a.clock).WithInstanceKey(a.instanceKey)
	a.Invites = invite.New(a.Store, a.hasher, a.clock, func() string { return a.Config.PublicURL })
	if a.blobs, err = blob.NewDir(filepath.Join(a.Config.DataDir, "blobs")); err != nil {
		return err
	}
	providers.Register()
	adapters, err := buildAdapters(a.Config, guard, a.clock, a.Log)
	if err != nil {
		return err
	}
	links := &medialink.Links{Store: a.Store, Blobs: a.blobs, Signer: a.signer, Clock: a.clock, PublicURL: a.publicURL}
	conversations := conversation.New(a.Store, conversation.Options{Blobs: a.blobs})
	conversations.Rich = richChannels(adapters)
	recorder := health.New(a.Store, a.clock, a.Log)
	var senders []channel.Adapter
	for _, ad := range adapters {
		senders = append(senders, recorder.Wrap(ad))
	}
	composer := &delivery.Composer{Blobs: a.blobs, MediaURL: links.URL, PublicURL: a.publicURL}
	if a.Workers, err = NewWorkers(WorkerOptions{Store: a.Store, Clock: a.clock, Logger: a.Log, Guard: guard,
		Adapters: senders, Compose: composer.Compose, Conversations: conversations, Blobs: a.blobs}); err != nil {
		return err
	}
	ops := channelops.New(a.Store, adapters, a.Log)
	ws := workspace.New(a.Store, a.hasher, workspace.Options{CheckURL: guard.CheckURL,
		Channels: &workspace.ChannelSetup{PublicURL: a.publicURL, Register: ops.RegisterWebhook, Verify: ops.VerifyOwner}})
	// Large CSV imports run as durable jobs on any node.
	if err := a.Workers.Scheduler.Register(workspace.KindContactImport, ws.ContactImportJob()); err != nil {
		return err
	}
	receiver := inbound.New(a.Store)
	a.buildMail(receiver, adapters, opts.DNS)
	webhooks := webhook.New(webhook.Options{
		Store: a.Store, Inbound: receiver, Adapters: adapters, Blobs: a.blobs, PublicURL: a.publicURL,
		MetaAppSecret: a.Config.MetaAppSecret, MetaVerifyToken: a.Config.MetaVerifyToken, Clock: a.clock, Logger: a.Log,
	})
	a.Notify = notify.New(a.Store, a.Log)
	a.Notify.CheckURL = guard.CheckURL
	a.Notify.WebPush = &notify.WebPush{Store: a.Store, Client: guard.Client(callbackTimeout), Log: a.Log,
		Subscriber: pushSubscriber(a.Config.Public())}
	a.Notify.PublicURL, a.Notify.Dial = func() string { return a.Config.PublicURL }, guard.DialContext
	if err := a.Notify.Register(a.Workers.Scheduler, a.Notify.WebPush); err != nil {
		return err
	}
	if err := a.Notify.RegisterEmail(a.Workers.Scheduler); err != nil {
		return err
	}
	if err := a.Notify.RegisterWaiting(a.Workers.Scheduler); err != nil {
		return err
	}
	a.Notifier = notify.NewWorker(a.Notify)
	// Invitations and password resets go out through the workspace's relay.
	a.Invites.Mailer, a.Invites.Log = a.Notify, a.Log
	a.Invites.NoRelay = func(err error) bool { return errors.Is(err, notify.ErrNoRelay) }
	if err := a.buildAI(receiver, conversations, guard); err != nil {
		return err
	}
	hub, err := realtime.New(realtime.Config{
		Store: a.Store, Actors: actorLoader{a}, Broker: a.Broker, Logger: a.Log, Clock: a.clock,
		OriginPatterns: []string{a.Config.Public().Host},
		// Every view's count, pushed after events at most once a second.
		Counts: func(ctx context.Context, actor parley.Actor) (any, error) {
			return conversations.Count(ctx, actor, conversation.ListParams{})
		},
	})
	if err != nil {
		return fmt.Errorf("realtime hub: %w", err)
	}
	a.Hub = hub
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
		Store: a.Store, Sessions: a.Sessions, Workspaces: ws, Conversations: conversations, Calls: calls.New(a.Store, guard),
		Invites: a.Invites, Notifications: a.Notify, AI: a.AI, Hours: a.Hours,
		Inbound: receiver, Outbox: a.Workers.Delivery, Logger: a.Log, PublicURL: a.Config.Public(), App: app,
		Channels: ops, Webhooks: webhooks, MediaLinks: links, Blobs: a.blobs, TrustedProxies: proxies,
		Widget: a.buildWidget(receiver, conversations), LinkPreview: linkpreview.New(guard, 0), Tracking: a.Mail.Tracking,
		Realtime: func(w http.ResponseWriter, r *http.Request, actor parley.Actor) {
			if err := hub.ServeWS(w, r, actor); err != nil {
				httpapi.WriteError(w, err)
			}
		},
	})
	a.Handler = a.Metrics.Middleware(api)
	return nil
}

// pushSubscriber is the VAPID contact push services see: the public URL
// when it is https, else an address at its host.
func pushSubscriber(public *url.URL) string {
	if public.Scheme == "https" {
		return public.String()
	}
	return "parley@" + cmp.Or(public.Hostname(), "localhost")
}

// actorLoader resolves members for the real-time hub.
type actorLoader struct{ a *App }

// LoadActor implements realtime.ActorLoader.
func (l actorLoader) LoadActor(ctx context.Context, workspaceID, userID string) (parley.Actor, parley.WorkspaceSettings, error) {
	u, err := l.a.Store.FindUserByID(ctx, userID)
	if err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, err
	}
	actor, err := l.a.Sessions.Actor(ctx, u, workspaceID)
	if err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, err
	}
	w, err := l.a.Store.FindWorkspaceByID(ctx, workspaceID)
	if err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, err
	}
	return actor, w.Settings, nil
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
	a.server = &http.Server{
		Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	if a.Config.TLSCert != "" {
		a.server.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
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

// uploadRetention is how long a file uploaded but never sent is kept.
const uploadRetention = 24 * time.Hour

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
	keys, err := a.Store.DeleteStaleUploads(ctx, a.clock.Now().Add(-uploadRetention))
	if err != nil {
		if ctx.Err() == nil {
			a.Log.Warn("prune uploads", "err", err)
		}
		return
	}
	for _, k := range keys {
		if err := a.blobs.Delete(ctx, k); err != nil {
			a.Log.Warn("prune upload file", "upload_id", k, "err", err)
		}
	}
	if len(keys) > 0 {
		a.Log.Info("pruned unsent uploads", "count", len(keys))
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
// the CLI.
func (a *App) CreateUser(ctx context.Context, email, password, name, workspaceName string, role parley.Role) (*parley.User, error) {
	if !role.Valid() {
		return nil, fmt.Errorf("role must be admin or agent, not %q", role)
	}
	email, err := workspace.ValidEmail("email", email)
	if err != nil {
		return nil, err
	}
	if name, err = workspace.ValidName("name", name); err != nil {
		return nil, err
	}
	if workspaceName, err = workspace.ValidName("workspace", workspaceName); err != nil {
		return nil, err
	}
	if err := workspace.ValidPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var u *parley.User
	err = a.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		u, err = session.CreateUserInWorkspace(ctx, tx, email, name, hash, workspaceName, role)
		return err
	})
	return u, err
}
