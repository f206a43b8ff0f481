// Package webhook is the HTTP ingress of the messaging providers: Twilio
// (messages and status callbacks), the WhatsApp Cloud API and Messenger
// (per inbox, and app-wide routed by phone number id or page id) and
// Telegram. Each request is verified and parsed by its channel.Adapter,
// its media fetched and stored, its messages handed to inbound.Receive and
// its delivery reports applied, and only then answered 2xx: what a
// provider sees acknowledged is committed. Refused requests store nothing
// and are counted in the inbox's channel health.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/meta"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/problem"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MaxBodyBytes caps a webhook body; provider payloads are far smaller.
const MaxBodyBytes = 1 << 20

// mediaTimeout bounds the download of one message's media.
const mediaTimeout = 30 * time.Second

// inboundNoteInterval is how often, at most, one node records an inbox's
// last inbound time: enough for a health page, one write per second at
// most however busy the inbox.
const inboundNoteInterval = time.Second

// Options configure a Handler.
type Options struct {
	Store   *sqlstore.Store
	Inbound *inbound.Receiver
	// Adapters parse webhooks, one per channel kind.
	Adapters map[string]channel.Adapter
	// Blobs keeps inbound media; nil drops media (the message notes it).
	Blobs blob.Store
	// PublicURL returns PARLEY_PUBLIC_URL; signatures over the URL (Twilio)
	// are checked against it plus the request's path and query.
	PublicURL func() string
	// MetaAppSecret and MetaVerifyToken serve the app-wide WhatsApp and
	// Messenger webhooks, and inboxes without their own.
	MetaAppSecret   string
	MetaVerifyToken string
	Clock           parley.Clock
	Logger          *slog.Logger
}

// Handler serves the provider webhooks. It is safe for concurrent use.
type Handler struct {
	o         Options
	log       *slog.Logger
	noteMu    sync.Mutex
	lastNoted map[string]time.Time
}

// New returns a Handler.
func New(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = parley.SystemClock{}
	}
	if o.PublicURL == nil {
		o.PublicURL = func() string { return "" }
	}
	return &Handler{o: o, log: o.Logger, lastNoted: map[string]time.Time{}}
}

// Route is one webhook route: a net/http pattern and its handler.
type Route struct {
	Pattern string
	Handler http.HandlerFunc
}

// Routes are the webhook routes every registered provider's channel.Spec
// declares (httpapi serves them): per inbox under Webhooks.Path, with each
// of Webhooks.Suffixes, and app-wide when Webhooks.AppWide.
func (h *Handler) Routes() []Route {
	var routes []Route
	for _, spec := range channel.Specs() {
		wh := spec.Webhooks
		if wh.Path == "" {
			continue
		}
		for _, method := range wh.Methods {
			for _, suffix := range append([]string{""}, wh.Suffixes...) {
				routes = append(routes, Route{method + " " + wh.Path + "{inbox_id}" + suffix, h.perInbox(spec.Kind)})
			}
			if wh.AppWide {
				routes = append(routes, Route{method + " " + strings.TrimSuffix(wh.Path, "/"), h.appWide(spec)})
			}
		}
	}
	return routes
}

// withMetaDefaults returns the inbox of an app-wide provider with the
// server-wide app secret and verify token standing in for those it lacks.
func (h *Handler) withMetaDefaults(inbox *parley.Inbox) *parley.Inbox {
	if spec, ok := channel.Lookup(inbox.Channel); !ok || !spec.Webhooks.AppWide {
		return inbox
	}
	c := *inbox
	c.Secrets = map[string]string{}
	for k, v := range inbox.Secrets {
		c.Secrets[k] = v
	}
	if c.Secrets[meta.KeyAppSecret] == "" && h.o.MetaAppSecret != "" {
		c.Secrets[meta.KeyAppSecret] = h.o.MetaAppSecret
	}
	if c.Secrets[meta.KeyVerifyToken] == "" && inbox.Config[meta.KeyVerifyToken] == "" && h.o.MetaVerifyToken != "" {
		c.Secrets[meta.KeyVerifyToken] = h.o.MetaVerifyToken
	}
	return &c
}

