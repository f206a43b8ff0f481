package conversation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// TransferInput names where a conversation goes: a user (they become the
// assignee in place of the transferring agent) or a team (back to its
// queue and routing), with an optional note for the thread.
type TransferInput struct {
	UserID string
	TeamID string
	Note   string
}

func (in *TransferInput) validate() error {
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case (in.UserID == "") == (in.TeamID == ""):
		return parley.FieldErrorf("user_id", "Name either user_id or team_id.")
	case !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > MaxNoteLen:
		return parley.FieldErrorf("note", "The note must be valid text of at most %d characters.", MaxNoteLen)
	}
	return nil
}

// Transfer hands a conversation to a colleague or a team. The note is
// recorded as a private system line naming both people. Bad input (an
// unknown user or team, a user outside the visibility list, oneself)
// changes nothing.
func (s *Service) Transfer(ctx context.Context, a parley.Actor, conversationID string, in TransferInput) (*parley.ConversationItem, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, _, err := locked(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		if c.Status.Closed() {
			return parley.Errorf(parley.ECONFLICT, "Conversation #%d is %s: reopen it before transferring it.", c.Number, c.Status)
		}
		prev := *c
		ev := parley.SystemEvent{Action: parley.ActionTransferred, Actor: activity.ActorRef(a), Note: in.Note}
		if len(prev.AssigneeIDs) > 0 {
			from := prev.AssigneeIDs[0]
			if slices.Contains(prev.AssigneeIDs, a.UserID) {
				from = a.UserID
			}
			ev.From = activity.Person(ctx, tx, from)
		}
		if in.UserID != "" {
			err = transferToUser(ctx, tx, a, c, in.UserID, &ev)
		} else {
			err = transferToTeam(ctx, tx, c, in.TeamID, &ev)
		}
		if err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if err := rerouteAfter(ctx, tx, &prev, c); err != nil {
			return err
		}
		if _, err := activity.Record(ctx, tx, c, ev); err != nil {
			return err
		}
		was := prev.Audience()
		if err := appendChange(ctx, tx, c, &was, "", nil); err != nil {
			return err
		}
		d := auditChange(&prev, c)
		d["note"] = in.Note
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.transfer", "conversation", c.ID, d)
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindConversationItem(ctx, a.WorkspaceID, conversationID, a.UserID)
}

func transferToUser(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, c *parley.Conversation, userID string, ev *parley.SystemEvent) error {
	if userID == a.UserID {
		return parley.FieldErrorf("user_id", "You cannot transfer a conversation to yourself.")
	}
	if _, err := tx.FindMember(ctx, c.WorkspaceID, userID); err != nil {
		if parley.IsNotFound(err) {
			return parley.FieldErrorf("user_id", "User %s is not a member of this workspace.", clip(userID))
		}
		return err
	}
	if c.VisibleTo != nil && !slices.Contains(c.VisibleTo, userID) {
		return parley.FieldErrorf("user_id", "%s is not on this conversation's visibility list.", activity.Person(ctx, tx, userID).Name)
	}
	if slices.Equal(c.AssigneeIDs, []string{userID}) {
		return parley.FieldErrorf("user_id", "%s already has this conversation.", activity.Person(ctx, tx, userID).Name)
	}
	next := []string{userID}
	if i := slices.Index(c.AssigneeIDs, a.UserID); i >= 0 {
		next = slices.Clone(c.AssigneeIDs)
		next[i] = userID
		next = dedupe(next)
	}
	c.AssigneeIDs = next
	if c.Status == parley.StatusQueued {
		c.Status = parley.StatusOpen
	}
	c.QueuedAt = nil
	ev.Subject = activity.Person(ctx, tx, userID)
	return nil
}

func transferToTeam(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, teamID string, ev *parley.SystemEvent) error {
	team, err := tx.FindTeamRouting(ctx, c.WorkspaceID, teamID)
	if err != nil {
		if parley.IsNotFound(err) {
			return parley.FieldErrorf("team_id", "Team %s does not exist.", clip(teamID))
		}
		return err
	}
	c.TeamID, c.AssigneeIDs = team.TeamID, []string{}
	if routing.Policy(team.Policy).Auto() {
		now := tx.Now()
		c.Status, c.QueuedAt, c.SnoozedUntil = parley.StatusQueued, &now, nil
	} else if c.Status == parley.StatusQueued {
		c.Status, c.QueuedAt = parley.StatusOpen, nil
	}
	ev.Team = &parley.TeamRef{ID: team.TeamID, Name: team.Name}
	return nil
}

// AgentLoad is a member as the transfer dialog lists them: availability,
// whether they are connected, and their load against their capacity.
type AgentLoad struct {
	sqlstore.Agent
	Connected bool `json:"connected"`
	// LoadLabel is "3 / 5" (or "3" without a capacity).
	LoadLabel string `json:"load_label"`
}

// Agents lists the workspace's members with their load, for the transfer
// dialog.
func (s *Service) Agents(ctx context.Context, a parley.Actor) ([]AgentLoad, error) {
	list, err := s.store.ListAgents(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	since := s.store.Now().Add(-routing.PresenceWindow)
	out := make([]AgentLoad, len(list))
	for i, ag := range list {
		out[i] = AgentLoad{Agent: ag, Connected: ag.LastSeen != nil && !ag.LastSeen.Before(since), LoadLabel: strconv.Itoa(ag.Load)}
		if ag.Capacity > 0 {
			out[i].LoadLabel = fmt.Sprintf("%d / %d", ag.Load, ag.Capacity)
		}
	}
	return out, nil
}
