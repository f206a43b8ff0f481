package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// allDay is a week open around the clock (holidays close days of it).
func allDay() map[string]any {
	day := []map[string]any{{"start": "00:00", "end": "24:00"}}
	return map[string]any{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day}
}

// botMessages returns the conversation's automatic (bot) messages.
func (n *node) botMessages(s session, cid string) []map[string]any {
	n.t.Helper()
	var out []map[string]any
	for _, m := range n.messages(s, cid) {
		if sender, _ := m["sender"].(map[string]any); sender["kind"] == "bot" {
			out = append(out, m)
		}
	}
	return out
}

// TestHours_AwayMessage drives business hours with a fake clock over the
// API channel: the workspace is open around the clock except on two
// holidays (day 0 and day 2). Off-hours the away message goes once per
// conversation and leaves it unreplied; not during hours; not with the
// conversation's bot messages off; not in an inbox set always open; and
// with an assistant, it answers off-hours when set to, else it stays
// silent and the away message goes.
func TestHours_AwayMessage(t *testing.T) {
	start0 := time.Now().UTC().Truncate(24 * time.Hour).Add(12 * time.Hour)
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clock := clocktest.New(start0)
			o := nodeOptions{clock: clock}
			if e == storetest.Postgres {
				o.databaseURL = storetest.Schema(t)
			}
			testAwayMessage(t, start(t, o), clock, start0)
		})
	}
}

