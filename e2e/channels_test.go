package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// publicURL is the URL providers are told to call: a proxy in front of
// the node, as in production. Signatures over the URL use it; requests go
// to the node's own address.
const publicURL = "https://parley.test"

// Meta app-wide settings of the channel nodes.
const (
	metaAppSecret   = "meta-app-secret"
	metaVerifyToken = "meta-verify-token"
)

// fakes are the loopback provider APIs a channel node talks to.
type fakes struct {
	twilio   *channeltest.Twilio
	graph    *channeltest.Graph
	telegram *channeltest.Telegram
}

// eachChannelEngine runs fn against a node wired to provider fakes, on
// SQLite and on PostgreSQL. It skips while the channels are not wired into
// the app (the webhook routes answer the API's generic 404).
func eachChannelEngine(t *testing.T, fn func(t *testing.T, n *node, f *fakes)) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			f := &fakes{twilio: channeltest.NewTwilio(t), graph: channeltest.NewGraph(t), telegram: channeltest.NewTelegram(t)}
			// The business's tokens own its number and page.
			f.graph.OwnPhone(pnid, waToken)
			f.graph.OwnPage(pageID, pageToken)
			o := nodeOptions{configure: func(c *config.Config) {
				c.PublicURL = publicURL
				c.TwilioAPIURL, c.MetaGraphURL, c.TelegramAPIURL = f.twilio.URL, f.graph.BaseURL(), f.telegram.URL
				c.MetaAppSecret, c.MetaVerifyToken = metaAppSecret, metaVerifyToken
			}}
			if e == storetest.Postgres {
				o.databaseURL = storetest.Schema(t)
			}
			n := start(t, o)
			if r := n.webhook("POST", "/webhooks/telegram/00000000-0000-7000-8000-000000000000", nil, nil); !strings.Contains(string(r.body), "No such inbox") {
				t.Skip("the messaging channels are not wired into the app yet")
			}
			fn(t, n, f)
		})
	}
}

