package mailparse

import (
	"bytes"
	"strings"
)

// Report is what a delivery status notification (RFC 3464) or an abuse
// feedback report (RFC 5965) says about a mail Parley sent.
type Report struct {
	// Kind is "delivery-status" or "feedback-report".
	Kind string
	// Action is the DSN's action for the (first failed, else first)
	// recipient: failed, delayed, delivered, relayed, expanded.
	Action     string
	Status     string // the DSN status code, e.g. 5.1.1
	Diagnostic string
	Recipient  string
	// FeedbackType is the ARF feedback type (abuse, fraud, …).
	FeedbackType string
	// OriginalMessageID is the Message-ID of the mail reported on (from
	// the returned message or its headers); EnvelopeID the DSN's
	// Original-Envelope-Id, which Parley sets to the same id.
	OriginalMessageID string
	EnvelopeID        string
}

// MessageID is the id of the mail the report is about.
func (r *Report) MessageID() string {
	if r.OriginalMessageID != "" {
		return r.OriginalMessageID
	}
	return r.EnvelopeID
}

type reportParts struct {
	kind     string
	status   []byte
	original []byte
}

func (p *reportParts) report() *Report {
	r := &Report{Kind: p.kind}
	if len(p.original) > 0 {
		h, _ := readHeader(p.original)
		r.OriginalMessageID = cleanID(h.Get("Message-Id"))
	}
	switch p.kind {
	case "delivery-status":
		parseDSN(p.status, r)
	case "feedback-report":
		h, _ := readHeader(p.status)
		r.FeedbackType = strings.ToLower(strings.TrimSpace(h.Get("Feedback-Type")))
		if r.OriginalMessageID == "" {
			r.OriginalMessageID = cleanID(h.Get("Original-Message-Id"))
		}
		r.Action = "spam"
	default:
		return nil
	}
	return r
}

// parseDSN reads the per-message fields and the per-recipient blocks of a
// message/delivery-status body; the first failed recipient decides.
func parseDSN(b []byte, r *Report) {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	h, rest := readHeader(b)
	r.EnvelopeID = cleanID(h.Get("Original-Envelope-Id"))
	for len(bytes.TrimSpace(rest)) > 0 {
		rest = bytes.TrimLeft(rest, "\n")
		var rh = readOne(&rest)
		action := strings.ToLower(strings.TrimSpace(rh.action))
		if action == "" {
			continue
		}
		if r.Action == "" || (action == "failed" && r.Action != "failed") {
			r.Action, r.Status, r.Diagnostic, r.Recipient = action, rh.status, rh.diag, rh.rcpt
		}
	}
}

type recipientFields struct{ action, status, diag, rcpt string }

// readOne reads one recipient block off rest.
func readOne(rest *[]byte) recipientFields {
	block := *rest
	if i := bytes.Index(block, []byte("\n\n")); i >= 0 {
		block, *rest = block[:i+1], block[i+2:]
	} else {
		*rest = nil
	}
	h, _ := readHeader(append(append([]byte{}, block...), '\n'))
	rcpt := strings.TrimSpace(h.Get("Final-Recipient"))
	if i := strings.IndexByte(rcpt, ';'); i >= 0 {
		rcpt = strings.TrimSpace(rcpt[i+1:])
	}
	return recipientFields{action: h.Get("Action"), status: strings.TrimSpace(h.Get("Status")),
		diag: oneLine(h.Get("Diagnostic-Code")), rcpt: strings.ToLower(rcpt)}
}
