package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
	"github.com/parleyhq/parley/internal/netguard"
)

const (
	publicURL   = "https://parley.example.com/webhooks/whatsapp"
	appSecret   = "6f1d2c3b4a5968778695a4b3c2d1e0f9"
	accessToken = "EAAGm0PX4ZCpsBAtesttoken"
	verifyToken = "parley-verify-7d3e"
)

var now = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func testInbox() *parley.Inbox {
	return &parley.Inbox{
		ID: "inb1", Channel: parley.ChannelWhatsApp,
		Config:  map[string]string{KeyPhoneNumberID: "106540352242922", KeyWABAID: "102290129340398"},
		Secrets: map[string]string{KeyAccessToken: accessToken, KeyAppSecret: appSecret, KeyVerifyToken: verifyToken},
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RFC 4231 test case 2, computed by hand with crypto/hmac, so the check
// does not rest on the code under test.
func TestValidSignature(t *testing.T) {
	const vector = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	body := []byte("what do ya want for nothing?")
	m := hmac.New(sha256.New, []byte("Jefe"))
	m.Write(body)
	if got := "sha256=" + hex.EncodeToString(m.Sum(nil)); got != vector {
		t.Fatalf("hand-computed HMAC = %s, want the RFC 4231 vector %s", got, vector)
	}
	tests := []struct {
		name   string
		secret string
		body   []byte
		header string
		want   bool
	}{
		{"the RFC 4231 vector", "Jefe", body, vector, true},
		{"upper-case hex", "Jefe", body, strings.ToUpper(vector[:7]) + strings.ToUpper(vector[7:]), false},
		{"upper-case hex digits", "Jefe", body, "sha256=" + strings.ToUpper(vector[7:]), true},
		{"another secret", "jefe", body, vector, false},
		{"another body", "Jefe", []byte("what do ya want for nothing!"), vector, false},
		{"no prefix", "Jefe", body, vector[7:], false},
		{"sha1 header", "Jefe", body, "sha1=" + vector[7:], false},
		{"not hex", "Jefe", body, "sha256=zz", false},
		{"empty", "Jefe", body, "", false},
		{"no secret configured", "", body, "sha256=" + hex.EncodeToString(hmac.New(sha256.New, nil).Sum(nil)), false},
	}
	for _, tt := range tests {
		if got := ValidSignature(tt.secret, tt.body, tt.header); got != tt.want {
			t.Errorf("ValidSignature(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := channeltest.MetaSignature("Jefe", body); got != vector {
		t.Errorf("channeltest.MetaSignature(RFC 4231) = %s, want %s", got, vector)
	}
}

func TestMapStatus(t *testing.T) {
	tests := []struct {
		in   string
		want parley.DeliveryStatus
		ok   bool
	}{
		{"sent", parley.DeliverySent, true},
		{"delivered", parley.DeliveryDelivered, true},
		{"read", parley.DeliveryRead, true},
		{"played", parley.DeliveryRead, true},
		{"failed", parley.DeliveryFailed, true},
		{"deleted", "", false},
		{"warning", "", false},
	}
	for _, tt := range tests {
		if got, ok := MapStatus(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("MapStatus(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAdapter_ParseWebhook_verify(t *testing.T) {
	a := New(Options{})
	tests := []struct {
		name  string
		req   *http.Request
		want  string
		error bool
	}{
		{"the right token echoes the challenge", channeltest.MetaVerify(publicURL, verifyToken, "1158201444"), "1158201444", false},
		{"a wrong token is refused", channeltest.MetaVerify(publicURL, "guess", "1158201444"), "", true},
		{"no mode is refused", mustGet(publicURL + "?hub.verify_token=" + verifyToken + "&hub.challenge=1"), "", true},
	}
	for _, tt := range tests {
		res, err := a.ParseWebhook(tt.req, nil, publicURL, testInbox())
		if tt.error {
			if !errors.Is(err, channel.ErrBadSignature) {
				t.Errorf("ParseWebhook(%s) = %v, want ErrBadSignature", tt.name, err)
			}
			continue
		}
		if err != nil || string(res.Response) != tt.want {
			t.Errorf("ParseWebhook(%s) = %v, %v, want response %q", tt.name, res, err, tt.want)
		}
	}
	in := testInbox()
	delete(in.Secrets, KeyVerifyToken)
	if _, err := a.ParseWebhook(channeltest.MetaVerify(publicURL, "", "1"), nil, publicURL, in); !errors.Is(err, channel.ErrBadSignature) {
		t.Errorf("ParseWebhook(verify with no token configured) = %v, want ErrBadSignature", err)
	}
}

func mustGet(u string) *http.Request {
	r, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		panic(err)
	}
	return r
}

func TestAdapter_ParseWebhook(t *testing.T) {
	a := New(Options{Clock: fixedClock{now}})
	sheena := channel.ContactInfo{SourceID: "+16505551234", Name: "Sheena Nelson", Phone: "+16505551234"}
	const route = "106540352242922"
	msg := func(file string, ts int64, in channel.Inbound) (string, *channel.WebhookResult) {
		in.RouteKey, in.Contact, in.Timestamp = route, sheena, time.Unix(ts, 0).UTC()
		return file, &channel.WebhookResult{Messages: []channel.Inbound{in}}
	}
	type tc struct {
		file string
		want *channel.WebhookResult
	}
	var tests []tc
	add := func(f string, w *channel.WebhookResult) { tests = append(tests, tc{f, w}) }
	add(msg("text.json", 1749416383, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", ContentType: "text", Content: "Does it come in another color?"}))
	add(msg("image.json", 1750090702, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQzRUIwMkY2RjQ5OEYwMDk0MkYyMQA=", ContentType: "image", Content: "This is the one that arrived broken",
		Media: []channel.MediaRef{{ID: "1003383421387256", ContentType: "image/jpeg", Caption: "This is the one that arrived broken"}}}))
	add(msg("document.json", 1750090810, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ3QjlEODM0OTI0RDVGRTM0MDAA", ContentType: "document", Content: "Invoice",
		Media: []channel.MediaRef{{ID: "1316541499626519", ContentType: "application/pdf", FileName: "invoice-1042.pdf", Caption: "Invoice"}}}))
	add(msg("audio.json", 1750090920, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ0QzE2RUVDQjlGMEQ3MjhEMEYA", ContentType: "audio",
		Media: []channel.MediaRef{{ID: "1200355061446474", ContentType: "audio/ogg; codecs=opus"}}}))
	add(msg("sticker.json", 1750091020, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ1OTg5NjgwODI4MjJDRkQxOTcA", ContentType: "sticker",
		Media: []channel.MediaRef{{ID: "1154436839484219", ContentType: "image/webp"}}}))
	add(msg("location.json", 1750091132, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ2NkZDNEJFQTcwRkUyMDA5QjMA", ContentType: "location",
		Content: "Philz Coffee\n101 Forest Ave, Palo Alto, CA 94301\ngeo:37.44216251868683,-122.16153582049394"}))
	add(msg("contacts.json", 1750091240, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ3OEIzNUFDMThGRDk5MzFBMjAA", ContentType: "contacts",
		Content: "Barbara J. Johnson +1 (650) 555-1234"}))
	add(msg("interactive_button.json", 1750091350, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ4RTNGQzgyN0Y5RjRCQjQ3NUMA", ContentType: "interactive",
		Content: "Change", Payload: "change-button", ReplyToID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjBGNUQ2MzM1NDNENDZEMDkA"}))
	add(msg("interactive_list.json", 1750091460, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBQ5QkI2MUJCMkRBRDYzMDg5NDEA", ContentType: "interactive",
		Content: "Priority Mail Express", Payload: "priority_express", ReplyToID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDRTg1NTBGNjkyQTNDQTQ4NzAA"}))
	add(msg("reaction.json", 1750091570, channel.Inbound{ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBRBRDY0MjM5MDRGQ0E1MzQ4MDIA", ContentType: "reaction",
		Content: "👍", ReplyToID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjBGNUQ2MzM1NDNENDZEMDkA"}))
	sent := "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRTg5MDk2OURGMEU2NzFEQjEA"
	add("statuses.json", &channel.WebhookResult{Statuses: []channel.StatusUpdate{
		{RouteKey: route, ProviderMessageID: sent, Status: parley.DeliverySent, At: time.Unix(1750030071, 0).UTC(), Recipient: "+16505551234"},
		{RouteKey: route, ProviderMessageID: sent, Status: parley.DeliveryDelivered, At: time.Unix(1750030072, 0).UTC(), Recipient: "+16505551234"},
		{RouteKey: route, ProviderMessageID: sent, Status: parley.DeliveryRead, At: time.Unix(1750030090, 0).UTC(), Recipient: "+16505551234"},
		{RouteKey: route, ProviderMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI1QjU0QkJBNDFBMjJDNjM2RTEA", Status: parley.DeliveryFailed, At: time.Unix(1750030101, 0).UTC(), Recipient: "+16505551234",
			Error: "131047: Re-engagement message (Message failed to send because more than 24 hours have passed since the customer last replied to this number.)"},
	}})
	add("multi.json", &channel.WebhookResult{
		Messages: []channel.Inbound{
			{RouteKey: route, ProviderMessageID: "wamid.HBgLMTY1MDUwNzY1MjMVAgASGBRBMUFBMDAwMDAwMDAwMDAwMDEA", Contact: sheena, ContentType: "text", Content: "first", Timestamp: time.Unix(1750092000, 0).UTC()},
			{RouteKey: "207640352242999", ProviderMessageID: "wamid.HBgMNDQ3OTExMTIzNDU2FQIAEhgUQjJCQjAwMDAwMDAwMDAwMDAwMDIA", ContentType: "text", Content: "second number", Timestamp: time.Unix(1750092003, 0).UTC(),
				Contact: channel.ContactInfo{SourceID: "+447911123456", Name: "Kai Ito", Phone: "+447911123456"}},
		},
		Statuses: []channel.StatusUpdate{{RouteKey: route, ProviderMessageID: sent, Status: parley.DeliveryDelivered, At: time.Unix(1750092001, 0).UTC(), Recipient: "+16505551234"}},
	})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			req, body := channeltest.MetaWebhook(publicURL, appSecret, readFile(t, tt.file))
			got, err := a.ParseWebhook(req, body, publicURL, testInbox())
			if err != nil {
				t.Fatalf("ParseWebhook(%s) error = %v", tt.file, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseWebhook(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestAdapter_ParseWebhook_refuses(t *testing.T) {
	a := New(Options{})
	body := readFile(t, "text.json")
	tests := []struct {
		name   string
		req    func() (*http.Request, []byte)
		target error
	}{
		{"unsigned", func() (*http.Request, []byte) {
			r, b := channeltest.MetaWebhook(publicURL, appSecret, body)
			r.Header.Del("X-Hub-Signature-256")
			return r, b
		}, channel.ErrBadSignature},
		{"signed with another secret", func() (*http.Request, []byte) { return channeltest.MetaWebhook(publicURL, "other", body) }, channel.ErrBadSignature},
		{"a body changed after signing", func() (*http.Request, []byte) {
			r, b := channeltest.MetaWebhook(publicURL, appSecret, body)
			return r, append([]byte(nil), append(b[:len(b)-1:len(b)-1], ' ', '}')...)
		}, channel.ErrBadSignature},
		{"signed garbage", func() (*http.Request, []byte) {
			return channeltest.MetaWebhook(publicURL, appSecret, []byte("{not json"))
		}, channel.ErrMalformed},
		{"signed messenger payload", func() (*http.Request, []byte) {
			return channeltest.MetaWebhook(publicURL, appSecret, []byte(`{"object":"page","entry":[]}`))
		}, channel.ErrMalformed},
		{"a message without id", func() (*http.Request, []byte) {
			return channeltest.MetaWebhook(publicURL, appSecret, []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"1","type":"text"}]}}]}]}`))
		}, channel.ErrMalformed},
	}
	for _, tt := range tests {
		r, b := tt.req()
		if _, err := a.ParseWebhook(r, b, publicURL, testInbox()); !errors.Is(err, tt.target) {
			t.Errorf("ParseWebhook(%s) = %v, want %v", tt.name, err, tt.target)
		}
	}
}

func newAdapter(t *testing.T) (*Adapter, *channeltest.Graph) {
	t.Helper()
	fake := channeltest.NewGraph(t)
	fake.AccessToken = accessToken
	guard, err := netguard.New([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return New(Options{BaseURL: fake.BaseURL(), HTTPClient: fake.Client(), MediaClient: guard.Client(5 * time.Second), Clock: fixedClock{now}}), fake
}

func TestAdapter_Send(t *testing.T) {
	a, fake := newAdapter(t)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...)
	tests := []struct {
		name string
		msg  channel.Outbound
		want string // JSON body
	}{
		{"text", channel.Outbound{To: "+16505551234", Content: "Hello!"},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"text","text":{"body":"Hello!","preview_url":false}}`},
		{"an image by link with caption", channel.Outbound{To: "+16505551234", Content: "Your label", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/l.png", ContentType: "image/png"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"image","image":{"link":"https://cdn.example.com/l.png","caption":"Your label"}}`},
		{"a document by link", channel.Outbound{To: "+16505551234", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/i.pdf", ContentType: "application/pdf", FileName: "invoice.pdf"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"document","document":{"link":"https://cdn.example.com/i.pdf","filename":"invoice.pdf"}}`},
		{"an uploaded image", channel.Outbound{To: "+16505551234", Content: "see", Attachments: []channel.Attachment{{Data: png, ContentType: "image/png", FileName: "p.png"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"image","image":{"id":"MEDIA","caption":"see"}}`},
		{"a voice message by link: a voice note, no caption", channel.Outbound{To: "+16505551234", Content: "ignored", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/v.ogg", ContentType: "audio/ogg", Voice: true}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"audio","audio":{"link":"https://cdn.example.com/v.ogg","voice":true}}`},
		{"an audio file that is not a recording", channel.Outbound{To: "+16505551234", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/song.ogg", ContentType: "audio/ogg"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"audio","audio":{"link":"https://cdn.example.com/song.ogg"}}`},
		{"a template", channel.Outbound{To: "+16505551234", Template: &channel.Template{Name: "order_update", Language: "en_US", Parameters: []string{"Sheena", "#1042"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"template","template":{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Sheena"},{"type":"text","text":"#1042"}]}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Sent())
			res, err := a.Send(context.Background(), testInbox(), tt.msg)
			if err != nil {
				t.Fatalf("Send(%s) error = %v", tt.name, err)
			}
			sent := fake.Sent()[before:]
			last := sent[len(sent)-1]
			if last.Path != "/106540352242922/messages" || last.Token != accessToken || last.ID != res.ProviderMessageID {
				t.Errorf("Send(%s) went to %s with id %s, want /106540352242922/messages and %s", tt.name, last.Path, last.ID, res.ProviderMessageID)
			}
			want := tt.want
			if len(sent) == 2 {
				if sent[0].Path != "/106540352242922/media" || string(sent[0].Files["file"]) != string(png) {
					t.Errorf("Send(%s) upload = %s, want the PNG posted to /media", tt.name, sent[0].Path)
				}
				want = strings.Replace(want, "MEDIA", sent[0].ID, 1)
			}
			var w map[string]any
			if err := json.Unmarshal([]byte(want), &w); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(w, last.Body); diff != "" {
				t.Errorf("Send(%s) body mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestAdapter_Send_errors(t *testing.T) {
	a, fake := newAdapter(t)
	msg := channel.Outbound{To: "+16505551234", Content: "hi"}
	tests := []struct {
		name      string
		failure   channeltest.Failure
		permanent bool
		code      string
		retry     time.Duration
	}{
		{"a 500 is transient", channeltest.Failure{Status: 500, Code: 1, Message: "An unknown error occurred"}, false, "1", 0},
		{"a 503 page is transient", channeltest.Failure{Status: 503, Raw: "<html>unavailable</html>"}, false, "503", 0},
		{"a 429 is transient", channeltest.Failure{Status: 429, RetryAfter: "30", Code: 130429, Message: "Rate limit hit"}, false, "130429", 30 * time.Second},
		{"code 4 is transient", channeltest.Failure{Status: 400, Code: 4, Message: "Application request limit reached"}, false, "4", 0},
		{"code 80007 is transient", channeltest.Failure{Status: 400, Code: 80007, Message: "Rate limit issues"}, false, "80007", 0},
		{"code 131056 is transient", channeltest.Failure{Status: 400, Code: 131056, Message: "(Business Account, Consumer Account) pair rate limit hit"}, false, "131056", 0},
		{"re-engagement is permanent", channeltest.Failure{Status: 400, Code: 131047, Message: "Re-engagement message"}, true, "131047", 0},
		{"an invalid parameter is permanent", channeltest.Failure{Status: 400, Code: 100, Message: "Invalid parameter"}, true, "100", 0},
		{"an expired token is permanent", channeltest.Failure{Status: 401, Code: 190, Message: "Error validating access token"}, true, "190", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.FailNext(tt.failure)
			_, err := a.Send(context.Background(), testInbox(), msg)
			se, ok := errors.AsType[*channel.SendError](err)
			if !ok {
				t.Fatalf("Send() = %v, want a *SendError", err)
			}
			if se.Permanent != tt.permanent || se.Code != tt.code || se.RetryAfter != tt.retry {
				t.Errorf("Send() = %+v, want permanent %v, code %s, retry after %v", se, tt.permanent, tt.code, tt.retry)
			}
			if strings.Contains(err.Error(), accessToken) || !strings.HasPrefix(err.Error(), "whatsapp: send: ") {
				t.Errorf("Send() error = %q, want a whatsapp: send: prefix and no token", err)
			}
		})
	}
	fake.FailNext(channeltest.Failure{Status: 400, Code: 131047, Message: "Re-engagement message"})
	_, err := a.Send(context.Background(), testInbox(), msg)
	if !strings.Contains(err.Error(), "24 hours") {
		t.Errorf("Send() outside the window = %q, want a message about the 24-hour window", err)
	}
	if _, err := a.Send(context.Background(), testInbox(), channel.Outbound{To: "+1", Attachments: make([]channel.Attachment, 2)}); err == nil {
		t.Errorf("Send(two attachments) = nil, want an error")
	}
}

func TestAdapter_ListTemplates(t *testing.T) {
	a, fake := newAdapter(t)
	for i, name := range []string{"order_update", "shipping_delay", "welcome"} {
		fake.Templates = append(fake.Templates, channeltest.GraphTemplate{
			ID: "10" + string(rune('0'+i)), Name: name, Language: "en_US", Status: "APPROVED", Category: "UTILITY",
			Components: []map[string]any{{"type": "HEADER", "format": "TEXT", "text": "Update"}, {"type": "BODY", "text": "Hi {{1}}, order {{2}} is on its way."}},
		})
	}
	fake.PageSize = 2
	got, err := a.ListTemplates(context.Background(), testInbox())
	if err != nil {
		t.Fatalf("ListTemplates() error = %v", err)
	}
	if len(got) != 3 || got[2].Name != "welcome" || got[0].BodyParams != 2 || got[0].Body != "Hi {{1}}, order {{2}} is on its way." {
		t.Errorf("ListTemplates() = %+v, want 3 templates over two pages with 2 body parameters", got)
	}
}

func TestAdapter_FetchMedia(t *testing.T) {
	a, fake := newAdapter(t)
	jpeg := append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), make([]byte, 700)...)
	fake.AddMedia("1003383421387256", "image/jpeg", jpeg)
	m, err := a.FetchMedia(context.Background(), testInbox(), channel.MediaRef{ID: "1003383421387256"})
	if err != nil {
		t.Fatalf("FetchMedia() error = %v", err)
	}
	if m.ContentType != "image/jpeg" || len(m.Data) != len(jpeg) {
		t.Errorf("FetchMedia() = %s, %d bytes, want image/jpeg, %d bytes", m.ContentType, len(m.Data), len(jpeg))
	}
	if _, err := a.FetchMedia(context.Background(), testInbox(), channel.MediaRef{ID: "404"}); err == nil {
		t.Errorf("FetchMedia(unknown id) = nil error, want one")
	}
	// Without an allow-list the download from loopback is refused.
	guard, _ := netguard.New(nil)
	strict := New(Options{BaseURL: fake.BaseURL(), HTTPClient: fake.Client(), MediaClient: guard.Client(time.Second)})
	if _, err := strict.FetchMedia(context.Background(), testInbox(), channel.MediaRef{ID: "1003383421387256"}); !errors.Is(err, netguard.ErrForbiddenAddress) {
		t.Errorf("FetchMedia() through a strict guard = %v, want %v", err, netguard.ErrForbiddenAddress)
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
		req, _ := channeltest.MetaWebhook(publicURL, appSecret, body)
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
			if m.ProviderMessageID == "" || m.Contact.SourceID == "" {
				t.Errorf("ParseWebhook(%q) gave a message without id or sender", body)
			}
		}
		for _, s := range res.Statuses {
			if !s.Status.Valid() || s.ProviderMessageID == "" {
				t.Errorf("ParseWebhook(%q) gave status %+v", body, s)
			}
		}
	})
}
