package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/channeltest"
	twclient "github.com/twilio/twilio-go/client"
)

const (
	publicURL = "https://parley.example.com/webhooks/twilio/0190a0b1-0000-7000-8000-000000000001"
	accountID = "ACae1f1c8a3bd64e1f3a1e5b4c8d2f7a90"
	authToken = "d2a6f2b9c41e4f0a8b7c6d5e4f3a2b1c"
)

var now = time.Date(2025, 7, 1, 12, 30, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func testInbox() *parley.Inbox {
	return &parley.Inbox{
		ID: "inb1", Channel: parley.ChannelTwilioSMS,
		Config:  map[string]string{KeyAccountSID: accountID, KeyPhoneNumber: "+14155550100"},
		Secrets: map[string]string{KeyAuthToken: authToken},
	}
}

func readForm(t testing.TB, name string) url.Values {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Twilio's published vectors: the auth token "12345" signing a call
// webhook (from twilio-go's own tests and Twilio's security docs).
func TestValidSignature_knownVectors(t *testing.T) {
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"}, "From": {"+14158675309"}, "To": {"+18005551212"}}
	tests := []struct {
		name   string
		url    string
		params url.Values
		sig    string
		want   bool
	}{
		{"docs vector", "https://mycompany.com/myapp.php?foo=1&bar=2", params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{"twilio-go vector", "https://mycompany.com/myapp.php?foo=1&bar=2", with(params, "ReasonConferenceEnded", "test", "Reason", "Participant"), "vOEb5UThFn24KEfnOFLQY2AE5FY=", true},
		{"with the default port", "https://mycompany.com:443/myapp.php?foo=1&bar=2", with(params, "ReasonConferenceEnded", "test", "Reason", "Participant"), "vOEb5UThFn24KEfnOFLQY2AE5FY=", true},
		{"a changed parameter", "https://mycompany.com/myapp.php?foo=1&bar=2", with(params, "Digits", "9999"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
		{"another URL", "https://mycompany.com/other.php?foo=1&bar=2", params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
		{"an empty signature", "https://mycompany.com/myapp.php?foo=1&bar=2", params, "", false},
	}
	for _, tt := range tests {
		if got := ValidSignature("12345", tt.url, tt.params, tt.sig); got != tt.want {
			t.Errorf("ValidSignature(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// The fake's signer, used by every other test, agrees with twilio-go's
// RequestValidator, an implementation independent of this package.
func TestTwilioSignature_agreesWithRequestValidator(t *testing.T) {
	v := twclient.NewRequestValidator(authToken)
	for _, name := range []string{"inbound_sms.form", "inbound_mms.form", "status_undelivered.form"} {
		form := readForm(t, name)
		req, body := channeltest.TwilioWebhook(publicURL, authToken, form)
		if !v.ValidateBody(publicURL, body, req.Header.Get("X-Twilio-Signature")) {
			t.Errorf("RequestValidator.ValidateBody(%s) = false, want true", name)
		}
	}
}

func TestMapStatus(t *testing.T) {
	tests := []struct {
		in   string
		want parley.DeliveryStatus
		ok   bool
	}{
		{"accepted", parley.DeliveryQueued, true},
		{"scheduled", parley.DeliveryQueued, true},
		{"queued", parley.DeliveryQueued, true},
		{"sending", parley.DeliverySending, true},
		{"sent", parley.DeliverySent, true},
		{"delivered", parley.DeliveryDelivered, true},
		{"read", parley.DeliveryRead, true},
		{"undelivered", parley.DeliveryUndelivered, true},
		{"failed", parley.DeliveryFailed, true},
		{"canceled", parley.DeliveryFailed, true},
		{"received", "", false},
		{"partially_delivered", "", false},
	}
	for _, tt := range tests {
		got, ok := MapStatus(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("MapStatus(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAdapter_ParseWebhook(t *testing.T) {
	a := New(Options{Clock: fixedClock{now}})
	mms := "https://api.twilio.com/2010-04-01/Accounts/" + accountID + "/Messages/MM3f2a8b9c0d1e2f3a4b5c6d7e8f9a0b1c/Media/"
	tests := []struct {
		file string
		want *channel.WebhookResult
	}{
		{"inbound_sms.form", &channel.WebhookResult{Messages: []channel.Inbound{{
			ProviderMessageID: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
			Contact:           channel.ContactInfo{SourceID: "+14155552671", Phone: "+14155552671"},
			Content:           "Hi, is my order #1042 shipped?", ContentType: "text", Timestamp: now,
		}}}},
		{"inbound_mms.form", &channel.WebhookResult{Messages: []channel.Inbound{{
			ProviderMessageID: "MM3f2a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
			Contact:           channel.ContactInfo{SourceID: "+14155552671", Phone: "+14155552671"},
			Content:           "Here is the damaged box", ContentType: "image", Timestamp: now,
			Media: []channel.MediaRef{
				{URL: mms + "ME0a1b2c3d4e5f60718293a4b5c6d7e8f", ContentType: "image/jpeg"},
				{URL: mms + "ME9f8e7d6c5b4a39281706f5e4d3c2b1a0", ContentType: "application/pdf"},
			},
		}}}},
		{"status_delivered.form", &channel.WebhookResult{Statuses: []channel.StatusUpdate{{
			ProviderMessageID: "SM2b6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a", Status: parley.DeliveryDelivered, At: now,
		}}}},
		{"status_undelivered.form", &channel.WebhookResult{Statuses: []channel.StatusUpdate{{
			ProviderMessageID: "SM5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f", Status: parley.DeliveryUndelivered, Error: "30007", At: now,
		}}}},
		{"status_sent_whatsapp.form", &channel.WebhookResult{Statuses: []channel.StatusUpdate{{
			ProviderMessageID: "SM7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a", Status: parley.DeliverySent, At: now,
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			req, body := channeltest.TwilioWebhook(publicURL, authToken, readForm(t, tt.file))
			got, err := a.ParseWebhook(req, body, publicURL, testInbox())
			if err != nil {
				t.Fatalf("ParseWebhook(%s) error = %v", tt.file, err)
			}
			if string(got.Response) != emptyTwiML {
				t.Errorf("ParseWebhook(%s).Response = %q, want empty TwiML", tt.file, got.Response)
			}
			got.Response, got.ResponseType = nil, ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseWebhook(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestAdapter_ParseWebhook_refuses(t *testing.T) {
	a := New(Options{Clock: fixedClock{now}})
	form := readForm(t, "inbound_sms.form")
	signed := func() (*http.Request, []byte) { return channeltest.TwilioWebhook(publicURL, authToken, form) }
	tests := []struct {
		name   string
		build  func() (*http.Request, []byte, string, *parley.Inbox)
		target error
	}{
		{"no signature", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, b := signed()
			r.Header.Del("X-Twilio-Signature")
			return r, b, publicURL, testInbox()
		}, channel.ErrBadSignature},
		{"signed with another token", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, b := channeltest.TwilioWebhook(publicURL, "0000", form)
			return r, b, publicURL, testInbox()
		}, channel.ErrBadSignature},
		{"a tampered body", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, b := signed()
			return r, []byte(strings.Replace(string(b), "shipped", "refunded", 1)), publicURL, testInbox()
		}, channel.ErrBadSignature},
		{"another public URL", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, b := signed()
			return r, b, publicURL + "x", testInbox()
		}, channel.ErrBadSignature},
		{"an inbox without auth token", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, b := signed()
			in := testInbox()
			in.Secrets = nil
			return r, b, publicURL, in
		}, channel.ErrBadSignature},
		{"a signed body without MessageSid", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, b := channeltest.TwilioWebhook(publicURL, authToken, url.Values{"From": {"+14155552671"}, "Body": {"hi"}})
			return r, b, publicURL, testInbox()
		}, channel.ErrMalformed},
		{"an unparseable body", func() (*http.Request, []byte, string, *parley.Inbox) {
			r, _ := signed()
			return r, []byte("a=%zz"), publicURL, testInbox()
		}, channel.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, b, u, in := tt.build()
			res, err := a.ParseWebhook(r, b, u, in)
			if !errors.Is(err, tt.target) {
				t.Errorf("ParseWebhook(%s) = %v, %v, want %v", tt.name, res, err, tt.target)
			}
			if err != nil && strings.Contains(err.Error(), authToken) {
				t.Errorf("ParseWebhook(%s) error %q contains the auth token", tt.name, err)
			}
		})
	}
}

func TestAdapter_Send(t *testing.T) {
	fake := channeltest.NewTwilio(t)
	fake.AuthTokens[accountID] = authToken
	a := New(Options{BaseURL: fake.URL, HTTPClient: fake.Client(), Clock: fixedClock{now}})
	ctx := context.Background()

	res, err := a.Send(ctx, testInbox(), channel.Outbound{
		To: "+14155552671", Content: "Your order shipped today.",
		Attachments:       []channel.Attachment{{URL: "https://cdn.example.com/label.pdf", ContentType: "application/pdf"}},
		StatusCallbackURL: "https://parley.example.com/webhooks/twilio/status",
	})
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	sent := fake.Sent()
	if len(sent) != 1 {
		t.Fatalf("Send() made %d requests, want 1", len(sent))
	}
	want := channeltest.TwilioMessage{
		SID: res.ProviderMessageID, AccountSID: accountID, User: accountID, Password: authToken,
		To: "+14155552671", From: "+14155550100", Body: "Your order shipped today.",
		MediaURLs: []string{"https://cdn.example.com/label.pdf"}, StatusCallback: "https://parley.example.com/webhooks/twilio/status",
	}
	if diff := cmp.Diff(want, sent[0]); diff != "" {
		t.Errorf("Send() request mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(res.ProviderMessageID, "SM") {
		t.Errorf("Send() id = %q, want an SM sid", res.ProviderMessageID)
	}

	t.Run("a messaging service and WhatsApp sender are used as such", func(t *testing.T) {
		in := testInbox()
		in.Config[KeyPhoneNumber] = "MG0123456789abcdef0123456789abcdef"
		if _, err := a.Send(ctx, in, channel.Outbound{To: "+14155552671", Content: "hi"}); err != nil {
			t.Fatal(err)
		}
		in.Config[KeyPhoneNumber] = "whatsapp:+14155550100"
		if _, err := a.Send(ctx, in, channel.Outbound{To: "+14155552671", Content: "hi"}); err != nil {
			t.Fatal(err)
		}
		s := fake.Sent()
		if got := s[len(s)-2]; got.MessagingServiceSID != "MG0123456789abcdef0123456789abcdef" || got.From != "" {
			t.Errorf("Send() with an MG sid sent From=%q MessagingServiceSid=%q", got.From, got.MessagingServiceSID)
		}
		if got := s[len(s)-1]; got.To != "whatsapp:+14155552671" {
			t.Errorf("Send() from whatsapp: sent To=%q, want whatsapp:+14155552671", got.To)
		}
	})
}

func TestAdapter_Send_errors(t *testing.T) {
	fake := channeltest.NewTwilio(t)
	a := New(Options{BaseURL: fake.URL, HTTPClient: fake.Client(), Clock: fixedClock{now}})
	msg := channel.Outbound{To: "+14155552671", Content: "hello"}
	tests := []struct {
		name    string
		failure *channeltest.Failure
		inbox   func(*parley.Inbox)
		msg     *channel.Outbound
		want    *channel.SendError
	}{
		{"a 500 is transient", &channeltest.Failure{Status: 500, Code: 20500, Message: "Internal Server Error"}, nil, nil,
			&channel.SendError{Code: "20500", Message: "Internal Server Error"}},
		{"a 429 is transient after Retry-After", &channeltest.Failure{Status: 429, RetryAfter: "7", Code: 20429, Message: "Too Many Requests"}, nil, nil,
			&channel.SendError{Code: "20429", Message: "Too Many Requests", RetryAfter: 7 * time.Second}},
		{"a 502 page from a proxy is transient", &channeltest.Failure{Status: 502, Raw: "<html>Bad Gateway</html>"}, nil, nil,
			&channel.SendError{Code: "502", Message: "Bad Gateway"}},
		{"an invalid number is permanent", &channeltest.Failure{Status: 400, Code: 21211, Message: "Invalid 'To' Phone Number"}, nil, nil,
			&channel.SendError{Permanent: true, Code: "21211", Message: "Invalid 'To' Phone Number"}},
		{"an unsubscribed recipient is permanent", &channeltest.Failure{Status: 400, Code: 21610, Message: "Attempt to send to unsubscribed recipient"}, nil, nil,
			&channel.SendError{Permanent: true, Code: "21610", Message: "Attempt to send to unsubscribed recipient"}},
		{"a missing auth token is permanent", nil, func(in *parley.Inbox) { in.Secrets = nil }, nil,
			&channel.SendError{Permanent: true, Code: "config", Message: "The inbox lacks its Twilio account SID, auth token or phone number."}},
		{"an upload is permanent", nil, nil, &channel.Outbound{To: "+14155552671", Attachments: []channel.Attachment{{Data: []byte("x")}}},
			&channel.SendError{Permanent: true, Code: "attachment", Message: "Twilio fetches attachments itself and needs a public link for each."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.failure != nil {
				fake.FailNext(*tt.failure)
			}
			in := testInbox()
			if tt.inbox != nil {
				tt.inbox(in)
			}
			m := msg
			if tt.msg != nil {
				m = *tt.msg
			}
			_, err := a.Send(context.Background(), in, m)
			se, ok := errors.AsType[*channel.SendError](err)
			if !ok {
				t.Fatalf("Send() error = %v, want a *SendError", err)
			}
			if diff := cmp.Diff(tt.want, se); diff != "" {
				t.Errorf("Send() error mismatch (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(err.Error(), "twilio: send: ") || strings.Contains(err.Error(), authToken) {
				t.Errorf("Send() error = %q, want a twilio: send: prefix and no token", err)
			}
		})
	}
}

func TestAdapter_Send_canceled(t *testing.T) {
	fake := channeltest.NewTwilio(t)
	a := New(Options{BaseURL: fake.URL, HTTPClient: fake.Client()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := a.Send(ctx, testInbox(), channel.Outbound{To: "+14155552671", Content: "x"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send(canceled) = %v, want %v", err, context.Canceled)
	}
	if len(fake.Sent()) != 0 {
		t.Errorf("Send(canceled) reached the provider")
	}
}

func TestAdapter_FetchMedia(t *testing.T) {
	fake := channeltest.NewTwilio(t)
	fake.AuthTokens[accountID] = authToken
	jpeg := append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), make([]byte, 600)...)
	u := fake.AddMedia(accountID, "MM1", "ME1", "image/jpeg", jpeg)
	// The webhook carries api.twilio.com URLs; the adapter maps them to its base URL.
	real := strings.Replace(u, fake.URL, "https://api.twilio.com", 1)
	a := New(Options{BaseURL: fake.URL, HTTPClient: fake.Client()})
	for _, ref := range []string{u, real} {
		m, err := a.FetchMedia(context.Background(), testInbox(), channel.MediaRef{URL: ref})
		if err != nil {
			t.Fatalf("FetchMedia(%s) error = %v", ref, err)
		}
		if m.ContentType != "image/jpeg" || len(m.Data) != len(jpeg) {
			t.Errorf("FetchMedia(%s) = %s, %d bytes, want image/jpeg, %d bytes", ref, m.ContentType, len(m.Data), len(jpeg))
		}
	}
	in := testInbox()
	in.Secrets[KeyAuthToken] = "wrong"
	if _, err := a.FetchMedia(context.Background(), in, channel.MediaRef{URL: u}); err == nil {
		t.Errorf("FetchMedia with a wrong token = nil error, want one")
	}
}

func FuzzParseWebhook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.form")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	a := New(Options{Clock: fixedClock{now}})
	f.Fuzz(func(t *testing.T, body []byte) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			form = url.Values{}
		}
		req, _ := channeltest.TwilioWebhook(publicURL, authToken, form)
		res, err := a.ParseWebhook(req, body, publicURL, testInbox())
		if err != nil {
			if !errors.Is(err, channel.ErrMalformed) && !errors.Is(err, channel.ErrBadSignature) {
				t.Errorf("ParseWebhook(%q) error = %v, want ErrMalformed or ErrBadSignature", body, err)
			}
			return
		}
		// What the ingress stores holds no NUL, whatever the payload.
		res.Clean()
		if txt := fmt.Sprintf("%+v %+v", res.Messages, res.Statuses); strings.ContainsRune(txt, 0) || !utf8.ValidString(txt) {
			t.Errorf("ParseWebhook(%q) then Clean left NUL or invalid UTF-8: %q", body, txt)
		}
		for _, m := range res.Messages {
			if m.ProviderMessageID == "" || m.Contact.SourceID == "" {
				t.Errorf("ParseWebhook(%q) gave a message without id or sender: %+v", body, m)
			}
		}
		for _, s := range res.Statuses {
			if !s.Status.Valid() {
				t.Errorf("ParseWebhook(%q) gave status %q", body, s.Status)
			}
		}
	})
}
