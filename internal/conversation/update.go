package conversation

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Optional is a field of a partial update: Set when the request named it,
// Null when it named it as null.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// Change is a partial update of a conversation; unset fields stay.
type Change struct {
	Status       Optional[parley.ConversationStatus]
	SnoozedUntil Optional[time.Time]
	Priority     Optional[parley.Priority]
	AssigneeIDs  Optional[[]string]
	TeamID       Optional[string]
	VisibleTo    Optional[[]string]
	AIMode       Optional[parley.AIMode]
	Tags         Optional[[]string]
	Labels       Optional[[]string]
	// TagOps and LabelOps add and remove names on the list as stored when
	// the change is applied (the row is locked first), so that two agents
	// adding different labels at once both keep theirs; Tags and Labels
	// replace the whole list (the last writer wins).
	TagOps, LabelOps NameOps
	// ResolutionNote and CloseReason go with status resolved.
	ResolutionNote Optional[string]
	CloseReason    Optional[string]
	ExternalRef    Optional[parley.ExternalRef]
}

// Update applies a partial change to a conversation the actor can see.
func (s *Service) Update(ctx context.Context, a parley.Actor, conversationID string, ch Change) (*parley.ConversationItem, error) {
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if !ch.TagOps.empty() || !ch.LabelOps.empty() {
			// hold the row: the lists are edited as they are now
			if _, err := tx.LockConversation(ctx, a.WorkspaceID, conversationID); err != nil {
				return err
			}
		}
		c, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		prev := *c
		if err := apply(ctx, tx, a, ws, c, ch); err != nil {
			return err
		}
		if err := blockUnpaid(ctx, tx, &prev, c); err != nil {
			return err
		}
		if err := reroute(ctx, tx, &prev, c); err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return err
		}
		if err := rerouteAfter(ctx, tx, &prev, c); err != nil {
			return err
		}
		if ch.ExternalRef.Set {
			if err := tx.SetExternalKey(ctx, c); err != nil {
				return err
			}
		}
		if prev.Status == parley.StatusSnoozed || c.Status == parley.StatusSnoozed {
			if err := ScheduleSnooze(ctx, tx, c); err != nil {
				return err
			}
		}
		var prevAud *parley.Audience
		if audienceChanged(prev.Audience(), c.Audience()) {
			p := prev.Audience()
			prevAud = &p
		}
		if err := recordChanges(ctx, tx, a, &prev, c); err != nil {
			return err
		}
		if err := appendChange(ctx, tx, c, prevAud, "", nil); err != nil {
			return err
		}
		return tx.Audit(ctx, c.WorkspaceID, a.UserID, "conversation.update", "conversation", c.ID, auditChange(&prev, c))
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindConversationItem(ctx, a.WorkspaceID, conversationID, a.UserID)
}

func audienceChanged(a, b parley.Audience) bool {
	return a.TeamID != b.TeamID || !slices.Equal(a.AssigneeIDs, b.AssigneeIDs) ||
		!slices.Equal(a.VisibleTo, b.VisibleTo) || (a.VisibleTo == nil) != (b.VisibleTo == nil)
}

