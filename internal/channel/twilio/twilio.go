// Package twilio is the SMS channel through Twilio: it verifies and parses
// Twilio's message and status-callback webhooks and sends messages with
// twilio-go, using each inbox's own credentials (never the environment).
package twilio

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/phone"
	twclient "github.com/twilio/twilio-go/client"
	twapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// DefaultBaseURL is Twilio's REST API, the base URL twilio-go is built for.
const DefaultBaseURL = "https://api.twilio.com"

// Inbox config keys.
const (
	KeyAccountSID  = "account_sid"
	KeyAuthToken   = "auth_token" // secret
	KeyPhoneNumber = "phone_number"
)

// emptyTwiML is the reply to a message webhook: no auto-reply.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// Options configure an Adapter.
type Options struct {
	// BaseURL is the Twilio API (PARLEY_TWILIO_API_URL), set by the
	// operator and trusted; DefaultBaseURL when empty.
	BaseURL string
	// HTTPClient calls the Twilio API; a client with a 30 s timeout when nil.
	HTTPClient *http.Client
	// MediaClient fetches media URLs that are not on the Twilio API (a
	// netguard client); media on the API is fetched with HTTPClient.
	MediaClient *http.Client
	// Clock stamps webhooks, which carry no time of their own.
	Clock parley.Clock
}

// Adapter is the twilio_sms channel. It is safe for concurrent use.
type Adapter struct {
	base        *url.URL
	client      *http.Client
	mediaClient *http.Client
	clock       parley.Clock
}

var _ channel.Adapter = (*Adapter)(nil)
var _ channel.MediaFetcher = (*Adapter)(nil)