// webhook sends a provider's request to the node: the path of the public
// URL, on the node's address, with the given headers and body.
func (n *node) webhook(method, path string, header http.Header, body []byte) response {
	n.t.Helper()
	req, err := http.NewRequest(method, n.base+path, bytes.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// signed replays a request built by a channeltest signer against the node.
func (n *node) signed(req *http.Request, body []byte) response {
	n.t.Helper()
	path := req.URL.Path
	if req.URL.RawQuery != "" {
		path += "?" + req.URL.RawQuery
	}
	return n.webhook(req.Method, path, req.Header, body)
}

// inbox creates an inbox of a channel and returns its JSON.
func (n *node) createInbox(s session, name, channel string, cfg map[string]string, extra ...any) map[string]any {
	n.t.Helper()
	b := map[string]any{"name": name, "channel": channel, "config": cfg}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return n.must(201, "POST", s.ws("/inboxes"), s.token, b).m(n.t)
}

// messages lists a conversation's messages.
func (n *node) messages(s session, cid string) []map[string]any {
	n.t.Helper()
	var out struct {
		Items []map[string]any `json:"items"`
	}
	n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).json(n.t, &out)
	return out.Items
}

// conversations lists the workspace's conversations.
func (n *node) conversations(s session) []map[string]any {
	n.t.Helper()
	var out struct {
		Items []map[string]any `json:"items"`
	}
	n.must(200, "GET", s.ws("/conversations"), s.token, nil).json(n.t, &out)
	return out.Items
}

// awaitMessage reads events until message.updated (or created) carries
// message id with status, and returns it.
func (w *wsClient) awaitMessage(id, status string) map[string]any {
	w.t.Helper()
	for {
		f := w.next("message.updated")
		var m map[string]any
		json.Unmarshal(f.Data, &m)
		if m["id"] == id && m["status"] == status {
			return m
		}
	}
}

// awaitCreated reads message.created events until one on inbox arrives.
func (w *wsClient) awaitCreated(inboxID string) map[string]any {
	w.t.Helper()
	for {
		f := w.next("message.created")
		var m map[string]any
		json.Unmarshal(f.Data, &m)
		if m["inbox_id"] == inboxID && m["direction"] == "out" {
			return m
		}
	}
}

const (
	twilioSID   = "AC0123456789abcdef0123456789abcdef"
	twilioToken = "f00dfeedf00dfeedf00dfeedf00dfeed"
)

func TestChannels_TwilioLoop(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		f.twilio.AuthTokens = map[string]string{twilioSID: twilioToken}
		in := n.createInbox(s, "SMS", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": twilioToken, "phone_number": "+1 415 555 0100"})
		if got := fmt.Sprint(in["secrets_set"]); got != "[auth_token]" || strings.Contains(fmt.Sprint(in), twilioToken) {
			t.Errorf("inbox secrets_set = %s (and the token must never be returned): %v", got, in)
		}
		iid := in["id"].(string)
		cfg := in["config"].(map[string]any)
		if cfg["webhook_url"] != publicURL+"/webhooks/twilio/"+iid || cfg["phone_number"] != "+14155550100" {
			t.Errorf("created config = %v, want the webhook URL and the number in E.164", cfg)
		}
		if strings.Contains(fmt.Sprint(in), twilioToken) {
			t.Errorf("the create response shows the auth token")
		}
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")

		// Inbound: verified over the public URL, stored once, answered with TwiML.
		hook := publicURL + "/webhooks/twilio/" + iid
		form := url.Values{"MessageSid": {"SM00000000000000000000000000000001"}, "AccountSid": {twilioSID}, "From": {"+14155550123"},
			"To": {"+14155550100"}, "Body": {"Where is my order?"}, "NumMedia": {"0"}}
		r := n.signed(channeltest.TwilioWebhook(hook, twilioToken, form))
		if r.status != 200 || !strings.Contains(string(r.body), "<Response>") {
			t.Fatalf("inbound webhook = %d %s, want 200 with empty TwiML", r.status, r.body)
		}
		convs := n.conversations(s)
		if len(convs) != 1 {
			t.Fatalf("%d conversations, want 1", len(convs))
		}
		cid := convs[0]["id"].(string)
		contact := n.must(200, "GET", s.ws("/contacts/"+convs[0]["contact"].(map[string]any)["id"].(string)), s.token, nil).m(t)
		if contact["phone"] != "+14155550123" {
			t.Errorf("contact phone = %v, want +14155550123", contact["phone"])
		}

		// Reply: queued, sent by the outbox through the fake, with a status callback.
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "On its way!"}).m(t)
		mid := reply["id"].(string)
		if reply["status"] != "queued" {
			t.Errorf("reply status = %v, want queued", reply["status"])
		}
		sent := ws.awaitMessage(mid, "sent")
		msgs := f.twilio.Sent()
		if len(msgs) != 1 || msgs[0].Body != "On its way!" || msgs[0].To != "+14155550123" || msgs[0].From != "+14155550100" {
			t.Fatalf("Twilio received %+v, want one message to +14155550123", msgs)
		}
		if msgs[0].StatusCallback != hook+"/status" {
			t.Errorf("StatusCallback = %q, want %q", msgs[0].StatusCallback, hook+"/status")
		}
		if sent["provider_message_id"] != msgs[0].SID {
			t.Errorf("provider id = %v, want %s", sent["provider_message_id"], msgs[0].SID)
		}

		// Status callbacks: forward only; unknown ids accepted.
		status := func(sid, st string, extra ...string) response {
			form := url.Values{"MessageSid": {sid}, "MessageStatus": {st}, "AccountSid": {twilioSID}}
			for i := 0; i+1 < len(extra); i += 2 {
				form.Set(extra[i], extra[i+1])
			}
			return n.signed(channeltest.TwilioWebhook(hook+"/status", twilioToken, form))
		}
		if r := status(msgs[0].SID, "read"); r.status != 200 {
			t.Fatalf("status callback = %d %s", r.status, r.body)
		}
		ws.awaitMessage(mid, "read")
		// "delivered" arrives late, after "read", and is not in the history
		// yet: only the never-backwards rule keeps the status at read.
		if r := status(msgs[0].SID, "delivered"); r.status != 200 {
			t.Fatalf("late status callback = %d", r.status)
		}
		if r := status("SMffffffffffffffffffffffffffffffff", "delivered"); r.status != 200 {
			t.Errorf("status of an unknown message = %d, want 200 (accepted, ignored)", r.status)
		}
		last := n.messages(s, cid)[1]
		var history []string
		for _, h := range last["status_history"].([]any) {
			history = append(history, h.(map[string]any)["status"].(string))
		}
		if !slices.Contains(history, "delivered") {
			t.Fatalf("status history = %v, want the late 'delivered' recorded", history)
		}
		if last["status"] != "read" {
			t.Errorf("after a late 'delivered', status = %v, want read (never backwards)", last["status"])
		}

		// Refusals: nothing stored, counted.
		bad, body := channeltest.TwilioWebhook(hook, "wrong-token", url.Values{"MessageSid": {"SM2"}, "From": {"+14155550123"}, "Body": {"x"}})
		if r := n.signed(bad, body); r.status != 401 {
			t.Errorf("bad signature = %d, want 401", r.status)
		}
		if r := n.webhook("POST", "/webhooks/twilio/"+iid, http.Header{"X-Twilio-Signature": {"x"}, "Content-Type": {"application/x-www-form-urlencoded"}}, []byte("%zz")); r.status != 400 {
			t.Errorf("malformed body = %d, want 400", r.status)
		}
		if r := n.signed(channeltest.TwilioWebhook(publicURL+"/webhooks/twilio/"+s.inbox, twilioToken, form)); r.status != 404 {
			t.Errorf("webhook for an API inbox = %d, want 404", r.status)
		}
		if got := len(n.messages(s, cid)); got != 2 {
			t.Errorf("thread has %d messages after refused webhooks, want 2", got)
		}
		h := n.must(200, "GET", s.ws("/inboxes/"+iid+"/health"), s.token, nil).m(t)
		if h["rejected_signature"] != 1.0 || h["rejected_malformed"] != 1.0 || h["last_inbound_at"] == nil || h["last_sent_at"] == nil {
			t.Errorf("health = %v, want 1 bad signature, 1 malformed, last inbound and last send set", h)
		}
	})
}

