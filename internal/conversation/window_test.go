package conversation

import (
	"os"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel/messenger"
	"github.com/parleyhq/parley/internal/channel/providers"
)

func TestMain(m *testing.M) {
	providers.Register()
	os.Exit(m.Run())
}

func TestReplyTag(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	tests := []struct {
		name    string
		channel string
		last    *time.Time
		sender  string
		wantTag string
		wantErr bool
	}{
		{"whatsapp inside the window", parley.ChannelWhatsApp, ago(23 * time.Hour), parley.SenderAgent, "", false},
		{"whatsapp at exactly 24 hours", parley.ChannelWhatsApp, ago(24 * time.Hour), parley.SenderAgent, "", false},
		{"whatsapp after 24 hours needs a template", parley.ChannelWhatsApp, ago(24*time.Hour + time.Second), parley.SenderAgent, "", true},
		{"whatsapp without any customer message", parley.ChannelWhatsApp, nil, parley.SenderAgent, "", true},
		{"messenger inside 24 hours, untagged", parley.ChannelMessenger, ago(2 * time.Hour), parley.SenderAI, "", false},
		{"messenger after 24 hours, an agent, tagged", parley.ChannelMessenger, ago(30 * time.Hour), parley.SenderAgent, messenger.TagHumanAgent, false},
		{"messenger after 24 hours, the AI, refused", parley.ChannelMessenger, ago(30 * time.Hour), parley.SenderAI, "", true},
		{"messenger after 7 days, refused", parley.ChannelMessenger, ago(7*24*time.Hour + time.Minute), parley.SenderAgent, "", true},
		{"sms has no window", parley.ChannelTwilioSMS, ago(90 * 24 * time.Hour), parley.SenderAgent, "", false},
		{"telegram has no window", parley.ChannelTelegram, nil, parley.SenderAgent, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag, err := ReplyTag(tt.channel, tt.last, now, tt.sender)
			if (err != nil) != tt.wantErr || tag != tt.wantTag {
				t.Errorf("ReplyTag() = %q, %v; want %q, error %v", tag, err, tt.wantTag, tt.wantErr)
			}
			if err != nil && parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("ReplyTag() error code = %s, want EINVALID (422)", parley.ErrorCode(err))
			}
		})
	}
}

func TestCheckAttachments(t *testing.T) {
	img := parley.Attachment{FileName: "a.png", ContentType: "image/png", Size: 1000}
	tests := []struct {
		name    string
		channel string
		atts    []parley.Attachment
		wantErr bool
	}{
		{"one image on whatsapp", parley.ChannelWhatsApp, []parley.Attachment{img}, false},
		{"two images on whatsapp", parley.ChannelWhatsApp, []parley.Attachment{img, img}, true},
		{"an image too large", parley.ChannelTelegram, []parley.Attachment{{FileName: "b.jpg", ContentType: "image/jpeg", Size: 6 << 20}}, true},
		{"a video on messenger", parley.ChannelMessenger, []parley.Attachment{{FileName: "v.mp4", ContentType: "video/mp4", Size: 10}}, true},
		{"a stored file on sms (needs a public link)", parley.ChannelTwilioSMS, []parley.Attachment{img}, true},
		{"nothing", parley.ChannelTwilioSMS, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckAttachments(tt.channel, tt.atts); (err != nil) != tt.wantErr {
				t.Errorf("CheckAttachments() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
