package e2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// mailPart is one leaf of a sent mail.
type mailPart struct {
	ContentType, FileName string
	Body                  []byte
}

// mailParts walks a MIME mail into its leaves, decoded.
func mailParts(t *testing.T, raw []byte) (*mail.Message, []mailPart) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	var out []mailPart
	var walk func(ct, cte, disp string, body io.Reader)
	walk = func(ct, cte, disp string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("multipart: %v", err)
				}
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
			}
		}
		var r io.Reader = body
		switch strings.ToLower(cte) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, body)
		case "quoted-printable":
			r = quotedprintable.NewReader(body)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("decode part: %v", err)
		}
		_, dp, _ := mime.ParseMediaType(disp)
		out = append(out, mailPart{ContentType: mt, FileName: dp["filename"], Body: data})
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return msg, out
}

// relayMail waits for the next mail the relay takes.
func relayMail(t *testing.T, relay *channeltest.SMTPRelay) channeltest.RelayMail {
	t.Helper()
	select {
	case got := <-relay.Mail:
		return got
	case <-time.After(20 * time.Second):
		t.Fatal("no mail reached the relay")
	}
	return channeltest.RelayMail{}
}

// statusHistory is how often each status shows in a message's history.
func statusHistory(t *testing.T, n *node, s session, cid, mid string) (string, map[string]int) {
	for _, m := range threadOf(t, n, s, cid) {
		if m["id"] == mid {
			counts := map[string]int{}
			hist, _ := m["status_history"].([]any)
			for _, h := range hist {
				counts[h.(map[string]any)["status"].(string)]++
			}
			return m["status"].(string), counts
		}
	}
	t.Fatalf("message %s not in the thread", mid)
	return "", nil
}

var hrefPattern = regexp.MustCompile(`(?:href|src)="([^"]+)"`)

