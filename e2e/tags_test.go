package e2e

import (
	"fmt"
	"strings"
	"testing"
)

func TestTags_RenameAndDeletePropagate(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c1", "m1", "Hello")
		_, other := n.inbound(s, "c2", "m2", "Hi")
		var tag, label struct{ ID, Name, Color string }
		n.must(201, "POST", s.ws("/tags"), s.token, map[string]string{"name": "Billing", "color": "#3B82F6"}).json(t, &tag)
		if tag.Color != "#3b82f6" {
			t.Errorf("created tag colour = %q, want #3b82f6", tag.Color)
		}
		n.must(201, "POST", s.ws("/labels"), s.token, map[string]string{"name": "Escalated"}).json(t, &label)
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"tags": []string{"Billing", "VIP"}, "labels": []string{"Escalated"}})
		n.must(200, "PATCH", s.ws("/conversations/"+other), s.token, map[string]any{"tags": []string{"VIP"}})
		var contact struct{ ID string }
		n.must(201, "POST", s.ws("/contacts"), s.token, map[string]any{"name": "Bea", "tags": []string{"Billing", "50%_off"}}).json(t, &contact)

		n.must(200, "PATCH", s.ws("/tags/"+tag.ID), s.token, map[string]string{"name": "Invoices"})
		n.must(200, "PATCH", s.ws("/labels/"+label.ID), s.token, map[string]string{"name": "Urgent", "color": "#f00"})
		conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if got := fmt.Sprint(conv["tags"], conv["labels"]); got != "[Invoices VIP] [Urgent]" {
			t.Errorf("after renames, conversation tags and labels = %s, want [Invoices VIP] [Urgent]", got)
		}
		if got := fmt.Sprint(n.must(200, "GET", s.ws("/conversations/"+other), s.token, nil).m(t)["tags"]); got != "[VIP]" {
			t.Errorf("after rename, untouched conversation tags = %s, want [VIP]", got)
		}
		if got := fmt.Sprint(n.must(200, "GET", s.ws("/contacts/"+contact.ID), s.token, nil).m(t)["tags"]); got != "[Invoices 50%_off]" {
			t.Errorf("after rename, contact tags = %s, want [Invoices 50%%_off]", got)
		}
		labels := string(n.must(200, "GET", s.ws("/labels"), s.token, nil).body)
		if !strings.Contains(labels, `"name":"Urgent","color":"#f00"`) {
			t.Errorf("labels = %s, want Urgent with #f00", labels)
		}

		n.must(204, "DELETE", s.ws("/tags/"+tag.ID), s.token, nil)
		n.must(204, "DELETE", s.ws("/labels/"+label.ID), s.token, nil)
		conv = n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if got := fmt.Sprint(conv["tags"], conv["labels"]); got != "[VIP] []" {
			t.Errorf("after deletes, conversation tags and labels = %s, want [VIP] []", got)
		}
		if got := fmt.Sprint(n.must(200, "GET", s.ws("/contacts/"+contact.ID), s.token, nil).m(t)["tags"]); got != "[50%_off]" {
			t.Errorf("after delete, contact tags = %s, want [50%%_off]", got)
		}
		if r := n.do("PATCH", s.ws("/tags/"+tag.ID), s.token, map[string]string{"name": "Back"}); r.status != 404 {
			t.Errorf("PATCH a deleted tag = %d, want 404", r.status)
		}
	})
}

func TestTags_Rules(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		var tag, vip struct{ ID string }
		n.must(201, "POST", s.ws("/tags"), s.token, map[string]string{"name": "Billing"}).json(t, &tag)
		n.must(201, "POST", s.ws("/tags"), s.token, map[string]string{"name": "VIP"}).json(t, &vip)
		agent, _ := n.join(s, "al@example.com", "password123", "agent")
		other := n.secondWorkspace("Other", "olga@example.com", "password123")
		olga, otherWS := other.token, "/api/v1/workspaces/"+other.workspace

		for _, tc := range []struct {
			name, method, path, token string
			body                      any
			status                    int
			field                     string
		}{
			{"an agent reads the tags", "GET", s.ws("/tags"), agent, nil, 200, ""},
			{"an agent cannot create a tag", "POST", s.ws("/tags"), agent, map[string]string{"name": "Mine"}, 403, ""},
			{"an agent cannot rename a tag", "PATCH", s.ws("/tags/" + tag.ID), agent, map[string]string{"name": "Mine"}, 403, ""},
			{"an agent cannot delete a label", "DELETE", s.ws("/tags/" + tag.ID), agent, nil, 403, ""},
			{"another workspace's tag is not found on rename", "PATCH", otherWS + "/tags/" + tag.ID, olga, map[string]string{"name": "Mine"}, 404, ""},
			{"another workspace's tag is not found on delete", "DELETE", otherWS + "/tags/" + tag.ID, olga, nil, 404, ""},
			{"a tag is not a label", "PATCH", s.ws("/labels/" + tag.ID), s.token, map[string]string{"name": "Mine"}, 404, ""},
			{"a duplicate name on create is a conflict", "POST", s.ws("/tags"), s.token, map[string]string{"name": "VIP"}, 409, "name"},
			{"a duplicate name on rename is a conflict", "PATCH", s.ws("/tags/" + tag.ID), s.token, map[string]string{"name": "VIP"}, 409, "name"},
			{"a blank name is refused", "PATCH", s.ws("/tags/" + tag.ID), s.token, map[string]string{"name": "   "}, 422, "name"},
			{"a colour that is not hex is refused", "PATCH", s.ws("/tags/" + tag.ID), s.token, map[string]string{"color": "red;}"}, 422, "color"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := n.do(tc.method, tc.path, tc.token, tc.body)
				if r.status != tc.status || !strings.Contains(string(r.body), tc.field) {
					t.Errorf("%s %s = %d %s, want %d naming %q", tc.method, tc.path, r.status, r.body, tc.status, tc.field)
				}
			})
		}
		if got := string(n.must(200, "GET", s.ws("/tags"), s.token, nil).body); !strings.Contains(got, `"Billing"`) || !strings.Contains(got, `"VIP"`) {
			t.Errorf("after refused writes, tags = %s, want Billing and VIP unchanged", got)
		}
	})
}

func TestContacts_CreateTakesItsFields(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		c := n.must(201, "POST", s.ws("/contacts"), s.token, map[string]any{"name": "Bea", "email": "bea@example.com", "tags": []string{"VIP"}}).m(t)
		if c["name"] != "Bea" || c["email"] != "bea@example.com" || fmt.Sprint(c["tags"]) != "[VIP]" {
			t.Errorf("created contact = %v, want Bea, bea@example.com, [VIP]", c)
		}
	})
}
