// Package httpapi is Parley's HTTP surface: the REST API under /api/v1
// (huma, OpenAPI 3.1 at /api/v1/openapi.json), provider webhooks, the
// WebSocket upgrade, health checks and the web app. Handlers translate
// HTTP to use cases and parley errors to problem bodies, nothing more.
package httpapi

import (
	"context"
	"fmt"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/calls"
	"github.com/parleyhq/parley/internal/hours"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/httpapi/apidocs"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/invite"
	"github.com/parleyhq/parley/internal/linkpreview"
	"github.com/parleyhq/parley/internal/medialink"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/tracking"
	"github.com/parleyhq/parley/internal/webhook"
	"github.com/parleyhq/parley/internal/widget"
	"github.com/parleyhq/parley/internal/workspace"
)

// MaxBodyBytes caps JSON request bodies.
const MaxBodyBytes = 1 << 20

// CookieName is the session cookie.
const CookieName = "parley_session"

// DeviceCookieName is the known-device cookie (see session.Login): sent
// only to the sign-in endpoint.
const DeviceCookieName = "parley_device"

// Deps are what the API serves.
type Deps struct {
	Store      *sqlstore.Store
	Sessions   *session.Service
	Workspaces *workspace.Service
	// Invites serves invitations and password resets; nil registers none
	// of their routes.
	Invites       *invite.Service
	Conversations *conversation.Service
	// Calls records phone calls in the contacts' history; nil registers
	// none of their routes.
	Calls   *calls.Service
	Inbound *inbound.Receiver
	Outbox  conversation.Outbox
	Logger  *slog.Logger
	// Channels serves channel health, provider tests and templates; nil
	// answers 503 on those routes.
	Channels ChannelOps
	// PublicURL decides the cookies' Secure flag.
	PublicURL *url.URL
	// Realtime serves the WebSocket for an authenticated actor; nil
	// answers 503.
	Realtime func(w http.ResponseWriter, r *http.Request, a parley.Actor)
	// Webhooks serves the providers' webhooks (the routes their specs
	// declare); nil serves none.
	Webhooks *webhook.Handler
	// MediaLinks serves the signed links providers fetch sent files from
	// (medialink.Route); nil serves none.
	MediaLinks http.Handler
	// Tracking serves the signed open and click URLs of sent mail
	// (tracking.OpenRoute, ClickRoute); nil serves none.
	Tracking *tracking.Handler
	// App serves the web app at /; nil serves nothing there.
	App http.Handler
	// Blobs holds message attachments.
	Blobs BlobGetter
	// Notifications serves the notification list and preferences; nil
	// registers none of their routes.
	Notifications *notify.Service
	// Widget serves the web-chat visitor API under /api/v1/widget/
	// (widget.Handler): visitor tokens, not sessions; nil serves none.
	Widget http.Handler
	// AI serves assistants, the knowledge base and the conversations' AI
	// state; nil registers none of their routes.
	AI *ai.Service
	// LinkPreview fetches the composer's link previews; nil answers 503.
	LinkPreview *linkpreview.Fetcher
	// Hours serves business hours; nil registers none of their routes.
	Hours *hours.Service
	// TrustedProxies are the reverse proxies (PARLEY_TRUSTED_PROXIES)
	// whose X-Forwarded-For names the client; empty ignores the header.
	TrustedProxies []netip.Prefix
}

// Server is the HTTP handler.
type Server struct {
	Deps
	mux  *http.ServeMux
	api  huma.API
	csrf *http.CrossOriginProtection
}

// New builds the handler.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{Deps: d, mux: http.NewServeMux(), csrf: http.NewCrossOriginProtection()}
	cfg := huma.DefaultConfig("Parley API", "1.0.0")
	cfg.OpenAPIPath = "" // served finished for readers: see opendoc.go
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil
	cfg.FieldsOptionalByDefault = true
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", uniqueSchemaNamer())
	cfg.Info.Description = apiDescription
	cfg.Tags = areas
	if d.PublicURL != nil {
		cfg.Servers = []*huma.Server{{URL: d.PublicURL.String(), Description: "This Parley"}}
	}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer"},
		"cookie": {Type: "apiKey", In: "cookie", Name: CookieName},
	}
	s.api = humago.New(s.mux, cfg)
	s.api.UseMiddleware(s.strictQuery)
	s.routes()
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.openAPIHandler())
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	s.mux.HandleFunc("GET /readyz", s.ready)
	s.mux.HandleFunc("GET /api/v1/realtime", s.realtime)
	s.mux.HandleFunc("GET /api/v1/workspaces/{workspace_id}/conversations/{conversation_id}/messages/{message_id}/attachments/{attachment_id}", s.attachment)
	s.mux.Handle("GET /api/docs", apidocs.Handler())
	s.mux.Handle("GET /api/docs/", apidocs.Handler())
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "No such API endpoint.")
	})
	if d.Webhooks != nil {
		for _, r := range d.Webhooks.Routes() {
			s.mux.HandleFunc(r.Pattern, r.Handler)
		}
	}
	if d.MediaLinks != nil {
		s.mux.Handle(medialink.Route, d.MediaLinks)
	}
	if d.Tracking != nil {
		s.mux.HandleFunc(tracking.OpenRoute, d.Tracking.Open)
		s.mux.HandleFunc(tracking.ClickRoute, d.Tracking.Click)
	}
	if d.App != nil {
		s.mux.Handle("/", d.App)
	}
	return s
}

// ServeHTTP serves r and logs it (see accessLogged).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.accessLogged(w, r, s.serve)
}

