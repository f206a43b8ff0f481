package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestLifecycle_AcceptRace has 20 agents accept one conversation at once:
// exactly one gets 200, the others 409 naming who has it.
func TestLifecycle_AcceptRace(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "cust", "m1", "who is there?")
		tokens := make([]string, 20)
		for i := range tokens {
			tokens[i], _ = n.agent(s, fmt.Sprintf("agent%d@example.com", i))
		}
		statuses := make([]response, len(tokens))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, tok := range tokens {
			wg.Go(func() {
				<-start
				statuses[i] = n.do("POST", s.ws("/conversations/"+cid+"/accept"), tok, nil)
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, r := range statuses {
			switch r.status {
			case 200:
				if winner >= 0 {
					t.Fatalf("agents %d and %d both accepted", winner, i)
				}
				winner = i
			case 409:
			default:
				t.Fatalf("accept by agent %d = %d %s, want 200 or 409", i, r.status, r.body)
			}
		}
		if winner < 0 {
			t.Fatal("nobody accepted")
		}
		name := fmt.Sprintf("agent%d@example.com", winner)
		for i, r := range statuses {
			if i != winner && !strings.Contains(string(r.body), name) {
				t.Errorf("the 409 for agent %d does not name %s: %s", i, name, r.body)
			}
		}
		var c struct {
			Status      string   `json:"status"`
			AssigneeIDs []string `json:"assignee_ids"`
		}
		n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).json(t, &c)
		if c.Status != "open" || len(c.AssigneeIDs) != 1 {
			t.Errorf("after the race: status %s, assignees %v; want open with one assignee", c.Status, c.AssigneeIDs)
		}
		var thread struct {
			Items []struct {
				Sender struct{ Kind string } `json:"sender"`
				System *struct{ Action string }
			} `json:"items"`
		}
		n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).json(t, &thread)
		accepted := 0
		for _, m := range thread.Items {
			if m.Sender.Kind == "system" && m.System != nil && m.System.Action == "accepted" {
				accepted++
			}
		}
		if accepted != 1 {
			t.Errorf("%d accepted lines in the thread, want 1", accepted)
		}
	})
}

