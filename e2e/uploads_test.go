package e2e

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// upload posts a file as multipart form data.
func (n *node) upload(s session, token, name string, data []byte) response {
	n.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", n.base+s.ws("/uploads"), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: out.Bytes()}
}

func TestUploads_AttachToRepliesWithinChannelLimits(t *testing.T) {
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		f.twilio.AuthTokens = map[string]string{twilioSID: twilioToken}
		in := n.createInbox(s, "SMS", "twilio_sms", map[string]string{"account_sid": twilioSID, "auth_token": twilioToken, "phone_number": "+14155550100"})
		hook := publicURL + "/webhooks/twilio/" + in["id"].(string)
		form := url.Values{"MessageSid": {"SM00000000000000000000000000000009"}, "AccountSid": {twilioSID}, "From": {"+14155550123"},
			"To": {"+14155550100"}, "Body": {"Send me the invoice"}, "NumMedia": {"0"}}
		if r := n.signed(channeltest.TwilioWebhook(hook, twilioToken, form)); r.status != 200 {
			t.Fatalf("inbound = %d %s", r.status, r.body)
		}
		cid := n.conversations(s)[0]["id"].(string)
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")

		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 128)...)
		up := n.upload(s, s.token, "../../invoice.png", png)
		if up.status != 201 {
			t.Fatalf("upload = %d %s", up.status, up.body)
		}
		file := up.m(t)
		if file["content_type"] != "image/png" || file["file_name"] != "invoice.png" || file["size"] != float64(len(png)) {
			t.Errorf("upload = %v, want a typed PNG with its base name", file)
		}
		if r := n.upload(s, s.token, "invoice.png", []byte("MZ\x90\x00 an executable")); r.status != 422 || !strings.Contains(string(r.body), "body.file") {
			t.Errorf("uploading an executable named .png = %d %s, want 422 naming the file", r.status, r.body)
		}
		if r := n.upload(s, s.token, "huge.png", bytes.Repeat([]byte{0}, 17_000_000)); r.status != 413 || !strings.Contains(string(r.body), "body.file") {
			t.Errorf("uploading 17 MB = %d %s, want 413 naming the file", r.status, r.body)
		}

		// A reply carries it; SMS gets it by a signed public link.
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token,
			map[string]any{"content": "Here it is", "attachment_ids": []string{file["id"].(string)}}).m(t)
		if atts := reply["attachments"].([]any); len(atts) != 1 {
			t.Fatalf("reply attachments = %v", atts)
		}
		ws.awaitMessage(reply["id"].(string), "sent")
		sent := f.twilio.Sent()
		if len(sent) != 1 || len(sent[0].MediaURLs) != 1 {
			t.Fatalf("Twilio got %+v, want one message with one media link", sent)
		}
		link := strings.Replace(sent[0].MediaURLs[0], publicURL, n.base, 1)
		r := n.do("GET", strings.TrimPrefix(link, n.base), "", nil)
		if r.status != 200 || !bytes.Equal(r.body, png) || r.header.Get("Content-Type") != "image/png" {
			t.Errorf("GET the signed link = %d %q, want the PNG", r.status, r.header.Get("Content-Type"))
		}
		tampered := strings.Replace(link, "sig=", "sig=0", 1)
		if r := n.do("GET", strings.TrimPrefix(tampered, n.base), "", nil); r.status != 404 {
			t.Errorf("GET a tampered link = %d, want 404", r.status)
		}

		// The same file cannot be sent twice, nor someone else's, nor a
		// file the channel does not carry.
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token,
			map[string]any{"content": "again", "attachment_ids": []string{file["id"].(string)}}); r.status != 422 || !strings.Contains(string(r.body), "attachment_ids") {
			t.Errorf("re-sending a sent file = %d %s, want 422 on attachment_ids", r.status, r.body)
		}
		mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0}, 64)...)
		video := n.upload(s, s.token, "clip.mp4", mp4)
		if video.status != 201 {
			t.Fatalf("upload mp4 = %d %s", video.status, video.body)
		}
		vid := video.m(t)["id"].(string)
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), s.token,
			map[string]any{"attachment_ids": []string{vid}}); r.status != 422 || !strings.Contains(string(r.body), "SMS") {
			t.Errorf("a video over SMS = %d %s, want 422 saying SMS does not take it", r.status, r.body)
		}
		agent, _ := n.agent(s, "di@example.com")
		if r := n.do("POST", s.ws("/conversations/"+cid+"/messages"), agent,
			map[string]any{"content": "x", "private": true, "attachment_ids": []string{vid}}); r.status != 422 {
			t.Errorf("attaching another user's file = %d %s, want 422", r.status, r.body)
		}
		// An unsent upload can be deleted by its uploader; a sent one stays.
		spare := n.upload(s, s.token, "spare.png", png).m(t)["id"].(string)
		if r := n.do("DELETE", s.ws("/uploads/"+spare), agent, nil); r.status != 404 {
			t.Errorf("deleting another user's upload = %d, want 404", r.status)
		}
		n.must(204, "DELETE", s.ws("/uploads/"+spare), s.token, nil)
		if r := n.do("DELETE", s.ws("/uploads/"+file["id"].(string)), s.token, nil); r.status != 404 {
			t.Errorf("deleting a sent file = %d, want 404", r.status)
		}
		// A note may carry any file: it never leaves Parley.
		note := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token,
			map[string]any{"private": true, "attachment_ids": []string{vid}}).m(t)
		att := note["attachments"].([]any)[0].(map[string]any)
		dl := n.do("GET", s.ws("/conversations/"+cid+"/messages/"+note["id"].(string)+"/attachments/"+att["id"].(string)), s.token, nil)
		if dl.status != 200 || !bytes.Equal(dl.body, mp4) || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download the note's video = %d %q, want it as a download", dl.status, dl.header.Get("Content-Disposition"))
		}
	})
}
