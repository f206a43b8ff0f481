package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// FuzzInboundBody posts arbitrary bodies to the API channel's inbound
// endpoint: every answer is 202 or a 4xx problem, never a 5xx.
func FuzzInboundBody(f *testing.F) {
	for _, seed := range []string{
		`{"contact":{"source_id":"c1","name":"Bob"},"source_message_id":"m1","content":"hello"}`,
		`{"contact":{"source_id":"c1","phone":"+1 (415) 555-2671","email":"bob@example.com"},"source_message_id":"m2","content":"hi"}`,
		`{"contact":{"source_id":""},"source_message_id":"m3","content":"x"}`,
		`{"contact":{"source_id":"c"},"source_message_id":"m4","content":"\u0000"}`,
		`{"contact":{"source_id":"c","phone":"call me maybe"},"source_message_id":"m5","content":"x"}`,
		`{"contact":null,"source_message_id":1,"content":[]}`,
		`{"contact":{"source_id":"c"},"source_message_id":"m6","content":"x","extra":true}`,
		`[]`, `null`, `{`, ``, `{"contact":{"source_id":"'; DROP TABLE messages;--"},"source_message_id":"%_","content":"é"}`,
	} {
		f.Add(seed)
	}
	s := storetest.Open(f, storetest.SQLite, storetest.Options{})
	fx := storetest.Seed(f, s)
	h := auth.NewTestHasher()
	srv := httpapi.New(httpapi.Deps{
		Store: s, Sessions: session.New(s, h, parley.SystemClock{}), Workspaces: workspace.New(s, h),
		Conversations: conversation.New(s), Inbound: inbound.New(s),
	})
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/inbound/"+fx.Inbox.InboundToken+"/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("POST inbound %q = %d %s, want 202 or a 4xx", body, rec.Code, rec.Body)
		}
		if strings.Contains(body, `\u0000`) && rec.Code == http.StatusAccepted {
			var v any
			if json.Unmarshal([]byte(body), &v) == nil && strings.ContainsRune(fmt.Sprint(v), 0) {
				t.Fatalf("POST inbound %q with a NUL = 202, want 422", body)
			}
		}
		if rec.Code >= 400 && !strings.Contains(rec.Header().Get("Content-Type"), "json") {
			t.Fatalf("problem Content-Type = %q", rec.Header().Get("Content-Type"))
		}
	})
}