// TestLifecycle_Transfer transfers to a colleague and to a team, and checks
// that bad input answers a 4xx naming the field and changes nothing.
func TestLifecycle_Transfer(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		annTok, ann := n.agent(s, "ann@example.com")
		_, bob := n.agent(s, "bob@example.com")
		_, carl := n.agent(s, "carl@example.com")
		_, cid := n.inbound(s, "cust", "m1", "my invoice is wrong")
		conv := s.ws("/conversations/" + cid)
		n.must(200, "POST", conv+"/accept", annTok, nil)
		n.must(200, "PATCH", conv, s.token, map[string]any{"visible_to": []string{ann, bob, s.userID}})
		team := n.must(201, "POST", s.ws("/teams"), s.token, map[string]any{"name": "Billing", "member_ids": []string{bob}}).m(t)["id"].(string)

		before := string(n.must(200, "GET", conv, s.token, nil).body)
		bad := []struct {
			name    string
			body    string
			status  int
			mention string
		}{
			{"neither user nor team", `{}`, 422, "user_id"},
			{"both user and team", `{"user_id":"` + bob + `","team_id":"` + team + `"}`, 422, "user_id"},
			{"unknown user", `{"user_id":"01900000-0000-7000-8000-000000000000"}`, 422, "user_id"},
			{"unknown team", `{"team_id":"01900000-0000-7000-8000-000000000000"}`, 422, "team_id"},
			{"outside the visibility list", `{"user_id":"` + carl + `"}`, 422, "visibility"},
			{"to oneself", `{"user_id":"` + ann + `"}`, 422, "yourself"},
			{"unknown field", `{"user_id":"` + bob + `","force":true}`, 422, "force"},
		}
		for _, b := range bad {
			r := n.do("POST", conv+"/transfer", annTok, b.body)
			if r.status != b.status || !strings.Contains(string(r.body), b.mention) {
				t.Errorf("%s: %d %s, want %d mentioning %q", b.name, r.status, r.body, b.status, b.mention)
			}
		}
		if after := string(n.must(200, "GET", conv, s.token, nil).body); after != before {
			t.Errorf("bad transfers changed the conversation:\n%s\n%s", before, after)
		}

		var c struct {
			Status      string   `json:"status"`
			TeamID      string   `json:"team_id"`
			AssigneeIDs []string `json:"assignee_ids"`
		}
		n.must(200, "POST", conv+"/transfer", annTok, map[string]string{"user_id": bob, "note": "see the invoice"}).json(t, &c)
		if len(c.AssigneeIDs) != 1 || c.AssigneeIDs[0] != bob {
			t.Errorf("after the transfer to Bob the assignees are %v", c.AssigneeIDs)
		}
		n.must(200, "POST", conv+"/transfer", s.token, map[string]string{"team_id": team})
		n.must(200, "GET", conv, s.token, nil).json(t, &c)
		if c.TeamID != team || len(c.AssigneeIDs) != 0 || c.Status != "open" {
			t.Errorf("after the transfer to a manual team: team %s, assignees %v, status %s; want the team, none, open", c.TeamID, c.AssigneeIDs, c.Status)
		}
		var thread struct {
			Items []struct {
				Private bool `json:"private"`
				System  *struct {
					Action  string
					Note    string
					Actor   *struct{ ID string }
					From    *struct{ ID string }
					Subject *struct{ ID string }
					Team    *struct{ ID string }
				}
			} `json:"items"`
		}
		n.must(200, "GET", conv+"/messages", s.token, nil).json(t, &thread)
		var transfers int
		for _, m := range thread.Items {
			if m.System == nil || m.System.Action != "transferred" {
				continue
			}
			transfers++
			if !m.Private {
				t.Error("a transfer line is not private")
			}
			if transfers == 1 && (m.System.Note != "see the invoice" || m.System.From == nil || m.System.From.ID != ann ||
				m.System.Subject == nil || m.System.Subject.ID != bob) {
				t.Errorf("the first transfer line is %+v; want the note, from Ann, to Bob", m.System)
			}
			if transfers == 2 && (m.System.Team == nil || m.System.Team.ID != team) {
				t.Errorf("the second transfer line is %+v; want the team", m.System)
			}
		}
		if transfers != 2 {
			t.Errorf("%d transfer lines, want 2", transfers)
		}
		var agents struct {
			Items []struct {
				UserID    string `json:"user_id"`
				Load      int    `json:"load"`
				LoadLabel string `json:"load_label"`
			} `json:"items"`
		}
		n.must(200, "PATCH", s.ws("/users/"+bob), s.token, map[string]any{"capacity": 5})
		n.must(200, "POST", conv+"/transfer", s.token, map[string]string{"user_id": bob})
		n.must(200, "GET", s.ws("/agents"), annTok, nil).json(t, &agents)
		found := false
		for _, a := range agents.Items {
			if a.UserID == bob {
				found = true
				if a.Load != 1 || a.LoadLabel != "1 / 5" {
					t.Errorf("Bob's load = %d (%q), want 1 (\"1 / 5\")", a.Load, a.LoadLabel)
				}
			}
		}
		if !found {
			t.Error("Bob is not in the agents list")
		}
	})
}

// TestLifecycle_RoutedToConnectedAgent routes a new conversation of a
// round-robin team to the one agent who is online and connected, who sees
// it arrive live.
func TestLifecycle_RoutedToConnectedAgent(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		annTok, ann := n.agent(s, "ann@example.com")
		_, bob := n.agent(s, "bob@example.com") // online but never connected
		team := n.must(201, "POST", s.ws("/teams"), s.token, map[string]any{"name": "Sales", "member_ids": []string{ann, bob}}).m(t)["id"].(string)
		n.must(200, "PATCH", s.ws("/teams/"+team), s.token, map[string]string{"routing_policy": "round_robin"})
		n.must(200, "PATCH", s.ws("/inboxes/"+s.inbox), s.token, map[string]string{"team_id": team})
		for _, u := range []string{ann, bob} {
			n.must(200, "PATCH", s.ws("/users/"+u), s.token, map[string]string{"availability": "online"})
		}
		w := n.dial(t, s, annTok, "")
		w.next("hello")
		_, cid := n.inbound(s, "cust", "m1", "I would like a quote")
		for {
			f := w.next("conversation.updated")
			var c struct {
				ID          string   `json:"id"`
				Status      string   `json:"status"`
				AssigneeIDs []string `json:"assignee_ids"`
			}
			if err := json.Unmarshal(f.Data, &c); err != nil {
				t.Fatal(err)
			}
			if c.ID == cid && len(c.AssigneeIDs) > 0 {
				if c.AssigneeIDs[0] != ann || c.Status != "open" {
					t.Errorf("routed to %v (%s), want Ann, open", c.AssigneeIDs, c.Status)
				}
				break
			}
		}
		var mine struct{ Items []struct{ ID string } }
		n.must(200, "GET", s.ws("/conversations?view=mine"), annTok, nil).json(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].ID != cid {
			t.Errorf("Ann's Mine view = %+v, want the routed conversation", mine.Items)
		}
	})
}
