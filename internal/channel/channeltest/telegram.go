package channeltest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TelegramRequest is one Bot API call the fake accepted.
type TelegramRequest struct {
	Method string
	Token  string
	// Params are the call's parameters as sent (multipart, form or JSON
	// fields; JSON values other than strings are kept in their JSON text).
	Params map[string]string
	// Files are uploaded files by field name (photo, document).
	Files     map[string]TelegramFile
	MessageID int
}

// TelegramFile is an uploaded file.
type TelegramFile struct {
	Name string
	Data []byte
}

// Telegram is a fake of the Telegram Bot API: sendMessage, sendPhoto,
// sendDocument, sendVoice, setWebhook, deleteWebhook, getMe and getFile, and file
// downloads. Point adapters' BaseURL at URL.
type Telegram struct {
	*httptest.Server
	// Token, when set, is the only bot token accepted (else 401).
	Token string

	fail  failures
	mu    sync.Mutex
	calls []TelegramRequest
	files map[string]tgFile // by file_id
	seq   int
}

type tgFile struct {
	path string
	data []byte
}

// NewTelegram starts a Bot API fake.
func NewTelegram(t testing.TB) *Telegram {
	t.Helper()
	f := &Telegram{files: map[string]tgFile{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// FailNext makes the next method calls fail, one Failure each.
func (f *Telegram) FailNext(fs ...Failure) { f.fail.push(fs...) }

// Calls returns the method calls accepted so far.
func (f *Telegram) Calls() []TelegramRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TelegramRequest(nil), f.calls...)
}

// AddFile makes a file downloadable by file id (getFile, then
// /file/bot{token}/{path}).
func (f *Telegram) AddFile(fileID, path string, data []byte) {
	f.mu.Lock()
	f.files[fileID] = tgFile{path, data}
	f.mu.Unlock()
}

func telegramError(x Failure) any {
	body := map[string]any{"ok": false, "error_code": x.Status, "description": x.Message}
	if x.RetryAfter != "" {
		n, _ := strconv.Atoi(x.RetryAfter)
		body["parameters"] = map[string]any{"retry_after": n}
	}
	return body
}

func (f *Telegram) serve(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/")
	if rest, ok := strings.CutPrefix(p, "file/bot"); ok {
		token, path, _ := strings.Cut(rest, "/")
		f.download(w, token, path)
		return
	}
	rest, ok := strings.CutPrefix(p, "bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeJSON(w, http.StatusNotFound, telegramError(Failure{Status: 404, Message: "Not Found"}))
		return
	}
	if f.Token != "" && token != f.Token {
		writeJSON(w, http.StatusUnauthorized, telegramError(Failure{Status: 401, Message: "Unauthorized"}))
		return
	}
	call := TelegramRequest{Method: method, Token: token, Params: map[string]string{}, Files: map[string]TelegramFile{}}
	if err := parseTelegramParams(r, &call); err != nil {
		writeJSON(w, http.StatusBadRequest, telegramError(Failure{Status: 400, Message: "Bad Request: " + err.Error()}))
		return
	}
	if method != "getMe" {
		if x, failed := f.fail.pop(); failed {
			writeFailure(w, x, telegramError)
			return
		}
	}
	var result any
	switch method {
	case "getMe":
		result = map[string]any{"id": 7000001, "is_bot": true, "first_name": "Parley", "username": "parley_test_bot"}
	case "setWebhook", "deleteWebhook":
		if method == "setWebhook" && !strings.HasPrefix(call.Params["url"], "https://") {
			writeJSON(w, http.StatusBadRequest, telegramError(Failure{Status: 400, Message: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"}))
			return
		}
		result = true
	case "getFile":
		f.mu.Lock()
		file, found := f.files[call.Params["file_id"]]
		f.mu.Unlock()
		if !found {
			writeJSON(w, http.StatusBadRequest, telegramError(Failure{Status: 400, Message: "Bad Request: invalid file_id"}))
			return
		}
		result = map[string]any{"file_id": call.Params["file_id"], "file_unique_id": "u" + call.Params["file_id"], "file_size": len(file.data), "file_path": file.path}
	case "sendMessage", "sendPhoto", "sendDocument", "sendVoice":
		chatID, err := strconv.ParseInt(call.Params["chat_id"], 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, telegramError(Failure{Status: 400, Message: "Bad Request: chat not found"}))
			return
		}
		f.mu.Lock()
		f.seq++
		call.MessageID = 100 + f.seq
		f.mu.Unlock()
		msg := map[string]any{"message_id": call.MessageID, "date": time.Now().Unix(),
			"from": map[string]any{"id": 7000001, "is_bot": true, "first_name": "Parley"},
			"chat": map[string]any{"id": chatID, "type": "private"}}
		switch method {
		case "sendMessage":
			msg["text"] = call.Params["text"]
		case "sendPhoto":
			msg["photo"] = []any{map[string]any{"file_id": "AgAC" + randomHex(8), "file_unique_id": randomHex(4), "width": 90, "height": 90}}
			msg["caption"] = call.Params["caption"]
		case "sendDocument":
			msg["document"] = map[string]any{"file_id": "BQAC" + randomHex(8), "file_unique_id": randomHex(4), "file_name": call.Files["document"].Name}
			msg["caption"] = call.Params["caption"]
		case "sendVoice":
			msg["voice"] = map[string]any{"file_id": "AwAC" + randomHex(8), "file_unique_id": randomHex(4), "duration": 2, "mime_type": "audio/ogg"}
			msg["caption"] = call.Params["caption"]
		}
		result = msg
	default:
		writeJSON(w, http.StatusNotFound, telegramError(Failure{Status: 404, Message: "Not Found: method not found"}))
		return
	}
	if method != "getMe" {
		f.mu.Lock()
		f.calls = append(f.calls, call)
		f.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func parseTelegramParams(r *http.Request, call *TelegramRequest) error {
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return err
		}
		for k, vs := range r.MultipartForm.Value {
			call.Params[k] = vs[0]
		}
		for k, fhs := range r.MultipartForm.File {
			fh, err := fhs[0].Open()
			if err != nil {
				return err
			}
			data, _ := io.ReadAll(fh)
			fh.Close()
			call.Files[k] = TelegramFile{Name: fhs[0].Filename, Data: data}
		}
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return err
		}
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) == nil {
				call.Params[k] = s
			} else {
				call.Params[k] = string(v)
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return err
		}
		for k, vs := range r.Form {
			call.Params[k] = vs[0]
		}
	}
	return nil
}

func (f *Telegram) download(w http.ResponseWriter, token, path string) {
	if f.Token != "" && token != f.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, file := range f.files {
		if file.path == path {
			w.Write(file.data)
			return
		}
	}
	http.NotFound(w, nil)
}
