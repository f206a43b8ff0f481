package channeltest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// GraphVersion is the version segment the fake's BaseURL carries, as
// PARLEY_META_GRAPH_URL does ("https://graph.facebook.com/v23.0").
const GraphVersion = "v23.0"

// GraphRequest is one send the Graph fake accepted: a WhatsApp message
// (POST /{phone_number_id}/messages), a WhatsApp media upload
// (POST /{phone_number_id}/media) or a Messenger message (POST /me/messages).
type GraphRequest struct {
	// Path is the path after the version ("/12345/messages").
	Path  string
	Token string
	// Body is the JSON body; for multipart requests the "message" and
	// "recipient" fields are merged into it.
	Body map[string]any
	// Files are the multipart files by field name (file, filedata).
	Files map[string][]byte
	// ID is the id the fake answered (wamid…, m_…, or the media id).
	ID string
}

// GraphTemplate is a WhatsApp message template the fake lists.
type GraphTemplate struct {
	Name       string           `json:"name"`
	Language   string           `json:"language"`
	Status     string           `json:"status"`
	Category   string           `json:"category"`
	ID         string           `json:"id"`
	Components []map[string]any `json:"components"`
}

// Graph is a fake of the Graph API parts Parley uses for WhatsApp and
// Messenger: sending messages, uploading and looking up media, and listing
// message templates. Point adapters' BaseURL at BaseURL().
type Graph struct {
	*httptest.Server
	// AccessToken, when set, is the bearer token every request must carry
	// (else 401, code 190).
	AccessToken string
	// Templates are listed by GET /{waba_id}/message_templates, PageSize
	// at a time.
	Templates []GraphTemplate
	PageSize  int

	fail   failures
	mu     sync.Mutex
	phones map[string]string // phone_number_id → the token that owns it
	pages  map[string]string // page id → its page access token
	sent   []GraphRequest
	media  map[string]graphMedia
	seq    int
}

type graphMedia struct {
	contentType string
	data        []byte
}

// NewGraph starts a Graph API fake.
func NewGraph(t testing.TB) *Graph {
	t.Helper()
	f := &Graph{media: map[string]graphMedia{}, PageSize: 2, phones: map[string]string{}, pages: map[string]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// BaseURL is the fake's URL with the version segment.
func (f *Graph) BaseURL() string { return f.URL + "/" + GraphVersion }

// OwnPhone makes token the access token of a business that owns the
// WhatsApp phone number id: GET /{id} answers 200 for it alone, and Graph's
// error 100 (subcode 33, "does not exist, cannot be loaded due to missing
// permissions") for any other token.
func (f *Graph) OwnPhone(id, token string) {
	f.mu.Lock()
	f.phones[id] = token
	f.mu.Unlock()
}

// OwnPage makes token the page access token of the page id: GET /me with
// it reads as the page, GET /{id} answers 200 for it alone.
func (f *Graph) OwnPage(id, token string) {
	f.mu.Lock()
	f.pages[id] = token
	f.mu.Unlock()
}

// FailNext makes the next send requests fail, one Failure each.
func (f *Graph) FailNext(fs ...Failure) { f.fail.push(fs...) }

// Sent returns the send requests accepted so far.
func (f *Graph) Sent() []GraphRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]GraphRequest(nil), f.sent...)
}

// AddMedia stores a file under a media id, as a WhatsApp user's upload.
func (f *Graph) AddMedia(id, contentType string, data []byte) {
	f.mu.Lock()
	f.media[id] = graphMedia{contentType, data}
	f.mu.Unlock()
}

