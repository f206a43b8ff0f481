package parley

import "time"

// Types the store reads and writes that also cross the API: they belong
// to the domain, not to sqlstore.

// ChannelHealth is what Parley knows of an inbox's provider: the last
// inbound message, the last successful send, the last error, the current
// run of failed sends and the webhooks refused before anything was stored.
type ChannelHealth struct {
	InboxID       string     `json:"inbox_id"`
	LastInboundAt *time.Time `json:"last_inbound_at"`
	LastSentAt    *time.Time `json:"last_sent_at"`
	LastError     string     `json:"last_error"`
	LastErrorAt   *time.Time `json:"last_error_at"`
	// FailingSince is when the current run of failed sends began; nil
	// once a send succeeds.
	FailingSince        *time.Time `json:"failing_since"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	// AlertedAt is when the admins were told of the current run.
	AlertedAt         *time.Time `json:"alerted_at"`
	RejectedSignature int64      `json:"rejected_signature"`
	RejectedMalformed int64      `json:"rejected_malformed"`
	LastRejectedAt    *time.Time `json:"last_rejected_at"`
	LastRejection     string     `json:"last_rejection"`
}

// MessageTemplate is the WhatsApp template an outbound message is sent as.
type MessageTemplate struct {
	Name       string   `json:"name"`
	Language   string   `json:"language"`
	Parameters []string `json:"parameters"`
}

// ChannelTemplate is a provider message template as Parley caches and
// offers it: Variables is how many {{n}} parameters its body takes.
type ChannelTemplate struct {
	Name      string `json:"name"`
	Language  string `json:"language"`
	Status    string `json:"status"`
	Category  string `json:"category"`
	Body      string `json:"body"`
	Variables int    `json:"variables"`
}

// Session is a signed-in browser or an API token. Only the token's hash is
// stored.
type Session struct {
	ID         string     `json:"id"`
	UserID     string     `json:"-"`
	Kind       string     `json:"-"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

// Upload is a file an agent uploaded, not yet or already attached.
type Upload struct {
	Attachment
	WorkspaceID string `json:"-"`
	UserID      string `json:"-"`
	MessageID   string `json:"-"`
}
