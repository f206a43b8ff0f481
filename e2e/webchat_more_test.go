package e2e

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/widget"
)

// widgetUpload posts a file as a visitor from origin.
func (n *node) widgetUpload(visitorToken, origin, name string, data []byte) response {
	n.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", n.base+"/api/v1/widget/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+visitorToken)
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: out.Bytes()}
}

type widgetFile struct {
	ID, FileName, ContentType, URL string
}

type widgetItem struct {
	ID            string       `json:"id"`
	From          string       `json:"from"`
	Content       string       `json:"content"`
	Status        string       `json:"status"`
	AuthorName    string       `json:"author_name"`
	AuthorAvatar  string       `json:"author_avatar_url"`
	Attachments   []widgetFile `json:"attachments"`
	ConversationI string       `json:"conversation_id"`
}

func (n *node) widgetItems(visitorToken string) []widgetItem {
	n.t.Helper()
	r := n.widgetDo("GET", "messages", visitorToken, nil)
	if r.status != 200 {
		n.t.Fatalf("GET widget messages = %d %s", r.status, r.body)
	}
	var p struct {
		Items []widgetItem `json:"items"`
	}
	r.json(n.t, &p)
	return p.Items
}

func TestWebchat_VisitorUploads(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		wt := n.webchatInbox(s, "Website", nil)["website_token"].(string)
		_, alice := n.visitor(wt, map[string]any{"name": "Alice"})
		_, mallory := n.visitor(wt, map[string]any{"name": "Mallory"})

		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 256)...)
		up := n.widgetUpload(alice, shopOrigin, "../receipt.png", png)
		if up.status != 201 || up.header.Get("Access-Control-Allow-Origin") != shopOrigin {
			t.Fatalf("upload = %d %s (ACAO %q), want 201 for the shop", up.status, up.body, up.header.Get("Access-Control-Allow-Origin"))
		}
		file := up.m(t)
		if file["content_type"] != "image/png" || file["file_name"] != "receipt.png" {
			t.Errorf("upload = %v, want a typed PNG with its base name", file)
		}
		fileID := file["id"].(string)

		for _, tc := range []struct {
			name   string
			file   string
			data   []byte
			status int
		}{
			{"an executable", "setup.png", []byte("MZ\x90\x00 an executable"), 422},
			{"a picture over the channel's 5 MB", "big.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 6<<20)...), 413},
			{"a body over the channel's largest file", "huge.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 11<<20)...), 413},
			{"an empty file", "empty.pdf", nil, 422},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := n.widgetUpload(alice, shopOrigin, tc.file, tc.data)
				if r.status != tc.status || problemLocation(t, r) != "body.file" {
					t.Errorf("= %d %s, want %d naming body.file", r.status, r.body, tc.status)
				}
			})
		}
		if r := n.widgetUpload(alice, "https://evil.example", "x.png", png); r.status != 403 {
			t.Errorf("upload from another website = %d, want 403", r.status)
		}

		// Mallory cannot send Alice's file.
		if r := n.widgetDo("POST", "messages", mallory, map[string]any{"content": "mine", "attachment_ids": []string{fileID}}); r.status != 422 || problemLocation(t, r) != "body.attachment_ids" {
			t.Errorf("another visitor attaching the file = %d %s, want 422 naming body.attachment_ids", r.status, r.body)
		}
		sent := n.widgetDo("POST", "messages", alice, map[string]any{"attachment_ids": []string{fileID}, "client_message_id": "f1"})
		if sent.status != 202 {
			t.Fatalf("send the file = %d %s", sent.status, sent.body)
		}
		cid := sent.m(t)["conversation_id"].(string)
		// A retry with the same client id claims the same file again: the same message.
		if again := n.widgetDo("POST", "messages", alice, map[string]any{"attachment_ids": []string{fileID}, "client_message_id": "f1"}); again.status != 202 || again.m(t)["message_id"] != sent.m(t)["message_id"] {
			t.Errorf("retry = %d %s, want the same message", again.status, again.body)
		}
		if r := n.widgetDo("POST", "messages", alice, map[string]any{"attachment_ids": []string{fileID}, "client_message_id": "f2"}); r.status != 422 || problemLocation(t, r) != "body.attachment_ids" {
			t.Errorf("sending the file with another message = %d %s, want 422", r.status, r.body)
		}

		// The agent sees the file and can download it.
		var mid, aid string
		for _, m := range n.messages(s, cid) {
			if atts, _ := m["attachments"].([]any); len(atts) == 1 {
				mid, aid = m["id"].(string), atts[0].(map[string]any)["id"].(string)
			}
		}
		if mid == "" {
			t.Fatalf("the agent's thread has no attachment: %v", n.messages(s, cid))
		}
		if got := n.must(200, "GET", s.ws("/conversations/"+cid+"/messages/"+mid+"/attachments/"+aid), s.token, nil); !bytes.Equal(got.body, png) {
			t.Errorf("the agent downloaded %d bytes, want the PNG", len(got.body))
		}

		// The agent replies with a file; the visitor sees both and reads them.
		pdf := []byte("%PDF-1.4\n% invoice\n")
		agentUp := n.upload(s, s.token, "invoice.pdf", pdf).m(t)
		n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Here is the invoice", "attachment_ids": []string{agentUp["id"].(string)}})
		items := n.widgetItems(alice)
		if len(items) != 2 || len(items[0].Attachments) != 1 || len(items[1].Attachments) != 1 {
			t.Fatalf("the visitor reads %+v, want her file and the agent's", items)
		}
		for _, tc := range []struct {
			url  string
			want []byte
		}{{items[0].Attachments[0].URL, png}, {items[1].Attachments[0].URL, pdf}} {
			r := n.do("GET", tc.url, alice, nil, "Origin", shopOrigin)
			if r.status != 200 || !bytes.Equal(r.body, tc.want) || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("visitor GET %s = %d (%d bytes), want the file", tc.url, r.status, len(r.body))
			}
			// Another visitor cannot read it, nor can the same URL from another website.
			if r := n.do("GET", tc.url, mallory, nil, "Origin", shopOrigin); r.status != 404 {
				t.Errorf("another visitor GET %s = %d, want 404", tc.url, r.status)
			}
			if r := n.do("GET", tc.url, "", nil, "Origin", shopOrigin); r.status != 401 {
				t.Errorf("no token GET %s = %d, want 401", tc.url, r.status)
			}
		}
		// A private note's file never reaches the visitor.
		noteUp := n.upload(s, s.token, "internal.pdf", pdf).m(t)
		note := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "internal", "private": true, "attachment_ids": []string{noteUp["id"].(string)}}).m(t)
		noteURL := "/api/v1/widget/conversations/" + cid + "/messages/" + note["id"].(string) + "/attachments/" + noteUp["id"].(string)
		if r := n.do("GET", noteURL, alice, nil, "Origin", shopOrigin); r.status != 404 {
			t.Errorf("the visitor reads a note's file: %d", r.status)
		}
	})
}

