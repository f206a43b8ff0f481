package e2e

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// nul is a JSON string escape of U+0000, which PostgreSQL's text cannot
// hold.
const nul = `\u0000`

// TestBadInput_NULIsRefusedOnTheAPIAndCleanedFromProviders: every API
// route that takes text answers a 422 naming the field (never a 500 on
// PostgreSQL), and every provider webhook stores the message without the
// NUL (a 500 would be retried forever).
func TestBadInput_NULIsRefusedOnTheAPIAndCleanedFromProviders(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "cust", "m1", "hello")
		var conv map[string]any
		for _, c := range n.conversations(s) {
			if c["id"] == cid {
				conv = c
			}
		}
		contactID := conv["contact"].(map[string]any)["id"].(string)
		msgs := n.messages(s, cid)
		mid := msgs[0]["id"].(string)
		team := n.must(201, "POST", s.ws("/teams"), s.token, map[string]any{"name": "Team"}).m(t)["id"].(string)
		ws := "/api/v1" + s.ws("")
		for _, tc := range []struct {
			name, method, path, body, field string
		}{
			{"sign-in email", "POST", "/api/v1/auth/login", `{"email":"ada` + nul + `@example.com","password":"correct horse"}`, "body.email"},
			{"sign-in password", "POST", "/api/v1/auth/login", `{"email":"ada@example.com","password":"x` + nul + `"}`, "body.password"},
			{"set-up", "POST", "/api/v1/setup", `{"token":"t","workspace_name":"W` + nul + `","name":"n","email":"e@example.com","password":"correct horse"}`, "body.workspace_name"},
			{"profile name", "PATCH", "/api/v1/me", `{"name":"Ada` + nul + `"}`, "body.name"},
			{"password change", "POST", "/api/v1/me/password", `{"current_password":"correct horse","new_password":"new` + nul + `password"}`, "body.new_password"},
			{"API token name", "POST", "/api/v1/tokens", `{"name":"ci` + nul + `"}`, "body.name"},
			{"workspace name", "PATCH", ws, `{"name":"Acme` + nul + `"}`, "body.name"},
			{"invite", "POST", ws + "/users", `{"email":"bo@example.com","name":"B` + nul + `o","password":"password123","role":"agent"}`, "body.name"},
			{"team create", "POST", ws + "/teams", `{"name":"T` + nul + `"}`, "body.name"},
			{"team rename", "PATCH", ws + "/teams/" + team, `{"name":"T` + nul + `"}`, "body.name"},
			{"inbox create", "POST", ws + "/inboxes", `{"name":"I` + nul + `","channel":"api"}`, "body.name"},
			{"inbox config", "PATCH", ws + "/inboxes/" + s.inbox, `{"config":{"callback_url":"https://example.com/` + nul + `"}}`, "body.config.callback_url"},
			{"contact create", "POST", ws + "/contacts", `{"name":"C` + nul + `"}`, "body.name"},
			{"contact update", "PATCH", ws + "/contacts/" + contactID, `{"name":"C` + nul + `"}`, "body.name"},
			{"contact identity", "POST", ws + "/contacts/" + contactID + "/identities", `{"inbox_id":"` + s.inbox + `","source_id":"x` + nul + `"}`, "body.source_id"},
			{"reply", "POST", ws + "/conversations/" + cid + "/messages", `{"content":"hi` + nul + `"}`, "body.content"},
			{"note", "POST", ws + "/conversations/" + cid + "/messages", `{"content":"note` + nul + `","private":true}`, "body.content"},
			{"template send", "POST", ws + "/conversations/" + cid + "/messages/template", `{"name":"hello","language":"en","parameters":["a","b` + nul + `"]}`, "body.parameters[1]"},
			{"conversation update", "PATCH", ws + "/conversations/" + cid, `{"status":"open` + nul + `"}`, "body.status"},
			{"inbound API channel content", "POST", "/api/v1/inbound/" + s.inboundToken + "/messages", `{"contact":{"source_id":"c"},"source_message_id":"m9","content":"a` + nul + `b"}`, "body.content"},
			{"inbound API channel contact", "POST", "/api/v1/inbound/" + s.inboundToken + "/messages", `{"contact":{"source_id":"c","name":"B` + nul + `"},"source_message_id":"m9","content":"ab"}`, "body.contact.name"},
			{"search", "GET", ws + "/conversations?q=a%00b", "", "query.q"},
			{"retry on a message", "POST", ws + "/conversations/" + cid + "/messages/" + mid + "/retry", `{"reason":"` + nul + `"}`, "body.reason"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var body any
				if tc.body != "" {
					body = tc.body
				}
				r := n.do(tc.method, tc.path, s.token, body)
				if r.status != 422 || problemLocation(t, r) != tc.field {
					t.Errorf("%s %s = %d %s, want 422 at %s", tc.method, tc.path, r.status, r.body, tc.field)
				}
			})
		}
		if got := len(n.messages(s, cid)); got != 1 {
			t.Errorf("the conversation has %d messages after the refused ones, want 1", got)
		}

		// Provider webhooks: stored, without the NUL.
		stored := func(t *testing.T, want string) {
			t.Helper()
			for _, c := range n.conversations(s) {
				for _, m := range n.messages(s, c["id"].(string)) {
					if m["content"] == want {
						return
					}
				}
			}
			t.Errorf("no message %q stored", want)
		}
		t.Run("twilio", func(t *testing.T) {
			f.twilio.AuthTokens = map[string]string{twilioSID: twilioToken}
			in := n.createInbox(s, "SMS", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": twilioToken, "phone_number": "+14155550100"})
			form := url.Values{"MessageSid": {"SM0000000000000000000000000000nul1"}, "AccountSid": {twilioSID}, "From": {"+14155550123"},
				"To": {"+14155550100"}, "Body": {"sms\x00text"}, "NumMedia": {"0"}, "FromCity": {"SAN\x00FRANCISCO"}}
			for range 2 { // a retry is as welcome
				if r := n.signed(channeltest.TwilioWebhook(publicURL+"/webhooks/twilio/"+in["id"].(string), twilioToken, form)); r.status != 200 {
					t.Fatalf("twilio webhook = %d %s", r.status, r.body)
				}
			}
			stored(t, "smstext")
		})
		t.Run("whatsapp", func(t *testing.T) {
			in := n.createInbox(s, "WA", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken, "app_secret": waSecret})
			body := []byte(strings.Replace(string(waText("wamid.nul", waCustomer, "wa", time.Now())), `"body":"wa"`, `"body":"wa`+nul+`text"`, 1))
			body = []byte(strings.Replace(string(body), `"name":"Kim"`, `"name":"K`+nul+`im"`, 1))
			if !strings.Contains(string(body), nul+"text") {
				t.Fatal("the payload holds no NUL")
			}
			for _, hook := range []string{publicURL + "/webhooks/whatsapp/" + in["id"].(string)} {
				if r := n.signed(channeltest.MetaWebhook(hook, waSecret, body)); r.status != 200 {
					t.Fatalf("whatsapp webhook = %d %s", r.status, r.body)
				}
			}
			if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp", metaAppSecret, body)); r.status != 200 {
				t.Fatalf("app-wide whatsapp webhook = %d %s", r.status, r.body)
			}
			stored(t, "watext")
		})
		t.Run("messenger", func(t *testing.T) {
			n.createInbox(s, "Page", "messenger", map[string]string{"page_id": pageID, "page_access_token": pageToken})
			body := []byte(strings.Replace(string(msgrText("m_nul", "fb", time.Now())), `"text":"fb"`, `"text":"fb`+nul+`text"`, 1))
			if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/messenger", metaAppSecret, body)); r.status != 200 {
				t.Fatalf("messenger webhook = %d %s", r.status, r.body)
			}
			stored(t, "fbtext")
		})
		t.Run("telegram", func(t *testing.T) {
			in := n.createInbox(s, "Bot", "telegram", map[string]string{"bot_token": botToken})
			calls := f.telegram.Calls()
			secret := calls[len(calls)-1].Params["secret_token"]
			update := []byte(`{"update_id":9,"message":{"message_id":70,"date":` + strconv.FormatInt(time.Now().Unix(), 10) +
				`,"chat":{"id":43,"type":"private","first_name":"A` + nul + `nn"},"from":{"id":43,"is_bot":false,"first_name":"A` + nul + `nn"},"text":"tg` + nul + `text"}}`)
			if r := n.signed(channeltest.TelegramWebhook(publicURL+"/webhooks/telegram/"+in["id"].(string), secret, update)); r.status != 200 {
				t.Fatalf("telegram webhook = %d %s", r.status, r.body)
			}
			stored(t, "tgtext")
		})
	})
}
