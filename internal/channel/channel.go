// Package channel is the contract between Parley and a messaging provider,
// in the manner of database/sql/driver: each provider package (twilio,
// whatsapp, messenger, telegram; the API channel's api) implements Adapter
// and declares a Spec, and internal/channel/providers registers the specs
// (Register) from one list. Adapters parse and verify webhooks and send
// messages; they never touch the store.
package channel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
)

// Errors a webhook parse returns; the webhook package answers them with
// their statuses.
var (
	// ErrBadSignature: the request is unsigned or wrongly signed (401).
	ErrBadSignature = errors.New("channel: bad signature")
	// ErrMalformed: the body cannot be parsed (400).
	ErrMalformed = errors.New("channel: malformed body")
)

// ContactInfo is what the provider tells about the sender.
type ContactInfo struct {
	// SourceID identifies the sender on this inbox: an E.164 phone, a
	// page-scoped id, a chat id.
	SourceID string
	Name     string
	Phone    string // E.164 when known
	Email    string
}

// MediaRef points at a file the provider holds. Adapters whose media needs
// a lookup (WhatsApp's media id) resolve it in FetchMedia.
type MediaRef struct {
	URL         string
	ID          string
	ContentType string
	FileName    string
	Caption     string
}

// Inbound is one customer message parsed from a webhook.
type Inbound struct {
	// RouteKey identifies the inbox on app-wide webhooks (WhatsApp
	// phone_number_id, Messenger page id); empty when the URL names it.
	RouteKey          string
	ProviderMessageID string
	Contact           ContactInfo
	Content           string
	// ContentType is text, image, audio, video, document, sticker, location,
	// contacts, interactive, reaction, …
	ContentType string
	Media       []MediaRef
	// Timestamp is the provider's own time of the message; the WhatsApp and
	// Messenger 24-hour windows run from it.
	Timestamp time.Time
	// ReplyToID is the provider id of the message this one answers, if any
	// (for a reaction: the message reacted to).
	ReplyToID string
	// Payload is the machine-readable value behind a tapped button, quick
	// reply, list row or postback (Content holds its title).
	Payload string
	// Thread, when set (email), says which conversation the message
	// continues, in place of the workspace's join rule.
	Thread *Thread
	// Email is what an email message carries beyond its text.
	Email *parley.EmailInfo
}

// Thread is how a message that names its conversation (an email's
// In-Reply-To, References or reply address) is threaded.
type Thread struct {
	// ConversationID is the conversation the message continues ("" when
	// it names none): it joins it while open; a closed one is continued by
	// a new linked conversation.
	ConversationID string
	// Separate: without a named conversation, open a new one rather than
	// joining the contact's open one (email: the same sender or subject
	// never joins a thread; a mail failing DMARC never joins by address).
	Separate bool
	// Quiet marks an automatic message (an auto-reply): stored, but never
	// counted as unreplied, never reopening or opening a conversation when
	// it names one.
	Quiet bool
}

// StatusUpdate is a delivery report for a message Parley sent.
type StatusUpdate struct {
	RouteKey          string
	ProviderMessageID string
	Status            parley.DeliveryStatus
	Error             string
	At                time.Time
	// Watermark, when set (Messenger), applies Status to every message sent
	// to Recipient before this time instead of to one id.
	Watermark time.Time
	Recipient string
}

// WebhookResult is what one webhook request carried.
type WebhookResult struct {
	Messages []Inbound
	Statuses []StatusUpdate
	// Response, when set, is written as the reply body instead of the
	// default (the hub.challenge echo, Twilio's empty TwiML).
	Response     []byte
	ResponseType string
}

// Attachment is a file to send.
type Attachment struct {
	FileName    string
	ContentType string
	Data        []byte
	// URL, when set, is a public link the provider fetches itself.
	URL string
	// Voice asks for a voice note (Ogg/Opus) where the channel has them.
	Voice bool
}

// Template is a pre-approved message (WhatsApp) with its parameters.
type Template struct {
	Name       string
	Language   string
	Parameters []string
}

