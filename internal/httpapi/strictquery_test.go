package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
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

// TestServer_UnknownQueryParameters calls every operation of the OpenAPI
// document with a parameter it does not declare and expects 422 naming
// it, before anything is read or written. Provider webhooks are exempt:
// providers add parameters of their own.
func TestServer_UnknownQueryParameters(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, storetest.Options{})
	h := auth.NewTestHasher()
	srv := httpapi.New(httpapi.Deps{
		Store: s, Sessions: session.New(s, h, parley.SystemClock{}), Workspaces: workspace.New(s, h),
		Conversations: conversation.New(s), Inbound: inbound.New(s),
	})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	checked := 0
	for path, ops := range doc.Paths {
		if strings.Contains(path, "/webhooks/") {
			continue
		}
		for method := range ops {
			method = strings.ToUpper(method)
			if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
				continue
			}
			url := param.ReplaceAllString(path, "01900000-0000-7000-8000-000000000000") + "?zz_unknown=1"
			req := httptest.NewRequest(method, url, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "query.zz_unknown") {
				t.Errorf("%s %s = %d %s, want 422 naming query.zz_unknown", method, url, rec.Code, rec.Body.String())
			}
			checked++
		}
	}
	// The handlers outside huma: the WebSocket and attachment downloads.
	for _, url := range []string{"/api/v1/realtime?since=1&zz_unknown=1",
		"/api/v1/workspaces/01900000-0000-7000-8000-000000000000/conversations/01900000-0000-7000-8000-000000000000/messages/01900000-0000-7000-8000-000000000000/attachments/01900000-0000-7000-8000-000000000000?zz_unknown=1"} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "query.zz_unknown") {
			t.Errorf("GET %s = %d %s, want 422 naming query.zz_unknown", url, rec.Code, rec.Body.String())
		}
	}
	if checked < 20 {
		t.Errorf("checked %d operations, want every one of the document", checked)
	}
}
