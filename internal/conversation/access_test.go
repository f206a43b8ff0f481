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

// world is a workspace with people and conversations whose audiences cover
// the access rules.
type world struct {
	f        *storetest.Fixture
	a, b     parley.Actor // agents: a in team T, b in no team
	outsider parley.Actor // a member of another workspace
	team     *parley.Team
	convs    map[string]string // name -> id
}

func build(t *testing.T, s *sqlstore.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{f: storetest.Seed(t, s), convs: map[string]string{}}
	err := s.Write(ctx, func(tx *sqlstore.Tx) error {
		ws := w.f.Workspace.ID
		for _, p := range []struct {
			actor *parley.Actor
			email string
		}{{&w.a, "a@example.com"}, {&w.b, "b@example.com"}} {
			u, err := tx.CreateUser(ctx, p.email, p.email, "")
			if err != nil {
				return err
			}
			if err := tx.AddMember(ctx, ws, u.ID, parley.RoleAgent); err != nil {
				return err
			}
			*p.actor = parley.Actor{UserID: u.ID, Name: p.email, WorkspaceID: ws, Role: parley.RoleAgent, TeamIDs: []string{}}
		}
		team, err := tx.CreateTeam(ctx, ws, "T", []string{w.a.UserID})
		if err != nil {
			return err
		}
		w.team, w.a.TeamIDs = team, []string{team.ID}
		other, err := tx.CreateWorkspace(ctx, "Other", parley.DefaultWorkspaceSettings())
		if err != nil {
			return err
		}
		u, err := tx.CreateUser(ctx, "x@example.com", "x", "")
		if err != nil {
			return err
		}
		if err := tx.AddMember(ctx, other.ID, u.ID, parley.RoleAdmin); err != nil {
			return err
		}
		// The outsider is an admin elsewhere, acting on this workspace.
		w.outsider = parley.Actor{UserID: u.ID, WorkspaceID: ws, Role: "", TeamIDs: []string{}}
		for _, c := range []struct {
			name      string
			team      string
			assignees []string
			visible   []string
		}{
			{"open", "", nil, nil},
			{"team", team.ID, nil, nil},
			{"assignedB", "", []string{w.b.UserID}, nil},
			{"restrictedA", "", nil, []string{w.a.UserID, w.f.Admin.UserID}},
			{"restrictedB", team.ID, []string{w.b.UserID}, []string{w.b.UserID}},
		} {
			ct := &parley.Contact{WorkspaceID: ws, Name: c.name, Identities: []parley.ContactIdentity{{InboxID: w.f.Inbox.ID, SourceID: c.name}}}
			if err := tx.CreateContact(ctx, ct); err != nil {
				return err
			}
			conv := &parley.Conversation{WorkspaceID: ws, ContactID: ct.ID, InboxID: w.f.Inbox.ID, Status: parley.StatusOpen,
				TeamID: c.team, AssigneeIDs: c.assignees, VisibleTo: c.visible}
			if err := tx.CreateConversation(ctx, conv); err != nil {
				return err
			}
			w.convs[c.name] = conv.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestAccess_Matrix(t *testing.T) {
	tests := []struct {
		scope parley.AgentScope
		who   string
		sees  string // names of the conversations visible, space-separated
	}{
		{parley.ScopeAll, "admin", "assignedB open restrictedA restrictedB team"},
		{parley.ScopeAll, "a", "assignedB open restrictedA team"},
		{parley.ScopeAll, "b", "assignedB open restrictedB team"},
		{parley.ScopeAll, "outsider", ""},
		{parley.ScopeTeams, "admin", "assignedB open restrictedA restrictedB team"},
		{parley.ScopeTeams, "a", "team"},
		{parley.ScopeTeams, "b", "assignedB restrictedB"},
		{parley.ScopeAssigned, "a", ""},
		{parley.ScopeAssigned, "b", "assignedB restrictedB"},
		{parley.ScopeAssigned, "outsider", ""},
	}
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(string(tt.scope)+"/"+tt.who, func(t *testing.T) {
				w.f.Workspace.Settings.AgentScope = tt.scope
				if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateWorkspace(ctx, w.f.Workspace) }); err != nil {
					t.Fatal(err)
				}
				actor := map[string]parley.Actor{"admin": w.f.Admin, "a": w.a, "b": w.b, "outsider": w.outsider}[tt.who]
				want := strings.Fields(tt.sees)
				checkMatrix(t, svc, s, w, actor, want)
			})
		}
	})
}

