package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/channeltest/fakeprovider"
)

var (
	fakeOnce sync.Once
	fakeSent = make(chan fakeprovider.Sent, 16)
)

// TestProvider_OnePackageOneRegistration adds a provider the way a new
// channel is added, one package (fakeprovider) and one registration, and
// drives an inbox of it end to end: created with its validated settings,
// listed by GET /api/v1/channels, a customer message in through its
// webhook, the reply out through its Send.
func TestProvider_OnePackageOneRegistration(t *testing.T) {
	fakeOnce.Do(func() { channel.Register(fakeprovider.Spec(fakeSent)) })
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()

		var specs struct {
			Items []struct {
				Kind     string `json:"kind"`
				Settings []struct {
					Key     string `json:"key"`
					Secret  bool   `json:"secret"`
					Pattern string `json:"pattern"`
				} `json:"settings"`
			} `json:"items"`
		}
		n.must(200, "GET", "/api/v1/channels", s.token, nil).json(t, &specs)
		found := false
		for _, it := range specs.Items {
			if it.Kind == fakeprovider.Kind {
				found = len(it.Settings) == 1 && it.Settings[0].Key == "token" && it.Settings[0].Secret && it.Settings[0].Pattern != ""
			}
		}
		if !found {
			t.Fatalf("GET /api/v1/channels = %+v, want the fake provider with its secret token setting", specs.Items)
		}

		bad := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Fake", "channel": "fake", "config": map[string]string{"token": "NOT VALID"}})
		if bad.status != 422 || !strings.Contains(string(bad.body), "config.token") {
			t.Fatalf("create with a bad token = %d %s, want 422 naming config.token", bad.status, bad.body)
		}
		inbox := n.must(201, "POST", s.ws("/inboxes"), s.token, map[string]any{
			"name": "Fake", "channel": "fake", "config": map[string]string{"token": "fake-token-1"},
		}).m(t)
		cfg := inbox["config"].(map[string]any)
		hook, _ := cfg["webhook_url"].(string)
		if !strings.HasSuffix(hook, "/webhooks/fake/"+inbox["id"].(string)) || cfg["token"] != nil {
			t.Fatalf("inbox config = %v, want its webhook URL and no secret", cfg)
		}
		path := strings.TrimPrefix(hook, n.base)

		if r := n.do("POST", path, "", `{"from":"cust-9","id":"f-1","text":"hello fake"}`, "X-Fake-Token", "wrong"); r.status != 401 {
			t.Fatalf("webhook with a wrong token = %d %s, want 401", r.status, r.body)
		}
		n.must200Webhook(path, `{"from":"cust-9","id":"f-1","text":"hello fake"}`, "fake-token-1")

		var list struct {
			Items []map[string]any `json:"items"`
		}
		n.must(200, "GET", s.ws("/conversations?view=all"), s.token, nil).json(t, &list)
		var cid string
		for _, it := range list.Items {
			if it["inbox_id"] == inbox["id"] {
				cid, _ = it["id"].(string)
			}
		}
		if cid == "" {
			t.Fatalf("no conversation on the fake inbox in %v", list.Items)
		}
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "hello back"}).m(t)
		select {
		case got := <-fakeSent:
			if got.InboxID != inbox["id"] || got.Out.To != "cust-9" || got.Out.Content != "hello back" || got.Out.DeliveryID != reply["id"] {
				t.Errorf("Send(%+v) on inbox %s, want hello back to cust-9 as message %v", got.Out, got.InboxID, reply["id"])
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the reply never reached the fake provider's Send")
		}
		waitFor(t, func() bool {
			m := n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).m(t)
			for _, it := range m["items"].([]any) {
				if msg := it.(map[string]any); msg["id"] == reply["id"] {
					return msg["status"] == "sent"
				}
			}
			return false
		})
	})
}

// must200Webhook posts a fake provider webhook and fails unless it is
// answered 200.
func (n *node) must200Webhook(path, body, token string) {
	n.t.Helper()
	if r := n.do("POST", path, "", body, "X-Fake-Token", token); r.status != 200 {
		n.t.Fatalf("webhook = %d %s, want 200", r.status, r.body)
	}
}
