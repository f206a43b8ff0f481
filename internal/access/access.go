// Package access decides who may see and do what. It is the one
// authorization function of Parley: REST, WebSocket, search, exports and
// outgoing webhooks all ask it, per object.
package access

import (
	"slices"

	"github.com/parleyhq/parley"
)

// CanSeeConversation reports whether the actor may see a conversation with
// the given audience in a workspace with the given settings.
//
// Admins see every conversation of their workspace. An agent sees a
// conversation when the workspace's agent scope allows it (all, their
// teams', or only those assigned to them) and, when the conversation has a
// visibility list, the list names them.
func CanSeeConversation(a parley.Actor, s parley.WorkspaceSettings, aud parley.Audience) bool {
	if a.UserID == "" || a.WorkspaceID == "" || !a.Role.Valid() {
		return false
	}
	if a.IsAdmin() {
		return true
	}
	if aud.VisibleTo != nil && !slices.Contains(aud.VisibleTo, a.UserID) {
		return false
	}
	switch s.AgentScope {
	case parley.ScopeTeams:
		return slices.Contains(aud.AssigneeIDs, a.UserID) ||
			(aud.TeamID != "" && slices.Contains(a.TeamIDs, aud.TeamID))
	case parley.ScopeAssigned:
		return slices.Contains(aud.AssigneeIDs, a.UserID)
	default:
		return true
	}
}

// Scope is the same rule as CanSeeConversation, in the form a store turns
// into a query predicate for lists and counts. The store must apply every
// field; the conformance suite checks that both forms agree.
type Scope struct {
	WorkspaceID string
	// All: no restriction inside the workspace (admins).
	All bool
	// None: the actor sees nothing (not a member with a known role).
	None bool
	// UserID must be on the visibility list when the conversation has one.
	UserID string
	// TeamIDs, when TeamsOnly, are the teams whose conversations are visible
	// (conversations assigned to UserID are visible too).
	TeamsOnly bool
	TeamIDs   []string
	// AssignedOnly: only conversations assigned to UserID.
	AssignedOnly bool
}

// ConversationScope returns the actor's Scope for listing conversations.
func ConversationScope(a parley.Actor, s parley.WorkspaceSettings) Scope {
	sc := Scope{WorkspaceID: a.WorkspaceID, UserID: a.UserID}
	if a.UserID == "" || !a.Role.Valid() {
		sc.None = true
		return sc
	}
	if a.IsAdmin() {
		sc.All = true
		return sc
	}
	switch s.AgentScope {
	case parley.ScopeTeams:
		sc.TeamsOnly = true
		sc.TeamIDs = a.TeamIDs
	case parley.ScopeAssigned:
		sc.AssignedOnly = true
	}
	return sc
}

// CanUpdateConversation reports whether the actor may change a conversation
// they can see. Any member who can see a conversation may work on it.
func CanUpdateConversation(a parley.Actor, s parley.WorkspaceSettings, aud parley.Audience) bool {
	return CanSeeConversation(a, s, aud)
}

// CanCloseConversation reports whether the actor may resolve a conversation:
// an assignee, an admin, or anyone when it has no assignee.
func CanCloseConversation(a parley.Actor, s parley.WorkspaceSettings, aud parley.Audience) bool {
	if !CanSeeConversation(a, s, aud) {
		return false
	}
	return a.IsAdmin() || len(aud.AssigneeIDs) == 0 || slices.Contains(aud.AssigneeIDs, a.UserID)
}

// CanDeleteConversation reports whether the actor may delete a conversation:
// admins only.
func CanDeleteConversation(a parley.Actor, s parley.WorkspaceSettings, aud parley.Audience) bool {
	return a.IsAdmin() && CanSeeConversation(a, s, aud)
}

// CanAdminister reports whether the actor may change workspace settings,
// users, teams and inboxes.
func CanAdminister(a parley.Actor) bool { return a.IsAdmin() }

// ValidAssignees checks that every assignee may see a conversation with the
// given visibility list: assignees must be on the list.
func ValidAssignees(visibleTo, assigneeIDs []string) bool {
	if visibleTo == nil {
		return true
	}
	for _, id := range assigneeIDs {
		if !slices.Contains(visibleTo, id) {
			return false
		}
	}
	return true
}
