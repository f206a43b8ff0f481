package httpapi

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/hours"
	"github.com/parleyhq/parley/internal/invite"
	"github.com/parleyhq/parley/internal/notify"
)

// The served OpenAPI document is huma's, finished for people (document):
// descriptions for the operations registered without one, named schemas
// for request and response bodies instead of the names generated from Go
// types (FooRoutesCreateInputBody), and each channel's inbox config as its
// own schema, combined as a oneOf. The changes are made to the JSON only:
// requests are still validated by huma's schemas and the services' checks.

const schemaRef = "#/components/schemas/"

// generatedName reports whether a schema name was generated from a Go
// type that is no name for readers.
func generatedName(name string) bool {
	return strings.HasSuffix(name, "InputBody") || strings.HasSuffix(name, "OutputBody") ||
		strings.HasSuffix(name, "Output") || strings.Contains(name, "Routes")
}

// pascal turns an operation id (createInbox) into a type name (CreateInbox).
func pascal(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '_' || r == '-' || r == '.' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
		up = false
	}
	return b.String()
}

// channelConfigs are the inbox config schemas by channel; the keys are
// those of internal/workspace's channel settings (a test keeps them so).
var channelConfigs = []struct {
	channel, name, title string
	required             []string
	props                map[string]string
}{
	{"whatsapp", "WhatsAppInboxConfig", "WhatsApp Cloud API", []string{"phone_number_id", "access_token"}, map[string]string{
		"phone_number_id": "The number's id (digits), from WhatsApp → API Setup. One inbox per number.",
		"waba_id":         "The WhatsApp Business Account id (digits); needed for message templates.",
		"access_token":    "A permanent system-user token (secret: write-only). It must be able to use the number.",
		"app_secret":      "Checks the webhooks' signatures (secret). Empty: the server-wide Meta app secret.",
		"verify_token":    "Letters, digits, - and _; generated when empty. Meta asks for it when subscribing the webhook.",
	}},
	{"twilio_sms", "TwilioSMSInboxConfig", "SMS through Twilio", []string{"account_sid", "auth_token", "phone_number"}, map[string]string{
		"account_sid":  "AC followed by 32 hex digits.",
		"auth_token":   "The account's auth token, letters and digits (secret: write-only).",
		"phone_number": "The sending number in international form (+14155550100), or a Messaging Service SID (MG…).",
	}},
	{"messenger", "MessengerInboxConfig", "Facebook Messenger", []string{"page_id", "page_access_token"}, map[string]string{
		"page_id":           "The Facebook page id (digits). One inbox per page.",
		"page_access_token": "A page access token of that page (secret: write-only).",
		"app_secret":        "Checks the webhooks' signatures (secret). Empty: the server-wide Meta app secret.",
		"verify_token":      "Letters, digits, - and _; generated when empty. Meta asks for it when subscribing the webhook.",
	}},
	{"telegram", "TelegramInboxConfig", "Telegram bot", []string{"bot_token"}, map[string]string{
		"bot_token":    "From @BotFather: digits, a colon and the secret (secret: write-only). Parley registers the webhook.",
		"secret_token": "1 to 256 letters, digits, - and _ that Telegram sends with each update (secret); generated when empty.",
	}},
	{"api", "APIInboxConfig", "Your own system (API channel)", nil, map[string]string{
		"callback_url": "Parley POSTs replies here, signed with the inbox's callback secret; a public http(s) URL. Empty: replies are stored only.",
	}},
}

// ChannelConfigKeys returns the config keys the document lists for each
// channel, for tests.
func ChannelConfigKeys() map[string][]string {
	out := map[string][]string{}
	for _, c := range channelConfigs {
		for k := range c.props {
			out[c.channel] = append(out[c.channel], k)
		}
		sort.Strings(out[c.channel])
	}
	return out
}

