package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/workspace"
)

// ContactPath names a contact.
type ContactPath struct {
	WorkspacePath
	ContactID string `path:"contact_id" format:"uuid"`
}

// ContactBody creates or changes a contact. It is exported because huma
// leaves the fields of an unexported embedded struct out of the schema (and
// then refuses them as unexpected properties).
type ContactBody struct {
	Name       *string           `json:"name,omitempty" maxLength:"200"`
	Email      *string           `json:"email,omitempty" maxLength:"254"`
	Phone      *string           `json:"phone,omitempty" maxLength:"64"`
	Company    *string           `json:"company,omitempty" maxLength:"200"`
	Title      *string           `json:"title,omitempty" maxLength:"200"`
	AvatarURL  *string           `json:"avatar_url,omitempty" maxLength:"2048"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Tags       []string          `json:"tags,omitempty" maxItems:"100"`
	Blocked    *bool             `json:"blocked,omitempty"`
	Archived   *bool             `json:"archived,omitempty"`
}

func (b ContactBody) input() workspace.ContactInput {
	return workspace.ContactInput{Name: b.Name, Email: b.Email, Phone: b.Phone, Company: b.Company, Title: b.Title,
		AvatarURL: b.AvatarURL, Attributes: b.Attributes, Tags: b.Tags, Blocked: b.Blocked, Archived: b.Archived}
}

// identityBody is a channel identity.
type identityBody struct {
	InboxID  string `json:"inbox_id" required:"true" format:"uuid"`
	SourceID string `json:"source_id" required:"true" minLength:"1" maxLength:"512"`
}

func (s *Server) contactRoutes() {
	s.contactListRoutes()
	type contactRoutesCreateInput struct {
		WorkspacePath
		Body struct {
			ContactBody
			Identities []identityBody `json:"identities,omitempty" maxItems:"50"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/contacts", "createContact", "Create a contact", 201),
		func(ctx context.Context, in *contactRoutesCreateInput) (*Body[*parley.Contact], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			var idents []parley.ContactIdentity
			for _, i := range in.Body.Identities {
				idents = append(idents, parley.ContactIdentity{InboxID: i.InboxID, SourceID: i.SourceID})
			}
			c, err := s.Workspaces.CreateContact(ctx, a, in.Body.ContactBody.input(), idents)
			return result(s, ctx, c, err)
		})
	type contactRoutesPatchInput struct {
		ContactPath
		Body ContactBody
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/contacts/{contact_id}", "updateContact", "Change a contact", 200),
		func(ctx context.Context, in *contactRoutesPatchInput) (*Body[*parley.Contact], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Workspaces.UpdateContact(ctx, a, in.ContactID, in.Body.input())
			return result(s, ctx, c, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/contacts/{contact_id}", "deleteContact", "Delete a contact (admins)", 204),
		func(ctx context.Context, in *ContactPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.DeleteContact(ctx, a, in.ContactID))
		})
	type contactRoutesIdentityInput struct {
		ContactPath
		Body identityBody
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/contacts/{contact_id}/identities", "addContactIdentity", "Link a channel identity to a contact", 201),
		func(ctx context.Context, in *contactRoutesIdentityInput) (*Body[*parley.Contact], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Workspaces.AddIdentity(ctx, a, in.ContactID, parley.ContactIdentity{InboxID: in.Body.InboxID, SourceID: in.Body.SourceID})
			return result(s, ctx, c, err)
		})
}
