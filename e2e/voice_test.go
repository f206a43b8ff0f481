package e2e

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
)

// A voice message recorded in Chromium (Opus in WebM) is kept as Ogg/Opus,
// marked as a voice message, and reaches Telegram through sendVoice; a WebM
// file without Opus audio is refused naming the file.
func TestUploads_VoiceMessageIsAVoiceNoteOnTelegram(t *testing.T) {
	webm, err := os.ReadFile("../internal/voice/testdata/chromium-fake-mic.webm")
	if err != nil {
		t.Fatal(err)
	}
	eachChannelEngine(t, func(t *testing.T, n *node, f *fakes) {
		s := n.bootstrap()
		in := n.createInbox(s, "Bot", "telegram", map[string]string{"bot_token": botToken})
		iid := in["id"].(string)
		secret := f.telegram.Calls()[0].Params["secret_token"]
		update := []byte(`{"update_id":1,"message":{"message_id":7,"date":` + strconv.FormatInt(time.Now().Unix(), 10) +
			`,"chat":{"id":42,"type":"private","first_name":"Ann"},"from":{"id":42,"is_bot":false,"first_name":"Ann"},"text":"call me?"}}`)
		if r := n.signed(channeltest.TelegramWebhook(publicURL+"/webhooks/telegram/"+iid, secret, update)); r.status != 200 {
			t.Fatalf("update = %d %s", r.status, r.body)
		}
		cid := n.conversations(s)[0]["id"].(string)
		ws := n.dial(t, s, s.token, "")
		ws.next("hello")

		up := n.upload(s, s.token, "voice-message.webm", webm)
		if up.status != 201 {
			t.Fatalf("upload = %d %s", up.status, up.body)
		}
		file := up.m(t)
		if file["content_type"] != "audio/ogg" || file["voice"] != true || file["file_name"] != "voice-message.ogg" {
			t.Fatalf("upload = %v, want a voice message kept as voice-message.ogg (audio/ogg)", file)
		}
		if r := n.upload(s, s.token, "clip.webm", webm[:146]); r.status != 422 || !strings.Contains(string(r.body), "body.file") {
			t.Errorf("a WebM without audio = %d %s, want 422 naming the file", r.status, r.body)
		}

		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token,
			map[string]any{"attachment_ids": []string{file["id"].(string)}}).m(t)
		atts := reply["attachments"].([]any)
		if len(atts) != 1 || atts[0].(map[string]any)["voice"] != true {
			t.Fatalf("reply attachments = %v, want the voice message", atts)
		}
		ws.awaitMessage(reply["id"].(string), "sent")
		calls := f.telegram.Calls()
		last := calls[len(calls)-1]
		if last.Method != "sendVoice" || last.Params["chat_id"] != "42" {
			t.Fatalf("last Telegram call = %s %v, want sendVoice to 42", last.Method, last.Params)
		}
		// Either uploaded or fetched by link: what Telegram gets is Ogg.
		if v, ok := last.Files["voice"]; ok {
			if !bytes.HasPrefix(v.Data, []byte("OggS")) {
				t.Errorf("sendVoice uploaded %q…, want Ogg", v.Data[:min(8, len(v.Data))])
			}
		} else if link := last.Params["voice"]; link == "" {
			t.Errorf("sendVoice without a file or link: %v", last.Params)
		} else {
			r := n.do("GET", strings.TrimPrefix(strings.Replace(link, publicURL, n.base, 1), n.base), "", nil)
			if r.status != 200 || !bytes.HasPrefix(r.body, []byte("OggS")) {
				t.Errorf("GET the voice link = %d, want the Ogg file", r.status)
			}
		}
	})
}
