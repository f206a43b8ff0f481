package workspace

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Members join a workspace by accepting an invitation (package invite):
// an admin never creates, finds or attaches a global account.

func (s *Service) memberChanged(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, userID, action string) error {
	m, err := tx.FindMember(ctx, a.WorkspaceID, userID)
	var data any = map[string]string{"id": userID}
	if err == nil {
		data = m
	} else if !parley.IsNotFound(err) {
		return err
	}
	if err := tx.AppendEvent("member.updated", a.WorkspaceID, "", data, nil, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, a.WorkspaceID, a.UserID, action, "user", userID, data)
}

// MemberChange is a partial update of a member.
type MemberChange struct {
	Role         *parley.Role
	Availability *parley.Availability
	Capacity     *int
}

// UpdateMember changes a member. Admins change anything; members may set
// their own availability.
func (s *Service) UpdateMember(ctx context.Context, a parley.Actor, userID string, ch MemberChange) (*parley.Member, error) {
	self := userID == a.UserID
	if !a.IsAdmin() && (!self || ch.Role != nil || ch.Capacity != nil) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin can change another member, a role or a capacity.")
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		m, err := tx.FindMember(ctx, a.WorkspaceID, userID)
		if err != nil {
			return err
		}
		if ch.Role != nil {
			if !ch.Role.Valid() {
				return parley.FieldErrorf("role", "Use admin or agent.")
			}
			if m.Role == parley.RoleAdmin && *ch.Role != parley.RoleAdmin {
				if err := s.keepOneAdmin(ctx, tx, a.WorkspaceID, userID); err != nil {
					return err
				}
			}
			m.Role = *ch.Role
		}
		if ch.Availability != nil {
			if !ch.Availability.Valid() {
				return parley.FieldErrorf("availability", "Use online, busy or offline.")
			}
			m.Availability = *ch.Availability
		}
		if ch.Capacity != nil {
			if *ch.Capacity < 0 || *ch.Capacity > 10000 {
				return parley.FieldErrorf("capacity", "The capacity must be between 0 (no limit) and 10000.")
			}
			m.Capacity = *ch.Capacity
		}
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		if ch.Availability != nil || ch.Capacity != nil { // they may take work now
			if err := routing.TriggerWorkspace(ctx, tx, a.WorkspaceID); err != nil {
				return err
			}
		}
		return s.memberChanged(ctx, tx, a, userID, "member.update")
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindMember(ctx, a.WorkspaceID, userID)
}

func (s *Service) keepOneAdmin(ctx context.Context, tx *sqlstore.Tx, workspaceID, leaving string) error {
	ms, err := tx.ListMembers(ctx, workspaceID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID != leaving && m.Role == parley.RoleAdmin {
			return nil
		}
	}
	return parley.Errorf(parley.ECONFLICT, "A workspace needs at least one admin.")
}

// RemoveMember removes a user from the workspace (admins).
func (s *Service) RemoveMember(ctx context.Context, a parley.Actor, userID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindMember(ctx, a.WorkspaceID, userID); err != nil {
			return err
		}
		if err := s.keepOneAdmin(ctx, tx, a.WorkspaceID, userID); err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, a.WorkspaceID, userID); err != nil {
			return err
		}
		return s.memberChanged(ctx, tx, a, userID, "member.remove")
	})
}

// Members lists the workspace's members.
func (s *Service) Members(ctx context.Context, a parley.Actor) ([]parley.Member, error) {
	return s.store.ListMembers(ctx, a.WorkspaceID)
}

// Member returns one member.
func (s *Service) Member(ctx context.Context, a parley.Actor, userID string) (*parley.Member, error) {
	return s.store.FindMember(ctx, a.WorkspaceID, userID)
}

// CreateTeam creates a team (admins).
func (s *Service) CreateTeam(ctx context.Context, a parley.Actor, name string, memberIDs []string) (*parley.Team, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	name, err := ValidName("name", name)
	if err != nil {
		return nil, err
	}
	var t *parley.Team
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if t, err = tx.CreateTeam(ctx, a.WorkspaceID, name, memberIDs); err != nil {
			return err
		}
		return teamChanged(ctx, tx, a, t, "team.create")
	})
	return t, err
}

func teamChanged(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, t *parley.Team, action string) error {
	if err := tx.AppendEvent("team.updated", a.WorkspaceID, "", t, nil, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, a.WorkspaceID, a.UserID, action, "team", t.ID, t)
}

// UpdateTeam renames a team and/or replaces its members (admins).
func (s *Service) UpdateTeam(ctx context.Context, a parley.Actor, teamID string, name *string, memberIDs []string) (*parley.Team, error) {
	return s.UpdateTeamWith(ctx, a, teamID, TeamChange{Name: name, MemberIDs: memberIDs})
}

// TeamChange is a partial update of a team; nil fields stay.
type TeamChange struct {
	Name          *string
	MemberIDs     []string
	RoutingPolicy *string
}

// UpdateTeamWith renames a team, replaces its members and/or sets its
// routing policy (admins).
func (s *Service) UpdateTeamWith(ctx context.Context, a parley.Actor, teamID string, ch TeamChange) (*parley.Team, error) {
	name, memberIDs := ch.Name, ch.MemberIDs
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var t *parley.Team
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if t, err = tx.FindTeamByID(ctx, a.WorkspaceID, teamID); err != nil {
			return err
		}
		if name != nil {
			if t.Name, err = ValidName("name", *name); err != nil {
				return err
			}
			if err := tx.RenameTeam(ctx, t); err != nil {
				return err
			}
		}
		if memberIDs != nil {
			if err := tx.SetTeamMembers(ctx, t, memberIDs); err != nil {
				return err
			}
		}
		if err := setRouting(ctx, tx, t, ch.RoutingPolicy, memberIDs != nil); err != nil {
			return err
		}
		return teamChanged(ctx, tx, a, t, "team.update")
	})
	return t, err
}

// DeleteTeam deletes a team (admins).
func (s *Service) DeleteTeam(ctx context.Context, a parley.Actor, teamID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		t, err := tx.FindTeamByID(ctx, a.WorkspaceID, teamID)
		if err != nil {
			return err
		}
		if err := tx.DeleteTeam(ctx, a.WorkspaceID, teamID); err != nil {
			return err
		}
		return teamChanged(ctx, tx, a, t, "team.delete")
	})
}

// Teams lists the workspace's teams.
func (s *Service) Teams(ctx context.Context, a parley.Actor) ([]parley.Team, error) {
	return s.store.ListTeams(ctx, a.WorkspaceID)
}

// Team returns one team.
func (s *Service) Team(ctx context.Context, a parley.Actor, teamID string) (*parley.Team, error) {
	return s.store.FindTeamByID(ctx, a.WorkspaceID, teamID)
}

// UpdateProfile changes the user's own name and avatar.
func (s *Service) UpdateProfile(ctx context.Context, userID string, name, avatarURL *string) (*parley.User, error) {
	var u *parley.User
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if u, err = tx.FindUserByID(ctx, userID); err != nil {
			return err
		}
		if name != nil {
			if u.Name, err = ValidName("name", *name); err != nil {
				return err
			}
		}
		if avatarURL != nil {
			if u.AvatarURL, err = ValidAvatarURL("avatar_url", *avatarURL); err != nil {
				return err
			}
		}
		return tx.UpdateUser(ctx, u)
	})
	return u, err
}
