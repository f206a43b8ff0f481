package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

// ContactListQuery is the contact list's filter in the query string.
type ContactListQuery struct {
	Q           string   `query:"q" maxLength:"200" doc:"Searches name, email, company and phone (in any format)"`
	Channel     string   `query:"channel" maxLength:"32" doc:"Has an identity on an inbox of this channel"`
	Tag         []string `query:"tag" maxItems:"20" doc:"Has every one of these tags"`
	HasPhone    string   `query:"has_phone" enum:"true,false,"`
	HasEmail    string   `query:"has_email" enum:"true,false,"`
	Blocked     string   `query:"blocked" enum:"true,false,"`
	Archived    string   `query:"archived" enum:"true,false,any," doc:"Archived contacts are hidden unless asked for"`
	Marked      string   `query:"marked" enum:"true,false," doc:"Starred by the caller"`
	Attribute   []string `query:"attribute" maxItems:"20" doc:"key:value, every one must match"`
	CreatedFrom string   `query:"created_from" maxLength:"40"`
	CreatedTo   string   `query:"created_to" maxLength:"40"`
	Sort        string   `query:"sort" enum:"created_desc,created_asc,name_asc,name_desc,updated_desc,"`
}

func (q ContactListQuery) query() workspace.ContactQuery {
	return workspace.ContactQuery{Q: q.Q, Channel: q.Channel, Tags: q.Tag, HasPhone: q.HasPhone, HasEmail: q.HasEmail,
		Blocked: q.Blocked, Archived: q.Archived, Marked: q.Marked, Attributes: q.Attribute, CreatedFrom: q.CreatedFrom,
		CreatedTo: q.CreatedTo, Sort: q.Sort}
}

// contactOutput is a contact, or for a merged one a 301 to the survivor.
type contactOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     any
}

// csvOutput is a CSV file.
type csvOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// isContactImport reports whether r is a CSV import, which may exceed the
// JSON body cap.
func isContactImport(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/contact-imports") && strings.HasPrefix(r.URL.Path, "/api/v1/workspaces/")
}

// maxImportBody is an import's body cap: the file and a little.
const maxImportBody = workspace.MaxImportBytes + 64<<10

