package httpapi

import (
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
)

// apiDescription opens the OpenAPI document and the reference at /api/docs.
const apiDescription = `Parley's REST API. Authenticate with ` + "`Authorization: Bearer <token>`" + ` (from
` + "`POST /api/v1/auth/login`" + ` or a personal API token from ` + "`POST /api/v1/tokens`" + `), or the session cookie
in the browser (cross-site writes are refused). Errors are RFC 9457 problem bodies that name the fields at
fault. Lists answer ` + "`{\"items\": [...], \"next_cursor\": \"...\"}`" + ` and page by cursor.

Outside this document:
- **Real-time updates:** ` + "`GET /api/v1/realtime?workspace_id=…&since=<seq>`" + ` upgrades to a WebSocket that
  carries JSON arrays of events (each ` + "`{\"seq\",\"type\",\"payload\"}`" + `), filtered by what the user may see;
  reconnect with the last seq seen to get what was missed.
- **Attachments:** ` + "`GET /api/v1/workspaces/{workspace_id}/conversations/{conversation_id}/messages/{message_id}/attachments/{attachment_id}`" + `
  serves a message's file to those who can see the conversation.
- **Provider webhooks:** each inbox's ` + "`webhook_url`" + ` (in its JSON) is where its provider posts; they are
  verified by the provider's signature and are not for API clients.`

// areas are the tags of the API, one per area, in the reference's order.
var areas = []*huma.Tag{
	{Name: "Account", Description: "Signing in and out, first-run set-up, your profile, password and personal API tokens."},
	{Name: "Workspaces", Description: "Workspaces and their settings."},
	{Name: "Members and teams", Description: "The people of a workspace, their roles, and the teams they form."},
	{Name: "Conversations", Description: "Conversations (tickets) and their messages: lists and counts, replies, notes, assignment, status."},
	{Name: "Contacts", Description: "Customers and their channel identities."},
	{Name: "Inboxes", Description: "Channels connected to the workspace: their settings, health, connection tests and templates."},
	{Name: "Files", Description: "Uploads to attach to replies and notes."},
	{Name: "Inbound", Description: "The API channel: another system delivers customer messages here with an inbox's inbound token."},
}

// areaOf is the tag of an operation on path (below /api/v1): one per area,
// so the reference groups operations the way the product does.
func areaOf(path string) string {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case seg[0] == "inbound":
		return "Inbound"
	case seg[0] == "channels":
		return "Inboxes"
	case seg[0] == "invites" || seg[0] == "password-reset":
		return "Members and teams"
	case seg[0] != "workspaces":
		return "Account"
	case len(seg) < 3:
		return "Workspaces"
	}
	switch seg[2] {
	case "conversations", "tags", "labels", "saved-filters", "search", "dashboard":
		return "Conversations"
	case "contacts":
		return "Contacts"
	case "inboxes":
		return "Inboxes"
	case "uploads":
		return "Files"
	case "ai":
		return "AI agent"
	case "users", "teams", "invites":
		return "Members and teams"
	}
	return "Workspaces"
}

// uniqueSchemaNamer names schemas as huma does, but gives two different
// types that would share a name (local request types of two route files,
// both "PutInputBody") distinct names instead of panicking at start: the
// number goes before the generated suffix, so the document's renaming
// (opendoc.go) still recognises them.
func uniqueSchemaNamer() func(reflect.Type, string) string {
	var mu sync.Mutex
	seen := map[string]reflect.Type{}
	return func(t reflect.Type, hint string) string {
		base := huma.DefaultSchemaNamer(t, hint)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		mu.Lock()
		defer mu.Unlock()
		name := base
		for i := 2; ; i++ {
			if prev, ok := seen[name]; !ok || prev == t {
				seen[name] = t
				return name
			}
			name = numbered(base, i)
		}
	}
}

func numbered(name string, i int) string {
	for _, suffix := range []string{"InputBody", "OutputBody", "Output", "Body"} {
		if stem, ok := strings.CutSuffix(name, suffix); ok {
			return stem + strconv.Itoa(i) + suffix
		}
	}
	return name + strconv.Itoa(i)
}
