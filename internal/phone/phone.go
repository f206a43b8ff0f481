// Package phone normalises phone numbers to E.164, so that one customer
// writing by SMS as "+1 (415) 555-2671", through Twilio's WhatsApp as
// "whatsapp:+14155552671" and through the WhatsApp Cloud API as wa_id
// "14155552671" is recognised as one number.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
	"github.com/parleyhq/parley"
)

// channelPrefixes are the address schemes providers put before a number.
var channelPrefixes = []string{"whatsapp:", "sms:", "mms:", "tel:"}

// Normalize returns the E.164 form ("+14155552671") of a number written
// with its country code: with a leading "+" or "00", bare digits as in a
// WhatsApp wa_id, or behind a "whatsapp:", "sms:" or "tel:" prefix.
// Separators (spaces, dots, dashes, parentheses) are ignored. It returns an
// EINVALID *parley.Error when the text is not a possible phone number.
func Normalize(raw string) (string, error) {
	return NormalizeRegion(raw, "")
}

// NormalizeRegion is Normalize for numbers that may be written in national
// form ("(415) 555-2671"): region is the ISO 3166 country ("US") assumed
// when the number has no country code. With region "" a number without a
// "+" is read as digits beginning with the country code, as WhatsApp writes
// them.
func NormalizeRegion(raw, region string) (string, error) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	for _, p := range channelPrefixes {
		if strings.HasPrefix(lower, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if s == "" {
		return "", invalid(raw)
	}
	switch {
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(s, "00"):
		s = "+" + s[2:]
	case region == "":
		s = "+" + s
	}
	if !plausible(s) {
		return "", invalid(raw)
	}
	region = strings.ToUpper(region)
	if region == "" {
		region = "ZZ"
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return "", invalid(raw)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// Digits returns a number without its "+", the form the WhatsApp Cloud API
// takes as a recipient ("+14155552671" → "14155552671").
func Digits(e164 string) string {
	return strings.TrimPrefix(e164, "+")
}

// Equal reports whether a and b, in any form Normalize accepts, are the
// same number.
func Equal(a, b string) bool {
	na, err := Normalize(a)
	if err != nil {
		return false
	}
	nb, err := Normalize(b)
	return err == nil && na == nb
}

// plausible rejects text that phonenumbers would otherwise salvage digits
// from: letters (vanity numbers aside, providers never send them) and
// anything but the usual separators.
func plausible(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ', r == '-', r == '.', r == '(', r == ')', r == '/':
		default:
			return false
		}
	}
	return digits >= 3 && digits <= 17
}

func invalid(raw string) error {
	const max = 40
	if len(raw) > max {
		raw = raw[:max] + "…"
	}
	return parley.Errorf(parley.EINVALID, "%q is not a valid phone number.", raw)
}