const (
	pnid       = "106540352242922"
	waToken    = "wa-access-token"
	waSecret   = "wa-app-secret"
	waCustomer = "14155550123"
)

// waText is a WhatsApp webhook with one text message.
func waText(id, from, text string, at time.Time) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
	"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":%q},
	"contacts":[{"profile":{"name":"Kim"},"wa_id":%q}],
	"messages":[{"from":%q,"id":%q,"timestamp":%q,"type":"text","text":{"body":%q}}]}}]}]}`,
		pnid, from, from, id, strconv.FormatInt(at.Unix(), 10), text))
}

func TestChannels_TwentyConcurrentDuplicatesMakeOneMessage(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		in := n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken, "app_secret": waSecret})
		hook := publicURL + "/webhooks/whatsapp/" + in["id"].(string)
		body := waText("wamid.dup", waCustomer, "hello", time.Now())
		statuses := make([]int, 20)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() { statuses[i] = n.signed(channeltest.MetaWebhook(hook, waSecret, body)).status })
		}
		wg.Wait()
		for i, st := range statuses {
			if st != 200 {
				t.Errorf("request %d = %d, want 200", i, st)
			}
		}
		convs := n.conversations(s)
		if len(convs) != 1 {
			t.Fatalf("%d conversations, want 1", len(convs))
		}
		if msgs := n.messages(s, convs[0]["id"].(string)); len(msgs) != 1 {
			t.Errorf("20 identical webhooks stored %d messages, want 1", len(msgs))
		}
	})
}

func TestChannels_WhatsAppWindowTemplatesAndRouting(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		f.graph.Templates = []channeltest.GraphTemplate{
			{Name: "order_update", Language: "en_US", Status: "APPROVED", Category: "UTILITY", ID: "1",
				Components: []map[string]any{{"type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped."}}},
			{Name: "hello", Language: "en_US", Status: "APPROVED", Category: "MARKETING", ID: "2",
				Components: []map[string]any{{"type": "BODY", "text": "Hello!"}}},
			{Name: "draft", Language: "en_US", Status: "PENDING", Category: "MARKETING", ID: "3"},
		}
		in := n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "waba_id": "1234", "access_token": waToken})
		iid := in["id"].(string)
		cfg := in["config"].(map[string]any)
		verify, _ := cfg["verify_token"].(string)
		if verify == "" || cfg["webhook_url"] != publicURL+"/webhooks/whatsapp/"+iid {
			t.Fatalf("config = %v, want a generated verify_token and the webhook URL", cfg)
		}
		if strings.Contains(fmt.Sprint(in), waToken) {
			t.Errorf("the create response shows the access token")
		}
		// Meta's subscription check, per inbox and app-wide.
		if r := n.signed(channeltest.MetaVerify(publicURL+"/webhooks/whatsapp/"+iid, verify, "ch-1"), nil); r.status != 200 || string(r.body) != "ch-1" {
			t.Errorf("verify = %d %q, want 200 ch-1", r.status, r.body)
		}
		if r := n.signed(channeltest.MetaVerify(publicURL+"/webhooks/whatsapp/"+iid, "wrong", "ch-1"), nil); r.status != 403 {
			t.Errorf("verify with a wrong token = %d, want 403", r.status)
		}
		if r := n.signed(channeltest.MetaVerify(publicURL+"/webhooks/whatsapp", metaVerifyToken, "ch-2"), nil); r.status != 200 || string(r.body) != "ch-2" {
			t.Errorf("app-wide verify = %d %q", r.status, r.body)
		}
		// A message 25 hours old (by its own timestamp), through the
		// app-wide URL, routed by phone_number_id and signed with the app
		// secret (the inbox has none of its own).
		old := time.Now().Add(-25 * time.Hour)
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp", metaAppSecret, waText("wamid.old", waCustomer, "hi", old))); r.status != 200 {
			t.Fatalf("app-wide webhook = %d %s", r.status, r.body)
		}
		convs := n.conversations(s)
		if len(convs) != 1 {
			t.Fatalf("%d conversations, want 1", len(convs))
		}
		cid := convs[0]["id"].(string)
		msgs := n.messages(s, cid)
		if ts, _ := time.Parse(time.RFC3339Nano, msgs[0]["created_at"].(string)); ts.Unix() != old.Unix() {
			t.Errorf("message created_at = %v, want the provider's timestamp %v", msgs[0]["created_at"], old.UTC())
		}
		r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Sorry for the wait"})
		if r.status != 422 || !strings.Contains(string(r.body), "template") {
			t.Errorf("free-form reply outside 24 h = %d %s, want 422 naming the template requirement", r.status, r.body)
		}
		// Templates: fetched, cached, offered with their variables; sent.
		var tpls struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/inboxes/"+iid+"/templates"), s.token, nil).json(t, &tpls)
		if len(tpls.Items) != 3 || tpls.Items[0]["name"] != "order_update" || tpls.Items[0]["variables"] != 2.0 {
			t.Fatalf("templates = %v, want 3 with order_update taking 2 variables", tpls.Items)
		}
		n.must(200, "POST", s.ws("/inboxes/"+iid+"/templates/refresh"), s.token, nil)
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages/template"), s.token, map[string]any{"name": "order_update", "parameters": []string{"Kim"}}); r.status != 422 {
			t.Errorf("template with 1 of 2 parameters = %d, want 422", r.status)
		}
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")
		tm := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages/template"), s.token,
			map[string]any{"name": "order_update", "language": "en_US", "parameters": []string{"Kim", "#42"}}).m(t)
		if tm["content"] != "Hi Kim, your order #42 has shipped." {
			t.Errorf("template message content = %v", tm["content"])
		}
		ws.awaitMessage(tm["id"].(string), "sent")
		sent := f.graph.Sent()
		if len(sent) != 1 || sent[0].Body["type"] != "template" || sent[0].Body["to"] != waCustomer {
			t.Fatalf("Graph received %+v, want one template to %s", sent, waCustomer)
		}
		// A fresh message reopens the window; the reply goes out as text.
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp/"+iid, metaAppSecret, waText("wamid.new", waCustomer, "thanks!", time.Now().Add(-time.Minute)))); r.status != 200 {
			t.Fatalf("webhook = %d %s", r.status, r.body)
		}
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "You're welcome"}).m(t)
		ws.awaitMessage(reply["id"].(string), "sent")
		sent = f.graph.Sent()
		if len(sent) != 2 || sent[1].Body["type"] != "text" {
			t.Fatalf("Graph received %d requests (last %v), want a text reply", len(sent), sent[len(sent)-1].Body)
		}
		// Status webhook: delivered then read, as message.updated.
		wamid := sent[1].ID
		st := fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
			"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},
			"statuses":[{"id":%q,"status":"read","timestamp":%q,"recipient_id":%q}]}}]}]}`, pnid, wamid, strconv.FormatInt(time.Now().Unix(), 10), waCustomer)
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp", metaAppSecret, []byte(st))); r.status != 200 {
			t.Fatalf("status webhook = %d %s", r.status, r.body)
		}
		ws.awaitMessage(reply["id"].(string), "read")
		// Unknown phone number id: 404; bad signature: 401.
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp", metaAppSecret, bytes.ReplaceAll(waText("wamid.x", waCustomer, "x", time.Now()), []byte(pnid), []byte("999")))); r.status != 404 {
			t.Errorf("app-wide webhook for an unknown number = %d, want 404", r.status)
		}
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp/"+iid, "wrong", waText("wamid.y", waCustomer, "x", time.Now()))); r.status != 401 {
			t.Errorf("bad signature = %d, want 401", r.status)
		}
	})
}

