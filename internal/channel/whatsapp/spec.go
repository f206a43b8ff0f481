package whatsapp

import (
	"context"
	"net/url"
	"slices"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/meta"
	"github.com/parleyhq/parley/internal/media"
)

// ServiceWindow is WhatsApp's customer-service window: free-form replies
// up to 24 hours after the customer's last message, templates after.
const ServiceWindow = 24 * time.Hour

// mediaPolicy: MP4 is WhatsApp's only; audio for voice notes, WebP for
// stickers, so that those inbound messages are not dropped.
var mediaPolicy = channel.MediaPolicy{Name: "WhatsApp", MaxAttachments: 1,
	Types: slices.Concat(media.Images, []string{"image/webp"}, media.Documents, []string{"video/mp4"}, media.Audio)}

// Spec declares the WhatsApp (Cloud API) channel.
var Spec = channel.Spec{
	Kind:       parley.ChannelWhatsApp,
	Label:      "WhatsApp",
	New:        func(e channel.Env) channel.Adapter { return New(meta.FromEnv(e)) },
	BaseURLVar: "PARLEY_META_GRAPH_URL",
	Settings: slices.Concat([]channel.Setting{
		{Key: KeyPhoneNumberID, Label: "Phone number ID", Required: true, Pattern: `[0-9]{1,32}`, Message: "a WhatsApp phone number id (digits)"},
		{Key: KeyWABAID, Label: "WhatsApp Business Account ID", Pattern: `[0-9]{1,32}`, Message: "a WhatsApp Business Account id (digits)"},
		{Key: KeyAccessToken, Label: "Access token", Secret: true, Required: true},
	}, meta.CommonSettings),
	Webhooks: meta.Webhooks("/webhooks/whatsapp/"),
	RouteKey: KeyPhoneNumberID, RouteOwner: KeyAccessToken, RouteWhat: "WhatsApp number",
	Rate:      80,
	Media:     &mediaPolicy,
	Templates: true,
	Window: &channel.Window{Open: ServiceWindow, TemplatesOnly: true, Tag: func(last *time.Time, now time.Time, _ string) (string, error) {
		if last == nil {
			return "", &parley.Error{Code: parley.EINVALID, Field: "content",
				Message: "This customer has not written to this WhatsApp number yet: WhatsApp only allows an approved template message. Send a template instead."}
		}
		if now.Sub(*last) > ServiceWindow {
			return "", &parley.Error{Code: parley.EINVALID, Field: "content",
				Message: "The customer's last WhatsApp message is more than 24 hours old: outside the 24-hour window WhatsApp only allows an approved template message. Send a template instead."}
		}
		return "", nil
	}},
}

// ownerCheck reads the phone number with the access token.
func (a *Adapter) ownerCheck(inbox *parley.Inbox) meta.OwnerCheck {
	id := meta.Setting(inbox, KeyPhoneNumberID)
	return meta.OwnerCheck{Target: a.Base + "/" + url.PathEscape(id) + "?fields=id,display_phone_number,verified_name",
		ID: id, Token: meta.Setting(inbox, KeyAccessToken), Field: "config." + KeyPhoneNumberID, TokenField: "config." + KeyAccessToken,
		What: "this WhatsApp phone number id"}
}

// VerifyOwner implements channel.OwnerVerifier.
func (a *Adapter) VerifyOwner(ctx context.Context, inbox *parley.Inbox) error {
	return a.Client.VerifyOwner(ctx, inbox, a.ownerCheck(inbox))
}

// Probe implements channel.Prober: the ownership check, made again.
func (a *Adapter) Probe(ctx context.Context, inbox *parley.Inbox) *channel.Probe {
	return a.ProbeOwner(ctx, a.ownerCheck(inbox))
}

// ChannelTemplates implements channel.TemplateLister.
func (a *Adapter) ChannelTemplates(ctx context.Context, inbox *parley.Inbox) ([]parley.ChannelTemplate, error) {
	tpls, err := a.ListTemplates(ctx, inbox)
	if err != nil {
		return nil, err
	}
	list := make([]parley.ChannelTemplate, 0, len(tpls))
	for _, t := range tpls {
		list = append(list, parley.ChannelTemplate{Name: t.Name, Language: t.Language, Status: t.Status, Category: t.Category, Body: t.Body, Variables: t.BodyParams})
	}
	return list, nil
}
