package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// contactExtraRoutes are the client card's presets and notes about the
// person.
func (s *Server) contactExtraRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/{contact_id}/presets", "getContactPresets",
		"The default assignees and visibility list of the contact's new conversations", 200),
		func(ctx context.Context, in *ContactPath) (*Body[*sqlstore.ContactPresets], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Workspaces.ContactPresets(ctx, a, in.ContactID)
			return result(s, ctx, p, err)
		})
	type presetsInput struct {
		ContactPath
		Body struct {
			AssigneeIDs []string `json:"assignee_ids" maxItems:"50" doc:"Assigned to every new conversation of the contact"`
			VisibleTo   []string `json:"visible_to" maxItems:"50" required:"false" nullable:"true" doc:"Only these people (and the assignees) see the new conversations; null: everyone"`
		}
	}
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/contacts/{contact_id}/presets", "setContactPresets",
		"Set the default assignees and visibility list of the contact's new conversations (admins)", 200),
		func(ctx context.Context, in *presetsInput) (*Body[*sqlstore.ContactPresets], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Workspaces.SetContactPresets(ctx, a, in.ContactID, in.Body.AssigneeIDs, in.Body.VisibleTo)
			return result(s, ctx, p, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/{contact_id}/notes", "listContactNotes",
		"Notes about the person, newest first", 200),
		func(ctx context.Context, in *ContactPath) (*Body[Items[sqlstore.ContactNote]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.ContactNotes(ctx, a, in.ContactID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type noteInput struct {
		ContactPath
		Body struct {
			Body string `json:"body" maxLength:"40000"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/contacts/{contact_id}/notes", "addContactNote",
		"Write a note about the person", 201),
		func(ctx context.Context, in *noteInput) (*Body[*sqlstore.ContactNote], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			n, err := s.Workspaces.AddContactNote(ctx, a, in.ContactID, in.Body.Body)
			return result(s, ctx, n, err)
		})
	type notePath struct {
		ContactPath
		NoteID string `path:"note_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/contacts/{contact_id}/notes/{note_id}", "deleteContactNote",
		"Delete a note about the person (its author or an admin)", 204),
		func(ctx context.Context, in *notePath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.DeleteContactNote(ctx, a, in.ContactID, in.NoteID))
		})
}