const (
	pageID    = "123456789012345"
	pageToken = "page-access-token"
	psid      = "6789012345678901"
)

func msgrText(mid, text string, at time.Time) []byte {
	return []byte(fmt.Sprintf(`{"object":"page","entry":[{"id":%q,"time":%d,"messaging":[{"sender":{"id":%q},"recipient":{"id":%q},
		"timestamp":%d,"message":{"mid":%q,"text":%q}}]}]}`, pageID, at.UnixMilli(), psid, pageID, at.UnixMilli(), mid, text))
}

func TestChannels_MessengerWatermarksAndHumanAgentTag(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		in := n.createInbox(s, "Page", "messenger", map[string]string{"page_id": pageID, "page_access_token": pageToken})
		iid := in["id"].(string)
		hook := publicURL + "/webhooks/messenger/" + iid
		// 30 hours ago: a human agent may answer, tagged.
		if r := n.signed(channeltest.MetaWebhook(hook, metaAppSecret, msgrText("m_old", "hello?", time.Now().Add(-30*time.Hour)))); r.status != 200 {
			t.Fatalf("webhook = %d %s", r.status, r.body)
		}
		cid := n.conversations(s)[0]["id"].(string)
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Here now"}).m(t)
		mid := reply["id"].(string)
		ws.awaitMessage(mid, "sent")
		sent := f.graph.Sent()
		if len(sent) != 1 || sent[0].Body["tag"] != "HUMAN_AGENT" || sent[0].Body["messaging_type"] != "MESSAGE_TAG" {
			t.Fatalf("Graph received %+v, want one HUMAN_AGENT-tagged message", sent)
		}
		// Watermarks: delivery, then read, through the app-wide URL.
		wm := func(kind string) []byte {
			return []byte(fmt.Sprintf(`{"object":"page","entry":[{"id":%q,"time":1,"messaging":[{"sender":{"id":%q},"recipient":{"id":%q},
				"timestamp":%d,"%s":{"watermark":%d}}]}]}`, pageID, psid, pageID, time.Now().UnixMilli(), kind, time.Now().Add(time.Minute).UnixMilli()))
		}
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/messenger", metaAppSecret, wm("delivery"))); r.status != 200 {
			t.Fatalf("delivery watermark = %d %s", r.status, r.body)
		}
		ws.awaitMessage(mid, "delivered")
		if r := n.signed(channeltest.MetaWebhook(hook, metaAppSecret, wm("read"))); r.status != 200 {
			t.Fatalf("read watermark = %d %s", r.status, r.body)
		}
		ws.awaitMessage(mid, "read")
	})
}

