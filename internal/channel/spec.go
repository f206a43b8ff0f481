package channel

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
)

// Spec is everything Parley needs to know about one provider, declared
// once in the provider's package: how to build its adapter, the settings
// an inbox of it takes, its webhook routes, the setting app-wide webhooks
// route by, its pacing, its media policy and its reply window. workspace,
// webhook, delivery, media, conversation and the web app (through
// GET /api/v1/channels) read it; none of them names a provider.
//
// Optional capabilities are small interfaces the adapter implements:
// Prober, TemplateLister, WebhookRegistrar, OwnerVerifier, MediaFetcher,
// RichSender.
type Spec struct {
	// Kind is the inbox channel kind (parley.Channel*).
	Kind string
	// Label names the channel for people ("WhatsApp", "SMS (Twilio)").
	Label string
	// New builds the adapter. Nil for specs whose adapter the app builds
	// itself (the API channel's needs the callback guard).
	New func(Env) Adapter
	// BaseURLVar is the environment variable that overrides the provider's
	// API base URL (PARLEY_TWILIO_API_URL); "" when there is none.
	BaseURLVar string
	// Settings are what an admin sets on an inbox of this kind.
	Settings []Setting
	// Webhooks are the provider's HTTP calls into Parley; zero when it
	// makes none.
	Webhooks Webhooks
	// RouteKey is the setting app-wide webhooks route by (WhatsApp's
	// phone_number_id): unique among live inboxes of the kind, bound only
	// once the adapter (an OwnerVerifier) proved that the RouteOwner
	// setting, a token, may read it. RouteWhat names it for people.
	RouteKey, RouteOwner, RouteWhat string
	// Rate is the pacing limit in messages per second per inbox (0:
	// unpaced).
	Rate float64
	// Media is what the channel carries; nil takes the default policy.
	Media *MediaPolicy
	// Window, when set, is the provider's reply-window rule.
	Window *Window
	// Threads: replies carry their thread (Outbound.Mail: subject, the
	// ids of earlier messages) as email does.
	Threads bool
	// Templates: agents may send the provider's pre-approved templates
	// (the adapter lists them as a TemplateLister). A template is approved
	// for one sender, so a template message is not resent on another
	// inbox of the kind.
	Templates bool
	// PhoneReach: a contact's phone number reaches them on an inbox of
	// this kind (SMS): a resend there makes it their identity on the inbox.
	PhoneReach bool
}

// SpecOf answers the spec of a channel kind; a zero Spec (no capability)
// for the built-in API channel and unknown kinds.
func SpecOf(kind string) *Spec {
	if s, ok := Lookup(kind); ok {
		return s
	}
	return &Spec{Kind: kind}
}

// Setting is one setting of an inbox of a provider channel.
type Setting struct {
	Key   string
	Label string
	// Secret settings are stored sealed and never returned.
	Secret bool
	// Required settings must be set once the inbox is saved.
	Required bool
	// Generated settings are filled with a random token when left empty.
	Generated bool
	// Pattern, when set, is what the trimmed value must match in full: an
	// RE2 expression that is also valid JavaScript with the v flag, as
	// browsers compile an input's pattern (escape "-" in a class: [a-z\-]).
	// Message completes "it is not …".
	Pattern string
	Message string
	// Normalize, when set, checks and rewrites the trimmed value (after
	// Pattern); its error completes "The … is not valid: ".
	Normalize func(v string) (string, error)

	re *regexp.Regexp
}

// Check returns the value to store for v, or an error that completes
// "The <setting> is not valid: ".
func (s *Setting) Check(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return v, nil
	}
	if s.re != nil && !s.re.MatchString(v) {
		return "", fmt.Errorf("it is not %s", s.Message)
	}
	if s.Normalize != nil {
		return s.Normalize(v)
	}
	return v, nil
}