func (h *Handler) perInbox(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		adapter := h.o.Adapters[kind]
		inbox, err := h.o.Store.FindInboxByIDAnyWorkspace(ctx, r.PathValue("inbox_id"))
		if parley.IsNotFound(err) || (err == nil && inbox.Channel != kind) || adapter == nil {
			writeProblem(w, http.StatusNotFound, "No such inbox.")
			return
		}
		if err != nil {
			h.fail(ctx, w, kind, err)
			return
		}
		body, ok := readBody(w, r)
		if !ok {
			h.reject(ctx, inbox, sqlstore.RejectedMalformed, "body too large")
			writeProblem(w, http.StatusRequestEntityTooLarge, "The body is too large.")
			return
		}
		publicURL := strings.TrimRight(h.o.PublicURL(), "/") + r.URL.RequestURI()
		res, err := adapter.ParseWebhook(r, body, publicURL, h.withMetaDefaults(inbox))
		if err != nil {
			h.refuse(ctx, w, r, inbox, err)
			return
		}
		if err := h.process(ctx, res, func(string) *parley.Inbox { return inbox }); err != nil {
			h.fail(ctx, w, kind, err)
			return
		}
		respond(w, res)
	}
}

func (h *Handler) appWide(spec *channel.Spec) http.HandlerFunc {
	kind := spec.Kind
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.Method == http.MethodGet {
			// The subscription check, against the server-wide verify token.
			res, err := meta.Verify(r.URL.Query(), h.o.MetaVerifyToken)
			if err != nil {
				writeProblem(w, http.StatusForbidden, "The verify token does not match.")
				return
			}
			respond(w, res)
			return
		}
		adapter := h.o.Adapters[kind]
		if h.o.MetaAppSecret == "" || adapter == nil {
			writeProblem(w, http.StatusNotFound, "The app-wide webhook is not configured (PARLEY_META_APP_SECRET).")
			return
		}
		body, ok := readBody(w, r)
		if !ok {
			writeProblem(w, http.StatusRequestEntityTooLarge, "The body is too large.")
			return
		}
		app := &parley.Inbox{Channel: kind, Config: map[string]string{}, Secrets: map[string]string{meta.KeyAppSecret: h.o.MetaAppSecret}}
		res, err := adapter.ParseWebhook(r, body, strings.TrimRight(h.o.PublicURL(), "/")+r.URL.RequestURI(), app)
		if err != nil {
			h.refuse(ctx, w, r, nil, err)
			return
		}
		res.Clean()
		routes, err := h.routes(ctx, kind, res)
		if err != nil {
			h.fail(ctx, w, kind, err)
			return
		}
		if len(routes) == 0 && (len(res.Messages) > 0 || len(res.Statuses) > 0) {
			h.log.WarnContext(ctx, "webhook for no known inbox", "channel", kind)
			writeProblem(w, http.StatusNotFound, "No inbox has this "+strings.ReplaceAll(spec.RouteKey, "_", " ")+".")
			return
		}
		if err := h.process(ctx, res, func(key string) *parley.Inbox { return routes[key] }); err != nil {
			h.fail(ctx, w, kind, err)
			return
		}
		respond(w, res)
	}
}

// routes finds the inbox of each route key the result names.
func (h *Handler) routes(ctx context.Context, kind string, res *channel.WebhookResult) (map[string]*parley.Inbox, error) {
	want := map[string]bool{}
	for _, m := range res.Messages {
		want[m.RouteKey] = true
	}
	for _, s := range res.Statuses {
		want[s.RouteKey] = true
	}
	out := map[string]*parley.Inbox{}
	if len(want) == 0 {
		return out, nil
	}
	list, err := h.o.Store.ListInboxesByChannel(ctx, kind)
	if err != nil {
		return nil, err
	}
	for i := range list {
		// RouteKey, not the config value: it is bound (unique, and proved
		// to belong to the inbox's token) only when the inbox was saved.
		if k := list[i].RouteKey; k != "" && want[k] {
			out[k] = &list[i]
		}
	}
	for k := range want {
		if out[k] == nil {
			h.log.WarnContext(ctx, "webhook entry for no known inbox", "channel", kind, "route_key", k)
		}
	}
	return out, nil
}

