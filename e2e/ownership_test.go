package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// otherWorkspace creates a second workspace with its own admin (as
// `parley user create` does) and signs them in.
func (n *node) otherWorkspace(name, email string) session {
	n.t.Helper()
	if _, err := n.app.CreateUser(context.Background(), email, "password123", "Admin of "+name, name, parley.RoleAdmin); err != nil {
		n.t.Fatalf("create user: %v", err)
	}
	tok := n.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": "password123"}).m(n.t)["token"].(string)
	var ws struct {
		Items []struct{ ID string } `json:"items"`
	}
	n.must(200, "GET", "/api/v1/workspaces", tok, nil).json(n.t, &ws)
	return session{token: tok, workspace: ws.Items[0].ID}
}

// problemLocation returns the location of a problem's first error.
func problemLocation(t *testing.T, r response) string {
	t.Helper()
	var p struct {
		Errors []struct{ Location string } `json:"errors"`
	}
	r.json(t, &p)
	if len(p.Errors) == 0 {
		return ""
	}
	return p.Errors[0].Location
}

func TestChannels_AnotherWorkspaceCannotClaimANumberOrPage(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		a := n.bootstrap()
		b := n.otherWorkspace("Beta", "bea@example.com")
		f.graph.OwnPhone("222222222222222", "b-wa-token")
		f.graph.OwnPage("333333333333333", "b-page-token")

		// B comes first with A's number or page and a token of its own:
		// the Graph API says B's token cannot read them.
		for _, tc := range []struct {
			channel, field string
			cfg            map[string]string
		}{
			{"whatsapp", "body.config.phone_number_id", map[string]string{"phone_number_id": pnid, "access_token": "b-wa-token"}},
			{"messenger", "body.config.page_id", map[string]string{"page_id": pageID, "page_access_token": "b-page-token"}},
		} {
			r := n.do("POST", b.ws("/inboxes"), b.token, map[string]any{"name": "Squat", "channel": tc.channel, "config": tc.cfg})
			if r.status != 422 || problemLocation(t, r) != tc.field {
				t.Errorf("B claims A's %s first = %d %s, want 422 at %s", tc.channel, r.status, r.body, tc.field)
			}
		}
		// A connects its own: 201.
		wa := n.createInbox(a, "WhatsApp", "whatsapp", map[string]string{"phone_number_id": pnid, "access_token": waToken, "app_secret": waSecret})
		n.createInbox(a, "Page", "messenger", map[string]string{"page_id": pageID, "page_access_token": pageToken})

		// B, even holding a token that reads the number, gets a 409 that
		// names neither A's workspace nor its inbox.
		r := n.do("POST", b.ws("/inboxes"), b.token, map[string]any{"name": "Again", "channel": "whatsapp",
			"config": map[string]string{"phone_number_id": pnid, "access_token": waToken}})
		if r.status != 409 {
			t.Errorf("B with a token that reads the number = %d %s, want 409", r.status, r.body)
		}
		for _, leak := range []string{a.workspace, wa["id"].(string), "Acme", "WhatsApp\""} {
			if strings.Contains(string(r.body), leak) {
				t.Errorf("the conflict %s tells %q", r.body, leak)
			}
		}

		// B's own number is fine; changing it to A's is refused the same way.
		own := n.createInbox(b, "Own", "whatsapp", map[string]string{"phone_number_id": "222222222222222", "access_token": "b-wa-token"})
		r = n.do("PATCH", b.ws("/inboxes/"+own["id"].(string)), b.token, map[string]any{"config": map[string]string{"phone_number_id": pnid}})
		if r.status != 422 || problemLocation(t, r) != "body.config.phone_number_id" {
			t.Errorf("B moves its inbox to A's number = %d %s, want 422", r.status, r.body)
		}

		// A's customers reach A, and B sees nothing.
		hook := publicURL + "/webhooks/whatsapp"
		if r := n.signed(channeltest.MetaWebhook(hook, metaAppSecret, waText("wamid.own", waCustomer, "hi A", time.Now()))); r.status != 200 {
			t.Fatalf("app-wide webhook = %d %s", r.status, r.body)
		}
		if got := len(n.conversations(a)); got != 1 {
			t.Errorf("A has %d conversations, want 1", got)
		}
		if got := len(n.conversations(b)); got != 0 {
			t.Errorf("B has %d conversations, want 0", got)
		}

		// The test makes the same check: once the number moves to another
		// business, A's test says so.
		var test struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		n.must(200, "POST", a.ws("/inboxes/"+wa["id"].(string)+"/test"), a.token, nil).json(t, &test)
		if !test.OK {
			t.Errorf("test of A's own number = %+v, want ok", test)
		}
		f.graph.OwnPhone(pnid, "someone-else")
		n.must(200, "POST", a.ws("/inboxes/"+wa["id"].(string)+"/test"), a.token, nil).json(t, &test)
		if test.OK || !strings.Contains(test.Error, "cannot use") {
			t.Errorf("test after the number moved = %+v, want not ok", test)
		}
	})
}

func TestChannels_ParallelCreatesOfOneNumberMakeOneInbox(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		a := n.bootstrap()
		b := n.otherWorkspace("Beta", "bea@example.com")
		statuses := make([]int, 10)
		var wg sync.WaitGroup
		for i := range statuses {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				statuses[i] = n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "WA", "channel": "whatsapp",
					"config": map[string]string{"phone_number_id": pnid, "access_token": waToken}}).status
			})
		}
		wg.Wait()
		created := 0
		for i, st := range statuses {
			switch st {
			case 201:
				created++
			case 409:
			default:
				t.Errorf("create %d = %d, want 201 or 409", i, st)
			}
		}
		if created != 1 {
			t.Errorf("10 parallel creates of one phone number id made %d inboxes (%v), want 1", created, statuses)
		}
	})
}
