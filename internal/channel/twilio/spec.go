package twilio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/phone"
)

// mediaPolicy: MMS carries images and documents, fetched by Twilio from a
// public link, 5 MB a message.
var mediaPolicy = channel.MediaPolicy{Name: "SMS", MaxAttachments: 10, MaxTotal: 5 * media.MB, NeedsURL: true,
	Types: slices.Concat(media.Images, media.Documents)}

// Spec declares the Twilio SMS channel.
var Spec = channel.Spec{
	Kind:  parley.ChannelTwilioSMS,
	Label: "SMS (Twilio)",
	New: func(e channel.Env) channel.Adapter {
		return New(Options{BaseURL: e.BaseURL, HTTPClient: e.HTTPClient, MediaClient: e.MediaClient, Clock: e.Clock})
	},
	BaseURLVar: "PARLEY_TWILIO_API_URL",
	Settings: []channel.Setting{
		{Key: KeyAccountSID, Label: "Account SID", Required: true,
			Pattern: `AC[0-9a-fA-F]{32}`, Message: "a Twilio account SID (AC followed by 32 hex digits)"},
		// Twilio auth tokens are letters and digits; twilio-go refuses
		// anything else at send time, so refuse it here.
		{Key: KeyAuthToken, Label: "Auth token", Secret: true, Required: true,
			Pattern: `[A-Za-z0-9]{16,64}`, Message: "a Twilio auth token (letters and digits)"},
		{Key: KeyPhoneNumber, Label: "Phone number", Required: true, Normalize: from},
	},
	Webhooks: channel.Webhooks{Path: "/webhooks/twilio/", Methods: []string{http.MethodPost},
		Suffixes: []string{"/status"}, StatusCallback: "/status"},
	// A Twilio long code sends about one SMS a second.
	Rate:       1,
	Media:      &mediaPolicy,
	PhoneReach: true,
}

// from accepts an E.164 number (written in any international form), a
// "whatsapp:" number, or a Messaging Service SID.
func from(v string) (string, error) {
	switch {
	case messagingServiceSID(v):
		return v, nil
	case strings.HasPrefix(v, "whatsapp:"):
		e164, err := phone.Normalize(v)
		if err != nil {
			return "", fmt.Errorf("it is not a phone number in international form")
		}
		return "whatsapp:" + e164, nil
	}
	e164, err := phone.Normalize(v)
	if err != nil {
		return "", fmt.Errorf("it is neither a phone number in international form nor a Messaging Service SID (MG…)")
	}
	return e164, nil
}

// messagingServiceSID reports whether v is MG followed by 32 hex digits.
func messagingServiceSID(v string) bool {
	if len(v) != 34 || !strings.HasPrefix(v, "MG") {
		return false
	}
	for _, c := range v[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// Probe reads the inbox's account with its credentials (channel.Prober).
func (a *Adapter) Probe(ctx context.Context, inbox *parley.Inbox) *channel.Probe {
	sid, token := channel.InboxSetting(inbox, KeyAccountSID), channel.InboxSetting(inbox, KeyAuthToken)
	target := a.base.String() + "/2010-04-01/Accounts/" + url.PathEscape(sid) + ".json"
	return channel.ProbeGET(ctx, a.client, a.clock, target, token, func(r *http.Request) { r.SetBasicAuth(sid, token) })
}
