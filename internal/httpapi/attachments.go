package httpapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// BlobGetter reads stored files.
type BlobGetter interface {
	Get(ctx context.Context, key string) ([]byte, error)
}

// inlineTypes are shown in the browser; every other file is a download.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// attachment serves a message's file to someone who can see the
// conversation: typed as it was sniffed on arrival, sandboxed by CSP,
// downloaded unless it is a plain image.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	if !rejectUnknownQuery(w, r) {
		return
	}
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		writeProblem(w, http.StatusUnauthorized, "Sign in first.")
		return
	}
	ws, cid, mid, aid := r.PathValue("workspace_id"), r.PathValue("conversation_id"), r.PathValue("message_id"), r.PathValue("attachment_id")
	for _, v := range []string{ws, cid, mid, aid} {
		if !id.Valid(v) {
			writeProblem(w, http.StatusNotFound, "Attachment not found.")
			return
		}
	}
	a, err := s.Sessions.Actor(ctx, p.User, ws)
	if err != nil {
		WriteError(w, err)
		return
	}
	att, err := s.Conversations.Attachment(ctx, a, cid, mid, aid)
	if err == nil && s.Blobs == nil {
		err = parley.Errorf(parley.ENOTFOUND, "Attachment not found.")
	}
	var data []byte
	if err == nil {
		data, err = s.Blobs.Get(ctx, att.Key)
	}
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.Logger.ErrorContext(ctx, "serve attachment", "attachment_id", aid, "err", err)
		}
		WriteError(w, err)
		return
	}
	s.writeAttachment(ctx, w, att, data)
}

// writeAttachment writes a stored file with the headers that keep it from
// running in Parley's origin.
func (s *Server) writeAttachment(ctx context.Context, w http.ResponseWriter, att *parley.Attachment, data []byte) {
	ct := att.ContentType
	if _, _, perr := mime.ParseMediaType(ct); perr != nil || ct == "" {
		ct = "application/octet-stream"
	}
	disposition := "attachment"
	if inlineTypes[ct] {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": att.FileName}))
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	if _, err := w.Write(data); err != nil {
		s.Logger.DebugContext(ctx, "serve attachment write", "attachment_id", att.ID, "err", fmt.Sprint(err))
	}
}
