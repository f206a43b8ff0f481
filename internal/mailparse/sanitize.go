package mailparse

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
	strict     *bluemonday.Policy
)

// mailPolicy is bluemonday's user-content policy with what mail layouts
// need (tables, classes, a few inline styles) and nothing that runs:
// no script, no event handler, no form, no frame, no style sheet.
func mailPolicy() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.UGCPolicy()
		p.AllowAttrs("class").Globally()
		p.AllowAttrs("align", "valign", "width", "height", "bgcolor", "border", "cellpadding", "cellspacing").Globally()
		p.AllowAttrs("type").OnElements("blockquote")
		p.AllowStyles("color", "background-color", "font-weight", "font-style", "font-size", "font-family",
			"text-align", "text-decoration", "margin", "margin-left", "padding", "border", "border-left", "width").Globally()
		p.AllowURLSchemes("http", "https", "mailto", "cid", "tel")
		p.AllowElements("center", "font", "span", "div")
		p.AllowAttrs("color", "face", "size").OnElements("font")
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		policy = p
		strict = bluemonday.StrictPolicy()
	})
	return policy
}

// Sanitize makes a mail's HTML safe to show: bluemonday's policy, then
// remote images are held back (their address moves to data-remote-src, so
// opening a mail tells the sender nothing until the agent loads them) and
// cid: images keep their cid: source for the web app to point at the
// stored attachment.
func Sanitize(s string) string {
	clean := mailPolicy().Sanitize(s)
	return holdImages(clean)
}

// holdImages moves remote image sources to data-remote-src.
func holdImages(s string) string {
	if !strings.Contains(s, "<img") {
		return s
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		t := z.Token()
		if (tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken) && t.Data == "img" {
			for i, a := range t.Attr {
				if a.Key == "src" && !strings.HasPrefix(strings.ToLower(a.Val), "cid:") {
					t.Attr[i].Key = "data-remote-src"
				}
			}
		}
		b.WriteString(t.String())
	}
}

var (
	blankLines = regexp.MustCompile(`\n{3,}`)
	blockEnds  = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/li|/h[1-6])[^>]*>`)
	invisible  = regexp.MustCompile(`(?is)<(style|script|head)[^>]*>.*?</(style|script|head)>`)
)

// TextOf is the text of an HTML body: tags dropped (line breaks kept at
// block ends), entities decoded, blank runs shortened.
func TextOf(s string) string {
	mailPolicy()
	s = blockEnds.ReplaceAllString(s, "$0\n")
	s = invisible.ReplaceAllString(s, "")
	t := html.UnescapeString(strict.Sanitize(s))
	lines := strings.Split(strings.ReplaceAll(t, "\r", ""), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

var quoteStarts = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^On .{4,200}wrote:\s*$`),
	regexp.MustCompile(`(?m)^Le .{4,200}a écrit\s?:\s*$`),
	regexp.MustCompile(`(?m)^Am .{4,200}schrieb .{1,100}:\s*$`),
	regexp.MustCompile(`(?m)^-{2,}\s*Original Message\s*-{2,}\s*$`),
	regexp.MustCompile(`(?m)^_{10,}\s*\nFrom: `),
	regexp.MustCompile(`(?m)^From: .+\n(Sent|Date): .+\n`),
	regexp.MustCompile(`(?m)^(>.*\n?){2,}\s*\z`),
}

// QuoteAt is where the quoted history of a reply starts in text, -1 when
// there is none (or when it would leave nothing above it).
func QuoteAt(text string) int {
	at := -1
	for _, re := range quoteStarts {
		if loc := re.FindStringIndex(text); loc != nil && (at < 0 || loc[0] < at) {
			at = loc[0]
		}
	}
	if at <= 0 || strings.TrimSpace(text[:at]) == "" {
		return -1
	}
	return at
}
