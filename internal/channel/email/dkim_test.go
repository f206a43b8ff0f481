package email

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/parleyhq/parley/internal/channel"
)

// TestCompose_DKIM signs with RSA (PKCS #1 and #8) and Ed25519 keys and
// verifies the rendered mail with go-msgauth's verifier against a test
// resolver; a mail changed after signing fails.
func TestCompose_DKIM(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rsaPub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pkcs8RSA, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	pkcs8Ed, _ := x509.MarshalPKCS8PrivateKey(edKey)
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	tests := []struct {
		name, key, record string
	}{
		{"rsa pkcs1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(rsaPub)},
		{"rsa pkcs8", pemOf("PRIVATE KEY", pkcs8RSA), "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(rsaPub)},
		{"ed25519", pemOf("PRIVATE KEY", pkcs8Ed), "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edPub)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := normalizeDKIMKey(tt.key)
			if err != nil {
				t.Fatalf("normalizeDKIMKey: %v", err)
			}
			in := testInbox()
			in.Config[KeyDKIMSelector] = "s1"
			in.Secrets[KeyDKIMPrivateKey] = key
			out := channel.Outbound{To: "alice@customer.test", Content: "Hello\n\nSee https://acme.test/x.", DeliveryID: "msg-9",
				Attachments: []channel.Attachment{{FileName: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")}},
				Mail:        &channel.MailThread{Subject: "Printer", ConversationNumber: 7, AgentName: "Sam"}}
			m, _, err := Compose(in, out, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), nil)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := m.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			lookup := func(domain string) ([]string, error) {
				if domain == "s1._domainkey.acme.test" {
					return []string{tt.record}, nil
				}
				return nil, fmt.Errorf("no record for %s", domain)
			}
			v, err := dkim.VerifyWithOptions(bytes.NewReader(buf.Bytes()), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil || len(v) != 1 || v[0].Err != nil || v[0].Domain != "acme.test" {
				t.Fatalf("verify = %+v, %v\n%s", v, err, buf.String())
			}
			changed := bytes.Replace(buf.Bytes(), []byte("Hello"), []byte("Hullo"), 1)
			if v, _ := dkim.VerifyWithOptions(bytes.NewReader(changed), &dkim.VerifyOptions{LookupTXT: lookup}); len(v) != 1 || v[0].Err == nil {
				t.Fatalf("a changed body verifies: %+v", v)
			}
		})
	}
	t.Run("no key, no signature", func(t *testing.T) {
		m, _, err := Compose(testInbox(), channel.Outbound{To: "a@b.test", Content: "x", DeliveryID: "m"}, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		m.WriteTo(&buf)
		if strings.Contains(buf.String(), "DKIM-Signature") {
			t.Fatal("signed without a key")
		}
	})
}

func TestNormalizeDKIMKey_Refuses(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	pubDER, _ := x509.MarshalPKIXPublicKey(pub)
	for name, v := range map[string]string{
		"not PEM":           "hello",
		"public key":        string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})),
		"garbage":           "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"certificate block": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	} {
		if _, err := normalizeDKIMKey(v); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

type fakeTracker struct{}

func (fakeTracker) OpenURL(inboxID, messageID string) string {
	return "https://p.test/t/o/" + inboxID + "." + messageID
}
func (fakeTracker) ClickURL(inboxID, messageID, target string) string {
	return "https://p.test/t/c/" + messageID + "?u=" + target
}

// TestHTMLBody_Tracking: links become anchors; the inbox's settings decide
// whether they go through the click tracker and whether the pixel is
// there; markup in the text stays text.
func TestHTMLBody_Tracking(t *testing.T) {
	text := "See https://acme.test/a?x=1&y=2. Or <b>http://b.test</b>, javascript:alert(1)"
	tests := []struct {
		opens, clicks    string
		tracker          Tracker
		pixel, rewritten bool
	}{
		{"", "", fakeTracker{}, false, false},
		{"true", "", fakeTracker{}, true, false},
		{"", "true", fakeTracker{}, false, true},
		{"true", "true", nil, false, false},
	}
	for _, tt := range tests {
		in := testInbox()
		in.Config[KeyTrackOpens], in.Config[KeyTrackClicks] = tt.opens, tt.clicks
		h := htmlBody(text, tracking(in, "m1", tt.tracker))
		if got := strings.Contains(h, `<img src="https://p.test/t/o/inbox-1.m1"`); got != tt.pixel {
			t.Errorf("opens=%q clicks=%q: pixel %v, want %v\n%s", tt.opens, tt.clicks, got, tt.pixel, h)
		}
		direct := strings.Contains(h, `<a href="https://acme.test/a?x=1&amp;y=2">https://acme.test/a?x=1&amp;y=2</a>.`)
		if tt.rewritten == direct || strings.Contains(h, `href="https://p.test/t/c/m1?u=https://acme.test/a?x=1&amp;y=2"`) != tt.rewritten {
			t.Errorf("opens=%q clicks=%q: rewritten links wrong\n%s", tt.opens, tt.clicks, h)
		}
		if strings.Contains(h, "<b>") || strings.Contains(h, `href="javascript`) {
			t.Errorf("markup from the text survived:\n%s", h)
		}
	}
}
