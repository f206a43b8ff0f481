package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/api"
	"github.com/parleyhq/parley/internal/netguard"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func loopbackAdapter(t *testing.T) *api.Adapter {
	t.Helper()
	g, err := netguard.New([]string{"127.0.0.1"})
	if err != nil {
		t.Fatalf("netguard.New() = %v", err)
	}
	return api.New(api.Options{Client: g.Client(5 * time.Second), Clock: fixedClock(now)})
}

func TestAdapter_SendMessageSigns(t *testing.T) {
	const secret = "whsec_abc"
	var got struct {
		ts, delivery, sig, contentType string
		body                           []byte
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.ts, got.delivery = r.Header.Get(api.HeaderTimestamp), r.Header.Get(api.HeaderDelivery)
		got.sig, got.contentType = r.Header.Get(api.HeaderSignature), r.Header.Get("Content-Type")
		got.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	inbox := &parley.Inbox{ID: "in-1", Channel: parley.ChannelAPI, Config: map[string]string{"callback_url": srv.URL + "/hook"}, CallbackSecret: secret}
	m := &parley.Message{ID: "msg-1", ConversationID: "c-1", InboxID: "in-1", Direction: parley.DirectionOut, Content: "Hi there", Status: parley.DeliverySending}

	to := channel.Recipient{ConversationNumber: 42, ContactID: "ct-1", SourceID: "crm-7", Name: "Grace Hopper"}
	if _, err := loopbackAdapter(t).SendMessage(context.Background(), inbox, m, to); err != nil {
		t.Fatalf("SendMessage() = %v, want nil", err)
	}
	if want := strconv.FormatInt(now.Unix(), 10); got.ts != want {
		t.Errorf("%s = %q, want %q", api.HeaderTimestamp, got.ts, want)
	}
	if got.delivery != m.ID {
		t.Errorf("%s = %q, want %q", api.HeaderDelivery, got.delivery, m.ID)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(got.ts + "." + string(got.body)))
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(got.sig), []byte(want)) {
		t.Errorf("%s = %q, want %q", api.HeaderSignature, got.sig, want)
	}
	var sent parley.Message
	if err := json.Unmarshal(got.body, &sent); err != nil || sent.ID != m.ID || sent.Content != m.Content {
		t.Errorf("body = %s (%v), want the message JSON", got.body, err)
	}
	// The customer and the conversation's number ride along, so the
	// receiving system routes the reply without a lookup.
	var routing struct {
		ConversationID     string `json:"conversation_id"`
		ConversationNumber int64  `json:"conversation_number"`
		Contact            struct {
			ID       string `json:"id"`
			SourceID string `json:"source_id"`
			Name     string `json:"name"`
		} `json:"contact"`
	}
	if err := json.Unmarshal(got.body, &routing); err != nil || routing.ConversationNumber != 42 || routing.ConversationID != "c-1" ||
		routing.Contact.ID != "ct-1" || routing.Contact.SourceID != "crm-7" || routing.Contact.Name != "Grace Hopper" {
		t.Errorf("body = %s, want conversation_number 42 and contact {ct-1 crm-7 Grace Hopper}", got.body)
	}
	if got.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got.contentType)
	}
}

func TestAdapter_SendMessageOutcomes(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		retryAfter    string
		wantErr       bool
		wantPermanent bool
		wantRetry     time.Duration
	}{
		{"a 2xx is success", 200, "", false, false, 0},
		{"a 5xx is transient", 503, "", true, false, 0},
		{"a 429 with Retry-After is transient and waits", 429, "7", true, false, 7 * time.Second},
		{"a 503 with an HTTP date waits until it", 503, now.Add(time.Minute).Format(http.TimeFormat), true, false, time.Minute},
		{"a 400 is permanent", 400, "", true, true, 0},
		{"a 404 is permanent", 404, "", true, true, 0},
		{"a 408 is transient", 408, "", true, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte("nope\n  really"))
			}))
			defer srv.Close()
			inbox := &parley.Inbox{Config: map[string]string{"callback_url": srv.URL}, CallbackSecret: "s"}
			_, err := loopbackAdapter(t).SendMessage(context.Background(), inbox, &parley.Message{ID: "m"}, channel.Recipient{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("SendMessage(%d) = %v, want error %v", tt.status, err, tt.wantErr)
			}
			if err == nil {
				return
			}
			se, ok := errors.AsType[*channel.SendError](err)
			if !ok {
				t.Fatalf("SendMessage(%d) = %T, want *channel.SendError", tt.status, err)
			}
			if se.Permanent != tt.wantPermanent || se.RetryAfter != tt.wantRetry {
				t.Errorf("SendMessage(%d) = permanent %v retry %v, want %v %v", tt.status, se.Permanent, se.RetryAfter, tt.wantPermanent, tt.wantRetry)
			}
			if want := "The callback answered " + strconv.Itoa(tt.status) + " " + http.StatusText(tt.status) + ": nope really"; se.Message != want {
				t.Errorf("SendMessage(%d) message = %q, want %q", tt.status, se.Message, want)
			}
		})
	}
}

