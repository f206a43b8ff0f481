package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestLabelOps_ConcurrentAddsAllSurvive: agents adding different labels to
// one conversation at the same moment each keep theirs (PATCH …/labels
// edits the stored list under a row lock; the whole-list PATCH would let
// the last writer win).
func TestLabelOps_ConcurrentAddsAllSurvive(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c1", "m1", "Hello")
		al, _ := n.join(s, "al@example.com", "password123", "agent")
		bo, _ := n.join(s, "bo@example.com", "password123", "agent")
		tokens := []string{s.token, al, bo}
		const rounds = 4
		var wg sync.WaitGroup
		statuses := make(chan string, rounds*len(tokens))
		want := []string{}
		for r := range rounds {
			for i, tok := range tokens {
				name := fmt.Sprintf("L%d-%d", r, i)
				want = append(want, name)
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := n.do("PATCH", s.ws("/conversations/"+cid+"/labels"), tok, map[string]any{"add": []string{name}})
					if res.status != 200 {
						statuses <- fmt.Sprintf("%s: %d %s", name, res.status, res.body)
					}
				}()
			}
		}
		wg.Wait()
		close(statuses)
		for st := range statuses {
			t.Errorf("add label %s", st)
		}
		var conv struct{ Labels []string }
		n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).json(t, &conv)
		got := slices.Sorted(slices.Values(conv.Labels))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("labels after %d concurrent adds = %v, want %v", len(want), got, want)
		}

		// Removing one and adding another at once keeps the rest.
		var after struct{ Labels, Tags []string }
		n.must(200, "PATCH", s.ws("/conversations/"+cid+"/labels"), al, map[string]any{"add": []string{"VIP"}, "remove": []string{"L0-0", "absent"}}).json(t, &after)
		if len(after.Labels) != len(want) || slices.Contains(after.Labels, "L0-0") || !slices.Contains(after.Labels, "VIP") {
			t.Errorf("labels after add VIP, remove L0-0 = %v", after.Labels)
		}
		n.must(200, "PATCH", s.ws("/conversations/"+cid+"/tags"), bo, map[string]any{"add": []string{"Billing"}}).json(t, &after)
		if fmt.Sprint(after.Tags) != "[Billing]" {
			t.Errorf("tags after add = %v, want [Billing]", after.Tags)
		}
	})
}

func TestLabelOps_BadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c1", "m1", "Hello")
		other := n.secondWorkspace("Other", "olga@example.com", "password123")
		for _, tc := range []struct {
			name, path, token string
			body              any
			status            int
			field             string
		}{
			{"nothing to do", s.ws("/conversations/" + cid + "/labels"), s.token, map[string]any{}, 422, "add"},
			{"added and removed", s.ws("/conversations/" + cid + "/labels"), s.token, map[string]any{"add": []string{"A"}, "remove": []string{"A"}}, 422, "labels.add"},
			{"an empty name", s.ws("/conversations/" + cid + "/tags"), s.token, map[string]any{"add": []string{"  "}}, 422, "tags"},
			{"a name too long", s.ws("/conversations/" + cid + "/labels"), s.token, map[string]any{"add": []string{strings.Repeat("x", 65)}}, 422, "labels"},
			{"another workspace's conversation", "/api/v1/workspaces/" + other.workspace + "/conversations/" + cid + "/labels", other.token, map[string]any{"add": []string{"A"}}, 404, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := n.do("PATCH", tc.path, tc.token, tc.body)
				if r.status != tc.status {
					t.Fatalf("status = %d, want %d: %s", r.status, tc.status, r.body)
				}
				if tc.field != "" && !strings.Contains(string(r.body), `"location":"body.`+tc.field+`"`) {
					t.Errorf("problem %s does not name %s", r.body, tc.field)
				}
			})
		}
		var conv struct{ Labels []string }
		n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).json(t, &conv)
		if len(conv.Labels) != 0 {
			t.Errorf("refused edits left labels %v", conv.Labels)
		}
	})
}