func testAwayMessage(t *testing.T, n *node, clock *clocktest.Clock, start0 time.Time) {
	s := n.bootstrap()
	day := func(k int) string { return start0.AddDate(0, 0, k).Format(time.DateOnly) }
	const away = "Thanks! We are closed today and will answer tomorrow."
	hours := map[string]any{
		"enabled": true, "time_zone": "UTC", "week": allDay(),
		"holidays":     []map[string]any{{"date": day(0), "name": "Day off"}, {"date": day(2)}},
		"away_enabled": true, "away_message": away,
	}
	got := n.must(200, "PUT", s.ws("/business-hours"), s.token, hours).m(t)
	if hs, _ := got["holidays"].([]any); got["time_zone"] != "UTC" || len(hs) != 2 || got["away_message"] != away {
		t.Fatalf("PUT business-hours = %v", got)
	}

	// Day 0, a holiday: the away message once per conversation.
	_, c1 := n.inbound(s, "cust1", "m1", "Hello, is anyone there?")
	bots := n.botMessages(s, c1)
	if len(bots) != 1 || bots[0]["content"] != away || bots[0]["direction"] != "out" || bots[0]["private"] == true {
		t.Fatalf("after an off-hours message: bot messages %v, want the away message once", bots)
	}
	n.inbound(s, "cust1", "m2", "Hello again")
	if bots = n.botMessages(s, c1); len(bots) != 1 {
		t.Errorf("after a second off-hours message: %d away messages, want 1", len(bots))
	}
	conv := n.must(200, "GET", s.ws("/conversations/"+c1), s.token, nil).m(t)
	if conv["unreplied_count"] != 2.0 || conv["first_reply_at"] != nil {
		t.Errorf("the away message answered: unreplied %v first_reply_at %v, want 2 and none", conv["unreplied_count"], conv["first_reply_at"])
	}
	counts := n.must(200, "GET", s.ws("/conversations/counts"), s.token, nil).m(t)
	if counts["unreplied"] != 1.0 {
		t.Errorf("counts = %v, want unreplied 1", counts)
	}

	// Day 1, open: no away message.
	clock.Add(24 * time.Hour)
	_, c2 := n.inbound(s, "cust2", "m3", "Hi during the day")
	if bots := n.botMessages(s, c2); len(bots) != 0 {
		t.Errorf("during hours: away messages %v, want none", bots)
	}
	n.must(200, "PATCH", s.ws("/conversations/"+c2+"/ai"), s.token, map[string]any{"bot_messages_off": true})

	// Day 2, a holiday again: bot messages off sends nothing; a new
	// conversation still gets its away message.
	clock.Add(24 * time.Hour)
	n.inbound(s, "cust2", "m4", "Hi on the holiday")
	if bots := n.botMessages(s, c2); len(bots) != 0 {
		t.Errorf("with bot messages off: away messages %v, want none", bots)
	}
	_, c3 := n.inbound(s, "cust3", "m5", "First message on the holiday")
	if bots := n.botMessages(s, c3); len(bots) != 1 {
		t.Errorf("a new conversation off-hours: %d away messages, want 1", len(bots))
	}

	// An inbox set always open sends none.
	n.must(200, "PUT", s.ws("/inboxes/"+s.inbox+"/business-hours"), s.token, map[string]any{"mode": "always"})
	_, c4 := n.inbound(s, "cust4", "m6", "Always open?")
	if bots := n.botMessages(s, c4); len(bots) != 0 {
		t.Errorf("inbox always open: away messages %v, want none", bots)
	}
	n.must(200, "PUT", s.ws("/inboxes/"+s.inbox+"/business-hours"), s.token, map[string]any{"mode": "inherit"})

	// The assistant answers off-hours when set to: no away message.
	n.aiSetup(s)
	var list struct{ Items []map[string]any }
	n.must(200, "GET", s.ws("/ai/assistants"), s.token, nil).json(t, &list)
	asst := list.Items[0]["id"].(string)
	n.must(200, "PATCH", s.ws("/ai/assistants/"+asst), s.token, map[string]any{"settings": map[string]any{"off_hours": "answer"}})
	w := n.dial(t, s, s.token, "")
	w.next("hello")
	_, c5 := n.inbound(s, "cust5", "m7", "Do you ship to Canada?")
	w.awaitFrom(c5, "ai")
	if bots := n.botMessages(s, c5); len(bots) != 0 {
		t.Errorf("the AI answers off-hours: away messages %v, want none", bots)
	}

	// Set to stay silent off-hours: the away message goes and no AI
	// job is queued; the next day the AI answers the next message.
	n.must(200, "PATCH", s.ws("/ai/assistants/"+asst), s.token, map[string]any{"settings": map[string]any{"off_hours": "away"}})
	_, c6 := n.inbound(s, "cust6", "m8", "Do you ship to Canada?")
	if bots := n.botMessages(s, c6); len(bots) != 1 {
		t.Errorf("AI silent off-hours: %d away messages, want 1", len(bots))
	}
	if jobs := n.pendingJobs(t, "ai.reply", c6); jobs != 0 {
		t.Errorf("AI silent off-hours: %d AI jobs queued, want none", jobs)
	}
	clock.Add(24 * time.Hour)
	n.inbound(s, "cust6", "m9", "Do you ship to Canada, then?")
	w.awaitFrom(c6, "ai")
	msgs := n.messages(s, c6)
	if countFrom(msgs, "ai") != 1 || countFrom(msgs, "bot") != 1 {
		t.Errorf("thread: %d AI and %d away messages, want 1 and 1", countFrom(msgs, "ai"), countFrom(msgs, "bot"))
	}
}

// problemNames reports whether a problem answer names field.
func problemNames(r response, field string) bool {
	return field == "" || strings.Contains(string(r.body), `"`+field+`"`) || strings.Contains(string(r.body), "body."+field+`"`)
}

