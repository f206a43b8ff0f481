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
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/business-hours", "getBusinessHours",
		"The workspace's business hours and away message", 200),
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
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/business-hours", "setBusinessHours",
		"Replace the workspace's business hours and away message (admins; 422 names the field: time_zone, week.mon[0].end, holidays[1].date)", 200),
		func(ctx context.Context, in *putInput) (*Body[*hours.WorkspaceHours], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.SetWorkspace(ctx, a, in.Body)
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/inboxes/{inbox_id}/business-hours", "getInboxBusinessHours",
		"An inbox's business hours: inherit the workspace's, its own, or always open", 200),
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
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/inboxes/{inbox_id}/business-hours", "setInboxBusinessHours",
		"Replace an inbox's business-hours override (admins)", 200),
		func(ctx context.Context, in *putInboxInput) (*Body[*hours.InboxHours], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.SetInbox(ctx, a, in.InboxID, in.Body)
			return result(s, ctx, r, err)
		})
}
