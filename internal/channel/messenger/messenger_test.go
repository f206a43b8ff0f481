package messenger

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	publicURL   = "https://parley.example.com/webhooks/messenger"
	appSecret   = "0a9b8c7d6e5f40312233445566778899"
	pageToken   = "EAAPageTokenForTests"
	verifyToken = "parley-verify-messenger"
	page        = "106234567890123"
	psid        = "7654321098765432"
)

var now = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func testInbox() *parley.Inbox {
	return &parley.Inbox{
		ID: "inb2", Channel: parley.ChannelMessenger,
		Config:  map[string]string{KeyPageID: page},
		Secrets: map[string]string{KeyPageAccessToken: pageToken, KeyAppSecret: appSecret, KeyVerifyToken: verifyToken},
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

// The signature is computed here with crypto/hmac, independently of
// ValidSignature and of channeltest.
func TestValidSignature(t *testing.T) {
	body := readFile(t, "text.json")
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	good := "sha256=" + hex.EncodeToString(m.Sum(nil))
	tests := []struct {
		name   string
		header string
		body   []byte
		want   bool
	}{
		{"hand-computed", good, body, true},
		{"RFC 4231 vector with another key", "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", []byte("what do ya want for nothing?"), false},
		{"one byte more", good, append(body, ' '), false},
		{"missing", "", body, false},
	}
	for _, tt := range tests {
		if got := ValidSignature(appSecret, tt.body, tt.header); got != tt.want {
			t.Errorf("ValidSignature(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !ValidSignature("Jefe", []byte("what do ya want for nothing?"), "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") {
		t.Errorf("ValidSignature(RFC 4231 test case 2) = false, want true")
	}
}

func TestAdapter_ParseWebhook_verify(t *testing.T) {
	a := New(Options{})
	res, err := a.ParseWebhook(channeltest.MetaVerify(publicURL, verifyToken, "CHALLENGE_ACCEPTED"), nil, publicURL, testInbox())
	if err != nil || string(res.Response) != "CHALLENGE_ACCEPTED" {
		t.Errorf("ParseWebhook(verify) = %v, %v, want the challenge", res, err)
	}
	if _, err := a.ParseWebhook(channeltest.MetaVerify(publicURL, "nope", "x"), nil, publicURL, testInbox()); !errors.Is(err, channel.ErrBadSignature) {
		t.Errorf("ParseWebhook(verify, wrong token) = %v, want ErrBadSignature", err)
	}
}

func TestAdapter_ParseWebhook(t *testing.T) {
	a := New(Options{Clock: fixedClock{now}})
	contact := channel.ContactInfo{SourceID: psid}
	tests := []struct {
		file string
		want *channel.WebhookResult
	}{
		{"text.json", &channel.WebhookResult{Messages: []channel.Inbound{{RouteKey: page, Contact: contact, ContentType: "text",
			ProviderMessageID: "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P",
			Content:           "Where is my order?", Timestamp: time.UnixMilli(1751371199876).UTC()}}}},
		{"quick_reply.json", &channel.WebhookResult{Messages: []channel.Inbound{{RouteKey: page, Contact: contact, ContentType: "interactive",
			ProviderMessageID: "m_1457764197618:41d102a3e1ae206a38", Content: "Track it", Payload: "TRACK_ORDER_1042",
			ReplyToID: "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU", Timestamp: time.UnixMilli(1751371259500).UTC()}}}},
		{"attachments.json", &channel.WebhookResult{Messages: []channel.Inbound{{RouteKey: page, Contact: contact, ContentType: "image",
			ProviderMessageID: "m_ZmFrZS1taWQtd2l0aC1hdHRhY2htZW50cw", Timestamp: time.UnixMilli(1751371319000).UTC(),
			Media: []channel.MediaRef{
				{URL: "https://scontent.xx.fbcdn.net/v/t1.15752-9/449122_n.jpg?_nc_cat=1&oh=abc&oe=6890"},
				{URL: "https://cdn.fbsbx.com/v/t59.2708-21/449123_n.pdf/receipt.pdf?_nc_cat=2&oh=def&oe=6891"},
			}}}}},
		{"postback.json", &channel.WebhookResult{Messages: []channel.Inbound{{RouteKey: page, Contact: contact, ContentType: "postback",
			ProviderMessageID: "m_Zm9ydGVzdHBvc3RiYWNrbWlk", Content: "Talk to a person", Payload: "HANDOFF", Timestamp: time.UnixMilli(1751371379000).UTC()}}}},
		{"delivery_read.json", &channel.WebhookResult{Statuses: []channel.StatusUpdate{
			{RouteKey: page, Status: parley.DeliveryDelivered, At: now, Watermark: time.UnixMilli(1458668856253).UTC(), Recipient: psid},
			{RouteKey: page, Status: parley.DeliveryRead, At: time.UnixMilli(1458668856463).UTC(), Watermark: time.UnixMilli(1458668856253).UTC(), Recipient: psid},
		}}},
		{"echo_and_other_page.json", &channel.WebhookResult{Messages: []channel.Inbound{{RouteKey: "208765432109876",
			Contact: channel.ContactInfo{SourceID: "1234567890123456"}, ContentType: "text", ProviderMessageID: "m_c2Vjb25kcGFnZQ",
			Content: "Hi second page", Timestamp: time.UnixMilli(1751371440500).UTC()}}}},
	}
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
	r, b := channeltest.MetaWebhook(publicURL, "wrong", body)
	if _, err := a.ParseWebhook(r, b, publicURL, testInbox()); !errors.Is(err, channel.ErrBadSignature) {
		t.Errorf("ParseWebhook(wrong secret) = %v, want ErrBadSignature", err)
	}
	r, b = channeltest.MetaWebhook(publicURL, appSecret, []byte(`{"object":"whatsapp_business_account"}`))
	if _, err := a.ParseWebhook(r, b, publicURL, testInbox()); !errors.Is(err, channel.ErrMalformed) {
		t.Errorf("ParseWebhook(whatsapp payload) = %v, want ErrMalformed", err)
	}
	r, b = channeltest.MetaWebhook(publicURL, appSecret, []byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"message":{"text":"no mid"}}]}]}`))
	if _, err := a.ParseWebhook(r, b, publicURL, testInbox()); !errors.Is(err, channel.ErrMalformed) {
		t.Errorf("ParseWebhook(message without mid) = %v, want ErrMalformed", err)
	}
}

func TestAdapter_Send(t *testing.T) {
	fake := channeltest.NewGraph(t)
	fake.AccessToken = pageToken
	a := New(Options{BaseURL: fake.BaseURL(), HTTPClient: fake.Client(), Clock: fixedClock{now}})
	jpeg := append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), make([]byte, 64)...)
	tests := []struct {
		name string
		msg  channel.Outbound
		want []string // JSON bodies, in order
	}{
		{"text with quick replies", channel.Outbound{To: psid, Content: "Pick one", QuickReplies: []channel.QuickReply{{Title: "Track", Payload: "TRACK"}, {Title: "Cancel", Payload: "CANCEL"}}},
			[]string{`{"recipient":{"id":"7654321098765432"},"messaging_type":"RESPONSE","message":{"text":"Pick one","quick_replies":[{"content_type":"text","title":"Track","payload":"TRACK"},{"content_type":"text","title":"Cancel","payload":"CANCEL"}]}}`}},
		{"a human agent reply", channel.Outbound{To: psid, Content: "Sorry for the wait", Tag: TagHumanAgent},
			[]string{`{"recipient":{"id":"7654321098765432"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"Sorry for the wait"}}`}},
		{"buttons", channel.Outbound{To: psid, Content: "Need more help?", Buttons: []channel.Button{{Title: "Yes", Payload: "HELP_YES"}, {Title: "FAQ", URL: "https://example.com/faq"}}},
			[]string{`{"recipient":{"id":"7654321098765432"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"button","text":"Need more help?","buttons":[{"type":"postback","title":"Yes","payload":"HELP_YES"},{"type":"web_url","title":"FAQ","url":"https://example.com/faq"}]}}}}`}},
		{"a carousel", channel.Outbound{To: psid, Cards: []channel.Card{
			{Title: "Blue mug", Subtitle: "$12", ImageURL: "https://cdn.example.com/blue.jpg", URL: "https://shop.example.com/blue", Buttons: []channel.Button{{Title: "Buy", Payload: "BUY_BLUE"}}},
			{Title: "Red mug"},
		}}, []string{`{"recipient":{"id":"7654321098765432"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements":[{"title":"Blue mug","subtitle":"$12","image_url":"https://cdn.example.com/blue.jpg","default_action":{"type":"web_url","url":"https://shop.example.com/blue"},"buttons":[{"type":"postback","title":"Buy","payload":"BUY_BLUE"}]},{"title":"Red mug"}]}}}}`}},
		{"text and a linked file", channel.Outbound{To: psid, Content: "Your receipt", Attachments: []channel.Attachment{{URL: "https://cdn.example.com/r.pdf", ContentType: "application/pdf"}}},
			[]string{
				`{"recipient":{"id":"7654321098765432"},"messaging_type":"RESPONSE","message":{"text":"Your receipt"}}`,
				`{"recipient":{"id":"7654321098765432"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"file","payload":{"url":"https://cdn.example.com/r.pdf","is_reusable":true}}}}`,
			}},
		{"an uploaded image", channel.Outbound{To: psid, Attachments: []channel.Attachment{{Data: jpeg, ContentType: "image/jpeg", FileName: "a.jpg"}}},
			[]string{`{"recipient":{"id":"7654321098765432"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"image","payload":{"is_reusable":true}}},"filedata_content_type":"image/jpeg","filedata_name":"a.jpg"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Sent())
			res, err := a.Send(context.Background(), testInbox(), tt.msg)
			if err != nil {
				t.Fatalf("Send(%s) error = %v", tt.name, err)
			}
			sent := fake.Sent()[before:]
			if len(sent) != len(tt.want) {
				t.Fatalf("Send(%s) made %d requests, want %d", tt.name, len(sent), len(tt.want))
			}
			for i, w := range tt.want {
				var want map[string]any
				if err := json.Unmarshal([]byte(w), &want); err != nil {
					t.Fatal(err)
				}
				if sent[i].Path != "/me/messages" || sent[i].Token != pageToken {
					t.Errorf("Send(%s) request %d went to %s", tt.name, i, sent[i].Path)
				}
				if diff := cmp.Diff(want, sent[i].Body); diff != "" {
					t.Errorf("Send(%s) request %d mismatch (-want +got):\n%s", tt.name, i, diff)
				}
			}
			if res.ProviderMessageID != sent[len(sent)-1].ID {
				t.Errorf("Send(%s) = %q, want the last message id %q", tt.name, res.ProviderMessageID, sent[len(sent)-1].ID)
			}
		})
	}
}

func TestAdapter_Send_errors(t *testing.T) {
	fake := channeltest.NewGraph(t)
	a := New(Options{BaseURL: fake.BaseURL(), HTTPClient: fake.Client(), Clock: fixedClock{now}})
	tests := []struct {
		name      string
		failure   channeltest.Failure
		permanent bool
		retry     time.Duration
		contains  string
	}{
		{"a 500 is transient", channeltest.Failure{Status: 500, Code: 2, Message: "Service temporarily unavailable"}, false, 0, "temporarily"},
		{"a 429 is transient", channeltest.Failure{Status: 429, RetryAfter: "12", Code: 613, Message: "Calls to this api have exceeded the rate limit."}, false, 12 * time.Second, "rate limit"},
		{"1200 is transient", channeltest.Failure{Status: 400, Code: 1200, Message: "Temporary send message failure. Please try again later"}, false, 0, "Temporary"},
		{"outside the window is permanent", channeltest.Failure{Status: 400, Code: 10, Subcode: 2018278, Message: "(#10) This message is sent outside of allowed window."}, true, 0, "24 hours"},
		{"an unavailable person is permanent", channeltest.Failure{Status: 400, Code: 551, Message: "This person isn't available right now."}, true, 0, "not available"},
		{"a bad parameter is permanent", channeltest.Failure{Status: 400, Code: 100, Subcode: 2018001, Message: "No matching user found"}, true, 0, "No matching user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.FailNext(tt.failure)
			_, err := a.Send(context.Background(), testInbox(), channel.Outbound{To: psid, Content: "hi"})
			se, ok := errors.AsType[*channel.SendError](err)
			if !ok {
				t.Fatalf("Send() = %v, want a *SendError", err)
			}
			if se.Permanent != tt.permanent || se.RetryAfter != tt.retry || !strings.Contains(se.Message, tt.contains) {
				t.Errorf("Send() = %+v, want permanent %v, retry after %v, a message with %q", se, tt.permanent, tt.retry, tt.contains)
			}
			if strings.Contains(err.Error(), pageToken) {
				t.Errorf("Send() error %q contains the token", err)
			}
		})
	}
}

func TestAdapter_FetchMedia(t *testing.T) {
	jpeg := append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), make([]byte, 64)...)
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(jpeg) }))
	t.Cleanup(cdn.Close)
	open, _ := netguard.New([]string{"127.0.0.1"})
	strict, _ := netguard.New(nil)
	ref := channel.MediaRef{URL: cdn.URL + "/v/t1/449122_n.jpg"}
	m, err := New(Options{MediaClient: open.Client(time.Second)}).FetchMedia(context.Background(), testInbox(), ref)
	if err != nil || m.ContentType != "image/jpeg" {
		t.Errorf("FetchMedia() = %v, %v, want the jpeg", m, err)
	}
	if _, err := New(Options{MediaClient: strict.Client(time.Second)}).FetchMedia(context.Background(), testInbox(), ref); !errors.Is(err, netguard.ErrForbiddenAddress) {
		t.Errorf("FetchMedia(loopback) = %v, want %v", err, netguard.ErrForbiddenAddress)
	}
	if _, err := New(Options{}).FetchMedia(context.Background(), testInbox(), channel.MediaRef{URL: "file:///etc/passwd"}); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("FetchMedia(file://) = %v, want %s", err, parley.EINVALID)
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
			if !s.Status.Valid() || s.Recipient == "" {
				t.Errorf("ParseWebhook(%q) gave status %+v", body, s)
			}
		}
	})
}
