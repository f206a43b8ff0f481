package widget

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel/webchat"
	"github.com/parleyhq/parley/internal/problem"
)

// Prefix is where the visitor API lives.
const Prefix = "/api/v1/widget/"

// maxBody caps a visitor's JSON body.
const maxBody = 64 << 10

// Handler serves the visitor API and socket.
type Handler struct {
	svc     *Service
	hub     *Hub
	mux     *http.ServeMux
	perIP   *limiter
	perVis  *limiter
	starts  *limiter
	origins originCache
}

// NewHandler returns the handler of the visitor API for svc; hub serves
// the visitor sockets.
func NewHandler(svc *Service, hub *Hub) *Handler {
	h := &Handler{svc: svc, hub: hub, mux: http.NewServeMux(),
		perIP: newLimiter(600, 120), perVis: newLimiter(120, 30), starts: newLimiter(60, 30)}
	h.mux.HandleFunc("GET "+Prefix+"{website_token}/settings", h.settings)
	h.mux.HandleFunc("POST "+Prefix+"{website_token}/visitors", h.createVisitor)
	h.mux.HandleFunc("GET "+Prefix+"visitor", h.visitor(h.getVisitor))
	h.mux.HandleFunc("PATCH "+Prefix+"visitor", h.visitor(h.patchVisitor))
	h.mux.HandleFunc("POST "+Prefix+"messages", h.visitor(h.postMessage))
	h.mux.HandleFunc("GET "+Prefix+"messages", h.visitor(h.getMessages))
	h.mux.HandleFunc("POST "+Prefix+"typing", h.visitor(h.postTyping))
	h.mux.HandleFunc("POST "+Prefix+"read", h.visitor(h.postRead))
	h.mux.HandleFunc("POST "+Prefix+"uploads", h.visitor(h.postUpload))
	h.mux.HandleFunc("GET "+Prefix+"conversations/{conversation_id}/messages/{message_id}/attachments/{attachment_id}",
		h.visitor(h.getAttachment))
	h.mux.HandleFunc("GET "+Prefix+"realtime", h.realtime)
	h.mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, http.StatusNotFound, "No such widget endpoint.")
	})
	return h
}

type ipKey struct{}

// WithClientIP returns ctx carrying the client's address as the server
// resolved it (trusted proxies), for the per-IP limits.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(ipKey{}).(string); ok && ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ServeHTTP answers preflights, applies the per-IP limit and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "Origin")
	if r.Method == http.MethodOptions {
		h.preflight(w, r)
		return
	}
	if !h.perIP.allow(clientIP(r), h.svc.Clock.Now()) {
		w.Header().Set("Retry-After", "10")
		problem.Write(w, http.StatusTooManyRequests, "Too many requests from this address; wait a little.")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// preflight answers CORS preflights for origins that some web-chat inbox
// allows; the call itself is then checked against its own inbox.
func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" || !h.origins.known(r.Context(), h.svc, origin) {
		problem.Write(w, http.StatusForbidden, "This website may not use the chat widget.")
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PATCH")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// originCache remembers, for a few seconds, every origin any web-chat
// inbox allows (for preflights, which carry no token).
type originCache struct {
	mu  sync.Mutex
	at  time.Time
	set map[string]bool
}

func (c *originCache) known(ctx context.Context, s *Service, origin string) bool {
	o, err := webchat.ParseOrigin(origin)
	if err != nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil || time.Since(c.at) > 5*time.Second {
		inboxes, err := s.Store.ListInboxesByChannel(ctx, parley.ChannelWebchat)
		if err != nil {
			s.Log.ErrorContext(ctx, "widget list inboxes", "err", err)
			return false
		}
		c.set, c.at = map[string]bool{}, time.Now()
		for i := range inboxes {
			for _, a := range webchat.AllowedOrigins(&inboxes[i]) {
				c.set[a] = true
			}
		}
	}
	return c.set[o]
}

// allowOrigin checks the request's Origin against the inbox's list and,
// when it passes, lets that origin read the answer. Calls without an
// Origin (not from a browser page) are refused too: the widget is only
// for the listed websites.
func allowOrigin(w http.ResponseWriter, r *http.Request, inbox *parley.Inbox) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !webchat.OriginAllowed(inbox, origin) {
		problem.Write(w, http.StatusForbidden, "This website may not use this chat widget: its origin is not in the inbox's allowed websites.",
			problem.Detail{Location: "header.Origin", Message: "not an allowed origin"})
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	return true
}

// fail writes err as a problem naming its field.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch parley.ErrorCode(err) {
	case parley.EINVALID:
		status = http.StatusUnprocessableEntity
	case parley.ENOTFOUND:
		status = http.StatusNotFound
	case parley.ECONFLICT:
		status = http.StatusConflict
	case parley.EFORBIDDEN:
		status = http.StatusForbidden
	case parley.EUNAUTHORIZED:
		status = http.StatusUnauthorized
	case parley.ERATELIMIT:
		status = http.StatusTooManyRequests
	case parley.ETOOLARGE:
		status = http.StatusRequestEntityTooLarge
	}
	if status == http.StatusInternalServerError {
		h.svc.Log.ErrorContext(r.Context(), "widget request failed", "path", r.URL.Path, "err", err)
		problem.Write(w, status, "An internal error has occurred.")
		return
	}
	var pe *parley.Error
	if errors.As(err, &pe) && pe.Field != "" {
		loc := pe.Field
		if !strings.Contains(loc, ".") && loc != "body" {
			loc = "body." + loc
		}
		problem.Write(w, status, pe.Message, problem.Detail{Location: loc, Message: pe.Message})
		return
	}
	problem.Write(w, status, parley.ErrorMessage(err))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON object body into v, refusing unknown fields and