func TestWebchat_ReadStateAndAgentNames(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		n.must(200, "PATCH", "/api/v1/me", s.token, map[string]any{"name": "Ada Agent", "avatar_url": "https://cdn.example/ada.png"})
		wt := n.webchatInbox(s, "Website", nil)["website_token"].(string)
		_, alice := n.visitor(wt, map[string]any{"name": "Alice"})
		vws, err := n.dialVisitor(t, alice, shopOrigin)
		if err != nil {
			t.Fatal(err)
		}
		vws.next("hello")
		cid := n.widgetDo("POST", "messages", alice, map[string]any{"content": "Hello?"}).m(t)["conversation_id"].(string)
		vws.next("message.created")
		if items := n.widgetItems(alice); len(items) != 1 || items[0].Status != "delivered" {
			t.Fatalf("before an agent reads: %+v, want delivered", items)
		}
		// The agent reads: the visitor's socket says so, and the list shows read.
		n.must(204, "POST", s.ws("/conversations/"+cid+"/read"), s.token, nil)
		rf := vws.next("read")
		if !strings.Contains(string(rf.Data), cid) {
			t.Errorf("read frame = %s, want conversation %s", rf.Data, cid)
		}
		if items := n.widgetItems(alice); items[0].Status != "read" {
			t.Errorf("after the agent read: %+v, want read", items[0])
		}

		// The reply carries the agent's display name and avatar, never their email or id.
		replyID := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Hi Alice"}).m(t)["id"].(string)
		f := vws.next("message.created")
		var live widgetItem
		json.Unmarshal(f.Data, &live)
		if live.AuthorName != "Ada Agent" || live.AuthorAvatar != "https://cdn.example/ada.png" {
			t.Errorf("live reply = %s, want Ada's name and avatar", f.Data)
		}
		for _, leak := range []string{"ada@example.com", s.userID} {
			if leak != "" && (strings.Contains(string(f.Data), leak) || strings.Contains(string(n.widgetDo("GET", "messages", alice, nil).body), leak)) {
				t.Errorf("the visitor sees the agent's %q", leak)
			}
		}

		// The visitor's widget has the reply (delivered), then reads it; never backwards.
		agentWS := n.dial(t, s, s.token, "")
		agentWS.next("hello")
		waitFor(t, func() bool { return n.replyStatus(s, cid, "Hi Alice") == "sent" })
		if r := n.widgetDo("POST", "read", alice, map[string]any{"status": "delivered"}); r.status != 204 {
			t.Fatalf("POST read delivered = %d %s", r.status, r.body)
		}
		agentWS.awaitMessage(replyID, "delivered")
		vws.send(map[string]any{"type": "read"})
		agentWS.awaitMessage(replyID, "read")
		if r := n.widgetDo("POST", "read", alice, map[string]any{"status": "delivered"}); r.status != 204 {
			t.Fatalf("POST read delivered again = %d", r.status)
		}
		if st := n.replyStatus(s, cid, "Hi Alice"); st != "read" {
			t.Errorf("after a late delivered the reply is %q, want read (never backwards)", st)
		}
		if r := n.widgetDo("POST", "read", alice, map[string]any{"status": "failed"}); r.status != 422 || problemLocation(t, r) != "body.status" {
			t.Errorf("POST read failed = %d %s, want 422 naming body.status", r.status, r.body)
		}
	})
}