func TestChannels_MessengerRefusesAfterSevenDays(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		in := n.createInbox(s, "Page", "messenger", map[string]string{"page_id": pageID, "page_access_token": pageToken, "app_secret": "own-secret"})
		hook := publicURL + "/webhooks/messenger/" + in["id"].(string)
		if r := n.signed(channeltest.MetaWebhook(hook, "own-secret", msgrText("m_8d", "hello?", time.Now().Add(-8*24*time.Hour)))); r.status != 200 {
			t.Fatalf("webhook = %d %s", r.status, r.body)
		}
		cid := n.conversations(s)[0]["id"].(string)
		r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Hi"})
		if r.status != 422 || !strings.Contains(string(r.body), "7 days") {
			t.Errorf("reply after 8 days = %d %s, want 422 about the 7-day limit", r.status, r.body)
		}
	})
}

const botToken = "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

func TestChannels_TelegramRegistersAndReceives(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		in := n.createInbox(s, "Bot", "telegram", map[string]string{"bot_token": botToken})
		iid := in["id"].(string)
		if strings.Contains(fmt.Sprint(in), botToken) {
			t.Errorf("the create response shows the bot token")
		}
		calls := f.telegram.Calls()
		if len(calls) != 1 || calls[0].Method != "setWebhook" || calls[0].Params["url"] != publicURL+"/webhooks/telegram/"+iid || calls[0].Params["secret_token"] == "" {
			t.Fatalf("Telegram calls = %+v, want one setWebhook to the inbox's URL with a secret token", calls)
		}
		secret := calls[0].Params["secret_token"]
		update := []byte(`{"update_id":1,"message":{"message_id":7,"date":` + strconv.FormatInt(time.Now().Unix(), 10) +
			`,"chat":{"id":42,"type":"private","first_name":"Ann"},"from":{"id":42,"is_bot":false,"first_name":"Ann"},"text":"hi bot"}}`)
		hook := publicURL + "/webhooks/telegram/" + iid
		if r := n.signed(channeltest.TelegramWebhook(hook, "wrong", update)); r.status != 401 {
			t.Errorf("wrong secret token = %d, want 401", r.status)
		}
		if r := n.signed(channeltest.TelegramWebhook(hook, secret, []byte(`{"update_id":`))); r.status != 400 {
			t.Errorf("malformed update = %d, want 400", r.status)
		}
		if r := n.signed(channeltest.TelegramWebhook(hook, secret, update)); r.status != 200 {
			t.Fatalf("update = %d %s", r.status, r.body)
		}
		cid := n.conversations(s)[0]["id"].(string)
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "hello Ann"}).m(t)
		ws.awaitMessage(reply["id"].(string), "sent")
		calls = f.telegram.Calls()
		if last := calls[len(calls)-1]; last.Method != "sendMessage" || last.Params["chat_id"] != "42" || last.Params["text"] != "hello Ann" {
			t.Errorf("last Telegram call = %+v, want sendMessage to 42", last)
		}
		test := n.must(200, "POST", s.ws("/inboxes/"+iid+"/test"), s.token, nil).m(t)
		if test["ok"] != true {
			t.Errorf("test call = %v, want ok", test)
		}
		// A bad token is refused at creation and nothing is kept.
		f.telegram.Token = botToken
		r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Other", "channel": "telegram", "config": map[string]string{"bot_token": "7000002:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"}})
		if r.status != 422 {
			t.Errorf("inbox with a refused bot token = %d %s, want 422", r.status, r.body)
		}
	})
}