func (s *Server) contactListRoutes() {
	type contactListInput struct {
		WorkspacePath
		ContactListQuery
		Cursor string `query:"cursor" maxLength:"1000"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts", "listContacts",
		"Contacts, filtered, sorted and paged (archived ones only when asked for)", 200),
		func(ctx context.Context, in *contactListInput) (*Body[Items[parley.Contact]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			q := in.query()
			q.Cursor, q.Limit = in.Cursor, in.Limit
			page, err := s.Workspaces.Contacts(ctx, a, q)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(page.Items, page.NextCursor), nil
		})
	type contactExportInput struct {
		WorkspacePath
		ContactListQuery
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/export", "exportContacts",
		"The filtered contacts as CSV (admins); imports back unchanged", 200),
		func(ctx context.Context, in *contactExportInput) (*csvOutput, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := s.Workspaces.ExportContacts(ctx, a, in.query(), &buf); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &csvOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="contacts.csv"`, Body: buf.Bytes()}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/{contact_id}", "getContact",
		"One contact with its identities; a merged contact answers 301 naming the survivor", 200),
		func(ctx context.Context, in *ContactPath) (*contactOutput, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Workspaces.Contact(ctx, a, in.ContactID)
			if merged, ok := errors.AsType[*workspace.MergedError](err); ok {
				return &contactOutput{Status: http.StatusMovedPermanently,
					Location: "/api/v1/workspaces/" + in.WorkspaceID + "/contacts/" + merged.Into,
					Body:     map[string]string{"merged_into": merged.Into}}, nil
			}
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &contactOutput{Status: http.StatusOK, Body: c}, nil
		})
	type contactBulkInput struct {
		WorkspacePath
		Body struct {
			Action string   `json:"action" required:"true" enum:"tag,untag,delete"`
			IDs    []string `json:"ids" required:"true" minItems:"1" maxItems:"1000"`
			Tags   []string `json:"tags,omitempty" maxItems:"50"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/contacts/bulk", "bulkContacts",
		"Tag, untag or delete many contacts at once (admins; all or nothing)", 200),
		func(ctx context.Context, in *contactBulkInput) (*Body[*workspace.BulkResult], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := s.Workspaces.BulkContacts(ctx, a, in.Body.Action, in.Body.IDs, in.Body.Tags)
			return result(s, ctx, r, err)
		})
	for _, m := range []struct {
		method string
		on     bool
		id     string
	}{{http.MethodPut, true, "markContact"}, {http.MethodDelete, false, "unmarkContact"}} {
		huma.Register(s.api, op(m.method, "/workspaces/{workspace_id}/contacts/{contact_id}/mark", m.id,
			"Star (PUT) or unstar (DELETE) a contact for yourself", 200),
			func(ctx context.Context, in *ContactPath) (*Body[*parley.Contact], error) {
				a, err := s.actor(ctx, in.WorkspaceID)
				if err != nil {
					return nil, err
				}
				c, err := s.Workspaces.MarkContact(ctx, a, in.ContactID, m.on)
				return result(s, ctx, c, err)
			})
	}
	type contactMergeInput struct {
		ContactPath
		Body struct {
			OtherID string `json:"other_id" required:"true" format:"uuid"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/contacts/{contact_id}/merge", "mergeContacts",
		"Merge other_id into this contact: identities, conversations, tags and attributes move; this contact's values win", 200),
		func(ctx context.Context, in *contactMergeInput) (*Body[*parley.Contact], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Workspaces.MergeContacts(ctx, a, in.ContactID, in.Body.OtherID)
			return result(s, ctx, c, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/{contact_id}/conversations", "listContactConversations",
		"A contact's conversations, newest first, including those held while it was blocked", 200),
		func(ctx context.Context, in *ContactPath) (*Body[Items[sqlstore.ContactConversation]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.ContactConversations(ctx, a, in.ContactID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/{contact_id}/activity", "listContactActivity",
		"A contact's activity log: created, changed, tags, blocked, archived, merged", 200),
		func(ctx context.Context, in *ContactPath) (*Body[Items[sqlstore.ActivityEntry]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.ContactActivity(ctx, a, in.ContactID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	s.contactAttributeRoutes()
	s.contactImportRoutes()
	s.contactExtraRoutes()
}

func (s *Server) contactAttributeRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contact-attributes", "listContactAttributes",
		"Custom contact attribute definitions", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[sqlstore.AttributeDef]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.AttributeDefs(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type attributeCreateInput struct {
		WorkspacePath
		Body struct {
			Key     string   `json:"key" required:"true" minLength:"1" maxLength:"64"`
			Label   string   `json:"label" required:"true" minLength:"1" maxLength:"100"`
			Type    string   `json:"type" required:"true" enum:"text,number,date,list,checkbox,link"`
			Options []string `json:"options,omitempty" maxItems:"200"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/contact-attributes", "createContactAttribute",
		"Define a custom contact attribute (admins)", 201),
		func(ctx context.Context, in *attributeCreateInput) (*Body[*sqlstore.AttributeDef], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			d, err := s.Workspaces.CreateAttributeDef(ctx, a, workspace.AttributeDefInput{Key: in.Body.Key, Label: in.Body.Label,
				Type: in.Body.Type, Options: in.Body.Options})
			return result(s, ctx, d, err)
		})
	type attributePath struct {
		WorkspacePath
		AttributeID string `path:"attribute_id" format:"uuid"`
	}
	type attributePatchInput struct {
		attributePath
		Body struct {
			Label   *string  `json:"label,omitempty" minLength:"1" maxLength:"100"`
			Options []string `json:"options,omitempty" maxItems:"200"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/contact-attributes/{attribute_id}", "updateContactAttribute",
		"Change an attribute's label or options (admins; key and type stay)", 200),
		func(ctx context.Context, in *attributePatchInput) (*Body[*sqlstore.AttributeDef], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			d, err := s.Workspaces.UpdateAttributeDef(ctx, a, in.AttributeID, in.Body.Label, in.Body.Options)
			return result(s, ctx, d, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/contact-attributes/{attribute_id}", "deleteContactAttribute",
		"Delete an attribute definition (admins; values stay on contacts as text)", 204),
		func(ctx context.Context, in *attributePath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.DeleteAttributeDef(ctx, a, in.AttributeID))
		})
}

// importOutput is an import's report: 201 when done, 202 while it goes on
// in the background.
type importOutput struct {
	Status int
	Body   *sqlstore.ContactImport
}

func (s *Server) contactImportRoutes() {
	type contactImportInput struct {
		WorkspacePath
		DryRun  bool   `query:"dry_run" doc:"Check and count, write nothing"`
		Mapping string `query:"mapping" maxLength:"10000" doc:"JSON object: CSV header → name, email, phone, company, title, avatar_url, tags, attributes.<key> or \"\" to skip; default: headers named like fields"`
		Region  string `query:"region" maxLength:"2" doc:"Country national phone numbers are read in (US)"`
		RawBody []byte `contentType:"text/csv"`
	}
	o := op(http.MethodPost, "/workspaces/{workspace_id}/contact-imports", "importContacts",
		"Import contacts from CSV (admins; dry_run for anyone): idempotent on email or E.164 phone; large files continue in the background", 201)
	o.MaxBodyBytes = maxImportBody
	huma.Register(s.api, o, func(ctx context.Context, in *contactImportInput) (*importOutput, error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		req := workspace.ImportRequest{CSV: in.RawBody, Region: in.Region, DryRun: in.DryRun}
		if in.Mapping != "" {
			if err := json.Unmarshal([]byte(in.Mapping), &req.Mapping); err != nil || req.Mapping == nil {
				return nil, huma.NewError(http.StatusUnprocessableEntity, "The mapping is not a JSON object of column → field.",
					&huma.ErrorDetail{Location: "query.mapping", Message: "The mapping is not a JSON object of column → field."})
			}
		}
		im, finished, err := s.Workspaces.ImportContacts(ctx, a, req)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		status := http.StatusCreated
		if !finished {
			status = http.StatusAccepted
		}
		if in.DryRun {
			status = http.StatusOK
		}
		return &importOutput{Status: status, Body: im}, nil
	})
	type contactImportGetInput struct {
		WorkspacePath
		ImportID string `path:"import_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contact-imports/{import_id}", "getContactImport",
		"An import's progress and row errors", 200),
		func(ctx context.Context, in *contactImportGetInput) (*Body[*sqlstore.ContactImport], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			im, err := s.Workspaces.ContactImport(ctx, a, in.ImportID)
			return result(s, ctx, im, err)
		})
}

// nullableExternalRef is the PATCH field external_ref: an object, or null
// to remove it. (huma cannot mark a referenced schema nullable.)
type nullableExternalRef struct {
	Nullable[parley.ExternalRef]
}

// Schema describes the reference inline, nullable.
func (nullableExternalRef) Schema(huma.Registry) *huma.Schema {
	str := func(max int) *huma.Schema { return &huma.Schema{Type: huma.TypeString, MaxLength: &max} }
	return &huma.Schema{Type: huma.TypeObject, Nullable: true, Required: []string{"type", "id"},
		Properties: map[string]*huma.Schema{"type": str(32), "id": str(200), "url": str(2048), "title": str(200)}}
}