// serve authenticates the request (bearer header or session cookie),
// protects cookie-authenticated writes from cross-site requests, caps the
// body and routes. It returns the request the mux routed (whose Pattern
// names the route), or nil when it answered before routing.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) *http.Request {
	limit := int64(MaxBodyBytes)
	if isUpload(r) {
		limit = maxUploadBody
	} else if isContactImport(r) {
		limit = maxImportBody
	}
	if r.ContentLength > limit {
		writeFieldProblem(w, http.StatusRequestEntityTooLarge, uploadField(r), fmt.Sprintf("The request is larger than %d MB.", (limit+(1<<20)-1)>>20))
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if strings.HasPrefix(r.URL.Path, "/api/") && !checkText(w, r) {
		return nil
	}
	if s.Widget != nil && strings.HasPrefix(r.URL.Path, widget.Prefix) {
		// Visitors carry their own tokens, which are no sessions.
		routed := r.WithContext(widget.WithClientIP(r.Context(), s.clientIP(r)))
		s.Widget.ServeHTTP(w, routed)
		return routed
	}
	ctx := r.Context()
	token, viaCookie := bearer(r)
	if token != "" {
		a, err := s.Sessions.Authenticate(ctx, token)
		switch {
		case err == nil:
			ctx = context.WithValue(ctx, authKey{}, &principal{Authenticated: a, token: token, cookie: viaCookie})
		case parley.ErrorCode(err) != parley.EUNAUTHORIZED:
			s.Logger.ErrorContext(ctx, "authenticate", "err", err)
			writeProblem(w, http.StatusInternalServerError, "An internal error has occurred.")
			return nil
		case !viaCookie:
			// A bad bearer token is refused outright; a stale cookie just
			// means "not signed in".
			writeProblem(w, http.StatusUnauthorized, parley.ErrorMessage(err))
			return nil
		}
	}
	// No request skips the check, whatever its headers: the WebSocket
	// handshake is a GET, which the check lets through, and the hub then
	// checks its Origin itself.
	if viaCookie {
		if err := s.csrf.Check(r); err != nil {
			writeProblem(w, http.StatusForbidden, "Cross-site request refused.")
			return nil
		}
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	ctx = context.WithValue(ctx, requestKey{}, r)
	routed := r.WithContext(ctx)
	s.mux.ServeHTTP(w, routed)
	return routed
}

// uploadField is the field an oversized request is blamed on.
func uploadField(r *http.Request) string {
	if isUpload(r) {
		return "body.file"
	}
	return "body"
}

type requestKey struct{}

// requestFrom returns the HTTP request a huma handler serves.
func requestFrom(ctx context.Context) *http.Request {
	r, _ := ctx.Value(requestKey{}).(*http.Request)
	if r == nil {
		return &http.Request{}
	}
	return r
}

func setupArgs(token, workspaceName, name, email, password string) session.Setup {
	return session.Setup{Token: token, WorkspaceName: workspaceName, Name: name, Email: email, Password: password}
}

func bearer(r *http.Request) (token string, viaCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "-", false // present but malformed: refused as invalid
	}
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		return c.Value, true
	}
	return "", false
}

type authKey struct{}

type principal struct {
	*session.Authenticated
	token  string
	cookie bool
}

func principalFrom(ctx context.Context) *principal {
	p, _ := ctx.Value(authKey{}).(*principal)
	return p
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.Ping(r.Context()); err != nil {
		s.Logger.WarnContext(r.Context(), "readiness check failed", "err", err)
		writeProblem(w, http.StatusServiceUnavailable, "The database does not answer.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ready"}`))
}

func (s *Server) realtime(w http.ResponseWriter, r *http.Request) {
	if !rejectUnknownQuery(w, r, "workspace_id", "since", "counts") {
		return
	}
	p := principalFrom(r.Context())
	if p == nil {
		writeProblem(w, http.StatusUnauthorized, "Sign in first.")
		return
	}
	a, err := s.Sessions.Actor(r.Context(), p.User, r.URL.Query().Get("workspace_id"))
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.Logger.ErrorContext(r.Context(), "realtime actor failed", "user_id", p.User.ID, "err", err)
		}
		writeProblem(w, statusOf(err), parley.ErrorMessage(err))
		return
	}
	if s.Realtime == nil {
		writeProblem(w, http.StatusServiceUnavailable, "Real-time updates are not available.")
		return
	}
	s.Realtime(w, r, a)
}

// clientIP is the client's address: the TCP peer's, unless the peer is a
// trusted proxy; then X-Forwarded-For is read from the right (each proxy
// appends the address it received from), skipping trusted proxies, and the
// first address that is not one is the client. What lies left of it was
// written by the client and is never believed.
func (s *Server) clientIP(r *http.Request) string {
	return clientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.TrustedProxies)
}

// clientAddr is clientIP for a peer address ("host:port"), the
// X-Forwarded-For header values and the trusted proxies.
func clientAddr(remoteAddr string, forwarded []string, trusted []netip.Prefix) string {
	peer, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		host, _, err := net.SplitHostPort(remoteAddr)
		if err != nil {
			return remoteAddr
		}
		return host
	}
	client := peer.Addr().Unmap()
	if !isTrusted(client, trusted) {
		return client.String()
	}
	var hops []string
	for _, v := range forwarded {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // not an address: stop at the last proxy that wrote one
		}
		client = hop.Unmap().WithZone("")
		if !isTrusted(client, trusted) {
			break
		}
	}
	return client.String()
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