func TestChannels_ResendThroughAnotherChannelAndFallback(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		sms := n.createInbox(s, "SMS", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": twilioToken, "phone_number": "+14155550100"})
		wa := n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken, "app_secret": waSecret})
		waID, smsID := wa["id"].(string), sms["id"].(string)
		if r := n.signed(channeltest.MetaWebhook(publicURL+"/webhooks/whatsapp/"+waID, waSecret, waText("wamid.1", waCustomer, "help", time.Now()))); r.status != 200 {
			t.Fatalf("webhook = %d %s", r.status, r.body)
		}
		cid := n.conversations(s)[0]["id"].(string)
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")
		// WhatsApp refuses for good; the agent resends by SMS in one action.
		f.graph.FailNext(channeltest.Failure{Status: 400, Code: 131026, Message: "Message undeliverable"})
		m := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Your code is 1234"}).m(t)
		failed := ws.awaitMessage(m["id"].(string), "failed")
		if !strings.Contains(fmt.Sprint(failed["error"]), "undeliverable") {
			t.Errorf("failed error = %v, want the provider's reason", failed["error"])
		}
		res := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages/"+m["id"].(string)+"/resend"), s.token, map[string]any{"inbox_id": smsID}).m(t)
		nm := res["message"].(map[string]any)
		if res["resend_of"] != m["id"] || nm["inbox_id"] != smsID || nm["content"] != "Your code is 1234" {
			t.Fatalf("resend = %v, want a new SMS message linked to the failed one", res)
		}
		ws.awaitMessage(nm["id"].(string), "sent")
		if sent := f.twilio.Sent(); len(sent) != 1 || sent[0].To != "+"+waCustomer {
			t.Fatalf("Twilio received %+v, want the resend to +%s", sent, waCustomer)
		}
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages/"+m["id"].(string)+"/resend"), s.token, map[string]any{"inbox_id": smsID}); r.status != 409 {
			t.Errorf("second resend = %d, want 409", r.status)
		}
		// With a fallback inbox, a permanent failure resends by itself.
		n.must(200, "PATCH", s.ws("/inboxes/"+waID), s.token, map[string]any{"fallback_inbox_id": smsID})
		f.graph.FailNext(channeltest.Failure{Status: 400, Code: 131026, Message: "Message undeliverable"})
		m2 := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Second try"}).m(t)
		ws.awaitMessage(m2["id"].(string), "failed")
		auto := ws.awaitCreated(smsID)
		if auto["content"] != "Second try" {
			t.Errorf("fallback message = %v", auto)
		}
		ws.awaitMessage(auto["id"].(string), "sent")
	})
}