func TestAdapter_SendMessageRefuses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the callback was reached")
	}))
	defer srv.Close()
	guarded := api.New(api.Options{Client: new(netguard.Guard).Client(5 * time.Second)})
	tests := []struct {
		name     string
		adapter  *api.Adapter
		url      string
		wantCode string
	}{
		{"a loopback URL without an allow-list entry", guarded, srv.URL, "forbidden_address"},
		{"no callback URL", guarded, "", "no_callback_url"},
		{"a non-HTTP URL", guarded, "ftp://example.com/x", "bad_callback_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inbox := &parley.Inbox{Config: map[string]string{"callback_url": tt.url}}
			_, err := tt.adapter.SendMessage(context.Background(), inbox, &parley.Message{ID: "m"}, channel.Recipient{})
			se, ok := errors.AsType[*channel.SendError](err)
			if !ok || !se.Permanent || se.Code != tt.wantCode {
				t.Errorf("SendMessage(%q) = %v, want a permanent %s error", tt.url, err, tt.wantCode)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{"soon", 0},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
	}
	for _, tt := range tests {
		if got := api.RetryAfter(tt.in, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// dialing returns an adapter whose every dial fails with err, as the
// resolver's answer would.
func dialing(err error) *api.Adapter {
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}}
	return api.New(api.Options{Client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, Clock: fixedClock(now)})
}

func TestAdapter_SendMessageFailsForGoodOrRetries(t *testing.T) {
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer redirect.Close()
	tests := []struct {
		name      string
		adapter   *api.Adapter
		url       string
		permanent bool
		wantCode  string
		wantMsg   string
	}{
		{"a redirect to file://", loopbackAdapter(t), redirect.URL, true, "bad_redirect",
			"The callback URL redirects to file:///etc/passwd, which Parley does not follow: only http and https URLs are."},
		{"a host that does not exist", dialing(&net.DNSError{Err: "no such host", Name: "example.invalid", IsNotFound: true}),
			"https://example.invalid/hook", true, "host_not_found", "The callback URL's host example.invalid does not exist."},
		{"a DNS server failure", dialing(&net.DNSError{Err: "server misbehaving", Name: "example.com", IsTemporary: true}),
			"https://example.com/hook", false, "", ""},
		{"a DNS timeout", dialing(&net.DNSError{Err: "i/o timeout", Name: "example.com", IsTimeout: true}),
			"https://example.com/hook", false, "", ""},
		{"a refused connection", dialing(errors.New("connection refused")), "https://example.com/hook", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inbox := &parley.Inbox{Config: map[string]string{"callback_url": tt.url}, CallbackSecret: "s"}
			_, err := tt.adapter.SendMessage(context.Background(), inbox, &parley.Message{ID: "m"}, channel.Recipient{})
			if err == nil {
				t.Fatal("SendMessage = nil, want an error")
			}
			se, _ := errors.AsType[*channel.SendError](err)
			if got := se != nil && se.Permanent; got != tt.permanent {
				t.Fatalf("SendMessage = %v, permanent %v; want permanent %v", err, got, tt.permanent)
			}
			if tt.permanent && (se.Code != tt.wantCode || se.Message != tt.wantMsg) {
				t.Errorf("SendMessage = %s %q, want %s %q", se.Code, se.Message, tt.wantCode, tt.wantMsg)
			}
		})
	}
}
