// Package mailparse reads inbound mail: the headers that thread it, its
// text and HTML (sanitized), its attachments and inline images, whether it
// is an automatic reply, and the delivery (RFC 3464) and abuse feedback
// (RFC 5965) reports that come back about mail Parley sent. Everything it
// reads comes from outside; nothing it returns carries script.
package mailparse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	_ "github.com/emersion/go-message/charset" // the charsets mail arrives in
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	message "github.com/emersion/go-message"
)

// Limits bound what one mail may unpack to.
type Limits struct {
	// MaxParts is how many MIME parts are read (a bomb of empty parts
	// costs nothing else).
	MaxParts int
	// MaxPartBytes caps one decoded part.
	MaxPartBytes int64
}

// DefaultLimits suit a 25 MB mail.
var DefaultLimits = Limits{MaxParts: 200, MaxPartBytes: 40 << 20}

// ErrMalformed wraps every parse failure.
var ErrMalformed = errors.New("mailparse: malformed mail")

// Part is an attachment or an inline image.
type Part struct {
	FileName    string
	ContentType string
	// ContentID is the id cid: links name, without angle brackets.
	ContentID string
	Inline    bool
	Data      []byte
}

// Mail is one parsed message.
type Mail struct {
	MessageID  string
	InReplyTo  string
	References []string
	FromName   string
	From       string // the address, lower case
	To         []string
	Subject    string
	Date       time.Time
	// Text is the plain-text body (derived from the HTML when the mail has
	// no text part); HTML the raw HTML part (Sanitize it before showing).
	Text        string
	HTML        string
	Attachments []Part
	// AutoReply: RFC 3834 Auto-Submitted, X-Autoreply, X-Autorespond or
	// Precedence bulk, junk or auto_reply.
	AutoReply bool
	// Report is set for delivery status and feedback reports.
	Report *Report
	// Header is the top-level header, for other checks (loops, auth).
	Header mail.Header
}

// Parse reads a whole RFC 5322 message.
func Parse(raw []byte, lim Limits) (*Mail, error) {
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	h := mail.Header{Header: ent.Header}
	m := &Mail{Header: h}
	m.MessageID = cleanID(h.Get("Message-Id"))
	if ids, err := h.MsgIDList("In-Reply-To"); err == nil && len(ids) > 0 {
		m.InReplyTo = ids[0]
	} else {
		m.InReplyTo = cleanID(h.Get("In-Reply-To"))
	}
	if ids, err := h.MsgIDList("References"); err == nil {
		m.References = ids
	}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.FromName, m.From = from[0].Name, strings.ToLower(from[0].Address)
	}
	if to, err := h.AddressList("To"); err == nil {
		for _, a := range to {
			m.To = append(m.To, strings.ToLower(a.Address))
		}
	}
	if s, err := h.Subject(); err == nil {
		m.Subject = oneLine(s)
	} else {
		m.Subject = oneLine(h.Get("Subject"))
	}
	if d, err := h.Date(); err == nil {
		m.Date = d
	}
	m.AutoReply = autoReply(h)
	if err := walk(ent, m, lim); err != nil {
		return nil, err
	}
	if m.Text == "" && m.HTML != "" {
		m.Text = TextOf(m.HTML)
	}
	return m, nil
}

// autoReply reports whether the header marks an automatic message.
func autoReply(h mail.Header) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || h.Get("X-Auto-Response-Suppress") == "All" && h.Get("X-Autoreply") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "auto_reply", "auto-reply":
		return true
	}
	return false
}

// walk reads the parts of ent into m.
func walk(ent *message.Entity, m *Mail, lim Limits) error {
	parts := 0
	var rep reportParts
	err := ent.Walk(func(path []int, e *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return err
		}
		parts++
		if parts > lim.MaxParts {
			return fmt.Errorf("more than %d parts", lim.MaxParts)
		}
		ct, params, _ := e.Header.ContentType()
		if strings.HasPrefix(ct, "multipart/") {
			if ct == "multipart/report" {
				rep.kind = strings.ToLower(params["report-type"])
			}
			return nil
		}
		body, err := io.ReadAll(io.LimitReader(e.Body, lim.MaxPartBytes+1))
		if err != nil {
			return err
		}
		if int64(len(body)) > lim.MaxPartBytes {
			return fmt.Errorf("a part is over %d bytes", lim.MaxPartBytes)
		}
		return m.addPart(e, ct, params, body, &rep)
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if rep.kind != "" {
		m.Report = rep.report()
	}
	return nil
}

// addPart files one leaf part: the first text and HTML bodies, report
// parts, and the rest as attachments.
func (m *Mail) addPart(e *message.Entity, ct string, params map[string]string, body []byte, rep *reportParts) error {
	disp, dparams, _ := e.Header.ContentDisposition()
	name := fileName(dparams["filename"], params["name"])
	attachment := disp == "attachment" || (name != "" && !strings.HasPrefix(ct, "text/"))
	switch {
	case rep.kind != "" && (ct == "message/delivery-status" || ct == "message/global-delivery-status" || ct == "message/feedback-report"):
		rep.status = body
		return nil
	case rep.kind != "" && (ct == "message/rfc822" || ct == "text/rfc822-headers" || ct == "message/global" || ct == "message/global-headers"):
		rep.original = body
		return nil
	case ct == "text/plain" && !attachment && m.Text == "":
		m.Text = string(body)
		return nil
	case ct == "text/html" && !attachment && m.HTML == "":
		m.HTML = string(body)
		return nil
	case ct == "" || (strings.HasPrefix(ct, "text/") && !attachment):
		return nil // a second body or an alternative we do not show
	}
	cid := cleanID(e.Header.Get("Content-Id"))
	if name == "" {
		name = "attachment"
		if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
			name += exts[0]
		}
	}
	m.Attachments = append(m.Attachments, Part{FileName: name, ContentType: ct, ContentID: cid,
		Inline: disp == "inline" || (disp == "" && cid != ""), Data: body})
	return nil
}

// fileName is a safe file name: the last path element, without control
// characters or markup, at most 200 bytes.
func fileName(names ...string) string {
	for _, n := range names {
		if d, err := new(mime.WordDecoder).DecodeHeader(n); err == nil {
			n = d
		}
		n = n[strings.LastIndexAny(n, `/\`)+1:]
		n = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>"'`+"`", r) {
				return -1
			}
			return r
		}, n)
		n = strings.TrimSpace(n)
		if len(n) > 200 {
			n = n[:200]
		}
		if n != "" && n != "." && n != ".." {
			return n
		}
	}
	return ""
}

// cleanID is a message id without angle brackets and spaces.
func cleanID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	if i := strings.IndexByte(s, '>'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// oneLine folds a header value to one line.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(strings.Join(strings.Fields(s), " "))
}

// readHeader reads one header block (report fields, an original
// message's header).
func readHeader(b []byte) (textproto.Header, []byte) {
	r := bufio.NewReader(bytes.NewReader(b))
	h, err := textproto.ReadHeader(r)
	if err != nil {
		return textproto.Header{}, nil
	}
	rest, _ := io.ReadAll(r)
	return h, rest
}
