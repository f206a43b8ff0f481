package httpapi_test

import (
	"bytes"
	"log/slog"
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

// TestServer_AccessLog checks one line per request with the route pattern,
// status and request id, and never the raw path's token, the query or the
// body; and that PARLEY_LOG_LEVEL=warn silences it.
func TestServer_AccessLog(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, storetest.Options{})
	fx := storetest.Seed(t, s)
	h := auth.NewTestHasher()
	serve := func(level slog.Level, query ...string) (*bytes.Buffer, *httptest.ResponseRecorder) {
		var buf bytes.Buffer
		srv := httpapi.New(httpapi.Deps{
			Store: s, Sessions: session.New(s, h, parley.SystemClock{}), Workspaces: workspace.New(s, h),
			Conversations: conversation.New(s), Inbound: inbound.New(s),
			Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level})),
		})
		body := `{"contact":{"source_id":"c1","name":"Secret Sam"},"source_message_id":"m1","content":"my card is 4111"}`
		req := httptest.NewRequest(http.MethodPost, "/api/v1/inbound/"+fx.Inbox.InboundToken+"/messages"+strings.Join(query, ""), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return &buf, rec
	}

	buf, rec := serve(slog.LevelInfo)
	line := buf.String()
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST inbound = %d %s", rec.Code, rec.Body)
	}
	if n := strings.Count(line, "msg=\"http request\""); n != 1 {
		t.Fatalf("log has %d request lines, want 1:\n%s", n, line)
	}
	for _, want := range []string{"method=POST", `route="POST /api/v1/inbound/{inbound_token}/messages"`, "status=202", "duration=", "request_id=" + rec.Header().Get("X-Request-Id")} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q:\n%s", want, line)
		}
	}
	for _, secret := range []string{fx.Inbox.InboundToken, "hush", "Secret Sam", "4111"} {
		if strings.Contains(line, secret) {
			t.Errorf("log line leaks %q:\n%s", secret, line)
		}
	}
	// A query string is never logged either (this one is refused: the
	// operation declares no query parameters).
	buf, rec = serve(slog.LevelInfo, "?token=hush")
	if rec.Code != http.StatusUnprocessableEntity || strings.Contains(buf.String(), "hush") || !strings.Contains(buf.String(), "status=422") {
		t.Errorf("POST inbound?token=hush = %d, log %q: want 422, logged without its query", rec.Code, buf)
	}
	if buf, _ := serve(slog.LevelWarn); buf.Len() != 0 {
		t.Errorf("at warn the log has %q, want nothing", buf)
	}
}
