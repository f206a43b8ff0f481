package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/media"
)

// ChannelSpecs is what the web app knows of each provider channel, served
// from the providers' channel.Spec so that the app copies nothing.
type ChannelSpecs struct {
	Items []ChannelSpec `json:"items"`
	// Uploads are the limits of a file agents upload (any file some
	// channel carries); each channel's own are in its media.
	Uploads ChannelMedia `json:"uploads"`
}

// ChannelSpec is one provider channel.
type ChannelSpec struct {
	Kind     string           `json:"kind"`
	Label    string           `json:"label"`
	Settings []ChannelSetting `json:"settings"`
	// WebhookPath is where the provider calls (before the inbox id); ""
	// when it makes no calls.
	WebhookPath string `json:"webhook_path"`
	// AutoRegistered: Parley tells the provider the webhook URL itself.
	AutoRegistered bool `json:"auto_registered"`
	// RouteKey is the setting app-wide webhooks route by ("" for none).
	RouteKey string         `json:"route_key,omitempty"`
	Window   *ChannelWindow `json:"window"`
	Media    ChannelMedia   `json:"media"`
	// Templates: agents send the provider's approved templates; a template
	// message is not resent on another inbox of the kind.
	Templates bool `json:"templates"`
	// PhoneReach: a contact's phone number reaches them on the channel.
	PhoneReach bool `json:"phone_reach"`
}

// ChannelSetting is one setting of an inbox of the channel.
type ChannelSetting struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Secret    bool   `json:"secret"`
	Required  bool   `json:"required"`
	Generated bool   `json:"generated"`
	// Pattern is what the whole value must match (JavaScript-compatible);
	// Message completes "it is not …".
	Pattern string `json:"pattern,omitempty"`
	Message string `json:"message,omitempty"`
}

// ChannelWindow is a provider's reply window.
type ChannelWindow struct {
	// OpenSeconds is how long after the customer's last message a
	// free-form reply is allowed.
	OpenSeconds int64 `json:"open_seconds"`
	// ExtendedSeconds, when not 0, is how long a human agent may still
	// reply, tagged ExtendedTag.
	ExtendedSeconds int64  `json:"extended_seconds"`
	ExtendedTag     string `json:"extended_tag,omitempty"`
	// TemplatesOnly: outside the window only templates may be sent.
	TemplatesOnly bool `json:"templates_only"`
}

// ChannelMedia are a channel's file limits.
type ChannelMedia struct {
	Name           string   `json:"name"`
	Types          []string `json:"types"`
	MaxAttachments int      `json:"max_attachments"`
	MaxFileBytes   int64    `json:"max_file_bytes"`
	MaxTotalBytes  int64    `json:"max_total_bytes"`
	NeedsURL       bool     `json:"needs_url"`
}

func mediaOf(p media.Policy) ChannelMedia {
	return ChannelMedia{Name: p.Name, Types: p.Types, MaxAttachments: p.MaxAttachments, MaxFileBytes: media.MaxBytes(p),
		MaxTotalBytes: p.MaxTotal, NeedsURL: p.NeedsURL}
}

// Specs returns the registered providers' specs as the API shows them.
func Specs() *ChannelSpecs {
	out := &ChannelSpecs{Items: []ChannelSpec{}, Uploads: mediaOf(media.UploadPolicy)}
	for _, s := range channel.Specs() {
		cs := ChannelSpec{Kind: s.Kind, Label: s.Label, Settings: []ChannelSetting{}, WebhookPath: s.Webhooks.Path,
			AutoRegistered: s.Webhooks.AutoRegistered, RouteKey: s.RouteKey, Media: mediaOf(media.PolicyFor(s.Kind)),
			Templates: s.Templates, PhoneReach: s.PhoneReach}
		for _, st := range s.Settings {
			cs.Settings = append(cs.Settings, ChannelSetting{Key: st.Key, Label: st.Label, Secret: st.Secret,
				Required: st.Required, Generated: st.Generated, Pattern: st.Pattern, Message: st.Message})
		}
		if w := s.Window; w != nil {
			cs.Window = &ChannelWindow{OpenSeconds: int64(w.Open.Seconds()), ExtendedSeconds: int64(w.Extended.Seconds()),
				ExtendedTag: w.ExtendedTag, TemplatesOnly: w.TemplatesOnly}
		}
		out.Items = append(out.Items, cs)
	}
	return out
}

func (s *Server) channelSpecRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/channels", "listChannelKinds",
		"The provider channels this server offers: their settings (which are secret, their validation), webhook, reply window and file limits", 200),
		func(ctx context.Context, _ *struct{}) (*Body[*ChannelSpecs], error) {
			if _, err := s.me(ctx); err != nil {
				return nil, err
			}
			return body(Specs()), nil
		})
}