// pendingJobs counts the scheduler's jobs of kind and key (0 or 1).
func (n *node) pendingJobs(t *testing.T, kind, key string) int {
	t.Helper()
	_, err := n.app.Store.FindJob(context.Background(), kind, key)
	if parley.IsNotFound(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return 1
}

// TestHours_API checks who reads and writes business hours and that bad
// input is a 422 naming the field, leaving the stored hours as they were.
func TestHours_API(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		agentTok, _ := n.agent(s, "bo@example.com")
		def := n.must(200, "GET", s.ws("/business-hours"), agentTok, nil).m(t)
		if def["enabled"] != false || def["time_zone"] != "UTC" {
			t.Errorf("a new workspace's hours = %v, want not enabled, UTC", def)
		}
		good := map[string]any{"enabled": true, "time_zone": "Europe/Berlin", "week": map[string]any{
			"mon": []map[string]any{{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}},
			"fri": []map[string]any{{"start": "22:00", "end": "02:00", "next_day": true}}},
			"holidays": []map[string]any{{"date": "2026-12-25", "name": "Christmas"}}}
		n.must(200, "PUT", s.ws("/business-hours"), s.token, good)
		for _, c := range []struct {
			name  string
			patch func(map[string]any)
			field string
		}{
			{"bad zone", func(b map[string]any) { b["time_zone"] = "Europe/Atlantis" }, "time_zone"},
			{"end before start", func(b map[string]any) {
				b["week"] = map[string]any{"tue": []map[string]any{{"start": "17:00", "end": "09:00"}}}
			}, "week.tue[0].end"},
			{"overlap", func(b map[string]any) {
				b["week"] = map[string]any{"wed": []map[string]any{{"start": "09:00", "end": "12:00"}, {"start": "11:30", "end": "13:00"}}}
			}, "week.wed[1]"},
			{"bad date", func(b map[string]any) { b["holidays"] = []map[string]any{{"date": "2026-13-01"}} }, "holidays[0].date"},
			{"away on without text", func(b map[string]any) { b["away_enabled"] = true; b["away_message"] = "" }, "away_message"},
		} {
			t.Run(c.name, func(t *testing.T) {
				b := map[string]any{}
				for k, v := range good {
					b[k] = v
				}
				c.patch(b)
				r := n.do("PUT", s.ws("/business-hours"), s.token, b)
				if r.status != 422 || !problemNames(r, c.field) {
					t.Errorf("status %d body %s, want 422 naming %s", r.status, r.body, c.field)
				}
			})
		}
		after := n.must(200, "GET", s.ws("/business-hours"), agentTok, nil).m(t)
		if after["time_zone"] != "Europe/Berlin" {
			t.Errorf("after refused writes: %v, want the good hours kept", after)
		}
		if r := n.do("PUT", s.ws("/business-hours"), agentTok, good); r.status != 403 {
			t.Errorf("an agent writes hours: %d, want 403", r.status)
		}
		in := n.must(200, "GET", s.ws("/inboxes/"+s.inbox+"/business-hours"), agentTok, nil).m(t)
		if in["mode"] != "inherit" {
			t.Errorf("an inbox's default override = %v, want inherit", in)
		}
		for _, c := range []struct {
			body   map[string]any
			status int
			field  string
		}{
			{map[string]any{"mode": "own"}, 422, "schedule"},
			{map[string]any{"mode": "own", "schedule": map[string]any{"time_zone": "Nope/Nope"}}, 422, "schedule.time_zone"},
			{map[string]any{"mode": "sometimes"}, 422, "mode"},
		} {
			if r := n.do("PUT", s.ws("/inboxes/"+s.inbox+"/business-hours"), s.token, c.body); r.status != c.status || !problemNames(r, c.field) {
				t.Errorf("PUT inbox hours %v: %d %s, want %d naming %s", c.body, r.status, r.body, c.status, c.field)
			}
		}
		own := n.must(200, "PUT", s.ws("/inboxes/"+s.inbox+"/business-hours"), s.token, map[string]any{"mode": "own",
			"schedule": map[string]any{"time_zone": "Asia/Tokyo", "week": allDay()}, "away_message": "Tokyo desk is closed."}).m(t)
		if sch, _ := own["schedule"].(map[string]any); own["mode"] != "own" || sch["time_zone"] != "Asia/Tokyo" {
			t.Errorf("own hours = %v", own)
		}
		if r := n.do("PUT", s.ws("/inboxes/"+s.inbox+"/business-hours"), agentTok, map[string]any{"mode": "always"}); r.status != 403 {
			t.Errorf("an agent writes inbox hours: %d, want 403", r.status)
		}
		if r := n.do("GET", s.ws("/inboxes/01890000-0000-7000-8000-000000000000/business-hours"), s.token, nil); r.status != 404 {
			t.Errorf("unknown inbox: %d, want 404", r.status)
		}
	})
}