// Webhooks are a provider's webhook routes. An inbox's webhook URL is
// PARLEY_PUBLIC_URL + Path + inbox id.
type Webhooks struct {
	// Path is the prefix of per-inbox URLs ("/webhooks/twilio/").
	Path string
	// Methods are the per-inbox methods (POST; GET too for subscription
	// checks).
	Methods []string
	// Suffixes are further per-inbox paths after the id ("/status").
	Suffixes []string
	// StatusCallback: each send names Path + id + StatusCallback as where
	// the provider reports delivery (Twilio); "" when reports arrive on
	// the main webhook.
	StatusCallback string
	// AppWide: the provider also calls one URL for every inbox (Path
	// without its trailing slash), routed by Spec.RouteKey and signed with
	// the server-wide app secret.
	AppWide bool
	// AutoRegistered: the adapter tells the provider the URL itself (a
	// WebhookRegistrar); otherwise the admin pastes it into the console.
	AutoRegistered bool
}

// Window is a provider's rule for free-form replies, counted from the
// customer's last message on the inbox as the provider timed it.
type Window struct {
	// Open is how long a free-form reply is allowed.
	Open time.Duration
	// Extended, when set, is how long a human agent may still reply with
	// ExtendedTag (Messenger's HUMAN_AGENT, 7 days); after Open and
	// without it, only templates (TemplatesOnly) or nothing.
	Extended    time.Duration
	ExtendedTag string
	// TemplatesOnly: outside the window an approved template may still be
	// sent (WhatsApp).
	TemplatesOnly bool
	// Tag applies the rule: the tag a reply sent at now by senderKind
	// carries, or an EINVALID error that says what is needed instead.
	// last is nil when the customer never wrote on the inbox.
	Tag func(last *time.Time, now time.Time, senderKind string) (string, error)
}

// MediaPolicy is what one channel carries (the media package checks files
// against it).
type MediaPolicy struct {
	// Name is the channel as people know it, for error messages.
	Name string
	// Types lists the accepted content types; each has its kind's limit.
	Types []string
	// MaxAttachments is how many files one message may carry.
	MaxAttachments int
	// MaxTotal, when set, caps the sum of a message's files (Twilio MMS).
	MaxTotal int64
	// NeedsURL: the provider fetches files itself from a public URL and
	// cannot take an upload (Twilio).
	NeedsURL bool
}

// Env is what a provider's adapter is built with.
type Env struct {
	// BaseURL is the operator's override of the provider's API (its
	// Spec.BaseURLVar), "" for the provider's default; trusted.
	BaseURL string
	// HTTPClient calls the provider's API (trusted URLs).
	HTTPClient *http.Client
	// MediaClient fetches URLs found in webhooks (a netguard client).
	MediaClient *http.Client
	Clock       parley.Clock
	Logger      *slog.Logger
	// Dial connects to user-supplied hosts (an inbox's SMTP or IMAP
	// server) through the netguard: private and loopback addresses are
	// refused unless the operator allows them.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Tracker makes the signed open and click URLs of sent messages whose
	// inbox tracks them (internal/tracking); nil tracks nothing.
	Tracker Tracker
}

// Tracker makes the signed URLs that record a sent message's opening (a
// 1×1 image) and a click on one of its links (a redirect to exactly
// target).
type Tracker interface {
	OpenURL(inboxID, messageID string) string
	ClickURL(inboxID, messageID, target string) string
}

// Probe is the outcome of a provider test call.
type Probe struct {
	OK bool `json:"ok"`
	// Status is the provider's HTTP status (0 when it was not reached).
	Status int `json:"status"`
	// Error says what went wrong, in words (no secret).
	Error     string    `json:"error,omitempty"`
	LatencyMS int64     `json:"latency_ms"`
	CheckedAt time.Time `json:"checked_at"`
}

// Prober is implemented by adapters that can test an inbox's credentials
// with a cheap authenticated call ("test connection").
type Prober interface {
	Probe(ctx context.Context, inbox *parley.Inbox) *Probe
}

