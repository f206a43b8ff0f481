// Package tracking records that a sent email was opened (a 1×1 image in
// its HTML) or that a link in it was clicked (links rewritten through a
// redirect), for email inboxes that turn it on (track_opens,
// track_clicks). Every URL is signed with a key derived from the instance
// key and the message, so that nobody can mark a message opened without
// the mail, and a click URL redirects only to the exact URL that was
// signed with it: never an open redirect.
package tracking

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/email"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Routes the handler serves: outside /api (no session, no CSRF check) and
// short, as they sit in mail.
const (
	OpenRoute  = "GET /t/o/{token}"
	ClickRoute = "GET /t/c/{token}"
)

// maxTarget bounds a click URL's target (mail clients and browsers cope
// with ~2 KB URLs; anything longer was not made by Parley).
const maxTarget = 2048

// Links signs tracking URLs.
type Links struct {
	key []byte
	// PublicURL returns PARLEY_PUBLIC_URL without a trailing slash, read
	// at each use.
	PublicURL func() string
}

// NewLinks derives the tracking key from the instance key.
func NewLinks(instanceKey []byte, publicURL func() string) *Links {
	mac := hmac.New(sha256.New, instanceKey)
	mac.Write([]byte("parley email tracking"))
	return &Links{key: mac.Sum(nil), PublicURL: publicURL}
}

// OpenURL implements channel.Tracker.
func (l *Links) OpenURL(inboxID, messageID string) string {
	ref := Ref{InboxID: inboxID, MessageID: messageID}
	ref.Sig = l.sign(ref, "open", "")
	return l.PublicURL() + "/t/o/" + ref.String()
}

// ClickURL implements channel.Tracker.
func (l *Links) ClickURL(inboxID, messageID, target string) string {
	ref := Ref{InboxID: inboxID, MessageID: messageID}
	ref.Sig = l.sign(ref, "click", target)
	return l.PublicURL() + "/t/c/" + ref.String() + "?" + url.Values{"u": {target}}.Encode()
}

// sign is the URL's signature: a per-message key (from the tracking key,
// the inbox and the message) over what the URL does; 128 bits.
func (l *Links) sign(ref Ref, kind, target string) string {
	per := hmac.New(sha256.New, l.key)
	per.Write([]byte(ref.InboxID + "\x00" + ref.MessageID))
	mac := hmac.New(sha256.New, per.Sum(nil))
	mac.Write([]byte(kind + "\x00" + target))
	return b64.EncodeToString(mac.Sum(nil)[:16])
}

func (l *Links) verify(ref Ref, kind, target string) bool {
	return hmac.Equal([]byte(l.sign(ref, kind, target)), []byte(ref.Sig))
}

var b64 = base64.RawURLEncoding

// Ref is what a tracking token names: a message Parley sent from an
// inbox, and the signature.
type Ref struct {
	InboxID, MessageID, Sig string
}

// String is the token: <inbox id>.<message id>.<signature>.
func (r Ref) String() string { return r.InboxID + "." + r.MessageID + "." + r.Sig }

// ErrToken is a token that is not one Parley makes.
var ErrToken = errors.New("tracking: malformed token")

// ParseToken reads a token. It checks the form only; the signature is
// checked against the URL's purpose by the handler.
func ParseToken(s string) (Ref, error) {
	if len(s) > 200 {
		return Ref{}, ErrToken
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 || !id.Valid(parts[0]) || !id.Valid(parts[1]) {
		return Ref{}, ErrToken
	}
	if sig, err := b64.DecodeString(parts[2]); err != nil || len(sig) != 16 {
		return Ref{}, ErrToken
	}
	return Ref{InboxID: parts[0], MessageID: parts[1], Sig: parts[2]}, nil
}

// Handler serves the tracking URLs.
type Handler struct {
	Links  *Links
	Store  *sqlstore.Store
	Logger *slog.Logger
}

// pixel is a transparent 1×1 GIF.
var pixel = []byte{0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b}

// Open answers OpenRoute: the pixel, after recording the opening. A token
// that does not verify is a 404; a failure to record still serves the
// pixel (the reader's mail client is not to blame), and is logged.
func (h *Handler) Open(w http.ResponseWriter, r *http.Request) {
	ref, err := ParseToken(r.PathValue("token"))
	if err != nil || !h.Links.verify(ref, "open", "") {
		http.NotFound(w, r)
		return
	}
	h.record(r.Context(), ref, parley.DeliveryOpened, email.KeyTrackOpens)
	hd := w.Header()
	hd.Set("Content-Type", "image/gif")
	hd.Set("Cache-Control", "no-store, max-age=0")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.Write(pixel)
}

// Click answers ClickRoute: a redirect to the URL signed with the token,
// after recording the click. Only http and https targets are ever signed
// or followed.
func (h *Handler) Click(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	target := q.Get("u")
	ref, err := ParseToken(r.PathValue("token"))
	if err != nil || len(q) != 1 || len(q["u"]) != 1 || !webURL(target) || !h.Links.verify(ref, "click", target) {
		http.NotFound(w, r)
		return
	}
	h.record(r.Context(), ref, parley.DeliveryClicked, email.KeyTrackClicks)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target, http.StatusFound)
}

// webURL reports whether target is an absolute http(s) URL with a host.
func webURL(target string) bool {
	if target == "" || len(target) > maxTarget {
		return false
	}
	u, err := url.Parse(target)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// record sets st on the message once: a message already at or past it,
// or an inbox that no longer tracks (setting key off), costs one read.
func (h *Handler) record(ctx context.Context, ref Ref, st parley.DeliveryStatus, setting string) {
	if err := h.apply(ctx, ref, st, setting); err != nil {
		h.log().ErrorContext(ctx, "email tracking not recorded", "inbox_id", ref.InboxID, "message_id", ref.MessageID,
			"status", st, "err", err)
	}
}

func (h *Handler) apply(ctx context.Context, ref Ref, st parley.DeliveryStatus, setting string) error {
	inbox, err := h.Store.FindInboxByIDAnyWorkspace(ctx, ref.InboxID)
	if parley.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if inbox.Channel != parley.ChannelEmail || channel.InboxSetting(inbox, setting) != "true" {
		return nil
	}
	pid := email.MessageID(inbox, ref.MessageID)
	m, err := h.Store.FindMessageByProviderID(ctx, inbox.ID, pid)
	if parley.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if m.Direction != parley.DirectionOut || seen(m, st) {
		return nil
	}
	return h.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		return delivery.ApplyReport(ctx, tx, inbox, channel.StatusUpdate{ProviderMessageID: pid, Status: st, At: tx.Now()})
	})
}

// seen reports whether m already recorded st: it is counted once.
func seen(m *parley.Message, st parley.DeliveryStatus) bool {
	for _, s := range m.StatusHistory {
		if s.Status == st {
			return true
		}
	}
	return false
}

func (h *Handler) log() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}
