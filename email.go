package parley

// EmailInfo is what an email message carries beyond its text: the mail's
// own headers, its sanitized HTML and the sender checks. It is set on
// messages of email inboxes only.
type EmailInfo struct {
	// MessageID is the mail's Message-ID without angle brackets.
	MessageID string `json:"message_id"`
	Subject   string `json:"subject"`
	From      string `json:"from,omitempty"`
	// HTML is the mail's HTML part after sanitizing: no script, no event
	// handler, no form; remote images wait for a click (data-src) and
	// cid: images point at the message's attachments.
	HTML string `json:"html,omitempty"`
	// QuoteAt is where the quoted history of a reply starts in the text
	// content (-1 or absent when it has none): the thread collapses it.
	QuoteAt int `json:"quote_at"`
	// InReplyTo and References name earlier mails of the thread.
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
	// AutoReply marks an automatic answer (RFC 3834 Auto-Submitted,
	// X-Autoreply, Precedence bulk/auto_reply): stored, never answered,
	// never counted as unreplied, never reopening a conversation.
	AutoReply bool `json:"auto_reply,omitempty"`
	// Auth is the result of the sender checks (inbound mail only).
	Auth *EmailAuth `json:"auth,omitempty"`
	// CIDs maps the content ids that cid: images in HTML name to the
	// message's attachment ids.
	CIDs map[string]string `json:"cids,omitempty"`
}

// EmailAuth is the outcome of the SPF, DKIM and DMARC checks of an inbound
// mail, each pass, fail, softfail, neutral, none, temperror or permerror.
type EmailAuth struct {
	SPF   string `json:"spf"`
	DKIM  string `json:"dkim"`
	DMARC string `json:"dmarc"`
	// Policy is the From domain's published DMARC policy (none,
	// quarantine, reject; "" when it publishes none).
	Policy string `json:"policy,omitempty"`
	// Suspicious: DMARC failed for a domain asking receivers to quarantine
	// or reject such mail. The mail is flagged and never joins an existing
	// conversation by its address alone.
	Suspicious bool `json:"suspicious"`
}
