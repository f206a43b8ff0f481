package messenger

import (
	"context"
	"slices"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/meta"
	"github.com/parleyhq/parley/internal/media"
)

// Messenger's windows, from the person's last message: the standard
// messaging window, and how long a human agent may still answer with the
// HUMAN_AGENT tag.
const (
	StandardWindow   = 24 * time.Hour
	HumanAgentWindow = 7 * 24 * time.Hour
)

// mediaPolicy: images, documents, and audio for voice clips.
var mediaPolicy = channel.MediaPolicy{Name: "Messenger", MaxAttachments: 1,
	Types: slices.Concat(media.Images, media.Documents, media.Audio)}

// Spec declares the Messenger channel.
var Spec = channel.Spec{
	Kind:       parley.ChannelMessenger,
	Label:      "Messenger",
	New:        func(e channel.Env) channel.Adapter { return New(meta.FromEnv(e)) },
	BaseURLVar: "PARLEY_META_GRAPH_URL",
	Settings: slices.Concat([]channel.Setting{
		{Key: KeyPageID, Label: "Page ID", Required: true, Pattern: `[0-9]{1,32}`, Message: "a Facebook page id (digits)"},
		{Key: KeyPageAccessToken, Label: "Page access token", Secret: true, Required: true},
	}, meta.CommonSettings),
	Webhooks: meta.Webhooks("/webhooks/messenger/"),
	RouteKey: KeyPageID, RouteOwner: KeyPageAccessToken, RouteWhat: "Facebook page",
	Rate:   10,
	Media:  &mediaPolicy,
	Window: &channel.Window{Open: StandardWindow, Extended: HumanAgentWindow, ExtendedTag: TagHumanAgent, Tag: replyTag},
}

// replyTag: a reply within 24 hours needs no tag; up to 7 days a human
// agent's carries HUMAN_AGENT; after that, or before the person wrote,
// nothing may be sent.
func replyTag(last *time.Time, now time.Time, senderKind string) (string, error) {
	if last == nil {
		return "", &parley.Error{Code: parley.EINVALID, Field: "content",
			Message: "This person has not written to this page: Messenger allows a reply only after they write."}
	}
	age := now.Sub(*last)
	switch {
	case age <= StandardWindow:
		return "", nil
	case age > HumanAgentWindow:
		return "", &parley.Error{Code: parley.EINVALID, Field: "content",
			Message: "The person's last Messenger message is more than 7 days old: Messenger allows no reply until they write again."}
	case senderKind != parley.SenderAgent:
		return "", &parley.Error{Code: parley.EINVALID, Field: "content",
			Message: "The person's last Messenger message is more than 24 hours old: only a human agent may reply now (with the HUMAN_AGENT tag, up to 7 days)."}
	}
	return TagHumanAgent, nil
}

// ownerCheck reads /me with the page access token: a page token reads as
// its page.
func (a *Adapter) ownerCheck(inbox *parley.Inbox) meta.OwnerCheck {
	return meta.OwnerCheck{Target: a.Base + "/me?fields=id,name", ID: meta.Setting(inbox, KeyPageID), Token: meta.Setting(inbox, KeyPageAccessToken),
		Field: "config." + KeyPageID, TokenField: "config." + KeyPageAccessToken, What: "this Facebook page"}
}

// VerifyOwner implements channel.OwnerVerifier.
func (a *Adapter) VerifyOwner(ctx context.Context, inbox *parley.Inbox) error {
	return a.Client.VerifyOwner(ctx, inbox, a.ownerCheck(inbox))
}

// Probe implements channel.Prober: the ownership check, made again.
func (a *Adapter) Probe(ctx context.Context, inbox *parley.Inbox) *channel.Probe {
	return a.ProbeOwner(ctx, a.ownerCheck(inbox))
}

// SendsRich implements channel.RichSender: quick replies, buttons and
// carousels are sent as Messenger templates.
func (a *Adapter) SendsRich() bool { return true }