// New returns an Adapter. It panics if BaseURL is not an absolute URL, a
// configuration error found at start.
func New(o Options) *Adapter {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimSuffix(o.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		panic(fmt.Sprintf("twilio: invalid base URL %q", o.BaseURL))
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
	return &Adapter{base: base, client: o.HTTPClient, mediaClient: o.MediaClient, clock: o.Clock}
}

// Kind returns parley.ChannelTwilioSMS.
func (a *Adapter) Kind() string { return parley.ChannelTwilioSMS }

// get reads an inbox setting from Secrets, then Config.
func get(inbox *parley.Inbox, key string) string {
	if v := inbox.Secrets[key]; v != "" {
		return v
	}
	return inbox.Config[key]
}

// statusMap is the one table from Twilio's MessageStatus to Parley's.
var statusMap = map[string]parley.DeliveryStatus{
	"accepted":    parley.DeliveryQueued,
	"scheduled":   parley.DeliveryQueued,
	"queued":      parley.DeliveryQueued,
	"sending":     parley.DeliverySending,
	"sent":        parley.DeliverySent,
	"delivered":   parley.DeliveryDelivered,
	"read":        parley.DeliveryRead,
	"undelivered": parley.DeliveryUndelivered,
	"failed":      parley.DeliveryFailed,
	"canceled":    parley.DeliveryFailed,
}

// MapStatus returns Parley's delivery status for a Twilio MessageStatus;
// ok is false for statuses that concern inbound messages or are unknown.
func MapStatus(s string) (parley.DeliveryStatus, bool) {
	st, ok := statusMap[strings.ToLower(s)]
	return st, ok
}

// ParseWebhook verifies X-Twilio-Signature with the inbox's auth token over
// publicURL and the POST parameters, then parses an incoming message
// (MessageSid, From, Body, NumMedia, MediaUrlN…) or a status callback
// (MessageSid, MessageStatus, ErrorCode).
func (a *Adapter) ParseWebhook(r *http.Request, body []byte, publicURL string, inbox *parley.Inbox) (*channel.WebhookResult, error) {
	token := get(inbox, KeyAuthToken)
	sig := r.Header.Get("X-Twilio-Signature")
	if token == "" || sig == "" {
		return nil, fmt.Errorf("twilio: webhook: missing signature or auth token: %w", channel.ErrBadSignature)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("twilio: webhook: %w", channel.ErrMalformed)
	}
	if !ValidSignature(token, publicURL, form, sig) {
		return nil, fmt.Errorf("twilio: webhook: %w", channel.ErrBadSignature)
	}
	res := &channel.WebhookResult{Response: []byte(emptyTwiML), ResponseType: "text/xml; charset=utf-8"}
	sid := first(form, "MessageSid", "SmsMessageSid", "SmsSid")
	if sid == "" {
		return nil, fmt.Errorf("twilio: webhook: no MessageSid: %w", channel.ErrMalformed)
	}
	now := a.clock.Now()
	if s := form.Get("MessageStatus"); s != "" && s != "received" && s != "receiving" {
		st, ok := MapStatus(s)
		if !ok {
			return res, nil // a status Parley does not track
		}
		u := channel.StatusUpdate{ProviderMessageID: sid, Status: st, At: now}
		if code := form.Get("ErrorCode"); code != "" && code != "0" {
			u.Error = code
			if m := form.Get("ErrorMessage"); m != "" {
				u.Error += ": " + m
			}
		}
		res.Statuses = append(res.Statuses, u)
		return res, nil
	}
	from := form.Get("From")
	if from == "" {
		return nil, fmt.Errorf("twilio: webhook: no From: %w", channel.ErrMalformed)
	}
	in := channel.Inbound{ProviderMessageID: sid, Content: form.Get("Body"), ContentType: "text", Timestamp: now}
	in.Contact.SourceID = from
	if e164, err := phone.Normalize(from); err == nil {
		in.Contact.SourceID, in.Contact.Phone = e164, e164
	}
	n, _ := strconv.Atoi(form.Get("NumMedia"))
	for i := range min(n, 10) {
		u := form.Get("MediaUrl" + strconv.Itoa(i))
		if u == "" {
			continue
		}
		ct := form.Get("MediaContentType" + strconv.Itoa(i))
		in.Media = append(in.Media, channel.MediaRef{URL: u, ContentType: ct})
		if i == 0 {
			in.ContentType = kindOf(ct)
		}
	}
	res.Messages = append(res.Messages, in)
	return res, nil
}

func kindOf(ct string) string {
	switch {
	case strings.HasPrefix(ct, "image/"):
		return "image"
	case strings.HasPrefix(ct, "video/"):
		return "video"
	case strings.HasPrefix(ct, "audio/"):
		return "audio"
	}
	return "document"
}

func first(form url.Values, keys ...string) string {
	for _, k := range keys {
		if v := form.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// ValidSignature reports, in constant time, whether sig is Twilio's
// signature of publicURL and form with authToken. Like Twilio's own
// libraries it accepts the URL with and without its default port, since
// Twilio signs the URL as configured.
func ValidSignature(authToken, publicURL string, form url.Values, sig string) bool {
	got := []byte(sig)
	ok := false
	for _, u := range urlVariants(publicURL) {
		if hmac.Equal([]byte(signature(authToken, u, form)), got) {
			ok = true
		}
	}
	return ok
}

func signature(authToken, publicURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(publicURL))
	for _, k := range keys {
		vs := slices.Clone(form[k])
		slices.Sort(vs)
		for _, v := range vs {
			m.Write([]byte(k))
			m.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// urlVariants returns u as given and with its default port added or
// removed.
func urlVariants(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return []string{raw}
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if def == "" {
		return []string{raw}
	}
	v := *u
	switch u.Port() {
	case "":
		v.Host = net.JoinHostPort(u.Hostname(), def)
	case def:
		v.Host = u.Hostname()
		if strings.Contains(v.Host, ":") {
			v.Host = "[" + v.Host + "]"
		}
	default:
		return []string{raw}
	}
	return []string{raw, v.String()}
}

// Send sends msg with the Messages API: Body, MediaUrl for each attachment
// (Twilio fetches them; uploads are impossible), StatusCallback, From the
// inbox's phone_number (or MessagingServiceSid when it is an MG… sid).
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, msg channel.Outbound) (channel.SendResult, error) {
	sid, token, from := get(inbox, KeyAccountSID), get(inbox, KeyAuthToken), get(inbox, KeyPhoneNumber)
	if sid == "" || token == "" || from == "" {
		return channel.SendResult{}, fmt.Errorf("twilio: send: %w", &channel.SendError{Permanent: true, Code: "config",
			Message: "The inbox lacks its Twilio account SID, auth token or phone number."})
	}
	if msg.To == "" || (msg.Content == "" && len(msg.Attachments) == 0) {
		return channel.SendResult{}, fmt.Errorf("twilio: send: %w", &channel.SendError{Permanent: true, Code: "empty",
			Message: "The message has no recipient or nothing to send."})
	}
	params := &twapi.CreateMessageParams{}
	to := msg.To
	if strings.HasPrefix(from, "whatsapp:") && !strings.HasPrefix(to, "whatsapp:") {
		to = "whatsapp:" + to
	}
	params.SetTo(to)
	if strings.HasPrefix(from, "MG") {
		params.SetMessagingServiceSid(from)
	} else {
		params.SetFrom(from)
	}
	if msg.Content != "" {
		params.SetBody(msg.Content)
	}
	var urls []string
	for _, att := range msg.Attachments {
		if att.URL == "" {
			return channel.SendResult{}, fmt.Errorf("twilio: send: %w", &channel.SendError{Permanent: true, Code: "attachment",
				Message: "Twilio fetches attachments itself and needs a public link for each."})
		}
		urls = append(urls, att.URL)
	}
	if len(urls) > 0 {
		params.SetMediaUrl(urls)
	}
	if msg.StatusCallbackURL != "" {
		params.SetStatusCallback(msg.StatusCallbackURL)
	}

	rt := &recorder{ctx: ctx, base: a.base, next: a.client.Transport}
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(sid, token),
		HTTPClient: &http.Client{Transport: rt, Timeout: a.client.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	c.SetAccountSid(sid)
	// A RequestHandler built by hand, not NewRequestHandler, which reads
	// TWILIO_EDGE and TWILIO_REGION from the environment.
	api := twapi.NewApiService(&twclient.RequestHandler{Client: c})
	m, err := api.CreateMessage(params)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("twilio: send: %w", a.sendError(err, rt))
	}
	if m == nil || m.Sid == nil || *m.Sid == "" {
		return channel.SendResult{}, errors.New("twilio: send: response without a message sid")
	}
	return channel.SendResult{ProviderMessageID: *m.Sid}, nil
}

// sendError classifies a failed CreateMessage: 429 (and Twilio's 20429)
// and 5xx are transient, other 4xx permanent, transport errors transient.
func (a *Adapter) sendError(err error, rt *recorder) error {
	status, code, message := rt.status, "", ""
	if e, ok := errors.AsType[*twclient.TwilioRestError](err); ok {
		if e.Status != 0 {
			status = e.Status
		}
		code, message = strconv.Itoa(e.Code), e.Message
	}
	if status == 0 {
		if ctxErr := rt.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return errors.New("request failed before a response") // twilio-go's errors may quote the URL
	}
	if code == "" || code == "0" {
		code = strconv.Itoa(status)
	}
	if message == "" {
		message = http.StatusText(status)
	}
	se := &channel.SendError{Code: code, Message: message}
	switch {
	case status == http.StatusTooManyRequests || code == "20429":
		se.RetryAfter = channel.RetryAfter(rt.header.Get("Retry-After"), a.clock.Now())
	case status >= 500:
	default:
		se.Permanent = true
	}
	return se
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).

// recorder is the per-send transport: it gives twilio-go's requests the
// caller's context (twilio-go builds them with context.Background), points
// them at the configured base URL, and keeps the status and headers of the
// response, which twilio-go discards on errors (Retry-After).
type recorder struct {
	ctx    context.Context
	base   *url.URL
	next   http.RoundTripper
	status int
	header http.Header
}

func (rt *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(rt.ctx)
	rebase(req.URL, rt.base)
	next := rt.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err == nil {
		rt.status, rt.header = resp.StatusCode, resp.Header
	}
	return resp, err
}

// rebase points a URL on Twilio's API host at base.
func rebase(u *url.URL, base *url.URL) {
	if u.Host != "api.twilio.com" || base.String() == DefaultBaseURL {
		return
	}
	u.Scheme, u.Host = base.Scheme, base.Host
	u.Path = strings.TrimSuffix(base.Path, "/") + u.Path
	u.RawPath = ""
}

// FetchMedia downloads an inbound message's media. URLs on Twilio's API
// (with HTTP authentication on media, they need the account's
// credentials) are fetched from the configured base URL with the inbox's
// credentials; any other URL through the media client, without them.
func (a *Adapter) FetchMedia(ctx context.Context, inbox *parley.Inbox, ref channel.MediaRef) (*channel.Media, error) {
	u, err := url.Parse(ref.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("twilio: fetch media: %w", parley.Errorf(parley.EINVALID, "The media link is not a valid URL."))
	}
	policy := mediaPolicy
	var f *media.File
	if u.Host == "api.twilio.com" || u.Host == a.base.Host {
		rebase(u, a.base)
		req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if rerr != nil {
			return nil, fmt.Errorf("twilio: fetch media: %w", rerr)
		}
		req.SetBasicAuth(get(inbox, KeyAccountSID), get(inbox, KeyAuthToken))
		f, err = media.Download(a.client, req, policy)
	} else {
		f, err = media.Fetch(ctx, a.mediaClient, ref.URL, policy)
	}
	if err != nil {
		return nil, fmt.Errorf("twilio: fetch media: %w", err)
	}
	return &channel.Media{Data: f.Data, ContentType: f.ContentType, FileName: f.FileName}, nil
}