func checkMatrix(t *testing.T, svc *conversation.Service, s *sqlstore.Store, w *world, actor parley.Actor, want []string) {
	t.Helper()
	ctx := context.Background()
	var listed []string
	if page, err := svc.List(ctx, actor, conversation.ListParams{}); err != nil {
		t.Fatalf("List: %v", err)
	} else {
		for _, it := range page.Items {
			listed = append(listed, nameOf(w, it.ID))
		}
	}
	sort.Strings(listed)
	if strings.Join(listed, " ") != strings.Join(want, " ") {
		t.Errorf("List = %v, want %v", listed, want)
	}
	c, err := svc.Count(ctx, actor, conversation.ListParams{})
	if err != nil || c["all"] != int64(len(want)) {
		t.Errorf("Count().All = %v (%v), want %d", c, err, len(want))
	}
	for view, got := range c {
		page, err := svc.List(ctx, actor, conversation.ListParams{View: view})
		if err != nil || int64(len(page.Items)) != got {
			t.Errorf("Count().%s = %d, but the %s list has %d (%v)", view, got, view, len(page.Items), err)
		}
	}
	for name, id := range w.convs {
		visible := slices.Contains(want, name)
		ws, _ := s.FindWorkspaceByID(ctx, w.f.Workspace.ID)
		c, _ := s.FindConversationByID(ctx, w.f.Workspace.ID, id)
		if got := access.CanSeeConversation(actor, ws.Settings, c.Audience()); got != visible {
			t.Errorf("CanSeeConversation(%s) = %v, want %v", name, got, visible)
		}
		ops := map[string]error{}
		_, ops["read"] = svc.Get(ctx, actor, id)
		_, ops["messages"] = svc.Messages(ctx, actor, id, "", 10)
		_, ops["note"] = svc.Reply(ctx, actor, id, "a note", true, nil)
		_, ops["update"] = svc.Update(ctx, actor, id, conversation.Change{Priority: conversation.Optional[parley.Priority]{Set: true, Value: parley.PriorityHigh}})
		ops["mark read"] = svc.MarkRead(ctx, actor, id)
		for op, err := range ops {
			switch {
			case visible && err != nil:
				t.Errorf("%s %s: %v, want success", op, name, err)
			case !visible && !parley.IsNotFound(err):
				t.Errorf("%s %s: %v, want ENOTFOUND (never the object)", op, name, err)
			}
		}
	}
}

func nameOf(w *world, id string) string {
	for n, v := range w.convs {
		if v == id {
			return n
		}
	}
	return id
}

func TestUpdate_AssigneesMustBeOnVisibilityList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		id := w.convs["open"]
		set := func(v []string) conversation.Optional[[]string] {
			return conversation.Optional[[]string]{Set: true, Value: v}
		}
		_, err := svc.Update(ctx, w.f.Admin, id, conversation.Change{VisibleTo: set([]string{w.a.UserID}), AssigneeIDs: set([]string{w.b.UserID})})
		if pe, ok := err.(*parley.Error); !ok || pe.Field != "assignee_ids" {
			t.Errorf("Update(visible a, assign b) = %v, want EINVALID on assignee_ids", err)
		}
		if _, err := svc.Update(ctx, w.f.Admin, id, conversation.Change{VisibleTo: set([]string{w.a.UserID}), AssigneeIDs: set([]string{w.a.UserID})}); err != nil {
			t.Fatalf("Update(visible a, assign a) = %v", err)
		}
		_, err = svc.Update(ctx, w.f.Admin, id, conversation.Change{VisibleTo: set([]string{w.b.UserID})})
		if pe, ok := err.(*parley.Error); !ok || pe.Field != "visible_to" {
			t.Errorf("Update(visible b while a assigned) = %v, want EINVALID on visible_to", err)
		}
		// null visibility opens it to everyone again.
		it, err := svc.Update(ctx, w.f.Admin, id, conversation.Change{VisibleTo: conversation.Optional[[]string]{Set: true, Null: true}})
		if err != nil || it.VisibleTo != nil {
			t.Errorf("Update(visible_to null) = %v, %v; want everyone", it, err)
		}
	})
}

func TestUpdate_StatusTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := build(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		id := w.convs["assignedB"]
		st := func(v parley.ConversationStatus) conversation.Change {
			return conversation.Change{Status: conversation.Optional[parley.ConversationStatus]{Set: true, Value: v}}
		}
		if _, err := svc.Update(ctx, w.a, id, st(parley.StatusResolved)); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a non-assignee agent resolving = %v, want EFORBIDDEN", err)
		}
		it, err := svc.Update(ctx, w.b, id, st(parley.StatusResolved))
		if err != nil || it.Status != parley.StatusResolved || it.ResolvedAt == nil {
			t.Fatalf("the assignee resolving = %+v, %v", it, err)
		}
		if _, err := svc.Update(ctx, w.b, id, st(parley.StatusPending)); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("resolved -> pending = %v, want EINVALID", err)
		}
		if _, err := svc.Update(ctx, w.b, id, st(parley.StatusSnoozed)); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("snooze without a time = %v, want EINVALID", err)
		}
		it, err = svc.Update(ctx, w.b, id, st(parley.StatusOpen))
		if err != nil || it.Status != parley.StatusOpen || it.ResolvedAt != nil {
			t.Errorf("reopen = %+v, %v", it, err)
		}
	})
}
