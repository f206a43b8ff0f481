package conversation_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

type filterConv struct {
	name     string
	tags     []string
	labels   []string
	priority parley.Priority
	source   string
	phone    string
	email    string
	attrs    map[string]string
	aiMode   parley.AIMode
	assignA  bool
	team     bool
	age      time.Duration // created and last active this long ago
}

var filterConvs = []filterConv{
	{name: "vip", tags: []string{"vip"}, labels: []string{"billing"}, priority: parley.PriorityHigh, source: "spring-sale",
		phone: "+14155552671", attrs: map[string]string{"plan": "pro"}, aiMode: parley.AIActive, age: time.Hour},
	{name: "free", priority: parley.PriorityLow, email: "x@example.com", attrs: map[string]string{"plan": "free"}, age: 3 * 24 * time.Hour},
	{name: "urgent", tags: []string{"vip", "late"}, priority: parley.PriorityUrgent, assignA: true, team: true, age: 20 * 24 * time.Hour},
	{name: "plain", age: 90 * 24 * time.Hour},
}

func buildFilters(t *testing.T, s *sqlstore.Store) (*world, time.Time) {
	t.Helper()
	w := buildViews(t, s)
	ctx := context.Background()
	now := s.Now()
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		// Only the filter conversations: the view world's are deleted.
		for name, id := range w.convs {
			c, err := tx.FindConversationByID(ctx, w.f.Workspace.ID, id)
			if err != nil {
				return err
			}
			prev := *c
			at := tx.Now()
			c.DeletedAt = &at
			if err := tx.SaveConversation(ctx, c, &prev); err != nil {
				return err
			}
			delete(w.convs, name)
		}
		ws := w.f.Workspace.ID
		for _, v := range filterConvs {
			if err := tx.EnsureTags(ctx, ws, sqlstore.KindTag, v.tags); err != nil {
				return err
			}
			if err := tx.EnsureTags(ctx, ws, sqlstore.KindLabel, v.labels); err != nil {
				return err
			}
			ct := &parley.Contact{WorkspaceID: ws, Name: v.name, Phone: v.phone, Email: v.email, Attributes: v.attrs,
				Identities: []parley.ContactIdentity{{InboxID: w.f.Inbox.ID, SourceID: "f-" + v.name}}}
			if err := tx.CreateContact(ctx, ct); err != nil {
				return err
			}
			c := &parley.Conversation{WorkspaceID: ws, ContactID: ct.ID, InboxID: w.f.Inbox.ID, Status: parley.StatusOpen,
				Tags: v.tags, Labels: v.labels, Priority: v.priority, Source: v.source, AIMode: v.aiMode,
				LastActivityAt: now.Add(-v.age)}
			if v.assignA {
				c.AssigneeIDs = []string{w.a.UserID}
			}
			if v.team {
				c.TeamID = w.team.ID
			}
			if err := tx.CreateConversation(ctx, c); err != nil {
				return err
			}
			w.convs[v.name] = c.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w, now
}

// TestService_Filter checks each field and operator of the filter object
// on both stores: the list holds exactly the expected conversations and
// the counts agree with it.
func TestService_Filter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w, now := buildFilters(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		cond := func(field, op, value string) string {
			return fmt.Sprintf(`{"field":%q,"op":%q,"value":%s}`, field, op, value)
		}
		all := func(conds ...string) string { return `{"match":"all","conditions":[` + strings.Join(conds, ",") + `]}` }
		anyOf := func(conds ...string) string { return `{"match":"any","conditions":[` + strings.Join(conds, ",") + `]}` }
		tests := []struct {
			name, filter, want string
		}{
			{"channel eq", all(cond("channel", "eq", `"api"`)), "free plain urgent vip"},
			{"channel in none", all(cond("channel", "in", `["whatsapp","email"]`)), ""},
			{"channel neq", all(cond("channel", "neq", `"api"`)), ""},
			{"channel nin other", all(cond("channel", "nin", `["whatsapp"]`)), "free plain urgent vip"},
			{"tag eq and channel", all(cond("tag", "eq", `"vip"`), cond("channel", "eq", `"api"`)), "urgent vip"},
			{"tag eq or nothing", anyOf(cond("tag", "eq", `"vip"`), cond("channel", "eq", `"whatsapp"`)), "urgent vip"},
			{"inbox eq", all(cond("inbox", "eq", `"`+w.f.Inbox.ID+`"`)), "free plain urgent vip"},
			{"status nin", all(cond("status", "nin", `["open"]`)), ""},
			{"assignee none", all(cond("assignee", "eq", `"none"`)), "free plain vip"},
			{"assignee a", all(cond("assignee", "eq", `"`+w.a.UserID+`"`)), "urgent"},
			{"assignee exists", all(cond("assignee", "exists", `true`)), "urgent"},
			{"team eq", all(cond("team", "eq", `"`+w.team.ID+`"`)), "urgent"},
			{"team exists", all(cond("team", "exists", `true`)), "urgent"},
			{"tag eq", all(cond("tag", "eq", `"vip"`)), "urgent vip"},
			{"tag nin", all(cond("tag", "nin", `["late"]`)), "free plain vip"},
			{"tag exists", all(cond("tag", "exists", `true`)), "urgent vip"},
			{"label eq", all(cond("label", "eq", `"billing"`)), "vip"},
			{"label neq", all(cond("label", "neq", `"billing"`)), "free plain urgent"},
			{"ai_mode eq", all(cond("ai_mode", "eq", `"active"`)), "vip"},
			{"source contains", all(cond("source", "contains", `"sale"`)), "vip"},
			{"source contains a wildcard literally", all(cond("source", "contains", `"%"`)), ""},
			{"source exists", all(cond("source", "exists", `true`)), "vip"},
			{"priority eq", all(cond("priority", "eq", `"low"`)), "free"},
			{"priority gt", all(cond("priority", "gt", `"medium"`)), "urgent vip"},
			{"priority lt", all(cond("priority", "lt", `"medium"`)), "free plain"},
			{"has_phone", all(cond("has_phone", "eq", `true`)), "vip"},
			{"has_email false", all(cond("has_email", "eq", `false`)), "plain urgent vip"},
			{"attribute eq", all(cond("contact.attributes.plan", "eq", `"pro"`)), "vip"},
			{"attribute exists", all(cond("contact.attributes.plan", "exists", `true`)), "free vip"},
			{"attribute contains", all(cond("contact.attributes.plan", "contains", `"re"`)), "free"},
			{"last activity 24h", all(cond("last_activity_at", "eq", `"24h"`)), "vip"},
			{"last activity 7d", all(cond("last_activity_at", "eq", `"7d"`)), "free vip"},
			{"last activity 30d", all(cond("last_activity_at", "eq", `"30d"`)), "free urgent vip"},
			{"last activity before", all(cond("last_activity_at", "lt", `"`+now.Add(-30*24*time.Hour).Format(time.RFC3339)+`"`)), "plain"},
			{"last activity between", all(cond("last_activity_at", "between",
				`{"from":"`+now.Add(-21*24*time.Hour).Format(time.RFC3339)+`","to":"`+now.Add(-2*24*time.Hour).Format(time.RFC3339)+`"}`)), "free urgent"},
			{"created today", all(cond("created_at", "eq", `"today"`)), "free plain urgent vip"},
			{"match all", all(cond("tag", "eq", `"vip"`), cond("priority", "eq", `"high"`)), "vip"},
			{"match any", anyOf(cond("has_phone", "eq", `true`), cond("has_email", "eq", `true`)), "free vip"},
			{"no conditions", `{"match":"all","conditions":[]}`, "free plain urgent vip"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := svc.List(ctx, w.f.Admin, conversation.ListParams{Filter: tt.filter})
				if err != nil {
					t.Fatalf("List(%s): %v", tt.filter, err)
				}
				got := []string{}
				for _, it := range page.Items {
					got = append(got, nameOf(w, it.ID))
				}
				sort.Strings(got)
				if strings.Join(got, " ") != tt.want {
					t.Errorf("List(%s) = %v, want %q", tt.filter, got, tt.want)
				}
				counts, err := svc.Count(ctx, w.f.Admin, conversation.ListParams{Filter: tt.filter})
				if err != nil || counts["all"] != int64(len(got)) {
					t.Errorf("Count(%s)[all] = %d (%v), want %d", tt.filter, counts["all"], err, len(got))
				}
				// One view counted alone (its predicate in the WHERE) agrees
				// with the same view counted among all of them.
				for _, actor := range []parley.Actor{w.f.Admin, w.f.Agent} {
					every, err := svc.Count(ctx, actor, conversation.ListParams{Filter: tt.filter})
					if err != nil {
						t.Fatal(err)
					}
					for _, v := range conversation.Views() {
						one, err := svc.Count(ctx, actor, conversation.ListParams{Filter: tt.filter, Views: []string{v}})
						if err != nil || len(one) != 1 || one[v] != every[v] {
							t.Errorf("%s: Count(%s, views=%s) = %v (%v), want %d", actor.Role, tt.filter, v, one, err, every[v])
						}
					}
				}
			})
		}
		// number: each conversation by its own number.
		for name, id := range w.convs {
			c, _ := s.FindConversationByID(ctx, w.f.Workspace.ID, id)
			for _, v := range []string{fmt.Sprint(c.Number), fmt.Sprintf(`"#%d"`, c.Number)} {
				page, err := svc.List(ctx, w.f.Admin, conversation.ListParams{Filter: all(cond("number", "eq", v))})
				if err != nil || len(page.Items) != 1 || page.Items[0].ID != id {
					t.Errorf("number eq %s: %v (%v), want %s", v, page, err, name)
				}
			}
		}
	})
}