func graphError(x Failure) any {
	code := x.Code
	if code == 0 {
		code = x.Status
	}
	e := map[string]any{"message": x.Message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if x.Subcode != 0 {
		e["error_subcode"] = x.Subcode
	}
	return map[string]any{"error": e}
}

var version = regexp.MustCompile(`^/v\d+\.\d+`)

func (f *Graph) serve(w http.ResponseWriter, r *http.Request) {
	p := version.ReplaceAllString(r.URL.Path, "")
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if f.AccessToken != "" && token != f.AccessToken {
		writeJSON(w, http.StatusUnauthorized, graphError(Failure{Status: 401, Code: 190, Message: "Invalid OAuth access token - Cannot parse access token"}))
		return
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "_download":
		f.download(w, parts[1])
	case r.Method == http.MethodGet && len(parts) == 1 && parts[0] == "me":
		f.me(w, token)
	case r.Method == http.MethodGet && len(parts) == 1:
		f.lookup(w, parts[0], token)
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "message_templates":
		f.templates(w, r)
	case r.Method == http.MethodPost && len(parts) == 2 && (parts[1] == "messages" || parts[1] == "media"):
		f.send(w, r, p, token, parts)
	default:
		writeJSON(w, http.StatusBadRequest, graphError(Failure{Status: 400, Code: 100, Message: "Unsupported request"}))
	}
}

func (f *Graph) send(w http.ResponseWriter, r *http.Request, p, token string, parts []string) {
	if x, failed := f.fail.pop(); failed {
		writeFailure(w, x, graphError)
		return
	}
	req := GraphRequest{Path: p, Token: token, Body: map[string]any{}, Files: map[string][]byte{}}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			writeJSON(w, http.StatusBadRequest, graphError(Failure{Status: 400, Code: 100, Message: "Invalid multipart body"}))
			return
		}
		for k, vs := range r.MultipartForm.Value {
			var v any
			if json.Unmarshal([]byte(vs[0]), &v) == nil {
				req.Body[k] = v
			} else {
				req.Body[k] = vs[0]
			}
		}
		for k, fhs := range r.MultipartForm.File {
			fh, _ := fhs[0].Open()
			req.Files[k], _ = io.ReadAll(fh)
			fh.Close()
			req.Body[k+"_content_type"] = fhs[0].Header.Get("Content-Type")
			req.Body[k+"_name"] = fhs[0].Filename
		}
	} else if err := json.NewDecoder(r.Body).Decode(&req.Body); err != nil {
		writeJSON(w, http.StatusBadRequest, graphError(Failure{Status: 400, Code: 100, Message: "Invalid JSON"}))
		return
	}
	f.mu.Lock()
	f.seq++
	n := f.seq
	f.mu.Unlock()
	var resp map[string]any
	switch {
	case parts[1] == "media":
		req.ID = "10" + strconv.Itoa(1000+n)
		ct, _ := req.Body["file_content_type"].(string)
		f.AddMedia(req.ID, ct, req.Files["file"])
		resp = map[string]any{"id": req.ID}
	case parts[0] == "me":
		req.ID = "m_" + randomHex(12)
		recipient, _ := req.Body["recipient"].(map[string]any)
		resp = map[string]any{"recipient_id": recipient["id"], "message_id": req.ID}
	default:
		req.ID = "wamid.HBgL" + randomHex(12)
		to, _ := req.Body["to"].(string)
		if req.Body["messaging_product"] != "whatsapp" || to == "" {
			writeJSON(w, http.StatusBadRequest, graphError(Failure{Status: 400, Code: 100, Message: "(#100) The parameter messaging_product is required."}))
			return
		}
		resp = map[string]any{"messaging_product": "whatsapp", "contacts": []any{map[string]any{"input": to, "wa_id": to}},
			"messages": []any{map[string]any{"id": req.ID}}}
	}
	f.mu.Lock()
	f.sent = append(f.sent, req)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

// unsupportedGet is Graph's answer for an object the token may not read
// (or that does not exist): HTTP 400, code 100, subcode 33.
func unsupportedGet(w http.ResponseWriter, id string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
		"message": "Unsupported get request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		"type":    "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "AbCdEfGhIjK",
	}})
}

// me reads the token's own object: a page access token is its page; any
// other token a (system) user.
func (f *Graph) me(w http.ResponseWriter, token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, t := range f.pages {
		if t == token {
			writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": "Page " + id})
			return
		}
	}
	sum := sha256.Sum256([]byte(token))
	writeJSON(w, http.StatusOK, map[string]any{"id": "9" + strconv.FormatUint(uint64(sum[0])<<8|uint64(sum[1]), 10), "name": "System User"})
}

func (f *Graph) lookup(w http.ResponseWriter, id, token string) {
	f.mu.Lock()
	m, ok := f.media[id]
	phoneOwner, isPhone := f.phones[id]
	pageOwner, isPage := f.pages[id]
	f.mu.Unlock()
	switch {
	case isPhone && token == phoneOwner:
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "display_phone_number": "+1 555-010-" + id[len(id)-min(4, len(id)):], "verified_name": "Business " + id})
		return
	case isPage && token == pageOwner:
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": "Page " + id})
		return
	case isPhone || isPage || !ok:
		unsupportedGet(w, id)
		return
	}
	sum := sha256.Sum256(m.data)
	writeJSON(w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp", "url": f.URL + "/_download/" + id, "mime_type": m.contentType,
		"sha256": hex.EncodeToString(sum[:]), "file_size": len(m.data), "id": id,
	})
}

func (f *Graph) download(w http.ResponseWriter, id string) {
	f.mu.Lock()
	m, ok := f.media[id]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", m.contentType)
	w.Write(m.data)
}

func (f *Graph) templates(w http.ResponseWriter, r *http.Request) {
	start := 0
	if a := r.URL.Query().Get("after"); a != "" {
		start, _ = strconv.Atoi(a)
	}
	size := f.PageSize
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < size {
		size = l
	}
	end := min(start+size, len(f.Templates))
	start = min(start, end)
	page := map[string]any{"data": f.Templates[start:end]}
	paging := map[string]any{"cursors": map[string]any{"before": strconv.Itoa(start), "after": strconv.Itoa(end)}}
	if end < len(f.Templates) {
		paging["next"] = f.BaseURL() + r.URL.Path + "?after=" + strconv.Itoa(end)
	}
	page["paging"] = paging
	writeJSON(w, http.StatusOK, page)
}