// trailing data with an EINVALID error naming the field.
func decode(r io.Reader, v any) error {
	body, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return parley.FieldErrorf("body", "The body could not be read.")
	}
	return decodeBytes(body, v)
}

func decodeBytes(body []byte, v any) error {
	if len(body) > maxBody {
		return parley.FieldErrorf("body", "The body is larger than %d KB.", maxBody>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return parley.FieldErrorf(te.Field, "The %s has the wrong type (expected %s).", te.Field, te.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := clip(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
			if f == "" || strings.ContainsAny(f, ". ") {
				return parley.FieldErrorf("body", "Unknown field %q.", f)
			}
			return parley.FieldErrorf(f, "Unknown field %q.", f)
		}
		return parley.FieldErrorf("body", "The body is not a JSON object.")
	}
	if dec.More() {
		return parley.FieldErrorf("body", "The body holds more than one JSON value.")
	}
	return nil
}

func clip(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToValidUTF8(s, "")
}

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) (*parley.Inbox, bool) {
	inbox, err := h.svc.FindInbox(r.Context(), r.PathValue("website_token"))
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return inbox, allowOrigin(w, r, inbox)
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	inbox, ok := h.inbox(w, r)
	if !ok {
		return
	}
	st, err := h.svc.InboxSettings(r.Context(), inbox)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// visitorCreated is the answer to a new visitor.
type visitorCreated struct {
	VisitorID    string `json:"visitor_id"`
	VisitorToken string `json:"visitor_token"`
	Verified     bool   `json:"verified"`
}

func (h *Handler) createVisitor(w http.ResponseWriter, r *http.Request) {
	inbox, ok := h.inbox(w, r)
	if !ok {
		return
	}
	if !h.starts.allow(clientIP(r), h.svc.Clock.Now()) {
		w.Header().Set("Retry-After", "30")
		problem.Write(w, http.StatusTooManyRequests, "Too many new visitors from this address; wait a little.")
		return
	}
	var in NewVisitor
	if err := decode(r.Body, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	v, token, err := h.svc.CreateVisitor(r.Context(), inbox, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, visitorCreated{VisitorID: v.ID, VisitorToken: token, Verified: v.Verified})
}

// visitor wraps a handler that needs the visitor of the bearer token: it
// checks the token, the origin against the visitor's inbox and the
// visitor's rate.
func (h *Handler) visitor(next func(http.ResponseWriter, *http.Request, *Visitor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			problem.Write(w, http.StatusUnauthorized, "Send the visitor token as Authorization: Bearer <visitor_token>.",
				problem.Detail{Location: "header.Authorization", Message: "missing visitor token"})
			return
		}
		v, err := h.svc.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !allowOrigin(w, r, v.Inbox) {
			return
		}
		if !h.perVis.allow(v.ID, h.svc.Clock.Now()) {
			w.Header().Set("Retry-After", "10")
			problem.Write(w, http.StatusTooManyRequests, "Too many requests; wait a little.")
			return
		}
		next(w, r, v)
	}
}

// visitorInfo is what a visitor may read about themselves.
type visitorInfo struct {
	VisitorID string `json:"visitor_id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Verified  bool   `json:"verified"`
}

func (h *Handler) getVisitor(w http.ResponseWriter, r *http.Request, v *Visitor) {
	writeJSON(w, http.StatusOK, visitorInfo{VisitorID: v.ID, Name: v.Name, Email: v.Email, Verified: v.Verified})
}

// VisitorPatch is the body of PATCH /api/v1/widget/visitor.
type VisitorPatch struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

func (h *Handler) patchVisitor(w http.ResponseWriter, r *http.Request, v *Visitor) {
	var in VisitorPatch
	if err := decode(r.Body, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.UpdateVisitor(r.Context(), v, in.Name, in.Email); err != nil {
		h.fail(w, r, err)
		return
	}
	h.getVisitor(w, r, v)
}

// MessageBody is the body of POST /api/v1/widget/messages.
type MessageBody struct {
	Content         string   `json:"content"`
	ClientMessageID string   `json:"client_message_id"`
	AttachmentIDs   []string `json:"attachment_ids"`
}

func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request, v *Visitor) {
	var in MessageBody
	if err := decode(r.Body, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	sent, err := h.svc.Send(r.Context(), v, in.Content, in.ClientMessageID, in.AttachmentIDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, sent)
}

func (h *Handler) getMessages(w http.ResponseWriter, r *http.Request, v *Visitor) {
	for k := range r.URL.Query() {
		if k != "cursor" {
			h.fail(w, r, parley.FieldErrorf("query."+clip(k), "Unknown query parameter %q.", clip(k)))
			return
		}
	}
	page, err := h.svc.Messages(r.Context(), v, r.URL.Query().Get("cursor"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// TypingBody is the body of POST /api/v1/widget/typing.
type TypingBody struct {
	State string `json:"state"`
}

func (h *Handler) postTyping(w http.ResponseWriter, r *http.Request, v *Visitor) {
	var in TypingBody
	if err := decode(r.Body, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.Typing(r.Context(), v, in.State); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) realtime(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		if k != "token" && k != "since" {
			h.fail(w, r, parley.FieldErrorf("query."+clip(k), "Unknown query parameter %q.", clip(k)))
			return
		}
	}
	v, err := h.svc.Authenticate(r.Context(), q.Get("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	origin := r.Header.Get("Origin")
	if origin == "" || !webchat.OriginAllowed(v.Inbox, origin) {
		problem.Write(w, http.StatusForbidden, "This website may not use this chat widget.")
		return
	}
	if !h.perVis.allow(v.ID, h.svc.Clock.Now()) {
		problem.Write(w, http.StatusTooManyRequests, "Too many requests; wait a little.")
		return
	}
	var since int64
	if s := q.Get("since"); s != "" {
		if _, err := fmt.Sscan(s, &since); err != nil || since < 0 {
			h.fail(w, r, parley.FieldErrorf("query.since", "Since must be a sequence number, 0 or more."))
			return
		}
	}
	cid, err := h.svc.contactID(r.Context(), v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.ContactID = cid
	h.hub.Serve(w, r, v, since)
}
