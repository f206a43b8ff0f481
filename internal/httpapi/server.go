// Package httpapi is Parley's HTTP surface: the REST API under /api/v1
// (huma, OpenAPI 3.1 at /api/v1/openapi.json), provider webhooks, the
// WebSocket upgrade, health checks and the web app. Handlers translate
// HTTP to use cases and parley errors to problem bodies, nothing more.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/httpapi/apidocs"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

// MaxBodyBytes caps JSON request bodies.
const MaxBodyBytes = 1 << 20

// CookieName is the session cookie.
const CookieName = "parley_session"

// Deps are what the API serves.
type Deps struct {
	Store         *sqlstore.Store
	Sessions      *session.Service
	Workspaces    *workspace.Service
	Conversations *conversation.Service
	Inbound       *inbound.Receiver
	Outbox        conversation.Outbox
	Logger        *slog.Logger
	// Channels serves channel health, provider tests and templates; nil
	// answers 503 on those routes.
	Channels ChannelOps
	// PublicURL decides the cookies' Secure flag.
	PublicURL *url.URL
	// Realtime serves the WebSocket for an authenticated actor; nil
	// answers 503.
	Realtime func(w http.ResponseWriter, r *http.Request, a parley.Actor)
	// Extra registers more routes (channel webhooks) on the mux.
	Extra func(mux *http.ServeMux)
	// App serves the web app at /; nil serves nothing there.
	App http.Handler
	// Blobs holds message attachments.
	Blobs BlobGetter
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
	cfg.OpenAPIPath = "/api/v1/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil
	cfg.FieldsOptionalByDefault = true
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
	if d.Extra != nil {
		d.Extra(s.mux)
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
	}
	if r.ContentLength > limit {
		writeFieldProblem(w, http.StatusRequestEntityTooLarge, uploadField(r), fmt.Sprintf("The request is larger than %d MB.", (limit+(1<<20)-1)>>20))
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
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
	if viaCookie && r.Header.Get("Upgrade") == "" {
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
	if !rejectUnknownQuery(w, r, "workspace_id", "since") {
		return
	}
	p := principalFrom(r.Context())
	if p == nil {
		writeProblem(w, http.StatusUnauthorized, "Sign in first.")
		return
	}
	a, err := s.Sessions.Actor(r.Context(), p.User, r.URL.Query().Get("workspace_id"))
	if err != nil {
		writeProblem(w, statusOf(err), parley.ErrorMessage(err))
		return
	}
	if s.Realtime == nil {
		writeProblem(w, http.StatusServiceUnavailable, "Real-time updates are not available.")
		return
	}
	s.Realtime(w, r, a)
}

// clientIP is the peer address (a proxy in front should be trusted
// explicitly before X-Forwarded-For is believed; not yet configurable).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
