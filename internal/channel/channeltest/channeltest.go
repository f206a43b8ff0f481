// Package channeltest holds loopback fakes of the messaging providers'
// APIs (Twilio, the Graph API for WhatsApp and Messenger, the Telegram Bot
// API) that speak each provider's wire format, record what was sent and can
// be told to fail, plus builders of correctly signed webhook requests. The
// fakes listen on 127.0.0.1 (httptest) and are closed by t.Cleanup.
package channeltest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
)

// Failure is an error a fake answers instead of the next request.
type Failure struct {
	// Status is the HTTP status (500, 429, 400…).
	Status int
	// RetryAfter, when set, is sent as the Retry-After header (and as
	// Telegram's parameters.retry_after).
	RetryAfter string
	// Code is the provider's error code in the body (Twilio 21211, Graph
	// 131047, …); 0 for the status itself.
	Code int
	// Subcode is the Graph API error_subcode.
	Subcode int
	// Message is the provider's error message.
	Message string
	// Raw, when set, is written as the body instead of the provider's error
	// JSON (an HTML error page from a proxy, say).
	Raw string
}

// failures is a queue of Failures shared by the fakes.
type failures struct {
	mu sync.Mutex
	q  []Failure
}

// push adds failures for the next requests.
func (f *failures) push(fs ...Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.q = append(f.q, fs...)
}

// pop returns the next failure, if one is queued.
func (f *failures) pop() (Failure, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.q) == 0 {
		return Failure{}, false
	}
	x := f.q[0]
	f.q = f.q[1:]
	return x, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeFailure writes f with the provider's error body from body(f).
func writeFailure(w http.ResponseWriter, f Failure, body func(Failure) any) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Raw != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		w.Write([]byte(f.Raw))
		return
	}
	writeJSON(w, f.Status, body(f))
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