// Outbound is one message to send.
type Outbound struct {
	// To is the contact's SourceID on the inbox.
	To          string
	Content     string
	Attachments []Attachment
	Template    *Template
	// Tag is the Messenger message tag (HUMAN_AGENT) for replies outside the
	// standard window.
	Tag string
	// DeliveryID is unique per message, for providers that accept one.
	DeliveryID string
	// StatusCallbackURL is where the provider reports delivery (Twilio).
	StatusCallbackURL string
	// QuickReplies are choices shown under the text (Messenger).
	QuickReplies []QuickReply
	// Buttons are shown with the text as one card (Messenger button
	// template); Content is required with them.
	Buttons []Button
	// Cards, when set, are sent as a horizontal carousel (Messenger generic
	// template) instead of Content.
	Cards []Card
	// Mail is set for channels whose spec Threads (email).
	Mail *MailThread
}

// MailThread is what an email reply needs beyond its text: the thread it
// belongs to and who writes it.
type MailThread struct {
	Subject string
	// ConversationID and ConversationNumber make the reply address.
	ConversationID     string
	ConversationNumber int64
	// InReplyTo is the last customer mail's id; References the thread's
	// ids, oldest first (without angle brackets).
	InReplyTo  string
	References []string
	// AgentName is the sender ("<agent> from <inbox display name>").
	AgentName string
	// ContactName is the recipient's display name.
	ContactName string
}

// Recipient is whom a stored message goes to, for adapters that send the
// message itself (the API channel's callback): enough for a receiving
// system to route the reply without looking anything up.
type Recipient struct {
	ConversationNumber int64
	ContactID          string
	// SourceID is the contact's id on the inbox ("" when it has none there).
	SourceID string
	Name     string
}

// QuickReply is a choice the contact can tap; Payload comes back in
// Inbound.Payload.
type QuickReply struct {
	Title   string
	Payload string
}

// Button is a postback button (Payload set) or a link (URL set).
type Button struct {
	Title   string
	Payload string
	URL     string
}

// Card is one element of a carousel.
type Card struct {
	Title    string
	Subtitle string
	ImageURL string
	// URL, when set, opens when the card itself is tapped.
	URL     string
	Buttons []Button
}

// Media is a file downloaded from a provider, typed by its content.
type Media struct {
	Data        []byte
	ContentType string
	FileName    string
}

// MediaFetcher is implemented by adapters whose inbound media needs
// credentials or a lookup (WhatsApp media ids, Telegram file ids, Twilio
// media URLs behind HTTP auth). Errors wrap media's size and type errors.
type MediaFetcher interface {
	FetchMedia(ctx context.Context, inbox *parley.Inbox, ref MediaRef) (*Media, error)
}

// SendResult is what the provider answered.
type SendResult struct {
	ProviderMessageID string
}

// SendError is a provider's refusal. Permanent errors fail the message at
// once; others are retried with backoff, after RetryAfter when given.
type SendError struct {
	Permanent  bool
	RetryAfter time.Duration
	Code       string
	Message    string
}

// Error implements error.
func (e *SendError) Error() string {
	return fmt.Sprintf("send failed (code %s, permanent %v): %s", e.Code, e.Permanent, e.Message)
}

// Adapter is one provider. Implementations are safe for concurrent use.
type Adapter interface {
	// Kind is the inbox channel kind the adapter serves (parley.Channel*).
	Kind() string
	// ParseWebhook verifies and parses a webhook request whose raw body has
	// been read into body. publicURL is the URL the provider called (for
	// signatures over the URL). It returns ErrBadSignature or ErrMalformed
	// (wrapped) for requests to refuse.
	ParseWebhook(r *http.Request, body []byte, publicURL string, inbox *parley.Inbox) (*WebhookResult, error)
	// Send delivers one message. Errors that are not *SendError are treated
	// as transient.
	Send(ctx context.Context, inbox *parley.Inbox, msg Outbound) (SendResult, error)
}

// RetryAfter parses a Retry-After header (delay seconds or an HTTP date)
// as a delay from now, at most a week; 0 when absent or unparsable. Every
// provider adapter reads its rate limits with it.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 7*24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
