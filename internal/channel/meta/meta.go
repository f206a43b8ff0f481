// Package meta holds what Meta's channels (WhatsApp Cloud API and
// Messenger) share: the webhook subscription check (hub.challenge) and the
// X-Hub-Signature-256 signature over the raw body.
package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/channel"
)

// Verify answers Meta's subscription check: the hub.challenge echoed when
// hub.mode is subscribe and hub.verify_token matches (in constant time);
// channel.ErrBadSignature otherwise.
func Verify(q url.Values, verifyToken string) (*channel.WebhookResult, error) {
	if verifyToken == "" || q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return nil, channel.ErrBadSignature
	}
	return &channel.WebhookResult{Response: []byte(q.Get("hub.challenge")), ResponseType: "text/plain; charset=utf-8"}, nil
}

// ValidSignature reports, in constant time, whether header is "sha256="
// and the hex HMAC-SHA256 of body keyed with appSecret.
func ValidSignature(appSecret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || appSecret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
