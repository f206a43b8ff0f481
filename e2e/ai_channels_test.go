package e2e

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/channel/channeltest"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// offsetClock is the real clock moved by an offset the test sets: time
// still passes (versions and orderings stay distinct), and moving it
// forward closes reply windows.
type offsetClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off)
}

func (c *offsetClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// awaitAIStatus reads events until a message of conversation cid from
// sender kind has the status (created or updated), and returns it.
func (w *wsClient) awaitAIStatus(cid, kind, status string) map[string]any {
	w.t.Helper()
	var found map[string]any
	w.until(func(f frame) bool {
		if f.Type != "message.created" && f.Type != "message.updated" {
			return false
		}
		var m map[string]any
		json.Unmarshal(f.Data, &m)
		sender, _ := m["sender"].(map[string]any)
		if m["conversation_id"] == cid && sender["kind"] == kind && m["status"] == status {
			found = m
			return true
		}
		return false
	})
	return found
}

// graphTexts are the text bodies the WhatsApp fake received.
func graphTexts(f *fakes) []string {
	var out []string
	for _, r := range f.graph.Sent() {
		if txt, _ := r.Body["text"].(map[string]any); txt != nil {
			out = append(out, fmt.Sprint(txt["body"]))
		}
	}
	return out
}

// TestAI_WhatsAppAnswersHandsOffAndKeepsTheWindow drives the AI agent over
// a messaging channel, on both stores: a customer's message in through
// WhatsApp's signed webhook is answered from the knowledge base, the
// answer reaches the Graph fake and its delivery status comes back; "a
// real person" hands off (the handoff reply goes out) and the AI sends
// nothing more, while a person's reply does. Then, the clock moved past
// 24 hours, a message that arrives outside the window is not answered by
// the AI: it hands off with the reason recorded and nothing is sent.
func TestAI_WhatsAppAnswersHandsOffAndKeepsTheWindow(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			f := &fakes{twilio: channeltest.NewTwilio(t), graph: channeltest.NewGraph(t), telegram: channeltest.NewTelegram(t)}
			f.graph.OwnPhone(pnid, waToken)
			clock := &offsetClock{}
			o := nodeOptions{clock: clock, configure: func(c *config.Config) {
				c.PublicURL = publicURL
				c.TwilioAPIURL, c.MetaGraphURL, c.TelegramAPIURL = f.twilio.URL, f.graph.BaseURL(), f.telegram.URL
				c.MetaAppSecret, c.MetaVerifyToken = metaAppSecret, metaVerifyToken
			}}
			if e == storetest.Postgres {
				o.databaseURL = storetest.Schema(t)
			}
			n := start(t, o)
			s := n.bootstrap()
			in := n.createInbox(s, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken, "app_secret": waSecret})
			iid := in["id"].(string)
			hook := publicURL + "/webhooks/whatsapp/" + iid
			n.aiSetup(s)
			var list struct{ Items []map[string]any }
			n.must(200, "GET", s.ws("/ai/assistants"), s.token, nil).json(t, &list)
			n.must(204, "PUT", s.ws("/ai/inboxes/"+iid), s.token, map[string]any{"assistant_id": list.Items[0]["id"]})
			w := n.dial(t, s, s.token, "")
			w.next("hello")
			webhook := func(from, id, text string, at time.Time) {
				t.Helper()
				if r := n.signed(channeltest.MetaWebhook(hook, waSecret, waText(id, from, text, at))); r.status != 200 {
					t.Fatalf("webhook %s = %d %s", id, r.status, r.body)
				}
			}

			// In through the webhook, answered, delivered to the fake.
			webhook(waCustomer, "wamid.1", "Hi, do you ship to Canada?", time.Now())
			convs := n.conversations(s)
			if len(convs) != 1 || convs[0]["ai_mode"] != "active" {
				t.Fatalf("conversations = %v, want one, AI active", convs)
			}
			cid := convs[0]["id"].(string)
			answer := w.awaitAIStatus(cid, "ai", "sent")
			if !strings.HasPrefix(answer["content"].(string), "Yes, we ship to Canada") {
				t.Errorf("AI answer = %v", answer["content"])
			}
			sent := f.graph.Sent()
			if len(sent) != 1 || sent[0].Body["to"] != waCustomer || graphTexts(f)[0] != answer["content"] {
				t.Fatalf("Graph received %+v, want the AI answer to %s", sent, waCustomer)
			}
			// The provider's status comes back on the AI's message.
			st := fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
				"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},
				"statuses":[{"id":%q,"status":"delivered","timestamp":%q,"recipient_id":%q}]}}]}]}`,
				pnid, sent[0].ID, strconv.FormatInt(time.Now().Unix(), 10), waCustomer)
			if r := n.signed(channeltest.MetaWebhook(hook, waSecret, []byte(st))); r.status != 200 {
				t.Fatalf("status webhook = %d %s", r.status, r.body)
			}
			w.awaitMessage(answer["id"].(string), "delivered")

			// A real person: the handoff reply goes out, the AI pauses.
			webhook(waCustomer, "wamid.2", "I want to talk to a real person", time.Now())
			if h := w.awaitAIStatus(cid, "ai", "sent"); h["content"] != ai.HandoffReply {
				t.Errorf("handoff reply = %v", h["content"])
			}
			conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
			if conv["handoff"] != true || conv["handoff_reason"] != "human_request" || conv["ai_mode"] != "paused" {
				t.Errorf("after the request: handoff %v reason %v mode %v", conv["handoff"], conv["handoff_reason"], conv["ai_mode"])
			}
			// Another question: no AI reply; a person's reply goes out after
			// it, in order, and is the only thing sent.
			webhook(waCustomer, "wamid.3", "Do you ship to Canada?", time.Now())
			n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Hi, Ada here. Yes we do."})
			w.awaitAIStatus(cid, "agent", "sent")
			want := []string{answer["content"].(string), ai.HandoffReply, "Hi, Ada here. Yes we do."}
			if got := graphTexts(f); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("Graph received %q, want %q", got, want)
			}

			// The clock moves on 25 hours; a message that arrives now but
			// was written before (WhatsApp delivers late) is outside the
			// 24-hour window: the AI may not answer and hands off.
			clock.Add(25 * time.Hour)
			webhook("14155550999", "wamid.4", "Do you ship to Canada?", time.Now())
			var cid2 string
			for _, c := range n.conversations(s) {
				if c["id"] != cid {
					cid2 = c["id"].(string)
				}
			}
			line := w.awaitAIStatus(cid2, "system", "sent")
			if sys, _ := line["system"].(map[string]any); sys["action"] != "ai_handoff" || !strings.Contains(fmt.Sprint(sys["note"]), "reply window") {
				t.Errorf("handoff line = %v, want ai_handoff noting the reply window", line["system"])
			}
			conv = n.must(200, "GET", s.ws("/conversations/"+cid2), s.token, nil).m(t)
			if conv["handoff"] != true || conv["handoff_reason"] != "low_confidence" || conv["ai_mode"] != "paused" {
				t.Errorf("outside the window: handoff %v reason %v mode %v", conv["handoff"], conv["handoff_reason"], conv["ai_mode"])
			}
			if got := countFrom(n.messages(s, cid2), "ai"); got != 0 {
				t.Errorf("%d AI messages outside the window, want none", got)
			}
			if got := len(f.graph.Sent()); got != 3 {
				t.Errorf("Graph received %d requests, want still 3", got)
			}
		})
	}
}
