package app

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// mediaLinkTTL is how long a signed file link lives: long enough for a
// provider to fetch it when it sends; each send attempt signs a new one.
const mediaLinkTTL = 24 * time.Hour

// mediaURL is a signed public link to a file agents sent, for providers
// that fetch files themselves (Twilio MMS) instead of taking an upload.
func (c *Channels) mediaURL(att parley.Attachment) string {
	exp := strconv.FormatInt(c.clock.Now().Add(mediaLinkTTL).Unix(), 10)
	q := url.Values{"expires": {exp}, "sig": {c.signer.Sign(att.ID + "\n" + exp)}}
	return c.publicURL() + "/media/" + att.ID + "/" + url.PathEscape(att.FileName) + "?" + q.Encode()
}

// serveMedia answers GET /media/{id}/{name}: the file behind a signed,
// unexpired link, and nothing for anything else (404, never a hint).
func (c *Channels) serveMedia(w http.ResponseWriter, r *http.Request) {
	fileID, exp, sig := r.PathValue("id"), r.URL.Query().Get("expires"), r.URL.Query().Get("sig")
	until, err := strconv.ParseInt(exp, 10, 64)
	if !id.Valid(fileID) || err != nil || c.clock.Now().Unix() > until || !c.signer.Verify(fileID+"\n"+exp, sig) {
		http.NotFound(w, r)
		return
	}
	u, err := c.store.FindUploadByID(r.Context(), fileID)
	if err != nil || u.MessageID == "" { // only files that were sent
		http.NotFound(w, r)
		return
	}
	data, err := c.blobs.Get(r.Context(), u.Key)
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
