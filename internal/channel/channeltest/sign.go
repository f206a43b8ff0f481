package channeltest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
)

// TwilioSignature computes X-Twilio-Signature: the base64 HMAC-SHA1, keyed
// with the auth token, of the URL followed by every POST parameter name and
// value, sorted by name (and repeated values sorted), with no delimiters.
func TwilioSignature(authToken, publicURL string, form url.Values) string {
	buf := []byte(publicURL)
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := slices.Clone(form[k])
		slices.Sort(vs)
		for _, v := range vs {
			buf = append(buf, k...)
			buf = append(buf, v...)
		}
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write(buf)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TwilioWebhook builds the POST Twilio makes to publicURL with form,
// signed with authToken, and returns it with its raw body.
func TwilioWebhook(publicURL, authToken string, form url.Values) (*http.Request, []byte) {
	body := []byte(form.Encode())
	r, err := http.NewRequest(http.MethodPost, publicURL, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", TwilioSignature(authToken, publicURL, form))
	r.Header.Set("User-Agent", "TwilioProxy/1.1")
	return r, body
}

// MetaSignature computes X-Hub-Signature-256: "sha256=" and the hex
// HMAC-SHA256 of the raw body keyed with the app secret.
func MetaSignature(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// MetaWebhook builds the POST the Graph API makes (WhatsApp or Messenger)
// with a JSON body signed with appSecret, and returns it with its body.
func MetaWebhook(publicURL, appSecret string, body []byte) (*http.Request, []byte) {
	r, err := http.NewRequest(http.MethodPost, publicURL, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Hub-Signature-256", MetaSignature(appSecret, body))
	return r, body
}

// MetaVerify builds the GET Meta makes to verify a webhook subscription.
func MetaVerify(publicURL, verifyToken, challenge string) *http.Request {
	u, err := url.Parse(publicURL)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.verify_token", verifyToken)
	q.Set("hub.challenge", challenge)
	u.RawQuery = q.Encode()
	r, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		panic(err)
	}
	return r
}

// TelegramWebhook builds the POST the Bot API makes to a webhook set with
// secretToken, and returns it with its body.
func TelegramWebhook(publicURL, secretToken string, body []byte) (*http.Request, []byte) {
	r, err := http.NewRequest(http.MethodPost, publicURL, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	if secretToken != "" {
		r.Header.Set("X-Telegram-Bot-Api-Secret-Token", secretToken)
	}
	return r, body
}
