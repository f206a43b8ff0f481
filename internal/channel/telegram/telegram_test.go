package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/channeltest"
)

const (
	publicURL   = "https://parley.example.com/webhooks/telegram/inb3"
	botToken    = "7000001:AAH-test_token_for_parley"
	secretToken = "s3cr3t-T0ken_for-webhook"
)

var now = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func testInbox() *parley.Inbox {
	return &parley.Inbox{ID: "inb3", Channel: parley.ChannelTelegram,
		Secrets: map[string]string{KeyBotToken: botToken, KeySecretToken: secretToken}}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAdapter_ParseWebhook(t *testing.T) {
	a := New(Options{Clock: fixedClock{now}})
	ana := channel.ContactInfo{SourceID: "123456789", Name: "Ana Silva"}
	at := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	tests := []struct {
		file string
		want []channel.Inbound
	}{
		{"text.json", []channel.Inbound{{ProviderMessageID: "123456789:41", Contact: ana, ContentType: "text", Content: "Olá! My package hasn't arrived.", Timestamp: at(1751371200)}}},
		{"photo.json", []channel.Inbound{{ProviderMessageID: "123456789:42", Contact: ana, ContentType: "image", Content: "The box was crushed", Timestamp: at(1751371260),
			Media: []channel.MediaRef{{ID: "AgACAgQAAxkBAAMqZo_large", ContentType: "image/jpeg", Caption: "The box was crushed"}}}}},
		{"document.json", []channel.Inbound{{ProviderMessageID: "123456789:43", Contact: ana, ContentType: "document", Content: "Invoice attached", Timestamp: at(1751371320),
			Media: []channel.MediaRef{{ID: "BQACAgQAAxkBAAMrZo_doc", ContentType: "application/pdf", FileName: "nota-fiscal.pdf", Caption: "Invoice attached"}}}}},
		{"voice.json", []channel.Inbound{{ProviderMessageID: "123456789:44", Contact: ana, ContentType: "audio", Timestamp: at(1751371380),
			Media: []channel.MediaRef{{ID: "AwACAgQAAxkBAAMsZo_voice", ContentType: "audio/ogg"}}}}},
		{"location.json", []channel.Inbound{{ProviderMessageID: "123456789:45", Contact: ana, ContentType: "location", Content: "geo:-23.561414,-46.655881", Timestamp: at(1751371440)}}},
		{"reply.json", []channel.Inbound{{ProviderMessageID: "123456789:46", Contact: ana, ContentType: "text", Content: "#1042", ReplyToID: "123456789:140", Timestamp: at(1751371500)}}},
		{"group.json", []channel.Inbound{{ProviderMessageID: "-1001234567890:12", Contact: channel.ContactInfo{SourceID: "-1001234567890", Name: "Bo"}, ContentType: "text", Content: "hello from the group", Timestamp: at(1751371600)}}},
		{"edited.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			req, body := channeltest.TelegramWebhook(publicURL, secretToken, readFile(t, tt.file))
			got, err := a.ParseWebhook(req, body, publicURL, testInbox())
			if err != nil {
				t.Fatalf("ParseWebhook(%s) error = %v", tt.file, err)
			}
			if diff := cmp.Diff(tt.want, got.Messages); diff != "" {
				t.Errorf("ParseWebhook(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestAdapter_ParseWebhook_refuses(t *testing.T) {
	a := New(Options{})
	body := readFile(t, "text.json")
	noSecret := testInbox()
	delete(noSecret.Secrets, KeySecretToken)
	tests := []struct {
		name   string
		token  string
		inbox  *parley.Inbox
		body   []byte
		target error
	}{
		{"no header", "", testInbox(), body, channel.ErrBadSignature},
		{"a wrong token", "s3cr3t-T0ken_for-webhooK", testInbox(), body, channel.ErrBadSignature},
		{"a prefix of the token", secretToken[:10], testInbox(), body, channel.ErrBadSignature},
		{"an inbox without secret token", "", noSecret, body, channel.ErrBadSignature},
		{"garbage", secretToken, testInbox(), []byte("{"), channel.ErrMalformed},
		{"no update id", secretToken, testInbox(), []byte(`{"message":{"message_id":1,"chat":{"id":1}}}`), channel.ErrMalformed},
		{"a message without chat", secretToken, testInbox(), []byte(`{"update_id":1,"message":{"message_id":1,"text":"x"}}`), channel.ErrMalformed},
	}
	for _, tt := range tests {
		req, b := channeltest.TelegramWebhook(publicURL, tt.token, tt.body)
		if _, err := a.ParseWebhook(req, b, publicURL, tt.inbox); !errors.Is(err, tt.target) {
			t.Errorf("ParseWebhook(%s) = %v, want %v", tt.name, err, tt.target)
		}
	}
}

func newAdapter(t *testing.T) (*Adapter, *channeltest.Telegram) {
	t.Helper()
	fake := channeltest.NewTelegram(t)
	fake.Token = botToken
	return New(Options{BaseURL: fake.URL, HTTPClient: fake.Client(), Clock: fixedClock{now}}), fake
}

func TestAdapter_Send(t *testing.T) {
	a, fake := newAdapter(t)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	tests := []struct {
		name   string
		msg    channel.Outbound
		method string
		params map[string]string
		file   string
	}{
		{"text", channel.Outbound{To: "123456789", Content: "We are on it."}, "sendMessage",
			map[string]string{"chat_id": "123456789", "text": "We are on it."}, ""},
		{"an uploaded photo", channel.Outbound{To: "123456789", Content: "Label", Attachments: []channel.Attachment{{Data: png, ContentType: "image/png", FileName: "label.png"}}}, "sendPhoto",
			map[string]string{"chat_id": "123456789", "caption": "Label"}, "photo"},
		{"a linked document", channel.Outbound{To: "123456789", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/i.pdf", ContentType: "application/pdf"}}}, "sendDocument",
			map[string]string{"chat_id": "123456789", "document": "https://cdn.example.com/i.pdf"}, ""},
		{"a voice message", channel.Outbound{To: "123456789", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/v.ogg", ContentType: "audio/ogg", Voice: true}}}, "sendVoice",
			map[string]string{"chat_id": "123456789", "voice": "https://cdn.example.com/v.ogg"}, ""},
		{"an ogg file that is not a recording", channel.Outbound{To: "123456789", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/s.ogg", ContentType: "audio/ogg"}}}, "sendDocument",
			map[string]string{"chat_id": "123456789", "document": "https://cdn.example.com/s.ogg"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := a.Send(context.Background(), testInbox(), tt.msg)
			if err != nil {
				t.Fatalf("Send(%s) error = %v", tt.name, err)
			}
			calls := fake.Calls()
			c := calls[len(calls)-1]
			if c.Method != tt.method || c.Token != botToken {
				t.Errorf("Send(%s) called %s, want %s", tt.name, c.Method, tt.method)
			}
			for k, v := range tt.params {
				if c.Params[k] != v {
					t.Errorf("Send(%s) param %s = %q, want %q", tt.name, k, c.Params[k], v)
				}
			}
			if tt.file != "" && string(c.Files[tt.file].Data) != string(png) {
				t.Errorf("Send(%s) uploaded %d bytes as %s, want the PNG", tt.name, len(c.Files[tt.file].Data), tt.file)
			}
			if want := "123456789:" + strconv.Itoa(c.MessageID); res.ProviderMessageID != want {
				t.Errorf("Send(%s) = %q, want %q", tt.name, res.ProviderMessageID, want)
			}
		})
	}
}

func TestAdapter_Send_errors(t *testing.T) {
	a, fake := newAdapter(t)
	tests := []struct {
		name      string
		failure   channeltest.Failure
		permanent bool
		code      string
		retry     time.Duration
	}{
		{"a 429 waits retry_after", channeltest.Failure{Status: 429, RetryAfter: "5", Message: "Too Many Requests: retry after 5"}, false, "429", 5 * time.Second},
		{"a 500 is transient", channeltest.Failure{Status: 500, Message: "Internal Server Error"}, false, "telegram", 0},
		{"a 502 page is transient", channeltest.Failure{Status: 502, Raw: "<html>Bad Gateway</html>"}, false, "", 0},
		{"a blocked bot is permanent", channeltest.Failure{Status: 403, Message: "Forbidden: bot was blocked by the user"}, true, "403", 0},
		{"an unknown chat is permanent", channeltest.Failure{Status: 400, Message: "Bad Request: chat not found"}, true, "400", 0},
		{"a revoked token is permanent", channeltest.Failure{Status: 401, Message: "Unauthorized"}, true, "401", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.FailNext(tt.failure)
			_, err := a.Send(context.Background(), testInbox(), channel.Outbound{To: "123456789", Content: "hi"})
			if err == nil {
				t.Fatalf("Send() = nil error, want one")
			}
			if strings.Contains(err.Error(), botToken) || strings.Contains(err.Error(), "AAH-test") {
				t.Errorf("Send() error %q contains the bot token", err)
			}
			se, ok := errors.AsType[*channel.SendError](err)
			if tt.code == "" {
				if ok && se.Permanent {
					t.Errorf("Send() = %v, want a transient error", err)
				}
				return
			}
			if !ok {
				t.Fatalf("Send() = %v, want a *SendError", err)
			}
			if se.Permanent != tt.permanent || se.Code != tt.code || se.RetryAfter != tt.retry {
				t.Errorf("Send() = %+v, want permanent %v, code %s, retry after %v", se, tt.permanent, tt.code, tt.retry)
			}
		})
	}
	if _, err := a.Send(context.Background(), testInbox(), channel.Outbound{To: "@someone", Content: "x"}); err == nil {
		t.Errorf("Send(to a username) = nil error, want one")
	}
}

func TestAdapter_RegisterWebhook(t *testing.T) {
	a, fake := newAdapter(t)
	if err := a.RegisterWebhook(context.Background(), testInbox(), publicURL); err != nil {
		t.Fatalf("RegisterWebhook() error = %v", err)
	}
	calls := fake.Calls()
	c := calls[len(calls)-1]
	if c.Method != "setWebhook" || c.Params["url"] != publicURL || c.Params["secret_token"] != secretToken || !strings.Contains(c.Params["allowed_updates"], "message") {
		t.Errorf("RegisterWebhook() sent %s %v, want setWebhook with url, secret_token and allowed_updates", c.Method, c.Params)
	}
	if err := a.RegisterWebhook(context.Background(), testInbox(), "http://insecure.example.com/hook"); err == nil {
		t.Errorf("RegisterWebhook(http URL) = nil error, want Telegram's refusal")
	}
	in := testInbox()
	delete(in.Secrets, KeySecretToken)
	if err := a.RegisterWebhook(context.Background(), in, publicURL); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("RegisterWebhook(no secret) = %v, want %s", err, parley.EINVALID)
	}
}

func TestAdapter_FetchMedia(t *testing.T) {
	a, fake := newAdapter(t)
	pdf := append([]byte("%PDF-1.7\n"), make([]byte, 300)...)
	fake.AddFile("BQACAgQAAxkBAAMrZo_doc", "documents/file_7.pdf", pdf)
	m, err := a.FetchMedia(context.Background(), testInbox(), channel.MediaRef{ID: "BQACAgQAAxkBAAMrZo_doc", FileName: "nota-fiscal.pdf"})
	if err != nil {
		t.Fatalf("FetchMedia() error = %v", err)
	}
	if m.ContentType != "application/pdf" || m.FileName != "nota-fiscal.pdf" || len(m.Data) != len(pdf) {
		t.Errorf("FetchMedia() = %s %q %d bytes, want the PDF", m.ContentType, m.FileName, len(m.Data))
	}
	_, err = a.FetchMedia(context.Background(), testInbox(), channel.MediaRef{ID: "missing"})
	if err == nil || strings.Contains(err.Error(), botToken) {
		t.Errorf("FetchMedia(missing) = %v, want an error without the token", err)
	}
}

func FuzzParseWebhook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	a := New(Options{Clock: fixedClock{now}})
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := channeltest.TelegramWebhook(publicURL, secretToken, body)
		res, err := a.ParseWebhook(req, body, publicURL, testInbox())
		if err != nil {
			if !errors.Is(err, channel.ErrMalformed) {
				t.Errorf("ParseWebhook(%q) error = %v, want ErrMalformed", body, err)
			}
			return
		}
		// What the ingress stores holds no NUL, whatever the payload.
		res.Clean()
		if txt := fmt.Sprintf("%+v %+v", res.Messages, res.Statuses); strings.ContainsRune(txt, 0) || !utf8.ValidString(txt) {
			t.Errorf("ParseWebhook(%q) then Clean left NUL or invalid UTF-8: %q", body, txt)
		}
		for _, m := range res.Messages {
			if m.ProviderMessageID == "" || m.Contact.SourceID == "" || m.Contact.SourceID == "0" {
				t.Errorf("ParseWebhook(%q) gave a message without id or chat", body)
			}
		}
	})
}

// roundTripper is an http.RoundTripper made of a function.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAdapter_RegisterWebhook_namesTheCause(t *testing.T) {
	dnsFail := roundTripper(func(r *http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
	})
	refused := roundTripper(func(r *http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	})
	answer := func(status int, body string) roundTripper {
		return func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{"Content-Type": {"application/json"}}, Request: r}, nil
		}
	}
	tests := []struct {
		name    string
		rt      http.RoundTripper
		field   string
		want    string
		wantNot string
	}{
		{"dns", dnsFail, "", "Could not reach api.telegram.org: no such host", "refused"},
		{"connection refused", refused, "", "Could not reach api.telegram.org: connection refused", "Telegram refused"},
		{"bad token", answer(401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`), "config.bot_token", "Telegram does not accept this bot token", ""},
		{"bad url", answer(400, `{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: HTTPS url must be provided for webhook"}`), "", "Telegram refused the webhook: Bad Request: bad webhook: HTTPS url must be provided for webhook", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(Options{HTTPClient: &http.Client{Transport: tt.rt}})
			err := a.RegisterWebhook(context.Background(), testInbox(), publicURL)
			e, ok := errors.AsType[*parley.Error](err)
			if !ok || e.Code != parley.EINVALID {
				t.Fatalf("RegisterWebhook() = %v, want an %s parley.Error", err, parley.EINVALID)
			}
			if e.Field != tt.field || !strings.Contains(e.Message, tt.want) || (tt.wantNot != "" && strings.Contains(e.Message, tt.wantNot)) {
				t.Errorf("RegisterWebhook() = field %q, %q; want field %q, a message with %q", e.Field, e.Message, tt.field, tt.want)
			}
			if strings.Contains(e.Message, botToken) {
				t.Errorf("RegisterWebhook() message %q holds the bot token", e.Message)
			}
		})
	}
}
