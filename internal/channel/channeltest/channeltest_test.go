package channeltest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTwilioSignature(t *testing.T) {
	// Twilio's documented example: auth token 12345.
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"}, "From": {"+14158675309"}, "To": {"+18005551212"}}
	if got, want := TwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form), "RSOYDt4T1cUTdK1PDd93/VVr8B8="; got != want {
		t.Errorf("TwilioSignature(docs example) = %q, want %q", got, want)
	}
}

func TestMetaSignature(t *testing.T) {
	// RFC 4231 test case 2.
	got := MetaSignature("Jefe", []byte("what do ya want for nothing?"))
	if want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; got != want {
		t.Errorf("MetaSignature(RFC 4231) = %q, want %q", got, want)
	}
}

func TestGraph_FailNext(t *testing.T) {
	g := NewGraph(t)
	g.FailNext(Failure{Status: 503, Code: 2, Message: "down"}, Failure{Status: 429, RetryAfter: "3", Code: 4})
	post := func() *http.Response {
		t.Helper()
		resp, err := g.Client().Post(g.BaseURL()+"/123/messages", "application/json",
			strings.NewReader(`{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"x"}}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(); r.StatusCode != 503 {
		t.Errorf("first POST = %d, want 503", r.StatusCode)
	}
	if r := post(); r.StatusCode != 429 || r.Header.Get("Retry-After") != "3" {
		t.Errorf("second POST = %d (Retry-After %q), want 429 (3)", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := post(); r.StatusCode != 200 {
		t.Errorf("third POST = %d, want 200", r.StatusCode)
	}
	if n := len(g.Sent()); n != 1 {
		t.Errorf("Sent() = %d requests, want 1 (failures are not recorded)", n)
	}
}
