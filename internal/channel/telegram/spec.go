package telegram

import (
	"context"
	"net/http"
	"slices"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/meta"
	"github.com/parleyhq/parley/internal/media"
)

// mediaPolicy: voice notes arrive as OGG, stickers as WebP.
var mediaPolicy = channel.MediaPolicy{Name: "Telegram", MaxAttachments: 1,
	Types: slices.Concat(media.Images, []string{"image/webp"}, media.Documents, media.Audio)}

// Spec declares the Telegram bot channel.
var Spec = channel.Spec{
	Kind:  parley.ChannelTelegram,
	Label: "Telegram",
	New: func(e channel.Env) channel.Adapter {
		return New(Options{BaseURL: e.BaseURL, HTTPClient: e.HTTPClient, Clock: e.Clock})
	},
	BaseURLVar: "PARLEY_TELEGRAM_API_URL",
	Settings: []channel.Setting{
		{Key: KeyBotToken, Label: "Bot token", Secret: true, Required: true,
			Pattern: `[0-9]{1,20}:[A-Za-z0-9_\-]{20,100}`, Message: "a Telegram bot token (digits, a colon and the secret)"},
		{Key: KeySecretToken, Label: "Webhook secret token", Secret: true, Required: true, Generated: true,
			Pattern: meta.WebhookToken, Message: "a token of 1 to 256 letters, digits, - and _"},
	},
	Webhooks: channel.Webhooks{Path: "/webhooks/telegram/", Methods: []string{http.MethodPost}, AutoRegistered: true},
	Rate:     30,
	Media:    &mediaPolicy,
}

// Probe calls getMe with the bot token (channel.Prober).
func (a *Adapter) Probe(ctx context.Context, inbox *parley.Inbox) *channel.Probe {
	token := get(inbox, KeyBotToken)
	return channel.ProbeGET(ctx, a.client, a.clock, a.base+"/bot"+token+"/getMe", token, func(*http.Request) {})
}
