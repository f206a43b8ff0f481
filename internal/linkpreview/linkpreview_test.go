package linkpreview

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/netguard"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      Meta
	}{
		{"open graph wins", `<html><head><title>Plain</title><meta property="og:title" content="OG &amp; co">
			<meta name="description" content="desc"><meta property="og:image" content="/i.png"><meta property="og:site_name" content="Shop"></head>`,
			Meta{Title: "OG & co", Description: "desc", Image: "/i.png", SiteName: "Shop"}},
		{"title and description fallback", `<title>  A
			page </title><meta name="description" content="About it">`, Meta{Title: "A page", Description: "About it"}},
		{"stops at the body", `<head><title>T</title></head><body><meta property="og:title" content="late">`, Meta{Title: "T"}},
		{"scripts are not run nor read", `<head><script>document.title="x"</script><title>Safe</title></head>`, Meta{Title: "Safe"}},
		{"garbage", "\x00\xff<<<>>", Meta{}},
		{"twitter tags", `<meta name="twitter:title" content="TT"><meta name="twitter:image" content="https://x.example/a.png">`,
			Meta{Title: "TT", Image: "https://x.example/a.png"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Parse([]byte(tc.doc)); got != tc.want {
				t.Errorf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<title>x</title><meta property="og:image" content="/a">`))
	f.Add([]byte("<meta content=\xff name=description>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m := Parse(doc)
		for _, s := range []string{m.Title, m.Description, m.SiteName} {
			if strings.ContainsRune(s, 0) || len([]rune(s)) > maxTextLen {
				t.Fatalf("Parse gave %q", s)
			}
		}
	})
}

func loopback(t *testing.T) *netguard.Guard {
	g, err := netguard.New([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func field(t *testing.T, err error) string {
	t.Helper()
	pe, ok := err.(*parley.Error)
	if !ok || pe.Code != parley.EINVALID {
		t.Fatalf("err = %#v, want an EINVALID parley error", err)
	}
	return pe.Field + ": " + pe.Message
}

func TestFetch(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<head><meta property="og:title" content="Sofa"><meta property="og:image" content="/img/s.png"></head>`))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<title>Big</title>` + strings.Repeat("<p>filler</p>", MaxBytes/4)))
	})
	mux.HandleFunc("/pic.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG"))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://files.example/x", http.StatusFound)
	})
	mux.HandleFunc("/inside", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(srv.URL, "127.0.0.1", "127.0.0.2", 1)+"/page", http.StatusFound)
	})
	release := make(chan struct{})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	defer close(release)
	ctx := context.Background()

	t.Run("a page's open graph, its image made absolute, then the cache", func(t *testing.T) {
		f := New(loopback(t), time.Second)
		for range 3 {
			p, err := f.Fetch(ctx, srv.URL+"/page")
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != "Sofa" || p.ImageURL != srv.URL+"/img/s.png" || p.SiteName != "127.0.0.1" {
				t.Fatalf("preview = %+v", p)
			}
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("the page was fetched %d times, want once (cached)", n)
		}
		f.now = func() time.Time { return time.Now().Add(CacheTTL + time.Minute) }
		if _, err := f.Fetch(ctx, srv.URL+"/page"); err != nil || hits.Load() != 2 {
			t.Errorf("after the TTL: err %v, hits %d, want a new fetch", err, hits.Load())
		}
	})
	t.Run("an image link previews as itself", func(t *testing.T) {
		p, err := New(loopback(t), time.Second).Fetch(ctx, srv.URL+"/pic.png")
		if err != nil || p.ImageURL != srv.URL+"/pic.png" || p.Title != "" {
			t.Fatalf("preview = %+v, %v", p, err)
		}
	})
	t.Run("a big page is read only up to the cap", func(t *testing.T) {
		p, err := New(loopback(t), time.Second).Fetch(ctx, srv.URL+"/big")
		if err != nil || p.Title != "Big" {
			t.Fatalf("preview = %+v, %v", p, err)
		}
	})
	for _, tc := range []struct {
		name  string
		guard *netguard.Guard
		url   string
		want  string
	}{
		{"loopback is refused without the allow-list", nil, srv.URL + "/page", "url: It points at a private or loopback address"},
		{"a literal private address is refused early", nil, "http://10.0.0.1/", "url: It points at a private or loopback address"},
		{"a redirect to another loopback address is refused at dial time", loopback(t), srv.URL + "/inside", "url: The link points at a private or loopback address"},
		{"not http", loopback(t), "file:///etc/passwd", "url: The URL must start with http:// or https://."},
		{"a 404", loopback(t), srv.URL + "/gone", "url: The page answered 404 Not Found."},
		{"a redirect to ftp", loopback(t), srv.URL + "/ftp", "url: The page redirects to a URL that is not allowed."},
		{"a page that does not answer in time", loopback(t), srv.URL + "/slow", "url: The page did not answer within"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := New(tc.guard, 300*time.Millisecond)
			_, err := f.Fetch(ctx, tc.url)
			if got := field(t, err); !strings.HasPrefix(got, tc.want) {
				t.Errorf("error = %q, want %q…", got, tc.want)
			}
		})
	}
}