func TestChannels_FailureRunAlertsAdmins(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		tg := n.createInbox(s, "Bot", "telegram", map[string]string{"bot_token": botToken})
		iid := tg["id"].(string)
		secret := f.telegram.Calls()[0].Params["secret_token"]
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")
		var cid string
		for i := range 5 {
			update := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":42,"type":"private"},"text":"ping"}}`, i+1, i+1, time.Now().Unix())
			if r := n.signed(channeltest.TelegramWebhook(publicURL+"/webhooks/telegram/"+iid, secret, []byte(update))); r.status != 200 {
				t.Fatalf("update = %d %s", r.status, r.body)
			}
			if cid == "" {
				cid = n.conversations(s)[0]["id"].(string)
			}
			f.telegram.FailNext(channeltest.Failure{Status: 403, Message: "Forbidden: bot was blocked by the user"})
			m := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "pong"}).m(t)
			ws.awaitMessage(m["id"].(string), "failed")
		}
		// The alert may come before the last failure's event: replay all.
		// (The new conversation notified the admin first.)
		replay := n.dial(t, s, s.token, "0")
		var d map[string]any
		for d["type"] != "channel_failing" {
			d = nil
			json.Unmarshal(replay.next("notification.created").Data, &d)
		}
		if d["user_id"] != s.userID || d["inbox_id"] != iid {
			t.Errorf("notification = %v, want one for the admin about the inbox", d)
		}
		h := n.must(200, "GET", s.ws("/inboxes/"+iid+"/health"), s.token, nil).m(t)
		if h["consecutive_failures"] != 5.0 || !strings.Contains(fmt.Sprint(h["last_error"]), "blocked") || h["alerted_at"] == nil {
			t.Errorf("health = %v, want 5 failures, the last error and the alert time", h)
		}
	})
}

