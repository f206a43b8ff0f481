// Package email is the email channel: an inbox is a support address.
// Replies leave through the inbox's SMTP relay (this adapter); mail comes
// in through Parley's SMTP listener or IMAP polling (internal/mailin),
// which thread it and store it through the one inbound path.
package email

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

// Setting keys.
const (
	KeyAddress      = "address"
	KeyDisplayName  = "display_name"
	KeySMTPHost     = "smtp_host"
	KeySMTPPort     = "smtp_port"
	KeySMTPUsername = "smtp_username"
	KeySMTPPassword = "smtp_password"
	KeySMTPSecurity = "smtp_security"
	KeyIMAPHost     = "imap_host"
	KeyIMAPPort     = "imap_port"
	KeyIMAPUsername = "imap_username"
	KeyIMAPPassword = "imap_password"
	KeyIMAPSecurity = "imap_security"
	KeyIMAPFolder   = "imap_folder"
	KeyIMAPMarkSeen = "imap_mark_seen"
	// KeyReplyKey signs the conversations' reply addresses.
	KeyReplyKey    = "reply_key"
	KeyTrackOpens  = "track_opens"
	KeyTrackClicks = "track_clicks"
	// KeyDKIMSelector and KeyDKIMPrivateKey sign sent mail (DKIM, for the
	// domain of the address) when both are set.
	KeyDKIMSelector   = "dkim_selector"
	KeyDKIMPrivateKey = "dkim_private_key"
)

// MaxAttachment is the largest file a mail carries (what relays commonly
// accept once encoded).
const MaxAttachment = 20 << 20

// Spec declares the email channel.
var Spec = channel.Spec{
	Kind:  parley.ChannelEmail,
	Label: "Email",
	New:   func(env channel.Env) channel.Adapter { return New(env) },
	Settings: []channel.Setting{
		{Key: KeyAddress, Label: "Support address", Required: true, Normalize: normalizeAddress},
		{Key: KeyDisplayName, Label: "Display name"},
		{Key: KeySMTPHost, Label: "SMTP host", Required: true, Pattern: hostPattern, Message: "a host name such as smtp.example.com"},
		{Key: KeySMTPPort, Label: "SMTP port", Pattern: `[0-9]{1,5}`, Message: "a port number", Normalize: port},
		{Key: KeySMTPUsername, Label: "SMTP username"},
		{Key: KeySMTPPassword, Label: "SMTP password", Secret: true},
		{Key: KeySMTPSecurity, Label: "SMTP security", Pattern: `none|starttls|tls`, Message: "none, starttls or tls"},
		{Key: KeyIMAPHost, Label: "IMAP host", Pattern: hostPattern, Message: "a host name such as imap.example.com"},
		{Key: KeyIMAPPort, Label: "IMAP port", Pattern: `[0-9]{1,5}`, Message: "a port number", Normalize: port},
		{Key: KeyIMAPUsername, Label: "IMAP username"},
		{Key: KeyIMAPPassword, Label: "IMAP password", Secret: true},
		{Key: KeyIMAPSecurity, Label: "IMAP security", Pattern: `none|starttls|tls`, Message: "none, starttls or tls"},
		{Key: KeyIMAPFolder, Label: "IMAP folder"},
		{Key: KeyIMAPMarkSeen, Label: "Mark polled mail as seen", Pattern: `true|false`, Message: "true or false"},
		{Key: KeyReplyKey, Label: "Reply address key", Secret: true, Generated: true},
		{Key: KeyTrackOpens, Label: "Track opens", Pattern: `true|false`, Message: "true or false"},
		{Key: KeyTrackClicks, Label: "Track clicks", Pattern: `true|false`, Message: "true or false"},
		{Key: KeyDKIMSelector, Label: "DKIM selector", Pattern: `[A-Za-z0-9]([A-Za-z0-9\-_]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-_]{0,61}[A-Za-z0-9])?)*`,
			Message: "a DNS label such as parley or s1"},
		{Key: KeyDKIMPrivateKey, Label: "DKIM private key (PEM)", Secret: true, Normalize: normalizeDKIMKey},
	},
	// The address routes the SMTP listener's mail: unique among live email
	// inboxes, across workspaces.
	RouteKey:  KeyAddress,
	RouteWhat: "address",
	Rate:      5,
	Media: &channel.MediaPolicy{
		Name: "Email",
		Types: []string{"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "application/msword",
			"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "video/mp4", "audio/mpeg", "audio/ogg", "audio/mp4"},
		MaxAttachments: 10,
		MaxTotal:       25 << 20,
	},
	Threads: true,
}

// hostPattern is a DNS name or an IPv4 address, without port or scheme.
const hostPattern = `[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*`

// normalizeAddress checks a support address: a bare address without a
// "+" tag (reply addresses add one), lower case.
func normalizeAddress(v string) (string, error) {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return "", fmt.Errorf("it is not an email address such as support@example.com")
	}
	local, domain, _ := strings.Cut(strings.ToLower(a.Address), "@")
	if strings.Contains(local, "+") {
		return "", fmt.Errorf("the address may not carry a + tag (Parley adds one to reply addresses)")
	}
	if !strings.Contains(domain, ".") && domain != "localhost" {
		return "", fmt.Errorf("its domain is not a mail domain")
	}
	return local + "@" + domain, nil
}

func port(v string) (string, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("it is not a port between 1 and 65535")
	}
	return strconv.Itoa(n), nil
}

// on reads a true/false setting.
func on(inbox *parley.Inbox, key string) bool { return channel.InboxSetting(inbox, key) == "true" }