// TestService_FilterSort: each sort order pages through every
// conversation once, in order.
func TestService_FilterSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w, _ := buildFilters(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		for sortBy, want := range map[string]string{
			"newest": "vip free urgent plain", "oldest": "plain urgent free vip",
			"created": "plain urgent free vip", "priority": "urgent vip free plain",
		} {
			var got []string
			cursor := ""
			for range 10 {
				page, err := svc.List(ctx, w.f.Admin, conversation.ListParams{Sort: sortBy, Limit: 1, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range page.Items {
					got = append(got, nameOf(w, it.ID))
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if strings.Join(got, " ") != want {
				t.Errorf("sort %s pages %v, want %q", sortBy, got, want)
			}
		}
	})
}

// TestParseFilter_Rejects: bad filters are EINVALID on the filter field,
// naming what is wrong.
func TestParseFilter_Rejects(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name, raw, mention string
	}{
		{"malformed JSON", `{"match":`, "not a valid filter object"},
		{"unknown top-level key", `{"match":"all","conds":[]}`, "unknown field"},
		{"unknown match", `{"match":"most","conditions":[]}`, "most"},
		{"unknown field", `{"conditions":[{"field":"colour","op":"eq","value":"red"}]}`, `"colour"`},
		{"unknown operator", `{"conditions":[{"field":"tag","op":"like","value":"x"}]}`, `"like"`},
		{"operator the field refuses", `{"conditions":[{"field":"channel","op":"gt","value":"x"}]}`, `"gt" for channel`},
		{"bad status", `{"conditions":[{"field":"status","op":"eq","value":"closed"}]}`, "closed"},
		{"bad id", `{"conditions":[{"field":"inbox","op":"eq","value":"1 OR 1=1"}]}`, "not an id"},
		{"bad attribute key", `{"conditions":[{"field":"contact.attributes.a'b","op":"eq","value":"x"}]}`, "attribute key"},
		{"bad period", `{"conditions":[{"field":"created_at","op":"eq","value":"fortnight"}]}`, "fortnight"},
		{"list for eq", `{"conditions":[{"field":"tag","op":"eq","value":["a"]}]}`, "string"},
		{"empty in", `{"conditions":[{"field":"tag","op":"in","value":[]}]}`, "non-empty"},
		{"between one number", `{"conditions":[{"field":"number","op":"between","value":[1]}]}`, "two numbers"},
		{"trailing data", `{"conditions":[]} {}`, "after its object"},
		{"oversized", `{"conditions":[` + strings.Repeat(`{"field":"tag","op":"eq","value":"x"},`, 200) + `{}]}`, "larger than"},
		{"too many conditions", `{"conditions":[` + strings.TrimSuffix(strings.Repeat(`{"field":"tag","op":"eq","value":"x"},`, 21), ",") + `]}`, "at most 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := conversation.ParseFilter(tt.raw, now)
			pe, ok := err.(*parley.Error)
			if !ok || pe.Code != parley.EINVALID || pe.Field != "filter" || !strings.Contains(pe.Message, tt.mention) {
				t.Errorf("ParseFilter(%.60s) = %v, want EINVALID on filter mentioning %q", tt.raw, err, tt.mention)
			}
		})
	}
}