func TestChannels_InboundMediaIsFetchedTypedAndStored(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		in := n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken, "app_secret": waSecret})
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		f.graph.AddMedia("media-1", "application/octet-stream", png)                        // typed by content, not by what was declared
		f.graph.AddMedia("media-2", "image/jpeg", []byte("MZ\x90\x00 not an image at all")) // refused: an executable
		body := func(id, media string) []byte {
			return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
			"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},"contacts":[{"profile":{"name":"Kim"},"wa_id":%q}],
			"messages":[{"from":%q,"id":%q,"timestamp":%q,"type":"image","image":{"id":%q,"mime_type":"image/jpeg","caption":"my receipt"}}]}}]}]}`,
				pnid, waCustomer, waCustomer, id, strconv.FormatInt(time.Now().Unix(), 10), media))
		}
		hook := publicURL + "/webhooks/whatsapp/" + in["id"].(string)
		for _, m := range [][2]string{{"wamid.img", "media-1"}, {"wamid.exe", "media-2"}} {
			if r := n.signed(channeltest.MetaWebhook(hook, waSecret, body(m[0], m[1]))); r.status != 200 {
				t.Fatalf("webhook = %d %s", r.status, r.body)
			}
		}
		msgs := n.messages(s, n.conversations(s)[0]["id"].(string))
		if len(msgs) != 2 {
			t.Fatalf("%d messages, want 2", len(msgs))
		}
		atts, _ := msgs[0]["attachments"].([]any)
		if len(atts) != 1 || atts[0].(map[string]any)["content_type"] != "image/png" || atts[0].(map[string]any)["size"] != float64(len(png)) {
			t.Errorf("attachments = %v, want one image/png of %d bytes", atts, len(png))
		}
		// The stored file is served to people who can see the conversation:
		// typed by content, inline only as an image, sandboxed.
		att := atts[0].(map[string]any)
		path := s.ws("/conversations/" + n.conversations(s)[0]["id"].(string) + "/messages/" + msgs[0]["id"].(string) + "/attachments/" + att["id"].(string))
		r := n.do("GET", path, s.token, nil)
		if r.status != 200 || !bytes.Equal(r.body, png) || r.header.Get("Content-Type") != "image/png" ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "inline") || !strings.Contains(r.header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("GET attachment = %d %q %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.header.Get("Content-Security-Policy"))
		}
		if r := n.do("GET", path, "", nil); r.status != 401 {
			t.Errorf("GET attachment without a session = %d, want 401", r.status)
		}
		if msgs[0]["content"] != "my receipt" {
			t.Errorf("content = %v, want the caption", msgs[0]["content"])
		}
		if a, _ := msgs[1]["attachments"].([]any); len(a) != 0 || !strings.Contains(fmt.Sprint(msgs[1]["content"]), "could not be fetched") {
			t.Errorf("refused file: attachments %v content %q, want none and a note", a, msgs[1]["content"])
		}
	})
}

func TestChannels_InboxConfigIsChecked(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken})
		for _, tc := range []struct {
			name    string
			channel string
			cfg     map[string]string
			want    int
		}{
			{"an unknown key", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": "x", "phone_number": "+14155550100", "colour": "red"}, 422},
			{"a missing auth token", "twilio_sms", map[string]string{"account_sid": twilioSID, "phone_number": "+14155550100"}, 422},
			{"an auth token Twilio would refuse", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": "not a token!", "phone_number": "+14155550100"}, 422},
			{"a malformed account SID", "twilio_sms", map[string]string{"account_sid": "nope", "auth_token": "x", "phone_number": "+14155550100"}, 422},
			{"a phone number that is not one", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": "x", "phone_number": "call me"}, 422},
			{"a phone number id its token cannot read", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": "y"}, 422},
			{"a phone number id another inbox uses", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken}, 409},
			{"a page without its token", "messenger", map[string]string{"page_id": pageID}, 422},
			{"a webhook URL set by hand", "messenger", map[string]string{"page_id": pageID, "page_access_token": "t", "webhook_url": "https://evil.example"}, 422},
			{"a malformed bot token", "telegram", map[string]string{"bot_token": "nope"}, 422},
		} {
			r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": tc.name, "channel": tc.channel, "config": tc.cfg})
			if r.status != tc.want {
				t.Errorf("%s: create = %d %s, want %d", tc.name, r.status, r.body, tc.want)
			}
		}
	})
}
