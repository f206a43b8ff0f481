package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

const testIndex = `<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`

var testJS = strings.Repeat("console.log('parley');\n", 200)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html":             {Data: []byte(testIndex)},
		"favicon.svg":            {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
		"assets/index-abc123.js": {Data: []byte(testJS)},
		"assets/tiny-x.css":      {Data: []byte("a{}")},
	}
}

func newTestHandler(t *testing.T) http.Handler {
	t.Helper()
	h, err := NewHandler(testFS())
	if err != nil {
		t.Fatalf("NewHandler() error = %v", err)
	}
	return h
}

func get(t *testing.T, h http.Handler, method, target string, headers map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

func TestNewHandler_FailsWithoutIndex(t *testing.T) {
	tests := []struct {
		name string
		fsys fs.FS
	}{
		{"an empty build fails", fstest.MapFS{}},
		{"a build with only a placeholder fails", fstest.MapFS{".gitkeep": {Data: nil}}},
		{"a build with assets but no index fails", fstest.MapFS{"assets/a.js": {Data: []byte("x")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandler(tt.fsys)
			if err == nil {
				t.Fatalf("NewHandler() = %v, nil; want an error", h)
			}
			if !strings.Contains(err.Error(), "index.html") {
				t.Errorf("NewHandler() error = %q, want it to name index.html", err)
			}
		})
	}
}

func TestHandler_Serves(t *testing.T) {
	h := newTestHandler(t)
	tests := []struct {
		name      string
		method    string
		target    string
		wantCode  int
		wantBody  string // substring
		wantCache string
		wantType  string
	}{
		{"the root serves the app", "GET", "/", 200, `<div id="root">`, "no-cache", "text/html; charset=utf-8"},
		{"a client route falls back to the app", "GET", "/conversations/0190a1b2-c3d4", 200, `<div id="root">`, "no-cache", "text/html; charset=utf-8"},
		{"the set-up link falls back to the app", "GET", "/setup?token=abc", 200, `<div id="root">`, "no-cache", "text/html; charset=utf-8"},
		{"index.html itself is not cached", "GET", "/index.html", 200, `<div id="root">`, "no-cache", "text/html; charset=utf-8"},
		{"a hashed asset is cached for a year", "GET", "/assets/index-abc123.js", 200, "console.log", "public, max-age=31536000, immutable", "text/javascript; charset=utf-8"},
		{"a file at the root is revalidated", "GET", "/favicon.svg", 200, "<svg", "no-cache", "image/svg+xml"},
		{"a missing asset is 404, not the app", "GET", "/assets/index-old.js", 404, "", "", ""},
		{"a missing file with an extension is 404", "GET", "/robots.txt", 404, "", "", ""},
		{"HEAD has headers and no body", "HEAD", "/", 200, "", "no-cache", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, h, tt.method, tt.target, nil)
			if res.StatusCode != tt.wantCode {
				t.Fatalf("%s %s: status = %d, want %d", tt.method, tt.target, res.StatusCode, tt.wantCode)
			}
			b := body(t, res)
			if tt.wantBody != "" && !strings.Contains(b, tt.wantBody) {
				t.Errorf("%s %s: body = %q, want it to contain %q", tt.method, tt.target, b, tt.wantBody)
			}
			if tt.method == "HEAD" && b != "" {
				t.Errorf("HEAD %s: body = %q, want none", tt.target, b)
			}
			if tt.wantCache != "" {
				if got := res.Header.Get("Cache-Control"); got != tt.wantCache {
					t.Errorf("%s %s: Cache-Control = %q, want %q", tt.method, tt.target, got, tt.wantCache)
				}
			}
			if tt.wantType != "" {
				if got := res.Header.Get("Content-Type"); got != tt.wantType {
					t.Errorf("%s %s: Content-Type = %q, want %q", tt.method, tt.target, got, tt.wantType)
				}
			}
		})
	}
}