// TestHours_Widget checks that the web-chat widget follows business hours:
// open when they are off or open, closed with the workspace's away message
// outside them (the inbox's own widget text wins), and a visitor who
// writes then gets the away message in their thread once.
func TestHours_Widget(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		inbox := n.webchatInbox(s, "Website", nil)
		wt := inbox["website_token"].(string)
		settings := func() map[string]any {
			r := n.do("GET", "/api/v1/widget/"+wt+"/settings", "", nil, "Origin", shopOrigin)
			if r.status != 200 {
				t.Fatalf("widget settings = %d %s", r.status, r.body)
			}
			return r.m(t)
		}
		if st := settings(); st["open"] != true || st["away_message"] != "" {
			t.Errorf("without business hours: %v, want open", st)
		}
		const away = "Closed for today, back tomorrow."
		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		n.must(200, "PUT", s.ws("/business-hours"), s.token, map[string]any{"enabled": true, "time_zone": "UTC", "week": allDay(),
			"holidays": []map[string]any{{"date": today}, {"date": tomorrow}}, "away_enabled": true, "away_message": away})
		if st := settings(); st["open"] != false || st["away_message"] != away {
			t.Errorf("outside business hours: %v, want closed with the workspace's away message", st)
		}
		_, visitor := n.visitor(wt, map[string]any{"name": "Vera"})
		for i, text := range []string{"Hello?", "Anyone?"} {
			if r := n.widgetDo("POST", "messages", visitor, map[string]any{"content": text, "client_message_id": text}); r.status != 202 {
				t.Fatalf("message %d = %d %s", i, r.status, r.body)
			}
		}
		got := 0
		for _, m := range n.widgetMessages(visitor).Items {
			if m.Content == away {
				got++
			}
		}
		if got != 1 {
			t.Errorf("the visitor's thread has the away message %d times, want once", got)
		}
		n.must(200, "PATCH", s.ws("/inboxes/"+inbox["id"].(string)), s.token, map[string]any{"config": map[string]any{"away_message": "Widget text."}})
		if st := settings(); st["away_message"] != "Widget text." {
			t.Errorf("the widget's own away text: %v", st["away_message"])
		}
	})
}

// TestTwoNodes_AwayMessageOnce fires customer messages at one
// conversation through two nodes at once, outside business hours: the
// away message goes exactly once (the claim is a conditional update in
// the transaction that stores each message).
func TestTwoNodes_AwayMessageOnce(t *testing.T) {
	if os.Getenv("PARLEY_TEST_POSTGRES_URL") == "" && os.Getenv("CI") != "true" {
		t.Skip("needs PostgreSQL (PARLEY_TEST_POSTGRES_URL)")
	}
	natsURL := os.Getenv("PARLEY_TEST_NATS_URL")
	if natsURL == "" {
		natsURL = "nats://127.0.0.1:4222"
	}
	db := storetest.Schema(t)
	a := start(t, nodeOptions{databaseURL: db, natsURL: natsURL})
	b := start(t, nodeOptions{databaseURL: db, natsURL: natsURL})
	s := a.bootstrap()
	_, cid := a.inbound(s, "cust", "m0", "hello while open") // hours not enabled yet: always open
	today := time.Now().UTC().Format(time.DateOnly)
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	a.must(200, "PUT", s.ws("/business-hours"), s.token, map[string]any{"enabled": true, "time_zone": "UTC", "week": allDay(),
		"holidays": []map[string]any{{"date": today}, {"date": tomorrow}}, "away_enabled": true, "away_message": "Closed."})
	const messages = 16
	var wg sync.WaitGroup
	for i := range messages {
		node := a
		if i%2 == 1 {
			node = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := node.do("POST", "/api/v1/inbound/"+s.inboundToken+"/messages", "", map[string]any{
				"contact": map[string]string{"source_id": "cust", "name": "Customer"}, "source_message_id": fmt.Sprintf("m%d", i+1),
				"content": fmt.Sprintf("message %d", i+1)})
			if r.status != 202 {
				t.Errorf("message %d: %d %s", i+1, r.status, r.body)
			}
		}()
	}
	wg.Wait()
	if got := len(a.botMessages(s, cid)); got != 1 {
		t.Errorf("%d messages through two nodes at once: %d away messages, want 1", messages, got)
	}
}
