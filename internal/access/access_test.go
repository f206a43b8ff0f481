package access

import (
	"testing"

	"github.com/parleyhq/parley"
)

func TestCanSeeConversation(t *testing.T) {
	admin := parley.Actor{UserID: "ad", WorkspaceID: "w", Role: parley.RoleAdmin}
	agent := parley.Actor{UserID: "ag", WorkspaceID: "w", Role: parley.RoleAgent, TeamIDs: []string{"t1"}}
	all, teams, assigned := parley.WorkspaceSettings{AgentScope: parley.ScopeAll}, parley.WorkspaceSettings{AgentScope: parley.ScopeTeams}, parley.WorkspaceSettings{AgentScope: parley.ScopeAssigned}
	tests := []struct {
		name  string
		actor parley.Actor
		s     parley.WorkspaceSettings
		aud   parley.Audience
		want  bool
	}{
		{"an admin sees everything", admin, assigned, parley.Audience{VisibleTo: []string{"x"}}, true},
		{"an agent sees an open conversation under scope all", agent, all, parley.Audience{}, true},
		{"a visibility list without the agent hides it", agent, all, parley.Audience{VisibleTo: []string{"x"}}, false},
		{"an empty visibility list means admins only", agent, all, parley.Audience{VisibleTo: []string{}}, false},
		{"a visibility list naming the agent shows it", agent, all, parley.Audience{VisibleTo: []string{"ag"}}, true},
		{"scope teams: the agent's team", agent, teams, parley.Audience{TeamID: "t1"}, true},
		{"scope teams: another team", agent, teams, parley.Audience{TeamID: "t2"}, false},
		{"scope teams: no team", agent, teams, parley.Audience{}, false},
		{"scope teams: assigned to the agent in another team", agent, teams, parley.Audience{TeamID: "t2", AssigneeIDs: []string{"ag"}}, true},
		{"scope teams: the team, but a list without the agent", agent, teams, parley.Audience{TeamID: "t1", VisibleTo: []string{"x"}}, false},
		{"scope assigned: assigned", agent, assigned, parley.Audience{AssigneeIDs: []string{"ag"}}, true},
		{"scope assigned: not assigned", agent, assigned, parley.Audience{TeamID: "t1"}, false},
		{"an actor without a role sees nothing", parley.Actor{UserID: "u", WorkspaceID: "w"}, all, parley.Audience{}, false},
		{"an actor without a user sees nothing", parley.Actor{WorkspaceID: "w", Role: parley.RoleAdmin}, all, parley.Audience{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanSeeConversation(tt.actor, tt.s, tt.aud); got != tt.want {
				t.Errorf("CanSeeConversation(%+v, %s, %+v) = %v, want %v", tt.actor, tt.s.AgentScope, tt.aud, got, tt.want)
			}
		})
	}
}

func TestCanCloseConversation(t *testing.T) {
	agent := parley.Actor{UserID: "ag", WorkspaceID: "w", Role: parley.RoleAgent}
	all := parley.WorkspaceSettings{AgentScope: parley.ScopeAll}
	if !CanCloseConversation(agent, all, parley.Audience{AssigneeIDs: []string{"ag", "x"}}) {
		t.Errorf("an assignee cannot close")
	}
	if CanCloseConversation(agent, all, parley.Audience{AssigneeIDs: []string{"x"}}) {
		t.Errorf("a non-assignee agent can close an assigned conversation")
	}
	if !CanCloseConversation(agent, all, parley.Audience{}) {
		t.Errorf("an agent cannot close an unassigned conversation")
	}
	if CanDeleteConversation(agent, all, parley.Audience{}) {
		t.Errorf("an agent can delete")
	}
}

func TestValidAssignees(t *testing.T) {
	tests := []struct {
		visible, assignees []string
		want               bool
	}{
		{nil, []string{"a"}, true},
		{[]string{"a", "b"}, []string{"a"}, true},
		{[]string{"b"}, []string{"a"}, false},
		{[]string{}, nil, true},
	}
	for _, tt := range tests {
		if got := ValidAssignees(tt.visible, tt.assignees); got != tt.want {
			t.Errorf("ValidAssignees(%v, %v) = %v, want %v", tt.visible, tt.assignees, got, tt.want)
		}
	}
}
