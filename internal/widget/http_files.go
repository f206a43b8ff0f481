package widget

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/problem"
)

// uploadOverhead is the multipart form around the file.
const uploadOverhead = 64 << 10

// postUpload answers POST /api/v1/widget/uploads: one multipart field
// "file", checked against the web-chat channel's limits. A body larger
// than the largest file the channel takes is 413 before it is read.
func (h *Handler) postUpload(w http.ResponseWriter, r *http.Request, v *Visitor) {
	limit := MaxUpload()
	tooLarge := func() {
		problem.Write(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d MB, the most the chat takes.", limit>>20),
			problem.Detail{Location: "body.file", Message: "too large"})
	}
	if r.ContentLength > limit+uploadOverhead {
		tooLarge()
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadOverhead)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			tooLarge()
			return
		}
		h.fail(w, r, parley.FieldErrorf("file", "Send the file as multipart/form-data in the field \"file\"."))
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		h.fail(w, r, parley.FieldErrorf("file", "Send the file as multipart/form-data in the field \"file\"."))
		return
	}
	defer f.Close()
	if hdr.Size > limit {
		tooLarge()
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		h.fail(w, r, parley.FieldErrorf("file", "The file could not be read."))
		return
	}
	u, err := h.svc.Upload(r.Context(), v, hdr.Filename, hdr.Header.Get("Content-Type"), data)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// inlineTypes are the files a browser may show in place (pictures); any
// other is a download.
var inlineTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true}

// getAttachment serves a file of the visitor's conversation. The widget
// fetches it with the visitor's token (no cookie, no public link) and
// shows it from a blob URL.
func (h *Handler) getAttachment(w http.ResponseWriter, r *http.Request, v *Visitor) {
	att, data, err := h.svc.Attachment(r.Context(), v, r.PathValue("conversation_id"), r.PathValue("message_id"), r.PathValue("attachment_id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct := att.ContentType
	if _, _, perr := mime.ParseMediaType(ct); perr != nil || ct == "" {
		ct = "application/octet-stream"
	}
	disposition := "attachment"
	if inlineTypes[ct] {
		disposition = "inline"
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": att.FileName}))
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// ReadBody is the body of POST /api/v1/widget/read.
type ReadBody struct {
	// Status is "read" (the default: the visitor has the window open) or
	// "delivered" (the widget has the replies, its window closed).
	Status string `json:"status"`
}

func (h *Handler) postRead(w http.ResponseWriter, r *http.Request, v *Visitor) {
	var in ReadBody
	if r.ContentLength != 0 {
		if err := decode(r.Body, &in); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if in.Status == "" {
		in.Status = string(parley.DeliveryRead)
	}
	if err := h.svc.Seen(r.Context(), v, in.Status); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
