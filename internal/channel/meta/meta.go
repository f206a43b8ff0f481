// Package meta holds what Meta's channels (WhatsApp Cloud API and
// Messenger) share: the webhook subscription check (hub.challenge), the
// X-Hub-Signature-256 signature over the raw body, and the Graph API
// client settings.
package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

// Verify answers Meta's subscription check: the hub.challenge echoed when
// hub.mode is subscribe and hub.verify_token matches (in constant time);
// channel.ErrBadSignature otherwise.
func Verify(q url.Values, verifyToken string) (*channel.WebhookResult, error) {
	if verifyToken == "" || q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return nil, channel.ErrBadSignature
	}
	return &channel.WebhookResult{Response: []byte(q.Get("hub.challenge")), ResponseType: "text/plain; charset=utf-8"}, nil
}

// ValidSignature reports, in constant time, whether header is "sha256="
// and the hex HMAC-SHA256 of body keyed with appSecret.
func ValidSignature(appSecret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || appSecret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Options configure a Graph API adapter (WhatsApp, Messenger).
type Options struct {
	// BaseURL is the Graph API with its version (PARLEY_META_GRAPH_URL),
	// set by the operator and trusted; the adapter's default when empty.
	BaseURL string
	// HTTPClient calls the Graph API; a client with a 30 s timeout when nil.
	HTTPClient *http.Client
	// MediaClient downloads media from URLs that webhooks and the Graph
	// API hand out (a netguard client); HTTPClient when nil.
	MediaClient *http.Client
	// Clock stamps events that carry no time of their own.
	Clock parley.Clock
	// Logger notes provider failures not shown to people; discarded when nil.
	Logger *slog.Logger
}

// Client is what a Graph API adapter calls with, from Options.
type Client struct {
	Base  string
	HTTP  *http.Client
	Media *http.Client
	Clock parley.Clock
	Log   *slog.Logger
}

// NewClient fills Options' defaults; defaultBase is the Graph API version
// the adapter is written against.
func NewClient(o Options, defaultBase string) Client {
	if o.BaseURL == "" {
		o.BaseURL = defaultBase
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.MediaClient == nil {
		o.MediaClient = o.HTTPClient
	}
	if o.Clock == nil {
		o.Clock = parley.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return Client{Base: strings.TrimSuffix(o.BaseURL, "/"), HTTP: o.HTTPClient, Media: o.MediaClient, Clock: o.Clock, Log: o.Logger}
}

// Setting reads an inbox setting, secret or not.
func Setting(inbox *parley.Inbox, key string) string {
	if v := inbox.Secrets[key]; v != "" {
		return v
	}
	return inbox.Config[key]
}

// FromEnv returns the Options of a Graph API adapter built from a spec.
func FromEnv(e channel.Env) Options {
	return Options{BaseURL: e.BaseURL, HTTPClient: e.HTTPClient, MediaClient: e.MediaClient, Clock: e.Clock, Logger: e.Logger}
}