// document finishes huma's document (raw JSON) for readers.
func document(raw []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	paths, _ := doc["paths"].(map[string]any)
	rename := map[string]string{}
	name := func(s any, as string) {
		m, _ := s.(map[string]any)
		ref, _ := m["$ref"].(string)
		old := strings.TrimPrefix(ref, schemaRef)
		if old == ref || !generatedName(old) || rename[old] != "" {
			return
		}
		if _, taken := schemas[as]; taken {
			return
		}
		rename[old] = as
		schemas[as] = schemas[old]
		delete(schemas, old)
	}
	var pathKeys []string
	for p := range paths {
		pathKeys = append(pathKeys, p)
	}
	sort.Strings(pathKeys) // the same names on every run
	for _, p := range pathKeys {
		ops, _ := paths[p].(map[string]any)
		for _, method := range []string{"get", "put", "post", "patch", "delete"} {
			o, _ := ops[method].(map[string]any)
			if o == nil {
				continue
			}
			id, _ := o["operationId"].(string)
			if d, _ := o["description"].(string); d == "" && opDescriptions[id] != "" {
				o["description"] = opDescriptions[id]
			}
			if rb, ok := o["requestBody"].(map[string]any); ok {
				for _, c := range asMap(rb["content"]) {
					name(asMap(c)["schema"], pascal(id)+"Request")
				}
			}
			for status, r := range asMap(o["responses"]) {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				for _, c := range asMap(asMap(r)["content"]) {
					name(asMap(c)["schema"], pascal(id)+"Response")
				}
			}
		}
	}
	rewriteRefs(doc, rename)
	addChannelConfigs(schemas)
	return json.Marshal(doc)
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// rewriteRefs points every $ref at the renamed schemas.
func rewriteRefs(v any, rename map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok {
			if n := rename[strings.TrimPrefix(ref, schemaRef)]; n != "" && strings.HasPrefix(ref, schemaRef) {
				t["$ref"] = schemaRef + n
			}
		}
		for _, x := range t {
			rewriteRefs(x, rename)
		}
	case []any:
		for _, x := range t {
			rewriteRefs(x, rename)
		}
	}
}

// addChannelConfigs adds a schema per channel's inbox config and makes
// createInbox's config their oneOf.
func addChannelConfigs(schemas map[string]any) {
	var oneOf []any
	for _, c := range channelConfigs {
		props := map[string]any{}
		for k, d := range c.props {
			props[k] = map[string]any{"type": "string", "description": d}
		}
		s := map[string]any{
			"type": "object", "title": c.title, "properties": props, "additionalProperties": false,
			"description": "The settings of an inbox whose channel is " + c.channel + ".",
		}
		if len(c.required) > 0 {
			s["required"] = c.required
		}
		schemas[c.name] = s
		oneOf = append(oneOf, map[string]any{"$ref": schemaRef + c.name})
	}
	create := asMap(schemas["CreateInboxRequest"])
	props := asMap(create["properties"])
	cfg := asMap(props["config"])
	if cfg == nil {
		return
	}
	props["config"] = map[string]any{
		"description": "The channel's settings: the schema named after the inbox's channel (secrets are write-only).",
		"oneOf":       oneOf,
	}
}

// openAPIHandler serves the finished document, built once on first use
// (after every route is registered).
func (s *Server) openAPIHandler() http.HandlerFunc {
	var once sync.Once
	var body []byte
	var err error
	return func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { body, err = s.OpenAPI() })
		if err != nil {
			writeProblem(w, http.StatusInternalServerError, "The API description could not be built.")
			return
		}
		w.Header().Set("Content-Type", "application/openapi+json")
		w.Write(body)
	}
}

// OpenAPI returns the API's OpenAPI 3.1 document (JSON), as served at
// /api/v1/openapi.json.
func (s *Server) OpenAPI() ([]byte, error) {
	raw, err := json.Marshal(s.api.OpenAPI())
	if err != nil {
		return nil, err
	}
	return document(raw)
}

// Document returns the OpenAPI document of every route, as a server with
// all its parts serves it, without a database or a public URL (no servers
// entry): `parley openapi` prints it and the web app's types are generated
// from it.
func Document() ([]byte, error) {
	// Services whose routes register only when present are given as zero
	// values: nothing is called while the document is built.
	s := New(Deps{Invites: new(invite.Service), Notifications: new(notify.Service), AI: new(ai.Service), Hours: new(hours.Service)})
	return s.OpenAPI()
}
