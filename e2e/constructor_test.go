package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// png is the smallest PNG the upload sniffing takes as an image.
var constructorPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestConstructor_SendsBlocksAsChannelMessages(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<head><meta property="og:title" content="Grey sofa"><meta property="og:description" content="Three seats"></head>`)
	}))
	defer page.Close()
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c1", "m1", "Do you have sofas?")
		var up struct{ ID string }
		if r := n.upload(s, s.token, "sofa.png", constructorPNG); r.status != 201 {
			t.Fatalf("upload = %d %s", r.status, r.body)
		} else {
			r.json(t, &up)
		}

		// The preview is fetched by the server (loopback is allowed on this test server).
		var pv struct{ Title, Description string }
		n.must(200, "GET", s.ws("/link-preview?url=")+page.URL+"/sofa", s.token, nil).json(t, &pv)
		if pv.Title != "Grey sofa" || pv.Description != "Three seats" {
			t.Errorf("preview = %+v", pv)
		}

		// An unfinished constructor message is kept, with its indicator on the row.
		blocks := []map[string]any{
			{"type": "text", "text": "Hello! Here it is:"},
			{"type": "image", "attachment_id": up.ID, "caption": "Our grey sofa"},
			{"type": "link", "url": page.URL + "/sofa", "title": pv.Title, "description": pv.Description},
		}
		n.must(200, "PUT", s.ws("/conversations/"+cid+"/constructor-draft"), s.token, map[string]any{"blocks": blocks[:2]})
		var row struct {
			HasConstructorDraft bool `json:"has_constructor_draft"`
		}
		n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).json(t, &row)
		if !row.HasConstructorDraft {
			t.Error("has_constructor_draft = false after saving one")
		}
		var kept struct {
			Blocks []struct{ Type, Caption string }
		}
		n.must(200, "GET", s.ws("/conversations/"+cid+"/constructor-draft"), s.token, nil).json(t, &kept)
		if len(kept.Blocks) != 2 || kept.Blocks[1].Caption != "Our grey sofa" {
			t.Errorf("kept draft = %+v", kept)
		}

		var sent struct {
			Items []struct {
				Content     string
				Attachments []struct {
					FileName string `json:"file_name"`
				}
			}
		}
		n.must(201, "POST", s.ws("/conversations/"+cid+"/constructor"), s.token, map[string]any{"blocks": blocks}).json(t, &sent)
		var got []string
		for _, m := range sent.Items {
			got = append(got, fmt.Sprintf("%q+%d", m.Content, len(m.Attachments)))
		}
		want := fmt.Sprintf(`"Hello! Here it is:"+0 | "Our grey sofa"+1 | "Grey sofa\n%s/sofa"+0`, page.URL)
		if strings.Join(got, " | ") != want {
			t.Errorf("sent = %s\nwant %s", strings.Join(got, " | "), want)
		}
		msgs := string(n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).body)
		if !strings.Contains(msgs, "Our grey sofa") || !strings.Contains(msgs, "sofa.png") {
			t.Errorf("thread lacks the sent parts: %s", msgs)
		}
		n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).json(t, &row)
		if row.HasConstructorDraft {
			t.Error("has_constructor_draft still true after sending")
		}
		n.must(404, "GET", s.ws("/conversations/"+cid+"/constructor-draft"), s.token, nil)
	})
}

func TestConstructor_BadBlocks(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, cid := n.inbound(s, "c1", "m1", "Hi")
		var txt struct{ ID string }
		n.upload(s, s.token, "notes.txt", []byte("plain text")).json(t, &txt)
		send := s.ws("/conversations/" + cid + "/constructor")
		for _, tc := range []struct {
			name   string
			path   string
			blocks []map[string]any
			status int
			loc    string
		}{
			{"no blocks", send, []map[string]any{}, 422, "body.blocks"},
			{"unknown type", send, []map[string]any{{"type": "poll"}}, 422, "body.blocks[0].type"},
			{"empty text", send, []map[string]any{{"type": "text", "text": "ok"}, {"type": "text", "text": " "}}, 422, "body.blocks[1].text"},
			{"a text file in an image block", send, []map[string]any{{"type": "image", "attachment_id": txt.ID}}, 422, "body.blocks[0].attachment_id"},
			{"an unknown upload", send, []map[string]any{{"type": "file", "attachment_id": "0190a7c0-0000-7000-8000-000000000009"}}, 422, "body.blocks[0].attachment_id"},
			{"a link that is not http", send, []map[string]any{{"type": "link", "url": "javascript:alert(1)"}}, 422, "body.blocks[0].url"},
			{"an unknown canned reply", send, []map[string]any{{"type": "template", "canned_reply_id": "0190a7c0-0000-7000-8000-000000000009"}}, 422, "body.blocks[0].canned_reply_id"},
			{"a draft with a bad link", s.ws("/conversations/" + cid + "/constructor-draft"), []map[string]any{{"type": "link", "url": "ftp://x"}}, 422, "body.blocks[0].url"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				method := "POST"
				if strings.HasSuffix(tc.path, "-draft") {
					method = "PUT"
				}
				r := n.do(method, tc.path, s.token, map[string]any{"blocks": tc.blocks})
				if r.status != tc.status || !strings.Contains(string(r.body), `"location":"`+tc.loc+`"`) {
					t.Errorf("%s = %d %s, want %d naming %s", method, r.status, r.body, tc.status, tc.loc)
				}
			})
		}
		msgs := string(n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).body)
		if strings.Count(msgs, `"direction":"out"`) != 0 {
			t.Errorf("refused constructor messages left messages: %s", msgs)
		}
		if r := n.do("GET", s.ws("/link-preview?url=")+"http://10.1.2.3/", s.token, nil); r.status != 422 || !strings.Contains(string(r.body), "url") {
			t.Errorf("preview of a private address = %d %s, want 422 naming url", r.status, r.body)
		}
	})
}
