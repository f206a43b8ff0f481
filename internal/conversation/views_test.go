package conversation_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// viewWorld adds to the access world one conversation per trait a view
// looks at.
type viewConv struct {
	name       string
	status     parley.ConversationStatus
	team       bool // in team T
	assigneeA  bool
	visible    func(w *world) []string
	inbound    int64
	lastIn     bool // the last message is the customer's
	lastOut    bool // the last message is ours
	handoff    bool
	appt       bool
	startedByA bool
	readByA    bool
	pinnedByB  bool
}

var viewConvs = []viewConv{
	{name: "fresh", status: parley.StatusOpen, inbound: 1, lastIn: true},
	{name: "mineA", status: parley.StatusOpen, team: true, assigneeA: true, inbound: 1, lastOut: true, readByA: true},
	{name: "queued", status: parley.StatusQueued},
	{name: "closed", status: parley.StatusResolved, inbound: 1, lastIn: true},
	{name: "handoff", status: parley.StatusOpen, handoff: true, lastOut: true},
	{name: "appt", status: parley.StatusPending, appt: true},
	{name: "dialog", status: parley.StatusOpen, startedByA: true, lastOut: true},
	{name: "readA", status: parley.StatusOpen, team: true, inbound: 2, lastIn: true, readByA: true},
	{name: "hidden", status: parley.StatusOpen, inbound: 1, lastIn: true, visible: func(w *world) []string { return []string{w.f.Admin.UserID} }},
	{name: "pinnedB", status: parley.StatusSnoozed, pinnedByB: true},
}

// wantViews is what each view holds for each actor when agents see every
// conversation (scope all); under other scopes the test intersects with
// what the actor may see.
var wantViews = map[string]map[string]string{
	"admin": {
		"all": "appt dialog fresh handoff hidden mineA pinnedB queued readA", "mine": "",
		"unassigned": "appt dialog fresh handoff hidden pinnedB queued readA", "team": "", "queued": "queued",
		"pinned": "", "important": "", "unread": "closed fresh hidden mineA readA", "unread_team": "closed fresh hidden",
		"unreplied": "closed fresh handoff hidden readA", "read_no_reply": "", "waiting_client": "dialog handoff mineA",
		"client_responded": "closed fresh hidden readA", "handoff": "handoff", "appointments": "appt", "dialogs": "dialog",
		"closed": "closed",
	},
	"a": {
		"all": "appt dialog fresh handoff mineA pinnedB queued readA", "mine": "mineA",
		"unassigned": "appt dialog fresh handoff pinnedB queued readA", "team": "mineA readA", "queued": "queued",
		"pinned": "", "important": "", "unread": "closed fresh", "unread_team": "closed fresh",
		"unreplied": "closed fresh handoff readA", "read_no_reply": "readA", "waiting_client": "dialog handoff mineA",
		"client_responded": "closed fresh readA", "handoff": "handoff", "appointments": "appt", "dialogs": "dialog",
		"closed": "closed",
	},
	"b": {
		"all": "appt dialog fresh handoff mineA pinnedB queued readA", "mine": "",
		"unassigned": "appt dialog fresh handoff pinnedB queued readA", "team": "", "queued": "queued",
		"pinned": "pinnedB", "important": "", "unread": "closed fresh mineA readA", "unread_team": "closed fresh",
		"unreplied": "closed fresh handoff readA", "read_no_reply": "", "waiting_client": "dialog handoff mineA",
		"client_responded": "closed fresh readA", "handoff": "handoff", "appointments": "appt", "dialogs": "dialog",
		"closed": "closed",
	},
}