// process stores the messages and applies the statuses of a parsed
// webhook; inboxOf maps a route key to its inbox (nil: skipped).
func (h *Handler) process(ctx context.Context, res *channel.WebhookResult, inboxOf func(string) *parley.Inbox) error {
	// Provider text is stored whatever it holds: NULs and invalid UTF-8
	// are cleaned here, for every provider, not refused (idempotent; the
	// app-wide webhook cleaned before routing already).
	res.Clean()
	for _, m := range res.Messages {
		inbox := inboxOf(m.RouteKey)
		if inbox == nil {
			continue
		}
		if err := h.receive(ctx, inbox, m); err != nil {
			return err
		}
	}
	var statuses []channel.StatusUpdate
	var inboxes []*parley.Inbox
	for _, s := range res.Statuses {
		if inbox := inboxOf(s.RouteKey); inbox != nil {
			statuses, inboxes = append(statuses, s), append(inboxes, inbox)
		}
	}
	if len(statuses) == 0 {
		return nil
	}
	err := h.o.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		for i, s := range statuses {
			if err := delivery.ApplyReport(ctx, tx, inboxes[i], s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("webhook: statuses: %w", err)
	}
	return nil
}

// receive stores one inbound message: media first (unless the message is
// already stored), then the message in one transaction.
func (h *Handler) receive(ctx context.Context, inbox *parley.Inbox, m channel.Inbound) error {
	if strings.TrimSpace(m.Content) == "" && len(m.Media) == 0 {
		m.Content = "[" + kindName(m.ContentType) + " message]"
	}
	if _, err := h.o.Store.FindMessageByProviderID(ctx, inbox.ID, m.ProviderMessageID); err == nil {
		return nil // a provider retry: stored already
	} else if !parley.IsNotFound(err) {
		return fmt.Errorf("webhook: %s: %w", inbox.Channel, err)
	}
	atts, notes := h.fetchMedia(ctx, inbox, m)
	if len(notes) > 0 {
		m.Content = strings.TrimSpace(m.Content + "\n" + strings.Join(notes, "\n"))
	}
	res, err := h.o.Inbound.ReceiveWithAttachments(ctx, inbox, m, atts)
	if err != nil || res.Duplicate {
		h.dropBlobs(atts)
	}
	if err != nil {
		if code := parley.ErrorCode(err); code == parley.EINVALID {
			return fmt.Errorf("webhook: %s: %w: %w", inbox.Channel, channel.ErrMalformed, err)
		}
		return fmt.Errorf("webhook: %s: %w", inbox.Channel, err)
	}
	h.noteInbound(ctx, inbox)
	return nil
}

func kindName(ct string) string {
	if ct == "" || ct == "unsupported" {
		return "unsupported"
	}
	return ct
}

// fetchMedia downloads a message's media through its adapter and stores
// each file. A file that cannot be had (too large, of a refused type, the
// provider failing) does not stop the message: a note in its text says so.
func (h *Handler) fetchMedia(ctx context.Context, inbox *parley.Inbox, m channel.Inbound) ([]parley.Attachment, []string) {
	if len(m.Media) == 0 {
		return nil, nil
	}
	fetcher, ok := h.o.Adapters[inbox.Channel].(channel.MediaFetcher)
	if !ok || h.o.Blobs == nil {
		return nil, []string{"[The message carried an attachment Parley cannot fetch.]"}
	}
	limit := max(media.PolicyFor(inbox.Channel).MaxAttachments, 1)
	var atts []parley.Attachment
	var notes []string
	for i, ref := range m.Media {
		if i >= limit {
			notes = append(notes, fmt.Sprintf("[%d more attachments were not fetched.]", len(m.Media)-i))
			break
		}
		fctx, cancel := context.WithTimeout(ctx, mediaTimeout)
		file, err := fetcher.FetchMedia(fctx, inbox, ref)
		cancel()
		if err != nil {
			h.log.WarnContext(ctx, "webhook media fetch failed", "inbox_id", inbox.ID, "channel", inbox.Channel, "err", err)
			why := "the provider did not deliver it"
			if code := parley.ErrorCode(err); code == parley.EINVALID || code == parley.ETOOLARGE {
				why = parley.ErrorMessage(err)
			}
			notes = append(notes, "[An attachment could not be fetched: "+why+"]")
			continue
		}
		att := parley.Attachment{ID: id.New(), FileName: file.FileName, ContentType: file.ContentType, Size: int64(len(file.Data))}
		att.Key = att.ID
		if att.FileName == "" {
			att.FileName = defaultName(file.ContentType)
		}
		if err := h.o.Blobs.Put(ctx, att.Key, file.Data); err != nil {
			h.log.ErrorContext(ctx, "webhook media store failed", "inbox_id", inbox.ID, "err", err)
			notes = append(notes, "[An attachment could not be stored.]")
			continue
		}
		atts = append(atts, att)
	}
	return atts, notes
}

func defaultName(ct string) string {
	kind, sub, _ := strings.Cut(ct, "/")
	if sub == "" {
		return "file"
	}
	if kind == "application" {
		kind = "document"
	}
	switch sub {
	case "jpeg":
		sub = "jpg"
	case "mpeg":
		sub = "mp3"
	case "vnd.openxmlformats-officedocument.wordprocessingml.document":
		sub = "docx"
	case "vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		sub = "xlsx"
	case "msword":
		sub = "doc"
	case "vnd.ms-excel":
		sub = "xls"
	}
	return kind + "." + sub
}

func (h *Handler) dropBlobs(atts []parley.Attachment) {
	for _, a := range atts {
		if err := h.o.Blobs.Delete(context.Background(), a.Key); err != nil {
			h.log.Warn("webhook drop blob", "key", a.Key, "err", err)
		}
	}
}

// noteInbound records the inbox's last inbound time, at most once per
// inboundNoteInterval per node.
func (h *Handler) noteInbound(ctx context.Context, inbox *parley.Inbox) {
	now := h.o.Clock.Now()
	h.noteMu.Lock()
	last, seen := h.lastNoted[inbox.ID]
	if seen && now.Sub(last) < inboundNoteInterval {
		h.noteMu.Unlock()
		return
	}
	h.lastNoted[inbox.ID] = now
	h.noteMu.Unlock()
	err := h.o.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.RecordChannelInbound(ctx, inbox.WorkspaceID, inbox.ID, now)
	})
	if err != nil {
		h.log.WarnContext(ctx, "webhook record inbound", "inbox_id", inbox.ID, "err", err)
	}
}

