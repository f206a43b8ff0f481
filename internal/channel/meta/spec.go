package meta

import (
	"net/http"

	"github.com/parleyhq/parley/internal/channel"
)

// Settings both Graph API channels take.
const (
	KeyAppSecret   = "app_secret"   // secret
	KeyVerifyToken = "verify_token" // generated
)

// WebhookToken is the pattern of verify tokens and Telegram's secret
// tokens.
const WebhookToken = `[A-Za-z0-9_\-]{1,256}`

// CommonSettings are the settings every Graph API inbox has besides its
// id and token: its app secret (empty: the server-wide one) and its verify
// token (generated when left empty).
var CommonSettings = []channel.Setting{
	{Key: KeyAppSecret, Label: "App secret", Secret: true},
	{Key: KeyVerifyToken, Label: "Verify token", Generated: true, Pattern: WebhookToken, Message: "a token of letters, digits, - and _"},
}

// Webhooks are a Graph API channel's webhook routes under path: per inbox
// (GET for the subscription check, POST for events) and app-wide.
func Webhooks(path string) channel.Webhooks {
	return channel.Webhooks{Path: path, Methods: []string{http.MethodGet, http.MethodPost}, AppWide: true}
}
