package e2e

import (
	"strings"
	"testing"
)

// A failed "Test connection" is recorded in the inbox's health (its last
// error and when), without counting as a failed send; the next failure
// replaces it.
func TestChannels_FailedTestIsRecordedInHealth(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		f.telegram.Token = botToken
		in := n.createInbox(s, "Bot", "telegram", map[string]string{"bot_token": botToken})
		iid := in["id"].(string)
		h := n.must(200, "GET", s.ws("/inboxes/"+iid+"/health"), s.token, nil).m(t)
		if h["last_error"] != "" {
			t.Fatalf("health before any test = %v, want no last error", h)
		}
		// The bot token is revoked at Telegram: the test fails.
		f.telegram.Token = "7000009:other"
		test := n.must(200, "POST", s.ws("/inboxes/"+iid+"/test"), s.token, nil).m(t)
		if test["ok"] != false || test["error"] == "" {
			t.Fatalf("test = %v, want a failure with its reason", test)
		}
		h = n.must(200, "GET", s.ws("/inboxes/"+iid+"/health"), s.token, nil).m(t)
		last, _ := h["last_error"].(string)
		if !strings.HasPrefix(last, "Test connection failed") || !strings.Contains(last, test["error"].(string)) || h["last_error_at"] == nil {
			t.Errorf("health after a failed test = %v, want last_error %q with its time", h, "Test connection failed: "+test["error"].(string))
		}
		if h["consecutive_failures"] != float64(0) || h["failing_since"] != nil {
			t.Errorf("health after a failed test = %v, want no run of failed sends (a test is not a send)", h)
		}
		if strings.Contains(last, botToken) {
			t.Errorf("last_error %q holds the bot token", last)
		}
		// A passing test leaves the record of the last error as it is.
		f.telegram.Token = botToken
		if test := n.must(200, "POST", s.ws("/inboxes/"+iid+"/test"), s.token, nil).m(t); test["ok"] != true {
			t.Fatalf("test = %v, want ok", test)
		}
		if h2 := n.must(200, "GET", s.ws("/inboxes/"+iid+"/health"), s.token, nil).m(t); h2["last_error"] != last {
			t.Errorf("health after a passing test = %v, want the last error kept", h2)
		}
	})
}
