// Package fakeprovider is a whole provider in one file, for tests: it
// shows that adding a channel to Parley is one package declaring a
// channel.Spec and one channel.Register call. Its webhook is JSON
// {"from", "id", "text"} authenticated by the inbox's token in the
// X-Fake-Token header; its sends go to a Go channel the test reads.
package fakeprovider

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

// Kind is the fake channel's inbox kind.
const Kind = "fake"

// KeyToken is the inbox's one setting: the secret its webhooks carry.
const KeyToken = "token"

// Sent is one message the adapter was asked to send.
type Sent struct {
	InboxID string
	Out     channel.Outbound
}

// Spec declares the fake provider; every send is written to sent.
func Spec(sent chan<- Sent) channel.Spec {
	return channel.Spec{
		Kind:  Kind,
		Label: "Fake",
		New:   func(channel.Env) channel.Adapter { return &Adapter{sent: sent} },
		Settings: []channel.Setting{
			{Key: KeyToken, Label: "Token", Secret: true, Required: true, Pattern: `[a-z0-9\-]{8,64}`, Message: "a fake token (8 to 64 lowercase letters, digits and -)"},
		},
		Webhooks: channel.Webhooks{Path: "/webhooks/fake/", Methods: []string{http.MethodPost}},
		Rate:     100,
	}
}

// Adapter is the fake provider.
type Adapter struct{ sent chan<- Sent }

// Kind implements channel.Adapter.
func (a *Adapter) Kind() string { return Kind }

// ParseWebhook implements channel.Adapter.
func (a *Adapter) ParseWebhook(r *http.Request, body []byte, _ string, inbox *parley.Inbox) (*channel.WebhookResult, error) {
	want := channel.InboxSetting(inbox, KeyToken)
	if want == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Fake-Token")), []byte(want)) != 1 {
		return nil, channel.ErrBadSignature
	}
	var in struct{ From, ID, Text string }
	if err := json.Unmarshal(body, &in); err != nil || in.From == "" || in.ID == "" {
		return nil, fmt.Errorf("fake: %w", channel.ErrMalformed)
	}
	return &channel.WebhookResult{Messages: []channel.Inbound{{
		ProviderMessageID: in.ID, Contact: channel.ContactInfo{SourceID: in.From, Name: in.From},
		Content: in.Text, ContentType: "text",
	}}}, nil
}

// Send implements channel.Adapter.
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, out channel.Outbound) (channel.SendResult, error) {
	select {
	case a.sent <- Sent{InboxID: inbox.ID, Out: out}:
	case <-ctx.Done():
		return channel.SendResult{}, ctx.Err()
	}
	return channel.SendResult{ProviderMessageID: "fake-" + out.DeliveryID}, nil
}

// Probe implements channel.Prober: the fake provider is always reachable.
func (a *Adapter) Probe(context.Context, *parley.Inbox) *channel.Probe {
	return &channel.Probe{OK: true, Status: http.StatusOK}
}