func TestHandler_SecurityHeaders(t *testing.T) {
	h := newTestHandler(t)
	for _, target := range []string{"/", "/assets/index-abc123.js", "/nope.js"} {
		res := get(t, h, "GET", target, nil)
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP = %q, want it to contain %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP = %q allows unsafe sources", target, csp)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", target, got)
		}
	}
}

func TestHandler_Gzip(t *testing.T) {
	h := newTestHandler(t)
	t.Run("a large asset is gzipped when the client accepts it", func(t *testing.T) {
		res := get(t, h, "GET", "/assets/index-abc123.js", map[string]string{"Accept-Encoding": "br, gzip"})
		if got := res.Header.Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("Content-Encoding = %q, want gzip", got)
		}
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Vary = %q, want Accept-Encoding", got)
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatalf("gzip.NewReader: %v", err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gunzip: %v", err)
		}
		if string(plain) != testJS {
			t.Errorf("gunzipped body differs from the file (%d bytes, want %d)", len(plain), len(testJS))
		}
	})
	t.Run("no gzip without Accept-Encoding", func(t *testing.T) {
		res := get(t, h, "GET", "/assets/index-abc123.js", nil)
		if got := res.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding = %q, want none", got)
		}
		if b := body(t, res); b != testJS {
			t.Errorf("body is %d bytes, want the %d-byte file", len(b), len(testJS))
		}
	})
	t.Run("gzip;q=0 is a refusal", func(t *testing.T) {
		res := get(t, h, "GET", "/assets/index-abc123.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
		if got := res.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding = %q, want none", got)
		}
	})
	t.Run("a tiny file is not gzipped", func(t *testing.T) {
		res := get(t, h, "GET", "/assets/tiny-x.css", map[string]string{"Accept-Encoding": "gzip"})
		if got := res.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding = %q, want none", got)
		}
	})
}

func TestHandler_ETag(t *testing.T) {
	h := newTestHandler(t)
	res := get(t, h, "GET", "/", nil)
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("GET / has no ETag")
	}
	res = get(t, h, "GET", "/", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("GET / with If-None-Match %s: status = %d, want 304", etag, res.StatusCode)
	}
}

func TestHandler_LeavesServerPathsAlone(t *testing.T) {
	h := newTestHandler(t)
	for _, target := range []string{"/api/v1/nope", "/api", "/webhooks/twilio/x", "/healthz", "/readyz"} {
		res := get(t, h, "GET", target, nil)
		b := body(t, res)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status = %d, want 404", target, res.StatusCode)
		}
		if strings.Contains(b, "<div id=\"root\">") {
			t.Errorf("GET %s served the app", target)
		}
	}
}

func TestHandler_RejectsWrites(t *testing.T) {
	h := newTestHandler(t)
	res := get(t, h, "POST", "/", nil)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status = %d, want 405", res.StatusCode)
	}
	if got := res.Header.Get("Allow"); got != "GET, HEAD" {
		t.Errorf("POST /: Allow = %q, want %q", got, "GET, HEAD")
	}
}

// The committed build must be whole: index.html and every asset it names.
func TestHandler_EmbeddedBuild(t *testing.T) {
	h, err := Handler()
	if err != nil {
		t.Fatalf("Handler() error = %v (is web/dist committed?)", err)
	}
	res := get(t, h, "GET", "/", nil)
	index := body(t, res)
	if res.StatusCode != 200 {
		t.Fatalf("GET / = %d, want 200", res.StatusCode)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(index, -1)
	if len(refs) == 0 {
		t.Fatalf("index.html names no /assets/ file:\n%s", index)
	}
	for _, ref := range refs {
		res := get(t, h, "GET", ref[1], map[string]string{"Accept-Encoding": "gzip"})
		if res.StatusCode != 200 {
			t.Errorf("GET %s = %d, want 200", ref[1], res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); got != cacheImmutable {
			t.Errorf("GET %s: Cache-Control = %q, want %q", ref[1], got, cacheImmutable)
		}
	}
	if bytes.Contains([]byte(index), []byte("<script>")) {
		t.Errorf("index.html has an inline script, which the CSP blocks")
	}
}
