package tracking

import (
	"net/url"
	"strings"
	"testing"
)

const (
	inboxID   = "0b6f1a52-9d7e-4c1e-8a37-4a1f3c2b9e10"
	messageID = "7c2d8e4f-1a3b-4c5d-9e6f-0a1b2c3d4e5f"
)

func links(key string) *Links {
	return NewLinks([]byte(key), func() string { return "https://parley.example" })
}

func tokenOf(t *testing.T, u string) (Ref, url.Values) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndex(p.Path, "/")
	ref, err := ParseToken(p.Path[i+1:])
	if err != nil {
		t.Fatalf("ParseToken(%q): %v", p.Path[i+1:], err)
	}
	return ref, p.Query()
}

// TestLinks_SignedPerPurposeAndMessage: a signature verifies only for the
// URL's purpose, message, inbox, target and key.
func TestLinks_SignedPerPurposeAndMessage(t *testing.T) {
	l := links("instance key")
	open, _ := tokenOf(t, l.OpenURL(inboxID, messageID))
	click, q := tokenOf(t, l.ClickURL(inboxID, messageID, "https://acme.test/a?b=1"))
	if q.Get("u") != "https://acme.test/a?b=1" {
		t.Fatalf("click URL target = %q", q.Get("u"))
	}
	otherMsg := Ref{InboxID: inboxID, MessageID: inboxID, Sig: open.Sig}
	otherInbox := Ref{InboxID: messageID, MessageID: messageID, Sig: open.Sig}
	tests := []struct {
		name         string
		l            *Links
		ref          Ref
		kind, target string
		want         bool
	}{
		{"open", l, open, "open", "", true},
		{"click", l, click, "click", "https://acme.test/a?b=1", true},
		{"open token as click", l, open, "click", "https://acme.test/a?b=1", false},
		{"click token as open", l, click, "open", "", false},
		{"click to another target", l, click, "click", "https://evil.test/", false},
		{"click to a longer target", l, click, "click", "https://acme.test/a?b=1&c=2", false},
		{"another message", l, otherMsg, "open", "", false},
		{"another inbox", l, otherInbox, "open", "", false},
		{"another instance key", links("other key"), open, "open", "", false},
	}
	for _, tt := range tests {
		if got := tt.l.verify(tt.ref, tt.kind, tt.target); got != tt.want {
			t.Errorf("%s: verify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseToken(t *testing.T) {
	sig := "AAAAAAAAAAAAAAAAAAAAAA"
	tests := []struct {
		token string
		ok    bool
	}{
		{inboxID + "." + messageID + "." + sig, true},
		{inboxID + "." + messageID + "." + sig + "A", false},
		{inboxID + "." + messageID + ".", false},
		{inboxID + "." + messageID, false},
		{inboxID + "." + messageID + "." + sig + ".x", false},
		{"x." + messageID + "." + sig, false},
		{inboxID + ".../..." + "." + sig, false},
		{inboxID + "." + messageID + "." + strings.Repeat("A", 300), false},
		{"", false},
	}
	for _, tt := range tests {
		ref, err := ParseToken(tt.token)
		if (err == nil) != tt.ok {
			t.Errorf("ParseToken(%q) = %v, want ok %v", tt.token, err, tt.ok)
		}
		if err == nil && ref.String() != tt.token {
			t.Errorf("ParseToken(%q).String() = %q", tt.token, ref.String())
		}
	}
}

func TestWebURL(t *testing.T) {
	for target, want := range map[string]bool{
		"https://acme.test/x": true, "http://acme.test": true, "javascript:alert(1)": false, "//evil.test/": false,
		"/relative": false, "https://user:pw@acme.test/": false, "ftp://acme.test/": false, "": false,
		"https://acme.test/" + strings.Repeat("a", maxTarget): false,
	} {
		if got := webURL(target); got != want {
			t.Errorf("webURL(%q) = %v, want %v", target, got, want)
		}
	}
}

// FuzzParseToken: the parser of tokens from anyone on the internet never
// panics, and whatever it accepts prints back as the same token.
func FuzzParseToken(f *testing.F) {
	f.Add(inboxID + "." + messageID + ".AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("..")
	f.Add(strings.Repeat(".", 300))
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseToken(s)
		if err != nil {
			return
		}
		if ref.String() != s {
			t.Fatalf("ParseToken(%q) round-trips to %q", s, ref.String())
		}
		links("k").verify(ref, "open", "")
	})
}