// refuse answers a request the adapter refused: 401 (403 for a failed
// subscription check) for a bad signature, 400 for a malformed body,
// counted on the inbox when one is known.
func (h *Handler) refuse(ctx context.Context, w http.ResponseWriter, r *http.Request, inbox *parley.Inbox, err error) {
	switch {
	case errors.Is(err, channel.ErrBadSignature):
		if inbox != nil {
			h.reject(ctx, inbox, sqlstore.RejectedSignature, "bad signature")
		}
		h.log.WarnContext(ctx, "webhook bad signature", "inbox_id", inboxID(inbox), "path", r.URL.Path)
		if r.Method == http.MethodGet {
			writeProblem(w, http.StatusForbidden, "The verify token does not match.")
			return
		}
		writeProblem(w, http.StatusUnauthorized, "The request is not signed by the provider.")
	case errors.Is(err, channel.ErrMalformed):
		if inbox != nil {
			h.reject(ctx, inbox, sqlstore.RejectedMalformed, "malformed body")
		}
		h.log.WarnContext(ctx, "webhook malformed", "inbox_id", inboxID(inbox), "path", r.URL.Path, "err", err)
		writeProblem(w, http.StatusBadRequest, "The body cannot be parsed.")
	default:
		h.fail(ctx, w, "", err)
	}
}

func inboxID(inbox *parley.Inbox) string {
	if inbox == nil {
		return ""
	}
	return inbox.ID
}

// reject counts a refused request in the inbox's health.
func (h *Handler) reject(ctx context.Context, inbox *parley.Inbox, kind, reason string) {
	err := h.o.Store.Write(context.WithoutCancel(ctx), func(tx *sqlstore.Tx) error {
		return tx.RecordChannelRejection(ctx, inbox.WorkspaceID, inbox.ID, kind, reason)
	})
	if err != nil {
		h.log.WarnContext(ctx, "webhook record rejection", "inbox_id", inbox.ID, "err", err)
	}
}

// fail answers an error after parsing: a message the inbound path refused
// is malformed (400, not retried); anything else is 500, which providers
// retry.
func (h *Handler) fail(ctx context.Context, w http.ResponseWriter, kind string, err error) {
	if errors.Is(err, channel.ErrMalformed) {
		h.log.WarnContext(ctx, "webhook message refused", "channel", kind, "err", err)
		writeProblem(w, http.StatusBadRequest, parley.ErrorMessage(err))
		return
	}
	h.log.ErrorContext(ctx, "webhook failed", "channel", kind, "err", err)
	writeProblem(w, http.StatusInternalServerError, "An internal error has occurred.")
}

// readBody reads the raw body (signatures are over its bytes), refusing
// one over MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return nil, false
	}
	return body, true
}

// respond writes the adapter's reply (hub.challenge, empty TwiML) or an
// empty JSON object.
func respond(w http.ResponseWriter, res *channel.WebhookResult) {
	if res != nil && res.Response != nil {
		ct := res.ResponseType
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(http.StatusOK)
		w.Write(res.Response)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`{}`))
}

func writeProblem(w http.ResponseWriter, status int, detail string) { problem.Write(w, status, detail) }
