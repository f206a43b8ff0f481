// Package linkpreview fetches the title, description and image of a page
// for the composer's link blocks. Pages are fetched on the server through
// the netguard (private and loopback addresses are refused unless the
// operator allows them), with the size and the time capped; the HTML is
// tokenized with golang.org/x/net/html and never executed. Answers are
// cached for a while, so a composer that asks again costs nothing.
package linkpreview

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/netguard"
)

// Preview is what the composer shows of a link.
type Preview struct {
	URL         string `json:"url" doc:"the link as asked"`
	Title       string `json:"title" doc:"og:title, else the page's <title>; empty when the page has none"`
	Description string `json:"description" doc:"og:description, else the description meta"`
	ImageURL    string `json:"image_url" doc:"og:image as an absolute http(s) URL, or the link itself when it is an image"`
	SiteName    string `json:"site_name" doc:"og:site_name, else the host"`
}

// Limits of one fetch and of the cache.
const (
	MaxBytes   = 512 << 10 // the head of a page is in its first bytes
	Timeout    = 5 * time.Second
	CacheTTL   = time.Hour
	CacheSize  = 2000
	maxTextLen = 500
)

// Fetcher fetches previews. It is safe for concurrent use.
type Fetcher struct {
	guard   *netguard.Guard
	client  *http.Client
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]entry
}

type entry struct {
	p  *Preview
	at time.Time
}

// New returns a Fetcher whose requests go through guard with timeout as
// their limit (Timeout when 0).
func New(guard *netguard.Guard, timeout time.Duration) *Fetcher {
	if timeout <= 0 {
		timeout = Timeout
	}
	return &Fetcher{guard: guard, client: guard.Client(timeout), now: time.Now, entries: map[string]entry{}}
}

// Fetch returns the preview of raw. Bad or refused URLs and pages that
// cannot be read are EINVALID errors naming url, with a sentence that
// says why.
func (f *Fetcher) Fetch(ctx context.Context, raw string) (*Preview, error) {
	raw = strings.TrimSpace(raw)
	if err := f.guard.CheckURL(raw); err != nil {
		return nil, parley.FieldErrorf("url", "%s", parley.ErrorMessage(err))
	}
	if p, ok := f.cached(raw); ok {
		return p, nil
	}
	p, err := f.fetch(ctx, raw)
	if err != nil {
		return nil, err
	}
	f.keep(raw, p)
	return p, nil
}

func (f *Fetcher) cached(raw string) (*Preview, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entries[raw]
	if !ok || f.now().Sub(e.at) > CacheTTL {
		return nil, false
	}
	c := *e.p
	return &c, true
}

func (f *Fetcher) keep(raw string, p *Preview) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if len(f.entries) >= CacheSize { // drop the expired, then any one
		for k, e := range f.entries {
			if now.Sub(e.at) > CacheTTL {
				delete(f.entries, k)
			}
		}
		for k := range f.entries {
			if len(f.entries) < CacheSize {
				break
			}
			delete(f.entries, k)
		}
	}
	c := *p
	f.entries[raw] = entry{p: &c, at: now}
}

func (f *Fetcher) fetch(ctx context.Context, raw string) (*Preview, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, parley.FieldErrorf("url", "The URL cannot be parsed.")
	}
	req.Header.Set("User-Agent", "Parley link preview (+https://github.com/parleyhq/parley)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fetchError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, parley.FieldErrorf("url", "The page answered %d %s.", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	final := resp.Request.URL
	p := &Preview{URL: raw, SiteName: final.Hostname()}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(mt, "image/"):
		p.ImageURL = final.String()
		return p, nil
	case mt != "" && mt != "text/html" && mt != "application/xhtml+xml":
		return p, nil // a PDF, a video…: no preview text, the link still goes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes))
	if err != nil && len(body) == 0 {
		return nil, fetchError(err)
	}
	m := Parse(body)
	p.Title, p.Description = m.Title, m.Description
	if m.SiteName != "" {
		p.SiteName = m.SiteName
	}
	p.ImageURL = absolute(final, m.Image)
	return p, nil
}

// fetchError says in words why a page could not be fetched.
func fetchError(err error) error {
	var re *netguard.RedirectError
	switch {
	case errors.Is(err, netguard.ErrForbiddenAddress):
		return parley.FieldErrorf("url", "The link points at a private or loopback address (allow it with PARLEY_ALLOW_PRIVATE_ADDRESSES).")
	case errors.As(err, &re):
		return parley.FieldErrorf("url", "The page redirects to a URL that is not allowed.")
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return parley.FieldErrorf("url", "The page did not answer within %s.", Timeout)
	default:
		return parley.FieldErrorf("url", "The page could not be fetched.")
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// absolute resolves ref against base, keeping only http(s) results.
func absolute(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return ""
	}
	return u.String()
}

// Meta is what a page's head says about it.
type Meta struct {
	Title, Description, Image, SiteName string
}

// Parse reads the metadata of an HTML document (its Open Graph tags, else
// its title and description), stopping at the body. It never fails: what
// it cannot read stays empty.
func Parse(doc []byte) Meta {
	var m, fallback Meta
	z := html.NewTokenizer(strings.NewReader(string(doc)))
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return merge(m, fallback)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return merge(m, fallback)
			case "title":
				inTitle = true
			case "meta":
				if hasAttr {
					readMeta(z, &m, &fallback)
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "title" {
				inTitle = false
			} else if string(name) == "head" {
				return merge(m, fallback)
			}
		case html.TextToken:
			if inTitle && fallback.Title == "" {
				fallback.Title = string(z.Text())
			}
		}
	}
}

func readMeta(z *html.Tokenizer, m, fallback *Meta) {
	var key, content string
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "property", "name":
			if key == "" || strings.HasPrefix(string(v), "og:") {
				key = strings.ToLower(string(v))
			}
		case "content":
			content = string(v)
		}
		if !more {
			break
		}
	}
	set := func(dst *string) {
		if *dst == "" {
			*dst = content
		}
	}
	switch key {
	case "og:title":
		set(&m.Title)
	case "og:description":
		set(&m.Description)
	case "og:image", "og:image:url", "og:image:secure_url":
		set(&m.Image)
	case "og:site_name":
		set(&m.SiteName)
	case "twitter:title":
		set(&fallback.Title)
	case "description", "twitter:description":
		set(&fallback.Description)
	case "twitter:image":
		set(&fallback.Image)
	}
}

func merge(m, fallback Meta) Meta {
	pick := func(a, b string) string {
		if a = tidy(a); a != "" {
			return a
		}
		return tidy(b)
	}
	return Meta{Title: pick(m.Title, fallback.Title), Description: pick(m.Description, fallback.Description),
		Image: strings.TrimSpace(pick(m.Image, fallback.Image)), SiteName: pick(m.SiteName, fallback.SiteName)}
}

// tidy collapses white space, drops invalid UTF-8 and NULs and bounds the
// length.
func tidy(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxTextLen {
		r := []rune(s)
		s = string(r[:maxTextLen-1]) + "…"
	}
	return s
}
