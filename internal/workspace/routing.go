package workspace

import (
	"context"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// setRouting sets a team's routing policy when given, and schedules a
// routing pass when the team routes and its policy or members changed.
func setRouting(ctx context.Context, tx *sqlstore.Tx, t *parley.Team, policy *string, membersChanged bool) error {
	if policy == nil && !membersChanged {
		return nil
	}
	r, err := tx.FindTeamRouting(ctx, t.WorkspaceID, t.ID)
	if err != nil {
		return err
	}
	if policy != nil {
		if !routing.Policy(*policy).Valid() {
			return parley.FieldErrorf("routing_policy", "Use manual, round_robin or least_busy.")
		}
		r.Policy = *policy
		if err := tx.SetTeamRouting(ctx, r); err != nil {
			return err
		}
		t.RoutingPolicy = r.Policy
	}
	if routing.Policy(r.Policy).Auto() {
		return routing.Trigger(ctx, tx, t.WorkspaceID, t.ID)
	}
	return nil
}

// effectiveLifecycle is the workspace's lifecycle settings with defaults.
func effectiveLifecycle(s parley.WorkspaceSettings) *parley.LifecycleSettings {
	l := s.Effective()
	if l.ClosingPhrases == nil {
		l.ClosingPhrases = append([]string{}, conversation.DefaultClosingPhrases...)
	}
	if l.CloseReasons == nil {
		l.CloseReasons = []string{}
	}
	return &l
}

// validLifecycle checks lifecycle settings and tidies their lists.
func validLifecycle(l *parley.LifecycleSettings) error {
	switch {
	case l.AutoResolveHours < 0 || l.AutoResolveHours > 8760:
		return parley.FieldErrorf("settings.lifecycle.auto_resolve_hours", "Use 0 (off) to 8760 hours.")
	case l.AbandonMinutes < 0 || l.AbandonMinutes > 525600:
		return parley.FieldErrorf("settings.lifecycle.abandon_minutes", "Use 0 (off) to 525600 minutes.")
	case l.PurgeDays < 0 || l.PurgeDays > 3650:
		return parley.FieldErrorf("settings.lifecycle.purge_days", "Use 0 to 3650 days.")
	case l.FirstResponseSeconds < 0 || l.FirstResponseSeconds > 604800:
		return parley.FieldErrorf("settings.lifecycle.first_response_seconds", "Use 0 (off) to 604800 seconds (a week).")
	case l.ResolvedReply == "":
		l.ResolvedReply = parley.ResolvedReplyNew
	case !l.ResolvedReply.Valid():
		return parley.FieldErrorf("settings.lifecycle.resolved_reply", "Use new_conversation or reopen.")
	}
	for _, f := range []struct {
		field string
		list  *[]string
	}{{"settings.lifecycle.close_reasons", &l.CloseReasons}, {"settings.lifecycle.closing_phrases", &l.ClosingPhrases}} {
		if *f.list == nil {
			continue
		}
		out := []string{}
		for _, v := range *f.list {
			v = strings.TrimSpace(v)
			if v == "" || len(v) > 200 {
				return parley.FieldErrorf(f.field, "Each entry must have 1 to 200 characters.")
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		*f.list = out
	}
	return nil
}