func apply(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, ws *parley.Workspace, c *parley.Conversation, ch Change) error {
	for _, step := range []func() error{
		func() error { return applyMembers(ctx, tx, ws, c, ch) },
		func() error { return applyStatus(tx, a, ws, c, ch) },
		func() error { return applySimple(c, ch) },
		func() error { return applyTags(ctx, tx, c, ch) },
		func() error { return applyExternalRef(c, ch) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func applyMembers(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, c *parley.Conversation, ch Change) error {
	var members []parley.Member
	if ch.VisibleTo.Set || ch.AssigneeIDs.Set {
		var err error
		if members, err = tx.ListMembers(ctx, ws.ID); err != nil {
			return err
		}
	}
	isMember := func(id string) bool {
		return slices.ContainsFunc(members, func(m parley.Member) bool { return m.ID == id })
	}
	if ch.VisibleTo.Set {
		if ch.VisibleTo.Null {
			c.VisibleTo = nil
		} else {
			list := dedupe(ch.VisibleTo.Value)
			for _, id := range list {
				if !isMember(id) {
					return parley.FieldErrorf("visible_to", "User %s is not a member of this workspace.", clip(id))
				}
			}
			c.VisibleTo = list
		}
	}
	if ch.AssigneeIDs.Set {
		list := []string{}
		if !ch.AssigneeIDs.Null {
			list = dedupe(ch.AssigneeIDs.Value)
		}
		for _, id := range list {
			if !isMember(id) {
				return parley.FieldErrorf("assignee_ids", "User %s is not a member of this workspace.", clip(id))
			}
		}
		c.AssigneeIDs = list
	}
	if !access.ValidAssignees(c.VisibleTo, c.AssigneeIDs) {
		field := "assignee_ids"
		if ch.VisibleTo.Set && !ch.AssigneeIDs.Set {
			field = "visible_to"
		}
		return parley.FieldErrorf(field, "Every assignee must be on the conversation's visibility list.")
	}
	if ch.TeamID.Set {
		c.TeamID = ""
		if !ch.TeamID.Null && ch.TeamID.Value != "" {
			if _, err := tx.FindTeamByID(ctx, ws.ID, ch.TeamID.Value); err != nil {
				if parley.IsNotFound(err) {
					return parley.FieldErrorf("team_id", "Team %s does not exist.", clip(ch.TeamID.Value))
				}
				return err
			}
			c.TeamID = ch.TeamID.Value
		}
	}
	return nil
}

func applyStatus(tx *sqlstore.Tx, a parley.Actor, ws *parley.Workspace, c *parley.Conversation, ch Change) error {
	now := tx.Now()
	if ch.SnoozedUntil.Set && !ch.Status.Set && !ch.SnoozedUntil.Null {
		ch.Status = Optional[parley.ConversationStatus]{Set: true, Value: parley.StatusSnoozed}
	}
	if !ch.Status.Set {
		if ch.ResolutionNote.Set || ch.CloseReason.Set {
			return parley.FieldErrorf("close_reason", "resolution_note and close_reason go with status resolved.")
		}
		return nil
	}
	next := ch.Status.Value
	if ch.Status.Null || !next.Valid() {
		return parley.FieldErrorf("status", "Unknown status: use queued, open, pending, snoozed, resolved or abandoned.")
	}
	if !c.Status.CanBecome(next) {
		return parley.FieldErrorf("status", "A %s conversation cannot become %s.", c.Status, next)
	}
	if next == parley.StatusResolved && c.Status != next && !access.CanCloseConversation(a, ws.Settings, c.Audience()) {
		return parley.Errorf(parley.EFORBIDDEN, "Only an assignee or an admin can close this conversation.")
	}
	c.SnoozedUntil = nil
	if next == parley.StatusSnoozed {
		if !ch.SnoozedUntil.Set || ch.SnoozedUntil.Null {
			return parley.FieldErrorf("snoozed_until", "Snoozing needs snoozed_until, the time to wake the conversation.")
		}
		if !ch.SnoozedUntil.Value.After(now) {
			return parley.FieldErrorf("snoozed_until", "snoozed_until must be in the future.")
		}
		t := ch.SnoozedUntil.Value.UTC().Truncate(time.Microsecond)
		c.SnoozedUntil = &t
	} else if ch.SnoozedUntil.Set && !ch.SnoozedUntil.Null {
		return parley.FieldErrorf("snoozed_until", "snoozed_until goes only with status snoozed.")
	}
	switch {
	case next.Closed() && !c.Status.Closed():
		c.ResolvedAt = &now
	case !next.Closed():
		c.ResolvedAt = nil
	}
	if err := applyResolution(ws, c, next, ch); err != nil {
		return err
	}
	c.Status = next
	return nil
}

func applySimple(c *parley.Conversation, ch Change) error {
	if ch.Priority.Set {
		if ch.Priority.Null || !ch.Priority.Value.Valid() {
			return parley.FieldErrorf("priority", "Unknown priority: use none, low, medium, high or urgent.")
		}
		c.Priority = ch.Priority.Value
	}
	if ch.AIMode.Set {
		if ch.AIMode.Null || !ch.AIMode.Value.Valid() {
			return parley.FieldErrorf("ai_mode", "Unknown AI mode: use active, paused or manual.")
		}
		c.AIMode = ch.AIMode.Value
	}
	return nil
}

func applyTags(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, ch Change) error {
	for _, f := range []struct {
		field, kind string
		opt         Optional[[]string]
		ops         NameOps
		dst         *[]string
	}{
		{"tags", sqlstore.KindTag, ch.Tags, ch.TagOps, &c.Tags},
		{"labels", sqlstore.KindLabel, ch.Labels, ch.LabelOps, &c.Labels},
	} {
		if !f.opt.Set && f.ops.empty() {
			continue
		}
		if f.opt.Set && !f.ops.empty() {
			return parley.FieldErrorf(f.field, "Replace the %s or add and remove some, not both.", f.field)
		}
		list := f.opt.Value
		if !f.opt.Set {
			var err error
			if list, err = f.ops.apply(f.field, *f.dst); err != nil {
				return err
			}
		}
		names, err := cleanNames(f.field, list)
		if err != nil {
			return err
		}
		if err := tx.EnsureTags(ctx, c.WorkspaceID, f.kind, names); err != nil {
			return err
		}
		*f.dst = names
	}
	return nil
}

// cleanNames trims names, refuses empty or overlong ones and drops
// repeats, keeping the first order.
func cleanNames(field string, list []string) ([]string, error) {
	names := []string{}
	for _, n := range list {
		n = strings.TrimSpace(n)
		if n == "" || len(n) > 64 {
			return nil, parley.FieldErrorf(field, "Each name must have 1 to 64 characters.")
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

func auditChange(prev, c *parley.Conversation) map[string]any {
	d := map[string]any{}
	if prev.Status != c.Status {
		d["status"] = []string{string(prev.Status), string(c.Status)}
	}
	if !slices.Equal(prev.AssigneeIDs, c.AssigneeIDs) {
		d["assignee_ids"] = []any{prev.AssigneeIDs, c.AssigneeIDs}
	}
	if audienceChanged(prev.Audience(), c.Audience()) {
		d["visible_to"] = []any{prev.VisibleTo, c.VisibleTo}
		d["team_id"] = []string{prev.TeamID, c.TeamID}
	}
	return d
}

func dedupe(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