func buildViews(t *testing.T, s *sqlstore.Store) *world {
	t.Helper()
	w := build(t, s)
	ctx := context.Background()
	// Only the view conversations: the access world's are deleted.
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		for name, id := range w.convs {
			c, err := tx.FindConversationByID(ctx, w.f.Workspace.ID, id)
			if err != nil {
				return err
			}
			prev := *c
			now := tx.Now()
			c.DeletedAt = &now
			if err := tx.SaveConversation(ctx, c, &prev); err != nil {
				return err
			}
			delete(w.convs, name)
		}
		ws := w.f.Workspace.ID
		for _, v := range viewConvs {
			ct := &parley.Contact{WorkspaceID: ws, Name: v.name, Identities: []parley.ContactIdentity{{InboxID: w.f.Inbox.ID, SourceID: "v-" + v.name}}}
			if err := tx.CreateContact(ctx, ct); err != nil {
				return err
			}
			c := &parley.Conversation{WorkspaceID: ws, ContactID: ct.ID, InboxID: w.f.Inbox.ID, Status: v.status,
				InboundCount: v.inbound, Handoff: v.handoff, Appointment: v.appt}
			if v.team {
				c.TeamID = w.team.ID
			}
			if v.assigneeA {
				c.AssigneeIDs = []string{w.a.UserID}
			}
			if v.visible != nil {
				c.VisibleTo = v.visible(w)
			}
			switch {
			case v.lastIn:
				c.UnrepliedCount = int(v.inbound)
				c.LastMessage = &parley.MessagePreview{Content: "hello", Direction: parley.DirectionIn, SenderKind: parley.SenderContact}
			case v.lastOut:
				c.LastMessage = &parley.MessagePreview{Content: "hi", Direction: parley.DirectionOut, SenderKind: parley.SenderAgent}
			}
			if err := tx.CreateConversation(ctx, c); err != nil {
				return err
			}
			w.convs[v.name] = c.ID
			if v.startedByA {
				if err := tx.StartedBy(ctx, c.ID, w.a.UserID); err != nil {
					return err
				}
			}
			if v.readByA {
				if err := tx.MarkRead(ctx, c.ID, w.a.UserID); err != nil {
					return err
				}
			}
			if v.pinnedByB {
				if err := tx.SetPinned(ctx, c.ID, w.b.UserID, true); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestService_Views checks every view's definition, for admins and
// agents, under each agent scope: the list holds exactly the expected
// conversations, and the count equals the list and a recount.
func TestService_Views(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := buildViews(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		for _, scope := range []parley.AgentScope{parley.ScopeAll, parley.ScopeTeams, parley.ScopeAssigned} {
			w.f.Workspace.Settings.AgentScope = scope
			if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateWorkspace(ctx, w.f.Workspace) }); err != nil {
				t.Fatal(err)
			}
			for who, views := range wantViews {
				actor := map[string]parley.Actor{"admin": w.f.Admin, "a": w.a, "b": w.b}[who]
				counts, err := svc.Count(ctx, actor, conversation.ListParams{})
				if err != nil {
					t.Fatal(err)
				}
				if len(counts) != len(sqlstore.Views) {
					t.Errorf("Count has %d keys, want %d (every view)", len(counts), len(sqlstore.Views))
				}
				for _, view := range sqlstore.Views {
					want := visibleSubset(t, s, w, actor, strings.Fields(views[view]))
					page, err := svc.List(ctx, actor, conversation.ListParams{View: view})
					if err != nil {
						t.Fatalf("%s/%s/%s: List: %v", scope, who, view, err)
					}
					var got []string
					for _, it := range page.Items {
						got = append(got, nameOf(w, it.ID))
					}
					sort.Strings(got)
					if strings.Join(got, " ") != strings.Join(want, " ") {
						t.Errorf("%s/%s: view %s lists %v, want %v", scope, who, view, got, want)
					}
					if counts[view] != int64(len(want)) {
						t.Errorf("%s/%s: count of %s = %d, want %d", scope, who, view, counts[view], len(want))
					}
				}
			}
		}
	})
}

// visibleSubset keeps the names the actor may see, by the one access
// function.
func visibleSubset(t *testing.T, s *sqlstore.Store, w *world, actor parley.Actor, names []string) []string {
	t.Helper()
	ctx := context.Background()
	ws, err := s.FindWorkspaceByID(ctx, w.f.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, n := range names {
		c, err := s.FindConversationByID(ctx, ws.ID, w.convs[n])
		if err != nil {
			t.Fatal(err)
		}
		if access.CanSeeConversation(actor, ws.Settings, c.Audience()) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// TestService_ViewsStatusAndTeam: a status list replaces a view's "not
// closed" default and narrows fixed ones; team_id picks one team.
func TestService_ViewsStatusAndTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := buildViews(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		tests := []struct {
			p    conversation.ListParams
			want string
		}{
			{conversation.ListParams{View: "all", Statuses: []parley.ConversationStatus{parley.StatusResolved}}, "closed"},
			{conversation.ListParams{View: "queued", Statuses: []parley.ConversationStatus{parley.StatusOpen}}, ""},
			{conversation.ListParams{View: "closed", Statuses: []parley.ConversationStatus{parley.StatusResolved, parley.StatusOpen}}, "closed"},
			{conversation.ListParams{View: "team", TeamID: w.team.ID}, "mineA readA"},
			{conversation.ListParams{View: "unread", Statuses: []parley.ConversationStatus{parley.StatusOpen}}, "fresh hidden mineA readA"},
		}
		for _, tt := range tests {
			page, err := svc.List(ctx, w.f.Admin, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range page.Items {
				got = append(got, nameOf(w, it.ID))
			}
			sort.Strings(got)
			if strings.Join(got, " ") != tt.want {
				t.Errorf("List(%+v) = %v, want %q", tt.p, got, tt.want)
			}
		}
		if _, err := svc.List(ctx, w.f.Admin, conversation.ListParams{View: "everything"}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("List(view=everything) = %v, want EINVALID", err)
		}
	})
}
