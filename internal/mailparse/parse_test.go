package mailparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))
}

func TestParse_Samples(t *testing.T) {
	tests := []struct {
		file                   string
		id, inReplyTo, from    string
		subject                string
		textHas                string
		atts                   int
		autoReply              bool
		reportAction, reportID string
	}{
		{file: "gmail_html.eml", id: "CAF=+x7Yq0b1Zk8vN3dLw2s@mail.gmail.com", inReplyTo: "0100018c2a@acme.test", from: "alice.doe@gmail.com",
			subject: "Re: Your order № 1042", textHas: "box was crushed"},
		{file: "outlook_inline.eml", id: "DB9PR01MB1234ABCD5678EF90@DB9PR01MB1234.eurprd01.prod.exchangelabs.com", from: "bob.smith@contoso.test",
			subject: "Screenshot of the error", textHas: "error when I log in", atts: 1},
		{file: "dsn_postfix.eml", from: "mailer-daemon@relay.acme.test", id: "20261202100512.3F2A61C0A7@relay.acme.test",
			subject: "Undelivered Mail Returned to Sender", autoReply: true, reportAction: "failed", reportID: "01a2b3c4-msg-postfix@acme.test"},
		{file: "dsn_exchange.eml", from: "postmaster@contoso.test", id: "2f4d1c9e-ndr-exchange@DB9PR01MB1234.eurprd01.prod.exchangelabs.com",
			inReplyTo: "01a2b3c4-msg-exchange@acme.test", subject: "Undeliverable: Re: Invoice question", autoReply: true,
			reportAction: "failed", reportID: "01a2b3c4-msg-exchange@acme.test"},
		{file: "arf.eml", from: "staff@hotmail.test", id: "arf-7d1e@hotmail.test", subject: "complaint about message from 198.51.100.7",
			reportAction: "spam", reportID: "01a2b3c4-msg-arf@acme.test"},
		{file: "autoreply.eml", from: "carol@customer.test", id: "auto-88a1@customer.test", inReplyTo: "01a2b3c4-msg-postfix@acme.test",
			subject: "Automatic reply: Re: Where is my order?", textHas: "out of the office", autoReply: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := Parse(sample(t, tt.file), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if m.MessageID != tt.id || m.InReplyTo != tt.inReplyTo || m.From != tt.from || m.Subject != tt.subject {
				t.Errorf("id %q in-reply-to %q from %q subject %q, want %q %q %q %q", m.MessageID, m.InReplyTo, m.From, m.Subject,
					tt.id, tt.inReplyTo, tt.from, tt.subject)
			}
			if !strings.Contains(m.Text, tt.textHas) {
				t.Errorf("text %q, want it to contain %q", m.Text, tt.textHas)
			}
			if len(m.Attachments) != tt.atts || m.AutoReply != tt.autoReply {
				t.Errorf("%d attachments, auto-reply %v; want %d, %v", len(m.Attachments), m.AutoReply, tt.atts, tt.autoReply)
			}
			if tt.reportAction == "" {
				if m.Report != nil {
					t.Errorf("report %+v, want none", m.Report)
				}
				return
			}
			if m.Report == nil || m.Report.Action != tt.reportAction || m.Report.MessageID() != tt.reportID {
				t.Errorf("report %+v, want action %s about %s", m.Report, tt.reportAction, tt.reportID)
			}
		})
	}
}

func TestParse_OutlookInlineImage(t *testing.T) {
	m, err := Parse(sample(t, "outlook_inline.eml"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a := m.Attachments[0]
	if a.ContentID != "image001.png@01DA2B3C.4D5E6F70" || !a.Inline || a.ContentType != "image/png" || a.FileName != "image001.png" || len(a.Data) != 70 {
		t.Errorf("inline image = %+v (%d bytes)", a, len(a.Data))
	}
	html := Sanitize(m.HTML)
	if !strings.Contains(html, `src="cid:image001.png@01DA2B3C.4D5E6F70"`) {
		t.Errorf("sanitized HTML lost the cid image: %s", html)
	}
	if strings.Contains(html, "<style") || strings.Contains(html, "MsoNormal {") {
		t.Errorf("sanitized HTML keeps the style sheet: %s", html)
	}
}

func TestSanitize_HoldsRemoteImagesAndKeepsQuotes(t *testing.T) {
	m, err := Parse(sample(t, "gmail_html.eml"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	html := Sanitize(m.HTML)
	if strings.Contains(html, ` src="https://tracker.example`) || !strings.Contains(html, `data-remote-src="https://tracker.example/open.gif?u=1"`) {
		t.Errorf("the remote image is not held back: %s", html)
	}
	if !strings.Contains(html, `class="gmail_quote"`) {
		t.Errorf("the quote's class is gone (the thread collapses by it): %s", html)
	}
	if at := QuoteAt(m.Text); at < 0 || !strings.HasPrefix(m.Text[at:], "On Tue, 1 Dec 2026") {
		t.Errorf("QuoteAt = %d in %q", at, m.Text)
	}
}

// The FreeScout advisory's class (CVE-2026-32754): markup in the body, in
// a file name and in the subject never reaches the thread as markup.
func TestParse_XSSPayloads(t *testing.T) {
	m, err := Parse(sample(t, "xss.eml"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	html := strings.ToLower(Sanitize(m.HTML))
	for _, bad := range []string{"<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<form", "<input", "<svg", "<object", "<base", "xlink:href", "url("} {
		if strings.Contains(html, bad) {
			t.Errorf("sanitized HTML carries %q: %s", bad, html)
		}
	}
	if len(m.Attachments) != 1 || strings.ContainsAny(m.Attachments[0].FileName, `<>"'`) {
		t.Errorf("attachments = %+v, want one whose name carries no markup", m.Attachments)
	}
	// The subject is text: the web app renders it as text, never as HTML;
	// the parser keeps it on one line without control characters.
	if strings.ContainsAny(m.Subject, "\r\n\x00") {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(TextOf(m.HTML), "Hello") || strings.Contains(TextOf(m.HTML), "alert(1)") {
		t.Errorf("TextOf = %q", TextOf(m.HTML))
	}
}

func TestParse_Limits(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@b.test\r\nMessage-ID: <x@y>\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n")
	for range 300 {
		b.WriteString("--Z\r\nContent-Type: text/plain\r\n\r\nx\r\n")
	}
	b.WriteString("--Z--\r\n")
	if _, err := Parse([]byte(b.String()), DefaultLimits); err == nil {
		t.Error("a mail of 300 parts parsed, want it refused")
	}
	if _, err := Parse([]byte("no header at all"), DefaultLimits); err != nil {
		t.Logf("a mail without header: %v", err)
	}
}

func TestQuoteAt(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"Thanks!\n\nOn Mon, 1 Dec 2026 at 10:00, Bob <b@x> wrote:\n> hi", 9},
		{"Thanks!\n\n-----Original Message-----\nFrom: Bob", 9},
		{"Thanks!\n\nFrom: Bob <b@x>\nSent: Monday\nTo: me\n", 9},
		{"Just text, no quote.", -1},
		{"On Mon, Bob wrote:\n> only a quote", -1},
	}
	for _, tt := range tests {
		if got := QuoteAt(tt.text); got != tt.want {
			t.Errorf("QuoteAt(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}
