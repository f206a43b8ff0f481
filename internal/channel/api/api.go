// Package api is the API channel's sending side: each reply on an API inbox
// is POSTed, signed, to the inbox's callback URL (Config["callback_url"]).
// Inbound messages of API inboxes arrive through the REST API, not through
// provider webhooks. Callback URLs are user-supplied, so the HTTP client
// must refuse private addresses (internal/netguard).
package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/netguard"
)

// Headers of a callback request.
const (
	// HeaderTimestamp is the time of signing, in Unix seconds.
	HeaderTimestamp = "X-Parley-Timestamp"
	// HeaderDelivery is unique per message (its id): receivers dedupe on it,
	// since a message may be POSTed more than once.
	HeaderDelivery = "X-Parley-Delivery"
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256 of timestamp +
	// "." + body, keyed with the inbox's callback secret.
	HeaderSignature = "X-Parley-Signature"
)

// ConfigCallbackURL is the inbox config key of the callback URL.
const ConfigCallbackURL = "callback_url"

// maxErrorBody bounds how much of a refusal's body is read for its reason.
const maxErrorBody = 512

// Options configure an Adapter.
type Options struct {
	// Client posts the callbacks; it must guard against private addresses
	// (netguard.Guard.Client). Its timeout bounds each call.
	Client *http.Client
	// Clock stamps the signature; defaults to the system clock.
	Clock parley.Clock
}

// Adapter sends API inbox replies to their callback URL. It is safe for
// concurrent use.
type Adapter struct {
	client *http.Client
	clock  parley.Clock
}

// New returns an Adapter.
func New(opts Options) *Adapter {
	if opts.Client == nil {
		opts.Client = new(netguard.Guard).Client(30 * time.Second)
	}
	if opts.Clock == nil {
		opts.Clock = parley.SystemClock{}
	}
	return &Adapter{client: opts.Client, clock: opts.Clock}
}

// Kind returns parley.ChannelAPI.
func (a *Adapter) Kind() string { return parley.ChannelAPI }

// ParseWebhook refuses every request: API inboxes receive messages through
// the REST API.
func (a *Adapter) ParseWebhook(r *http.Request, body []byte, publicURL string, inbox *parley.Inbox) (*channel.WebhookResult, error) {
	return nil, fmt.Errorf("api: %w: API inboxes receive messages through the REST API", channel.ErrMalformed)
}

// CanSend reports whether the inbox has a callback URL to send to; without
// one, clients read replies through the API instead.
func (a *Adapter) CanSend(inbox *parley.Inbox) bool {
	return strings.TrimSpace(inbox.Config[ConfigCallbackURL]) != ""
}

// Send posts a message built from msg (its DeliveryID as the id). The
// delivery worker calls SendMessage with the stored message instead.
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, msg channel.Outbound) (channel.SendResult, error) {
	m := &parley.Message{
		ID: msg.DeliveryID, InboxID: inbox.ID, Direction: parley.DirectionOut, Content: msg.Content,
		ContentType: "text", Channel: parley.ChannelAPI, StatusHistory: []parley.StatusChange{}, Attachments: []parley.Attachment{},
	}
	return a.SendMessage(ctx, inbox, m, channel.Recipient{})
}

// callbackBody is what a callback carries: the message as the REST API
// shows it, with the conversation's number and the contact, so that the
// receiving system can route the reply without a lookup.
type callbackBody struct {
	*parley.Message
	ConversationNumber int64           `json:"conversation_number"`
	Contact            callbackContact `json:"contact"`
}

type callbackContact struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id"`
	Name     string `json:"name"`
}

// CallbackBody encodes the body of the callback for m sent to to.
func CallbackBody(m *parley.Message, to channel.Recipient) ([]byte, error) {
	return json.Marshal(callbackBody{Message: m, ConversationNumber: to.ConversationNumber,
		Contact: callbackContact{ID: to.ContactID, SourceID: to.SourceID, Name: to.Name}})
}

