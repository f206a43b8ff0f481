// Package apidocs serves the rendered API reference at /api/docs: Swagger UI
// (swagger-ui-dist 5.32.0, Apache-2.0, assets/LICENSE-swagger-ui) embedded in
// the binary, reading /api/v1/openapi.json. Nothing is loaded from a CDN.
//
// The bundle is stored gzip-compressed (1.5 MB → ~0.45 MB) and sent as is to
// the browsers that accept gzip, which is all of them. To update it:
// npm pack swagger-ui-dist@VERSION, then gzip -9 swagger-ui-bundle.js and
// swagger-ui.css into assets/.
package apidocs

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

// csp allows only this origin; Swagger UI sets inline styles and shows
// data: images.
const csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

var files = map[string]struct{ name, contentType string }{
	"":                     {"assets/index.html", "text/html; charset=utf-8"},
	"init.js":              {"assets/init.js", "text/javascript; charset=utf-8"},
	"swagger-ui-bundle.js": {"assets/swagger-ui-bundle.js.gz", "text/javascript; charset=utf-8"},
	"swagger-ui.css":       {"assets/swagger-ui.css.gz", "text/css; charset=utf-8"},
}

// Handler serves GET /api/docs and the files under /api/docs/.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/docs"), "/")
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := assets.ReadFile(f.name)
		if err != nil {
			http.Error(w, "missing asset", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		if name == "" {
			h.Set("Cache-Control", "no-cache")
		} else {
			h.Set("Cache-Control", "public, max-age=86400")
		}
		if strings.HasSuffix(f.name, ".gz") {
			h.Set("Vary", "Accept-Encoding")
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					http.Error(w, "bad asset", http.StatusInternalServerError)
					return
				}
				io.Copy(w, zr)
				return
			}
			h.Set("Content-Encoding", "gzip")
		}
		w.Write(b)
	})
}
