package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/workspace"
)

// tagOp is a described operation on tags or labels.
func tagOp(method, path, id, summary, description string, status int) huma.Operation {
	return described(op(method, path, id, summary, status), description)
}

// TagPath names a tag or label.
type TagPath struct {
	WorkspacePath
	TagID string `path:"tag_id" format:"uuid"`
}

// tagRoutes registers the management of tags (kind "tag", on conversations
// and contacts) or labels (kind "label", on conversations) under plural.
func (s *Server) tagRoutes(kind, plural string) {
	base := "/workspaces/{workspace_id}/" + plural
	carriers := "conversations"
	if plural == "tags" {
		carriers = "conversations and contacts"
	}
	huma.Register(s.api, tagOp(http.MethodGet, base, "list_"+plural, "List "+plural,
		"The workspace's "+plural+" by name, with their colours. Every member may read them.", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.Tag]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.Tags(ctx, a, kind)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type tagRoutesCreateInput struct {
		WorkspacePath
		Body struct {
			Name  string `json:"name" required:"true" minLength:"1" maxLength:"64" doc:"1 to 64 characters, unique in the workspace"`
			Color string `json:"color,omitempty" maxLength:"32" doc:"A hex colour such as #3b82f6, or empty"`
		}
	}
	huma.Register(s.api, tagOp(http.MethodPost, base, "create_"+kind, "Create a "+kind+" (admins)",
		"Creates a "+kind+". A name already in use is a 409 problem naming the field name. Agents may still put new names on conversations; that creates the "+kind+" without a colour.", 201),
		func(ctx context.Context, in *tagRoutesCreateInput) (*Body[*parley.Tag], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := s.Workspaces.CreateTag(ctx, a, kind, in.Body.Name, in.Body.Color)
			return result(s, ctx, t, err)
		})
	type tagRoutesPatchInput struct {
		TagPath
		Body struct {
			Name  *string `json:"name,omitempty" minLength:"1" maxLength:"64" doc:"The new name, 1 to 64 characters"`
			Color *string `json:"color,omitempty" maxLength:"32" doc:"A hex colour such as #3b82f6, or empty"`
		}
	}
	huma.Register(s.api, tagOp(http.MethodPatch, base+"/{tag_id}", "update_"+kind, "Rename or recolour a "+kind+" (admins)",
		"A rename replaces the old name on every one of the "+carriers+" that carry it, in the same transaction. A name already in use is a 409 problem naming the field name; a "+kind+" of another workspace is a 404.", 200),
		func(ctx context.Context, in *tagRoutesPatchInput) (*Body[*parley.Tag], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := s.Workspaces.UpdateTag(ctx, a, kind, in.TagID, workspace.TagChange{Name: in.Body.Name, Color: in.Body.Color})
			return result(s, ctx, t, err)
		})
	huma.Register(s.api, tagOp(http.MethodDelete, base+"/{tag_id}", "delete_"+kind, "Delete a "+kind+" (admins)",
		"Deletes the "+kind+" and takes its name off every one of the "+carriers+" that carry it, in the same transaction.", 204),
		func(ctx context.Context, in *TagPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.DeleteTag(ctx, a, kind, in.TagID))
		})
}