// SendMessage POSTs m, as the REST API shows it with the conversation's
// number and the contact (see CallbackBody), to the inbox's callback URL, signed with the inbox's callback secret. A 2xx answer is success.
// 408, 425, 429 and 5xx answers and network errors are transient
// (*channel.SendError with RetryAfter from a Retry-After header, or a plain
// error); other answers, a missing or malformed URL and a refused private
// address are permanent.
func (a *Adapter) SendMessage(ctx context.Context, inbox *parley.Inbox, m *parley.Message, to channel.Recipient) (channel.SendResult, error) {
	raw := strings.TrimSpace(inbox.Config[ConfigCallbackURL])
	if raw == "" {
		return channel.SendResult{}, &channel.SendError{Permanent: true, Code: "no_callback_url", Message: "The inbox has no callback URL."}
	}
	u, err := netguard.ValidateURL(raw)
	if err != nil {
		return channel.SendResult{}, &channel.SendError{Permanent: true, Code: "bad_callback_url", Message: "The callback URL is not valid: " + parley.ErrorMessage(err)}
	}
	body, err := CallbackBody(m, to)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("api: encode message %s: %w", m.ID, err)
	}
	ts := strconv.FormatInt(a.clock.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("api: build callback request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderDelivery, m.ID)
	req.Header.Set(HeaderSignature, Sign(inbox.CallbackSecret, ts, body))
	resp, err := a.client.Do(req)
	if err != nil {
		if errors.Is(err, netguard.ErrForbiddenAddress) {
			return channel.SendResult{}, &channel.SendError{Permanent: true, Code: "forbidden_address",
				Message: "The callback URL points at a private or loopback address (allow it with PARLEY_ALLOW_PRIVATE_ADDRESSES)."}
		}
		if se := permanentCallError(err); se != nil {
			return channel.SendResult{}, se
		}
		return channel.SendResult{}, fmt.Errorf("api: post callback: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return channel.SendResult{}, nil
	}
	return channel.SendResult{}, refusal(resp, snippet, a.clock.Now())
}

// permanentCallError recognises the call failures that asking again cannot
// mend, so that the message fails at once with the reason instead of being
// retried as temporary: a redirect to a URL the guard refuses (file://,
// credentials) and a host that does not exist. "Does not exist" is DNS's
// authoritative answer (NXDOMAIN, net.DNSError.IsNotFound), never a
// timeout nor a server failure, which stay temporary; an admin who fixes
// the URL, or the DNS, retries the message by hand. It returns nil for
// other errors.
func permanentCallError(err error) *channel.SendError {
	if re, ok := errors.AsType[*netguard.RedirectError](err); ok {
		msg := fmt.Sprintf("The callback URL redirects to %s, which Parley does not follow: %s", clip(re.Target), parley.ErrorMessage(re.Reason))
		if re.Scheme != "http" && re.Scheme != "https" {
			msg = fmt.Sprintf("The callback URL redirects to %s, which Parley does not follow: only http and https URLs are.", clip(re.Target))
		}
		return &channel.SendError{Permanent: true, Code: "bad_redirect", Message: msg}
	}
	if de, ok := errors.AsType[*net.DNSError](err); ok && de.IsNotFound && !de.IsTimeout && !de.IsTemporary {
		return &channel.SendError{Permanent: true, Code: "host_not_found", Message: fmt.Sprintf("The callback URL's host %s does not exist.", clip(de.Name))}
	}
	return nil
}

// clip shortens a text shown in a reason to 200 characters.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 200 {
		return string([]rune(s)[:200]) + "…"
	}
	return s
}

// refusal turns a non-2xx answer into a SendError.
func refusal(resp *http.Response, body []byte, now time.Time) *channel.SendError {
	e := &channel.SendError{
		Code:    strconv.Itoa(resp.StatusCode),
		Message: fmt.Sprintf("The callback answered %s.", resp.Status),
	}
	if reason := clean(body); reason != "" {
		e.Message = fmt.Sprintf("The callback answered %s: %s", resp.Status, reason)
	}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooEarly,
		resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		e.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), now)
	default:
		e.Permanent = true
	}
	return e
}

// RetryAfter parses a Retry-After header; see channel.RetryAfter.
func RetryAfter(v string, now time.Time) time.Duration { return channel.RetryAfter(v, now) }

// clean makes a response body fit to show as a reason: valid UTF-8, one
// line, at most 200 characters.
func clean(b []byte) string {
	s := strings.ToValidUTF8(string(b), "")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return s
}

// Sign returns the X-Parley-Signature value for a body sent at timestamp
// ts (Unix seconds, as in X-Parley-Timestamp): "sha256=" and the hex
// HMAC-SHA256 of ts + "." + body, keyed with the secret's bytes as they are.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
