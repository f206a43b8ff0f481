package conversation

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// recordChanges writes the system lines of an update: who was assigned or
// removed, the status moves (resolved with its note and reason, reopened,
// snoozed) and visibility changes.
func recordChanges(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, prev, c *parley.Conversation) error {
	actor := activity.ActorRef(a)
	var events []parley.SystemEvent
	if !slices.Equal(prev.AssigneeIDs, c.AssigneeIDs) {
		added := 0
		for _, id := range c.AssigneeIDs {
			if !slices.Contains(prev.AssigneeIDs, id) {
				events = append(events, parley.SystemEvent{Action: parley.ActionAssigned, Actor: actor, Subject: activity.Person(ctx, tx, id)})
				added++
			}
		}
		if added == 0 && len(c.AssigneeIDs) < len(prev.AssigneeIDs) {
			events = append(events, parley.SystemEvent{Action: parley.ActionUnassigned, Actor: actor})
		}
	}
	if prev.Status != c.Status {
		ev := parley.SystemEvent{Action: parley.ActionStatusChanged, Actor: actor, Status: c.Status}
		switch {
		case c.Status == parley.StatusResolved:
			ev.Action, ev.Note, ev.Reason = parley.ActionResolved, c.ResolutionNote, c.CloseReason
		case prev.Status.Closed() && !c.Status.Closed():
			ev.Action = parley.ActionReopened
		case c.Status == parley.StatusSnoozed:
			ev.Action = parley.ActionSnoozed
		}
		events = append(events, ev)
	}
	if (prev.VisibleTo == nil) != (c.VisibleTo == nil) || !slices.Equal(prev.VisibleTo, c.VisibleTo) {
		events = append(events, parley.SystemEvent{Action: parley.ActionVisibility, Actor: actor})
	}
	for _, ev := range events {
		if _, err := activity.Record(ctx, tx, c, ev); err != nil {
			return err
		}
	}
	return nil
}

// MaxNoteLen bounds a resolution or transfer note (runes).
const MaxNoteLen = 2000

// applyResolution sets or clears the resolution note and close reason as
// the conversation moves to next: they go only with resolved, the reason
// from the workspace's list; reopening clears them.
func applyResolution(ws *parley.Workspace, c *parley.Conversation, next parley.ConversationStatus, ch Change) error {
	if next != parley.StatusResolved {
		if ch.ResolutionNote.Set || ch.CloseReason.Set {
			return parley.FieldErrorf("close_reason", "resolution_note and close_reason go with status resolved.")
		}
		if !next.Closed() {
			c.ResolutionNote, c.CloseReason = "", ""
		}
		return nil
	}
	if ch.ResolutionNote.Set {
		note := strings.TrimSpace(ch.ResolutionNote.Value)
		if utf8.RuneCountInString(note) > MaxNoteLen || !utf8.ValidString(note) {
			return parley.FieldErrorf("resolution_note", "The note must be valid text of at most %d characters.", MaxNoteLen)
		}
		c.ResolutionNote = note
	}
	if ch.CloseReason.Set {
		reason := strings.TrimSpace(ch.CloseReason.Value)
		reasons := ws.Settings.Effective().CloseReasons
		if reason != "" && !slices.Contains(reasons, reason) {
			return parley.FieldErrorf("close_reason", "Unknown close reason %q: use one of %s.", clip(reason), strings.Join(reasons, ", "))
		}
		c.CloseReason = reason
	}
	return nil
}

// reroute keeps routing in step with a change: a conversation that enters
// a queue gets its arrival time and its team's pass; one whose assignees
// stop holding it as open work (resolved, snoozed, unassigned, deleted)
// frees them, so the workspace's queues are looked at again.
func reroute(ctx context.Context, tx *sqlstore.Tx, prev, c *parley.Conversation) error {
	if c.Status == parley.StatusQueued && (prev.Status != parley.StatusQueued || prev.TeamID != c.TeamID) {
		now := tx.Now()
		c.QueuedAt = &now
	}
	if c.Status != parley.StatusQueued {
		c.QueuedAt = nil
	}
	return nil
}

// rerouteAfter schedules the routing passes a saved change calls for.
func rerouteAfter(ctx context.Context, tx *sqlstore.Tx, prev, c *parley.Conversation) error {
	if c.Status == parley.StatusQueued && len(c.AssigneeIDs) == 0 && c.DeletedAt == nil {
		if err := routing.Trigger(ctx, tx, c.WorkspaceID, c.TeamID); err != nil {
			return err
		}
	}
	working := func(x *parley.Conversation) bool {
		return x.DeletedAt == nil && (x.Status == parley.StatusOpen || x.Status == parley.StatusPending)
	}
	for _, id := range prev.AssigneeIDs {
		if working(prev) && (!working(c) || !slices.Contains(c.AssigneeIDs, id)) {
			return routing.TriggerWorkspace(ctx, tx, c.WorkspaceID)
		}
	}
	return nil
}