// TestEmail_TrackingDKIMAttachments sends a reply from an inbox that
// tracks opens and clicks and signs with DKIM, carrying a file: the relay
// gets a mail whose DKIM signature verifies (go-msgauth, against a test
// key record), whose HTML carries the signed pixel and rewritten link
// (the text part does not), and whose attachment is a MIME part with the
// file's name, type and bytes. The pixel marks the reply opened and the
// link clicked, once each however often they are fetched; forged or
// altered URLs are 404s and never redirect anywhere else. Files over the
// channel's 25 MB total are refused with a 413 before anything is sent.
func TestEmail_TrackingDKIMAttachments(t *testing.T) {
	eachEngineWith(t, emailOptions(), func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(priv)
		keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		config := func(extra map[string]string) map[string]string {
			c := map[string]string{"address": "support@acme.test", "display_name": "Acme Support",
				"smtp_host": relay.Host, "smtp_port": fmt.Sprint(relay.Port), "smtp_security": "none"}
			for k, v := range extra {
				c[k] = v
			}
			return c
		}
		if r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Bad key", "channel": "email",
			"config": config(map[string]string{"address": "other@acme.test", "dkim_private_key": "not a key"})}); r.status != 422 || !strings.Contains(string(r.body), "config.dkim_private_key") {
			t.Fatalf("a bad DKIM key = %d %s, want 422 naming config.dkim_private_key", r.status, r.body)
		}
		inbox := n.must(201, "POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Support", "channel": "email",
			"config": config(map[string]string{"track_opens": "true", "track_clicks": "true",
				"dkim_selector": "parley", "dkim_private_key": keyPEM})}).m(t)
		if strings.Contains(fmt.Sprint(inbox), "PRIVATE KEY") {
			t.Fatalf("the inbox shows its DKIM key: %v", inbox)
		}
		if err := n.sendMail("alice@customer.test", "support@acme.test", customerMail("t1@customer.test", "Manual", "Where is the manual?")); err != nil {
			t.Fatal(err)
		}
		convs := conversationsOn(t, n, s, inbox["id"].(string))
		if len(convs) != 1 {
			t.Fatalf("conversations = %v", convs)
		}
		cid := convs[0]["id"].(string)

		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("manual "), 2000)...)
		file := n.upload(s, s.token, "manual.pdf", pdf)
		if file.status != 201 {
			t.Fatalf("upload = %d %s", file.status, file.body)
		}
		target := "https://acme.test/help?a=1&b=2"
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{
			"content": "Here it is. More at " + target + ".", "attachment_ids": []string{file.m(t)["id"].(string)}}).m(t)
		mid := reply["id"].(string)
		got := relayMail(t, relay)

		// DKIM: the bytes the relay got verify against the published key.
		record := "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
		lookup := func(domain string) ([]string, error) {
			if domain == "parley._domainkey.acme.test" {
				return []string{record}, nil
			}
			return nil, fmt.Errorf("no TXT for %s", domain)
		}
		verifs, err := dkim.VerifyWithOptions(bytes.NewReader(got.Data), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(verifs) != 1 || verifs[0].Err != nil || verifs[0].Domain != "acme.test" {
			t.Fatalf("DKIM verification = %+v, %v; mail:\n%s", verifs, err, got.Data)
		}
		tampered := bytes.Replace(got.Data, []byte("Subject: Re: Manual"), []byte("Subject: Re: Manuel"), 1)
		if v, _ := dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: lookup}); len(v) != 1 || v[0].Err == nil {
			t.Fatalf("a changed subject still verifies: %+v", v)
		}

		_, parts := mailParts(t, got.Data)
		var html, text string
		var att *mailPart
		for i, p := range parts {
			switch {
			case p.FileName != "":
				att = &parts[i]
			case p.ContentType == "text/html":
				html = string(p.Body)
			case p.ContentType == "text/plain":
				text = string(p.Body)
			}
		}
		if att == nil || att.FileName != "manual.pdf" || att.ContentType != "application/pdf" || !bytes.Equal(att.Body, pdf) {
			t.Fatalf("attachment part = %+v, want manual.pdf as application/pdf with the file's bytes", att)
		}
		if !strings.Contains(text, target) || strings.Contains(text, "/t/") {
			t.Fatalf("text part = %q, want the link as written", text)
		}
		var pixel, click string
		for _, m := range hrefPattern.FindAllStringSubmatch(html, -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			switch {
			case strings.Contains(u, "/t/o/"):
				pixel = u
			case strings.Contains(u, "/t/c/"):
				click = u
			}
		}
		if pixel == "" || click == "" || strings.Contains(html, `href="`+target) {
			t.Fatalf("HTML part carries no pixel or rewritten link:\n%s", html)
		}
		pixelPath, clickPath := strings.TrimPrefix(pixel, n.base), strings.TrimPrefix(click, n.base)
		cu, _ := url.Parse(clickPath)
		token := strings.TrimPrefix(cu.Path, "/t/c/")
		if cu.Query().Get("u") != target {
			t.Fatalf("click URL %s does not carry the target", click)
		}
		waitFor(t, func() bool { st, _ := statusHistory(t, n, s, cid, mid); return st == "sent" })

		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path string) *http.Response {
			t.Helper()
			resp, err := noFollow.Get(n.base + path)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp
		}
		otherToken := strings.Replace(token, ".", ".0", 1)
		flip := token[:len(token)-2] + map[bool]string{true: "AA", false: "AB"}[!strings.HasSuffix(token, "AA")]
		for _, tt := range []struct{ name, path string }{
			{"garbage token", "/t/o/nonsense"},
			{"empty signature", "/t/o/" + token[:strings.LastIndex(token, ".")+1]},
			{"forged signature", "/t/o/" + flip},
			{"another message's id", "/t/o/" + otherToken},
			{"click token used as pixel", "/t/o/" + token},
			{"click to another URL", "/t/c/" + token + "?u=" + url.QueryEscape("https://evil.test/")},
			{"click to the URL plus a path", "/t/c/" + token + "?u=" + url.QueryEscape(target+"/x")},
			{"click without target", "/t/c/" + token},
			{"click with a second target", clickPath + "&u=" + url.QueryEscape("https://evil.test/")},
			{"click with a forged signature", "/t/c/" + flip + "?u=" + url.QueryEscape(target)},
		} {
			resp := get(tt.path)
			if resp.StatusCode != 404 || resp.Header.Get("Location") != "" {
				t.Errorf("%s: GET %s = %d (Location %q), want 404 without a redirect", tt.name, tt.path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if st, h := statusHistory(t, n, s, cid, mid); st != "sent" || h["opened"]+h["clicked"] != 0 {
			t.Fatalf("after forged URLs: status %s history %v, want sent alone", st, h)
		}

		for range 3 { // mail clients fetch images again; counted once
			resp := get(pixelPath)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" {
				t.Fatalf("GET pixel = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		if st, h := statusHistory(t, n, s, cid, mid); st != "opened" || h["opened"] != 1 {
			t.Fatalf("after the pixel: status %s history %v, want opened once", st, h)
		}
		for range 2 {
			resp := get(clickPath)
			if resp.StatusCode != 302 || resp.Header.Get("Location") != target {
				t.Fatalf("GET click = %d Location %q, want 302 to %s", resp.StatusCode, resp.Header.Get("Location"), target)
			}
		}
		if st, h := statusHistory(t, n, s, cid, mid); st != "clicked" || h["clicked"] != 1 || h["opened"] != 1 {
			t.Fatalf("after the click: status %s history %v, want clicked, each once", st, h)
		}
		get(pixelPath) // an open after the click never moves the status back
		if st, _ := statusHistory(t, n, s, cid, mid); st != "clicked" {
			t.Fatalf("an open after the click moved the status to %s", st)
		}

		// Too much for one mail: refused before it is queued.
		var ids []string
		for i := range 3 {
			big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'x'}, 9<<20)...)
			r := n.upload(s, s.token, fmt.Sprintf("big%d.pdf", i), big)
			if r.status != 201 {
				t.Fatalf("upload big = %d %s", r.status, r.body)
			}
			ids = append(ids, r.m(t)["id"].(string))
		}
		before := len(threadOf(t, n, s, cid))
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "All of it", "attachment_ids": ids}); r.status != 413 || !strings.Contains(string(r.body), "25") {
			t.Fatalf("27 MB of files = %d %s, want 413 saying the limit", r.status, r.body)
		}
		if after := len(threadOf(t, n, s, cid)); after != before {
			t.Fatalf("the refused reply left %d messages, want %d", after, before)
		}
	})
}
