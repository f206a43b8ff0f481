package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
	"github.com/parleyhq/parley/internal/workspace"
)

// TestServer_OpenAPIDocument checks what makes the document usable as
// documentation: a server entry, and every operation in exactly one of the
// declared areas, with a summary.
func TestServer_OpenAPIDocument(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, storetest.Options{})
	h := auth.NewTestHasher()
	public, _ := url.Parse("https://support.example.com")
	srv := httpapi.New(httpapi.Deps{
		Store: s, Sessions: session.New(s, h, parley.SystemClock{}), Workspaces: workspace.New(s, h),
		Conversations: conversation.New(s), Inbound: inbound.New(s), PublicURL: public,
	})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc struct {
		Servers []struct{ URL string }
		Tags    []struct{ Name, Description string }
		Paths   map[string]map[string]struct {
			OperationID string
			Summary     string
			Description string
			Tags        []string
		}
		Components struct {
			Schemas map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("GET openapi.json = %d: %v", rec.Code, err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://support.example.com" {
		t.Errorf("servers = %+v, want the public URL", doc.Servers)
	}
	areas := map[string]bool{}
	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %q has no description", tag.Name)
		}
		areas[tag.Name] = true
	}
	for path, ops := range doc.Paths {
		for method, o := range ops {
			if len(o.Tags) != 1 || !areas[o.Tags[0]] {
				t.Errorf("%s %s tags = %q, want one declared area", method, path, o.Tags)
			}
			if o.Summary == "" {
				t.Errorf("%s %s has no summary", method, path)
			}
			if o.Description == "" {
				t.Errorf("%s %s (%s) has no description: add one to its operation or to opDescriptions", method, path, o.OperationID)
			}
		}
	}
	for name := range doc.Components.Schemas {
		if strings.HasSuffix(name, "InputBody") || strings.HasSuffix(name, "OutputBody") || strings.Contains(name, "Routes") || strings.Contains(name, "_") {
			t.Errorf("schema %q has a generated name: name the body's Go type", name)
		}
	}
	// createInbox's config is a oneOf of one schema per channel, whose
	// properties are that channel's settings.
	var create struct {
		Properties struct {
			Config struct {
				OneOf []struct {
					Ref string `json:"$ref"`
				}
			}
		}
	}
	if err := json.Unmarshal(doc.Components.Schemas["CreateInboxRequest"], &create); err != nil || len(create.Properties.Config.OneOf) != 5 {
		t.Fatalf("CreateInboxRequest config = %s, want a oneOf of the 5 channels' configs (%v)", doc.Components.Schemas["CreateInboxRequest"], err)
	}
	for _, ref := range create.Properties.Config.OneOf {
		if _, ok := doc.Components.Schemas[strings.TrimPrefix(ref.Ref, "#/components/schemas/")]; !ok {
			t.Errorf("config oneOf %s: no such schema", ref.Ref)
		}
	}
	documented := httpapi.ChannelConfigKeys()
	for _, ch := range []string{parley.ChannelWhatsApp, parley.ChannelTwilioSMS, parley.ChannelMessenger, parley.ChannelTelegram} {
		keys, _ := workspace.ChannelKeys(ch)
		keys = slices.Sorted(slices.Values(keys))
		if !slices.Equal(keys, documented[ch]) {
			t.Errorf("%s config documented with %q, want the channel's settings %q", ch, documented[ch], keys)
		}
	}
	if !slices.Equal(documented[parley.ChannelAPI], []string{"callback_url"}) {
		t.Errorf("api config documented with %q, want callback_url", documented[parley.ChannelAPI])
	}
}

// TestDocument checks the document `parley openapi` prints (every route,
// invitations included) by the same rules: described, named schemas.
func TestDocument(t *testing.T) {
	raw, err := httpapi.Document()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string
			Description string
		}
		Components struct{ Schemas map[string]json.RawMessage }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Paths["/api/v1/workspaces/{workspace_id}/invites"]; !ok {
		t.Errorf("the document lacks the invitation routes")
	}
	for path, ops := range doc.Paths {
		for method, o := range ops {
			if o.Description == "" {
				t.Errorf("%s %s (%s) has no description", method, path, o.OperationID)
			}
		}
	}
	for name := range doc.Components.Schemas {
		if strings.HasSuffix(name, "InputBody") || strings.HasSuffix(name, "OutputBody") || strings.Contains(name, "Routes") || strings.Contains(name, "_") {
			t.Errorf("schema %q has a generated name", name)
		}
	}
}
