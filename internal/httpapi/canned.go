package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/canned"
)

// cannedInput is a canned reply as written by a client.
type cannedInput struct {
	ShortCode *string `json:"short_code,omitempty" maxLength:"200" doc:"what the agent types after /"`
	Title     *string `json:"title,omitempty" maxLength:"1000"`
	Category  *string `json:"category,omitempty" maxLength:"1000"`
	Body      *string `json:"body,omitempty" maxLength:"100000" doc:"Liquid: {{contact.first_name}}, {{agent_name}}, {{ name | default: \"there\" }}…"`
	Shared    *bool   `json:"shared,omitempty" doc:"true: the whole workspace uses it (admins); false: yours only"`
}

func (in cannedInput) input() canned.Input {
	return canned.Input{ShortCode: in.ShortCode, Title: in.Title, Category: in.Category, Body: in.Body, Shared: in.Shared}
}

// CannedPath names a canned reply.
type CannedPath struct {
	WorkspacePath
	ReplyID string `path:"reply_id" format:"uuid"`
}

func (s *Server) cannedRoutes() {
	svc := canned.New(s.Store)
	type listInput struct {
		WorkspacePath
		Q string `query:"q" maxLength:"200" doc:"search in short code, title and category"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/canned-replies", "listCannedReplies", "Canned replies: the shared ones and yours", 200),
		func(ctx context.Context, in *listInput) (*Body[Items[parley.CannedReply]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.List(ctx, a, in.Q)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type createInput struct {
		WorkspacePath
		Body cannedInput
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/canned-replies", "createCannedReply", "Add a canned reply", 201),
		func(ctx context.Context, in *createInput) (*Body[*parley.CannedReply], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Create(ctx, a, in.Body.input())
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/canned-replies/{reply_id}", "getCannedReply", "One canned reply", 200),
		func(ctx context.Context, in *CannedPath) (*Body[*parley.CannedReply], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Get(ctx, a, in.ReplyID)
			return result(s, ctx, r, err)
		})
	type updateInput struct {
		CannedPath
		Body cannedInput
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/canned-replies/{reply_id}", "updateCannedReply", "Change a canned reply (yours, or a shared one as an admin)", 200),
		func(ctx context.Context, in *updateInput) (*Body[*parley.CannedReply], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Update(ctx, a, in.ReplyID, in.Body.input())
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/canned-replies/{reply_id}", "deleteCannedReply", "Delete a canned reply (yours, or a shared one as an admin)", 204),
		func(ctx context.Context, in *CannedPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.Delete(ctx, a, in.ReplyID))
		})
	type renderInput struct {
		ConversationPath
		Body struct {
			Template string `json:"template" required:"true" maxLength:"100000"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/render", "renderTemplate",
		"Fill a canned reply's variables for this conversation: missing ones stay as written and are named", 200),
		func(ctx context.Context, in *renderInput) (*Body[*canned.Rendering], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.RenderFor(ctx, a, in.ConversationID, in.Body.Template)
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/variables", "listVariables",
		"The values canned replies may use in this conversation, by name", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[Items[canned.Variable]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.VariablesFor(ctx, a, in.ConversationID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
}
