package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley/internal/hours"
)

// hoursRoutes serves business hours: the workspace's and each inbox's
// override. Every member reads them; admins write.
func (s *Server) hoursRoutes() {
	if s.Hours == nil {
		return
	}
	svc := s.Hours
	huma.Register(s.api, described(op(http.MethodGet, "/workspaces/{workspace_id}/business-hours", "getBusinessHours",
		"The workspace's business hours and away message", 200), "Every member may read them. A workspace that never set them answers enabled false (always open) with Monday to Friday 9–17 UTC to start from."),
		func(ctx context.Context, in *WorkspacePath) (*Body[*hours.WorkspaceHours], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Workspace(ctx, a)
			return result(s, ctx, r, err)
		})
	type putInput struct {
		WorkspacePath
		Body hours.WorkspaceHours
	}
	huma.Register(s.api, described(op(http.MethodPut, "/workspaces/{workspace_id}/business-hours", "setBusinessHours",
		"Replace the workspace's business hours and away message (admins; 422 names the field: time_zone, week.mon[0].end, holidays[1].date)", 200), "Admins only (403). Replaces the whole setting: time_zone is an IANA name; each weekday lists intervals HH:MM–HH:MM (24:00 is midnight; next_day marks one that ends the next day); holidays are YYYY-MM-DD in the zone. A bad zone, an end before its start, overlapping intervals, a bad or repeated date, or away_enabled without away_message is 422 naming the field (time_zone, week.mon[1].end, holidays[0].date); nothing is stored then."),
		func(ctx context.Context, in *putInput) (*Body[*hours.WorkspaceHours], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.SetWorkspace(ctx, a, in.Body)
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, described(op(http.MethodGet, "/workspaces/{workspace_id}/inboxes/{inbox_id}/business-hours", "getInboxBusinessHours",
		"An inbox's business hours: inherit the workspace's, its own, or always open", 200), "Every member may read it. mode is inherit (the workspace's hours), own (schedule) or always (always open, no away message); away_message, when set, replaces the workspace's text for this inbox. 404 for an inbox outside the workspace."),
		func(ctx context.Context, in *InboxPath) (*Body[*hours.InboxHours], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Inbox(ctx, a, in.InboxID)
			return result(s, ctx, r, err)
		})
	type putInboxInput struct {
		InboxPath
		Body hours.InboxHours
	}
	huma.Register(s.api, described(op(http.MethodPut, "/workspaces/{workspace_id}/inboxes/{inbox_id}/business-hours", "setInboxBusinessHours",
		"Replace an inbox's business-hours override (admins)", 200), "Admins only (403). mode own needs a schedule (422 naming schedule, or the schedule's field as schedule.time_zone…); other modes drop it."),
		func(ctx context.Context, in *putInboxInput) (*Body[*hours.InboxHours], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.SetInbox(ctx, a, in.InboxID, in.Body)
			return result(s, ctx, r, err)
		})
}
