// Package webchat is the web-chat widget's channel: customers write from a
// chat window embedded in the workspace's website (GET /widget.js), through
// the visitor API of internal/widget. The adapter has no provider to call:
// a reply is stored and announced as an event, and the visitor's socket or
// the visitor API reads it from there, so Send only acknowledges it.
package webchat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/media"
)

// Setting keys of a web-chat inbox.
const (
	KeyAllowedOrigins   = "allowed_origins"
	KeyIdentitySecret   = "identity_secret"
	KeyIdentityRequired = "identity_secret_required"
	KeyGreeting         = "greeting"
	KeyAwayMessage      = "away_message"
	KeyColor            = "color"
	KeyPosition         = "position"
	KeyPreChatForm      = "pre_chat_form"
	// KeyOfflineEmailInbox names an email inbox of the same workspace that
	// copies agents' replies to visitors who left an email and are no
	// longer connected (none: replies stay in the widget).
	KeyOfflineEmailInbox = "offline_email_inbox_id"
	// KeyOfflineEmailAfter is how many minutes a visitor must have been
	// away before replies are copied by email (default 5; 0 turns it off).
	KeyOfflineEmailAfter = "offline_email_after_minutes"
)

// DefaultOfflineEmailAfter is KeyOfflineEmailAfter when unset.
const DefaultOfflineEmailAfter = 5 * time.Minute

// OfflineEmail returns the email inbox that copies replies to visitors
// who left, and after how long away; "" when the inbox copies nothing.
func OfflineEmail(inbox *parley.Inbox) (emailInboxID string, after time.Duration) {
	emailInboxID = inbox.Config[KeyOfflineEmailInbox]
	after = DefaultOfflineEmailAfter
	if v := inbox.Config[KeyOfflineEmailAfter]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return "", 0
		}
		after = time.Duration(n) * time.Minute
	}
	if after == 0 {
		return "", 0
	}
	return emailInboxID, after
}

// mediaPolicy is what visitors and agents may attach: pictures and
// documents, up to 5 a message.
var mediaPolicy = channel.MediaPolicy{Name: "Web chat", MaxAttachments: 5,
	Types: slices.Concat(media.Images, media.Documents)}

// Spec declares the web-chat channel.
var Spec = channel.Spec{
	Kind:  parley.ChannelWebchat,
	Label: "Web chat",
	New:   func(channel.Env) channel.Adapter { return Adapter{} },
	Settings: []channel.Setting{
		{Key: KeyAllowedOrigins, Label: "Allowed websites (origins)", Required: true, Normalize: NormalizeOrigins},
		{Key: KeyIdentitySecret, Label: "Identity secret", Secret: true, Generated: true},
		{Key: KeyIdentityRequired, Label: "Require a verified identity", Pattern: `true|false`, Message: "true or false"},
		{Key: KeyGreeting, Label: "Greeting"},
		{Key: KeyAwayMessage, Label: "Away message (outside business hours)"},
		{Key: KeyColor, Label: "Colour", Pattern: `#[0-9a-fA-F]{6}`, Message: "a colour like #1f6feb"},
		{Key: KeyPosition, Label: "Position", Pattern: `left|right`, Message: "left or right"},
		{Key: KeyPreChatForm, Label: "Ask for name and email first", Pattern: `true|false`, Message: "true or false"},
		{Key: KeyOfflineEmailInbox, Label: "Email replies to visitors who left"},
		{Key: KeyOfflineEmailAfter, Label: "Minutes away before replies go by email", Pattern: `[0-9]{1,4}`, Message: "a number of minutes from 0 to 9999"},
	},
	Media: &mediaPolicy,
}

// NormalizeOrigins checks a list of website origins (separated by commas,
// spaces or new lines) and returns them lower-cased, one space apart. An
// origin is scheme://host[:port] with http or https, nothing after.
func NormalizeOrigins(v string) (string, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	if len(fields) == 0 {
		return "", fmt.Errorf("it names no website")
	}
	if len(fields) > 50 {
		return "", fmt.Errorf("it names more than 50 websites")
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		o, err := ParseOrigin(f)
		if err != nil {
			return "", err
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return strings.Join(out, " "), nil
}

// ParseOrigin returns the canonical form of an origin, or an error saying
// why it is not one.
func ParseOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an origin such as https://shop.example", clip(s))
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// AllowedOrigins returns the origins an inbox's widget may be used from.
func AllowedOrigins(inbox *parley.Inbox) []string {
	return strings.Fields(inbox.Config[KeyAllowedOrigins])
}

// OriginAllowed reports whether origin (a request's Origin header) is one
// of the inbox's allowed origins.
func OriginAllowed(inbox *parley.Inbox, origin string) bool {
	o, err := ParseOrigin(origin)
	return err == nil && slices.Contains(AllowedOrigins(inbox), o)
}

// WebsiteToken is the public token the snippet names the inbox by: the
// inbox's id. It is no secret (it is in every page that embeds the
// widget); the allowed origins and the visitor tokens guard the API.
func WebsiteToken(inbox *parley.Inbox) string { return inbox.ID }

// Snippet returns the one <script> tag a website embeds.
func Snippet(publicURL, websiteToken string) string {
	base := strings.TrimRight(publicURL, "/")
	return `<script src="` + base + `/widget.js" data-parley-token="` + websiteToken + `" async></script>`
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Adapter is the web-chat channel's adapter.
type Adapter struct{}

// Kind returns parley.ChannelWebchat.
func (Adapter) Kind() string { return parley.ChannelWebchat }

// ParseWebhook refuses every request: visitors write through the widget API.
func (Adapter) ParseWebhook(*http.Request, []byte, string, *parley.Inbox) (*channel.WebhookResult, error) {
	return nil, fmt.Errorf("webchat: %w: visitors write through the widget API", channel.ErrMalformed)
}

// Send acknowledges a reply: it is already stored and announced, and the
// visitor's widget reads it from there (its socket, or the visitor API
// when it next opens).
func (Adapter) Send(_ context.Context, _ *parley.Inbox, msg channel.Outbound) (channel.SendResult, error) {
	return channel.SendResult{ProviderMessageID: "webchat-" + msg.DeliveryID}, nil
}
