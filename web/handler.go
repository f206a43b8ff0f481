package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// ContentSecurityPolicy is sent with every response of the app. Scripts and
// styles come only from the app's own origin (React sets styles through the
// CSSOM, which style-src does not restrict); avatars may be on any https host.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: https:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
	// Smaller files are not worth the gzip header and the CPU.
	minGzipSize = 512
)

// reserved are the paths that belong to the server, never to the app: an
// unknown API route must answer 404, not the app's index.html.
var reserved = []string{"/api/", "/webhooks/"}
var reservedExact = []string{"/api", "/webhooks", "/healthz", "/readyz", "/metrics"}

type file struct {
	body        []byte
	gz          []byte // nil when not worth compressing
	contentType string
	etag        string
	cache       string
}

type handler struct {
	files map[string]*file // by URL path, e.g. "/assets/index-abc.js"
	index *file
}

// Handler returns the handler that serves the embedded app at "/": the files
// of the build, and index.html for any other path (the app routes on the
// client). It fails when the embedded build has no index.html, so a binary
// built without the app does not start serving a blank page.
func Handler() (http.Handler, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, fmt.Errorf("web: open embedded dist: %w", err)
	}
	return NewHandler(sub)
}

// NewHandler is Handler for the build in fsys, whose root holds index.html.
// Files are read and compressed once, here.
func NewHandler(fsys fs.FS) (http.Handler, error) {
	h := &handler{files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		urlPath := "/" + p
		f := &file{body: body, contentType: contentType(p, body), cache: cacheRevalidate}
		if strings.HasPrefix(urlPath, "/assets/") {
			f.cache = cacheImmutable
		}
		sum := sha256.Sum256(body)
		f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		if len(body) >= minGzipSize && compressible(f.contentType) {
			gz, err := gzipBytes(body)
			if err != nil {
				return err
			}
			if len(gz) < len(body) {
				f.gz = gz
			}
		}
		h.files[urlPath] = f
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("web: read app files: %w", err)
	}
	h.index = h.files["/index.html"]
	if h.index == nil {
		return nil, errors.New("web: the app build has no index.html; run `npm --prefix web ci && npm --prefix web run build`")
	}
	return h, nil
}

func contentType(name string, body []byte) string {
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return http.DetectContentType(body)
}

func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch {
	case strings.HasPrefix(ct, "text/"):
		return true
	case ct == "application/javascript", ct == "application/json", ct == "image/svg+xml",
		ct == "application/manifest+json", ct == "application/wasm", ct == "application/xml":
		return true
	}
	return false
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")

	p := r.URL.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if isReserved(p) {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	clean := path.Clean(p)
	f, ok := h.files[clean]
	if !ok || clean == "/index.html" {
		// A missing file (an old asset, a typo) is a 404, not the app: a
		// script tag given HTML fails in confusing ways.
		if !ok && (strings.HasPrefix(clean, "/assets/") || path.Ext(clean) != "") {
			hdr.Set("Cache-Control", cacheRevalidate)
			http.NotFound(w, r)
			return
		}
		f = h.index
	}
	serve(w, r, f)
}

func isReserved(p string) bool {
	for _, pre := range reserved {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	for _, x := range reservedExact {
		if p == x {
			return true
		}
	}
	return false
}

func serve(w http.ResponseWriter, r *http.Request, f *file) {
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("Cache-Control", f.cache)
	body := f.body
	etag := f.etag
	if f.gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body = f.gz
			etag = strings.TrimSuffix(f.etag, `"`) + `-gz"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		hdr.Del("Content-Type")
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding, honouring "gzip;q=0" as a refusal.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		for _, param := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q <= 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}
