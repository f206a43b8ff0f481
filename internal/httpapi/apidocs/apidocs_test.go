package apidocs_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/httpapi/apidocs"
)

func TestHandler(t *testing.T) {
	h := apidocs.Handler()
	get := func(path, encoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	t.Run("the page loads only this origin's files", func(t *testing.T) {
		rec := get("/api/docs", "")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("GET /api/docs = %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		if strings.Contains(rec.Body.String(), "//") && strings.Contains(rec.Body.String(), "http") {
			t.Errorf("the page names an absolute URL:\n%s", rec.Body)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
	})
	t.Run("the bundle is sent gzipped to those who accept it, plain to others", func(t *testing.T) {
		zipped := get("/api/docs/swagger-ui-bundle.js", "gzip, br")
		if zipped.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding = %q, want gzip", zipped.Header().Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(zipped.Body)
		if err != nil {
			t.Fatal(err)
		}
		unzipped, _ := io.ReadAll(zr)
		plain := get("/api/docs/swagger-ui-bundle.js", "")
		if plain.Header().Get("Content-Encoding") != "" || plain.Body.String() != string(unzipped) || !strings.Contains(plain.Body.String(), "SwaggerUIBundle") {
			t.Errorf("plain bundle (%d bytes) differs from the gunzipped one (%d bytes)", plain.Body.Len(), len(unzipped))
		}
	})
	t.Run("anything else is not found", func(t *testing.T) {
		if rec := get("/api/docs/../../etc/passwd", ""); rec.Code != 404 {
			t.Errorf("GET traversal = %d, want 404", rec.Code)
		}
		if rec := get("/api/docs/LICENSE-swagger-ui", ""); rec.Code != 404 {
			t.Errorf("GET an unlisted asset = %d, want 404", rec.Code)
		}
	})
}
