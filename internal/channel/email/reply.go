package email

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

// ReplyAddress is a conversation's reply address on its inbox:
// <local>+<number>-<signature>@<domain>. The signature (keyed by the
// inbox's generated reply key) keeps anyone from writing into a
// conversation by guessing its number.
func ReplyAddress(inbox *parley.Inbox, number int64) string {
	local, domain, ok := strings.Cut(channel.InboxSetting(inbox, KeyAddress), "@")
	if !ok || number <= 0 {
		return channel.InboxSetting(inbox, KeyAddress)
	}
	n := strconv.FormatInt(number, 10)
	return local + "+" + n + "-" + signature(inbox, n) + "@" + domain
}

// ParseRecipient splits a recipient of mail for inbox's address: the
// conversation number its reply address names (0 for the plain address
// or a tag that does not verify). ok is false when rcpt is not the
// inbox's address at all.
func ParseRecipient(inbox *parley.Inbox, rcpt string) (number int64, ok bool) {
	base, tag := SplitAddress(rcpt)
	if base == "" || base != channel.InboxSetting(inbox, KeyAddress) {
		return 0, false
	}
	n, sig, found := strings.Cut(tag, "-")
	if !found {
		return 0, true
	}
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil || v <= 0 || !hmac.Equal([]byte(sig), []byte(signature(inbox, n))) {
		return 0, true
	}
	return v, true
}

// SplitAddress lower-cases an address and splits off its "+" tag:
// "Support+12-ab@Example.com" is ("support@example.com", "12-ab").
func SplitAddress(addr string) (base, tag string) {
	addr = strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(addr), "<>")))
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return "", ""
	}
	local, tag, _ = strings.Cut(local, "+")
	return local + "@" + domain, tag
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func signature(inbox *parley.Inbox, number string) string {
	mac := hmac.New(sha256.New, []byte(channel.InboxSetting(inbox, KeyReplyKey)))
	mac.Write([]byte(inbox.ID + ":" + number))
	return strings.ToLower(b32.EncodeToString(mac.Sum(nil))[:10])
}
