// Package medialink makes and serves the signed public links to files
// agents sent, for providers that fetch files themselves (Twilio MMS)
// instead of taking an upload.
package medialink

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/secret"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// TTL is how long a signed file link lives: long enough for a provider to
// fetch it when it sends; each send attempt signs a new one.
const TTL = 24 * time.Hour

// Route is the pattern the links are served under.
const Route = "GET /media/{id}/{name}"

// Links signs and serves file links.
type Links struct {
	Store  *sqlstore.Store
	Blobs  blob.Store
	Signer *secret.Signer
	Clock  parley.Clock
	// PublicURL returns PARLEY_PUBLIC_URL without a trailing slash, read
	// at each use.
	PublicURL func() string
}

// URL is a signed public link to a file agents sent.
func (l *Links) URL(att parley.Attachment) string {
	exp := strconv.FormatInt(l.Clock.Now().Add(TTL).Unix(), 10)
	q := url.Values{"expires": {exp}, "sig": {l.Signer.Sign(att.ID + "\n" + exp)}}
	return l.PublicURL() + "/media/" + att.ID + "/" + url.PathEscape(att.FileName) + "?" + q.Encode()
}

// ServeHTTP answers GET /media/{id}/{name}: the file behind a signed,
// unexpired link, and nothing for anything else (404, never a hint).
func (l *Links) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fileID, exp, sig := r.PathValue("id"), r.URL.Query().Get("expires"), r.URL.Query().Get("sig")
	until, err := strconv.ParseInt(exp, 10, 64)
	if !id.Valid(fileID) || err != nil || l.Clock.Now().Unix() > until || !l.Signer.Verify(fileID+"\n"+exp, sig) {
		http.NotFound(w, r)
		return
	}
	u, err := l.Store.FindUploadByID(r.Context(), fileID)
	if err != nil || u.MessageID == "" { // only files that were sent
		http.NotFound(w, r)
		return
	}
	data, err := l.Blobs.Get(r.Context(), u.Key)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", u.ContentType)
	h.Set("Content-Length", fmt.Sprint(len(data)))
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": u.FileName}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	w.Write(data)
}