// TemplateLister is implemented by adapters whose provider keeps
// pre-approved message templates (WhatsApp).
type TemplateLister interface {
	ChannelTemplates(ctx context.Context, inbox *parley.Inbox) ([]parley.ChannelTemplate, error)
}

// ErrNoTemplates is the refusal of a template operation on an inbox whose
// adapter is no TemplateLister.
var ErrNoTemplates = &parley.Error{Code: parley.EINVALID, Message: "This inbox's channel has no message templates (they belong to WhatsApp inboxes)."}

// WebhookRegistrar is implemented by adapters that tell the provider an
// inbox's webhook URL themselves (Telegram's setWebhook). Errors are
// shown to the admin.
type WebhookRegistrar interface {
	RegisterWebhook(ctx context.Context, inbox *parley.Inbox, webhookURL string) error
}

// OwnerVerifier is implemented by adapters whose app-wide webhooks route
// by an id (Spec.RouteKey): it proves that the inbox's own token owns the
// id before the id is bound. An EINVALID error names the field and says
// why.
type OwnerVerifier interface {
	VerifyOwner(ctx context.Context, inbox *parley.Inbox) error
}

// RichSender is implemented by adapters that send Outbound's quick
// replies, buttons and cards (Messenger); others send only the text.
type RichSender interface {
	SendsRich() bool
}

// registry holds the registered specs.
var registry struct {
	sync.RWMutex
	specs map[string]*Spec
	order []string
}

// Register makes a provider known, as database/sql's Register does a
// driver: the app registers every provider from one list before it
// builds anything. It panics on a second spec of the same kind, a setting
// without a key or with a pattern that does not compile.
func Register(s Spec) {
	if s.Kind == "" {
		panic("channel: Register of a spec without a kind")
	}
	for i := range s.Settings {
		st := &s.Settings[i]
		if st.Key == "" {
			panic("channel: " + s.Kind + ": a setting without a key")
		}
		if st.Pattern != "" {
			st.re = regexp.MustCompile(`^(?:` + st.Pattern + `)$`)
		}
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.specs == nil {
		registry.specs = map[string]*Spec{}
	}
	if _, dup := registry.specs[s.Kind]; dup {
		panic("channel: Register called twice for " + s.Kind)
	}
	registry.specs[s.Kind] = &s
	registry.order = append(registry.order, s.Kind)
}

// Lookup returns the spec of a channel kind.
func Lookup(kind string) (*Spec, bool) {
	registry.RLock()
	defer registry.RUnlock()
	s, ok := registry.specs[kind]
	return s, ok
}

// Specs returns every registered spec, in registration order.
func Specs() []*Spec {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]*Spec, 0, len(registry.order))
	for _, k := range registry.order {
		out = append(out, registry.specs[k])
	}
	return out
}

// Registered reports whether kind is registered.
func Registered(kind string) bool {
	_, ok := Lookup(kind)
	return ok
}

// Setting returns the setting key of the spec.
func (s *Spec) Setting(key string) (*Setting, bool) {
	i := slices.IndexFunc(s.Settings, func(st Setting) bool { return st.Key == key })
	if i < 0 {
		return nil, false
	}
	return &s.Settings[i], true
}

// SettingKeys returns the keys of the spec's settings, sorted.
func (s *Spec) SettingKeys() []string {
	keys := make([]string, 0, len(s.Settings))
	for _, st := range s.Settings {
		keys = append(keys, st.Key)
	}
	slices.Sort(keys)
	return keys
}

// WebhookPath returns the path of an inbox's webhook ("" for channels
// without one, or before the inbox has an id).
func WebhookPath(inbox *parley.Inbox) string {
	s, ok := Lookup(inbox.Channel)
	if !ok || s.Webhooks.Path == "" || inbox.ID == "" {
		return ""
	}
	return s.Webhooks.Path + inbox.ID
}

// InboxSetting reads an inbox setting from Secrets, then Config.
func InboxSetting(inbox *parley.Inbox, key string) string {
	if v := inbox.Secrets[key]; v != "" {
		return v
	}
	return inbox.Config[key]
}