// replyStatus returns the status of the message with content in the
// agent's thread.
func (n *node) replyStatus(s session, cid, content string) string {
	n.t.Helper()
	for _, m := range n.messages(s, cid) {
		if m["content"] == content {
			st, _ := m["status"].(string)
			return st
		}
	}
	return ""
}

func TestWebchat_NewChatOnlyToVerifiedContacts(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		inbox := n.webchatInbox(s, "Website", nil)
		wt, secret := inbox["website_token"].(string), inbox["identity_secret"].(string)
		contactOf := func(cid string) string {
			c := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
			if ref, ok := c["contact"].(map[string]any); ok {
				return ref["id"].(string)
			}
			return c["contact_id"].(string)
		}
		// A known customer, signed in on the website, and an anonymous visitor.
		_, known := n.visitor(wt, map[string]any{"identifier": "cust-7", "identifier_hash": widget.IdentityHash(secret, "cust-7"), "name": "Kim"})
		knownConv := n.widgetDo("POST", "messages", known, map[string]any{"content": "hi"}).m(t)["conversation_id"].(string)
		_, anon := n.visitor(wt, map[string]any{"name": "Anon"})
		anonConv := n.widgetDo("POST", "messages", anon, map[string]any{"content": "hello"}).m(t)["conversation_id"].(string)
		knownContact, anonContact := contactOf(knownConv), contactOf(anonConv)
		n.must(200, "PATCH", s.ws("/conversations/"+knownConv), s.token, map[string]any{"status": "resolved"})

		r := n.do("POST", s.ws("/conversations"), s.token, map[string]any{"contact_id": anonContact, "inbox_id": wt, "content": "Are you there?"})
		if r.status != 422 || problemLocation(t, r) != "body.contact_id" {
			t.Errorf("New chat to an anonymous visitor = %d %s, want 422 naming body.contact_id", r.status, r.body)
		}
		before := len(n.conversations(s))
		r = n.do("POST", s.ws("/conversations"), s.token, map[string]any{"contact_id": knownContact, "inbox_id": wt, "content": "Your order shipped"})
		if r.status != 201 {
			t.Fatalf("New chat to the verified customer = %d %s, want 201", r.status, r.body)
		}
		newConv := r.m(t)["id"].(string)
		if got := len(n.conversations(s)); got != before+1 {
			t.Errorf("conversations %d → %d, want one more (the refusal wrote nothing)", before, got)
		}
		// The next time the customer opens the widget (another device, signed in), the message is there.
		_, again := n.visitor(wt, map[string]any{"identifier": "cust-7", "identifier_hash": widget.IdentityHash(secret, "cust-7")})
		items := n.widgetItems(again)
		if len(items) != 1 || items[0].Content != "Your order shipped" || items[0].From != "agent" || items[0].ConversationI != newConv {
			t.Errorf("the customer's widget shows %+v, want the new chat's message", items)
		}
	})
}

// A visitor who sends a message (typing off) and starts the next one at
// once is shown typing again: the socket's thinning of "on"s never eats
// the "on" after an "off".
func TestWebchat_TypingAgainRightAfterSending(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		wt := n.webchatInbox(s, "Website", nil)["website_token"].(string)
		_, alice := n.visitor(wt, map[string]any{"name": "Alice"})
		cid := n.widgetDo("POST", "messages", alice, map[string]any{"content": "first"}).m(t)["conversation_id"].(string)
		vws, err := n.dialVisitor(t, alice, shopOrigin)
		if err != nil {
			t.Fatal(err)
		}
		vws.next("hello")
		agentWS := n.dial(t, s, s.token, "")
		agentWS.next("hello")
		for _, state := range []string{"on", "off", "on"} {
			vws.send(map[string]any{"type": "typing", "state": state})
			f := agentWS.next("typing")
			if !strings.Contains(string(f.Data), `"state":"`+state+`"`) || !strings.Contains(string(f.Data), cid) {
				t.Fatalf("agents' typing frame = %s, want %s in %s", f.Data, state, cid)
			}
		}
	})
}
