package mailparse

import (
	xhtml "golang.org/x/net/html"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func seedSamples(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b)
		}
	}
}

// FuzzParse: any bytes parse or fail cleanly, and what parses carries no
// script in its sanitized HTML.
func FuzzParse(f *testing.F) {
	seedSamples(f)
	lim := Limits{MaxParts: 50, MaxPartBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, lim)
		if err != nil {
			return
		}
		if bad := carriesScript(Sanitize(m.HTML)); bad != "" {
			t.Fatalf("sanitized HTML carries %s", bad)
		}
		_ = QuoteAt(m.Text)
		if m.Report != nil {
			_ = m.Report.MessageID()
		}
	})
}

// FuzzReport: delivery-status bodies of any shape.
func FuzzReport(f *testing.F) {
	f.Add([]byte("Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.1.1\n"))
	f.Add([]byte("Original-Envelope-Id: abc\n\n\n\nAction: delivered\n\nAction: failed\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		p := reportParts{kind: "delivery-status", status: body, original: body}
		if r := p.report(); r == nil {
			t.Fatal("no report for a delivery-status")
		}
		p.kind = "feedback-report"
		_ = p.report()
	})
}

// FuzzSanitize: no input comes out with script or an event handler.
func FuzzSanitize(f *testing.F) {
	f.Add(`<img src=x onerror=alert(1)><script>x</script><a href="javascript:y">z</a>`)
	f.Add(`<svg><animate onbegin=alert(1)></svg><img data-remote-src="x" src="cid:y">`)
	f.Fuzz(func(t *testing.T, s string) {
		if bad := carriesScript(Sanitize(s)); bad != "" {
			t.Fatalf("Sanitize(%q) carries %s", s, bad)
		}
	})
}

// carriesScript names what in h could run: a script-bearing element, an
// event handler attribute, a javascript: URL.
func carriesScript(h string) string {
	z := xhtml.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return ""
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "form", "base", "svg", "math", "style", "link", "meta":
			return "a <" + tok.Data + "> element"
		}
		for _, a := range tok.Attr {
			v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") {
				return "the attribute " + a.Key + "=" + a.Val
			}
		}
	}
}
