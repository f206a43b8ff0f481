package channeltest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TwilioMessage is one message the Twilio fake accepted.
type TwilioMessage struct {
	SID string
	// AccountSID is the account in the URL; User and Password the basic
	// auth credentials.
	AccountSID          string
	User, Password      string
	To, From            string
	MessagingServiceSID string
	Body                string
	MediaURLs           []string
	StatusCallback      string
}

// Twilio is a fake of the Twilio Messages API
// (POST /2010-04-01/Accounts/{AccountSid}/Messages.json) and of Twilio's
// media URLs. Point an adapter's BaseURL at URL.
type Twilio struct {
	*httptest.Server
	// AuthTokens, when it has an entry for an account, is the auth token
	// requests for that account must carry (else 401, code 20003).
	AuthTokens map[string]string

	fail  failures
	mu    sync.Mutex
	sent  []TwilioMessage
	media map[string]twilioMedia
}

type twilioMedia struct {
	contentType string
	data        []byte
}

// NewTwilio starts a Twilio fake.
func NewTwilio(t testing.TB) *Twilio {
	t.Helper()
	f := &Twilio{AuthTokens: map[string]string{}, media: map[string]twilioMedia{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// FailNext makes the next requests fail, one Failure each.
func (f *Twilio) FailNext(fs ...Failure) { f.fail.push(fs...) }

// Sent returns the messages accepted so far.
func (f *Twilio) Sent() []TwilioMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TwilioMessage(nil), f.sent...)
}

// AddMedia serves data at the media URL Twilio would give a message's
// media and returns the URL.
func (f *Twilio) AddMedia(accountSID, messageSID, mediaSID, contentType string, data []byte) string {
	p := "/2010-04-01/Accounts/" + accountSID + "/Messages/" + messageSID + "/Media/" + mediaSID
	f.mu.Lock()
	f.media[p] = twilioMedia{contentType, data}
	f.mu.Unlock()
	return f.URL + p
}

func twilioError(x Failure) any {
	code := x.Code
	if code == 0 {
		code = x.Status
	}
	return map[string]any{"code": code, "message": x.Message, "more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), "status": x.Status}
}

func (f *Twilio) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	// 2010-04-01 Accounts {sid} Messages.json | … Messages {mm} Media {me}
	if len(parts) < 4 || parts[0] != "2010-04-01" || parts[1] != "Accounts" {
		writeJSON(w, http.StatusNotFound, twilioError(Failure{Status: 404, Code: 20404, Message: "The requested resource was not found"}))
		return
	}
	account := parts[2]
	user, pass, ok := r.BasicAuth()
	want, checked := f.AuthTokens[account]
	if checked && (!ok || user != account || pass != want) {
		writeJSON(w, http.StatusUnauthorized, twilioError(Failure{Status: 401, Code: 20003, Message: "Authenticate"}))
		return
	}
	if r.Method == http.MethodGet && len(parts) == 7 && parts[5] == "Media" {
		f.mu.Lock()
		m, found := f.media[r.URL.Path]
		f.mu.Unlock()
		if !found {
			writeJSON(w, http.StatusNotFound, twilioError(Failure{Status: 404, Code: 20404, Message: "The requested resource was not found"}))
			return
		}
		w.Header().Set("Content-Type", m.contentType)
		w.Write(m.data)
		return
	}
	if r.Method != http.MethodPost || len(parts) != 4 || parts[3] != "Messages.json" {
		writeJSON(w, http.StatusMethodNotAllowed, twilioError(Failure{Status: 405, Code: 20004, Message: "Method not allowed"}))
		return
	}
	if x, failed := f.fail.pop(); failed {
		writeFailure(w, x, twilioError)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, twilioError(Failure{Status: 400, Code: 20001, Message: "Bad request"}))
		return
	}
	m := TwilioMessage{
		SID: "SM" + randomHex(16), AccountSID: account, User: user, Password: pass,
		To: r.PostForm.Get("To"), From: r.PostForm.Get("From"), MessagingServiceSID: r.PostForm.Get("MessagingServiceSid"),
		Body: r.PostForm.Get("Body"), MediaURLs: r.PostForm["MediaUrl"], StatusCallback: r.PostForm.Get("StatusCallback"),
	}
	if m.To == "" {
		writeJSON(w, http.StatusBadRequest, twilioError(Failure{Status: 400, Code: 21604, Message: "A 'To' phone number is required."}))
		return
	}
	if m.Body == "" && len(m.MediaURLs) == 0 {
		writeJSON(w, http.StatusBadRequest, twilioError(Failure{Status: 400, Code: 21602, Message: "Message body is required."}))
		return
	}
	f.mu.Lock()
	f.sent = append(f.sent, m)
	f.mu.Unlock()
	now := time.Now().UTC().Format(time.RFC1123Z)
	writeJSON(w, http.StatusCreated, map[string]any{
		"account_sid": account, "api_version": "2010-04-01", "body": m.Body, "date_created": now, "date_sent": nil,
		"date_updated": now, "direction": "outbound-api", "error_code": nil, "error_message": nil, "from": m.From,
		"messaging_service_sid": nilIfEmpty(m.MessagingServiceSID), "num_media": strconv.Itoa(len(m.MediaURLs)), "num_segments": "1",
		"price": nil, "price_unit": "USD", "sid": m.SID, "status": "queued", "to": m.To,
		"uri": "/2010-04-01/Accounts/" + account + "/Messages/" + m.SID + ".json",
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
