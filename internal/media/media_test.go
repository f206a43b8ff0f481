package media

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/netguard"
)

// Samples: the first bytes of each format, padded to a size.
func sample(head string, n int) []byte {
	b := make([]byte, n)
	copy(b, head)
	for i := len(head); i < n; i++ {
		b[i] = byte('a' + i%26)
	}
	return b
}

var (
	jpeg = sample("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 2048)
	png  = sample("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2048)
	gif  = sample("GIF89a\x01\x00\x01\x00", 2048)
	webp = sample("RIFF\x00\x00\x00\x00WEBPVP8 ", 2048)
	pdf  = sample("%PDF-1.7\n", 2048)
	ole  = sample("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 2048)
	docx = sample("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x13\x00\x00\x00[Content_Types].xml....word/document.xml", 2048)
	xlsx = sample("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x13\x00\x00\x00[Content_Types].xml....xl/workbook.xml", 2048)
	zip  = sample("PK\x03\x04\x14\x00\x00\x00\x00\x00evil.exe", 2048)
	mp4  = sample("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", 2048)
	m4a  = sample("\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A mp42", 2048)
	ogg  = sample("OggS\x00\x02\x00\x00", 2048)
	amr  = sample("#!AMR\n", 2048)
	html = sample("<!DOCTYPE html><html><script>alert(1)</script>", 2048)
	exe  = sample("MZ\x90\x00\x03\x00\x00\x00", 2048)
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name           string
		data           []byte
		declared, file string
		want           string
	}{
		{"jpeg", jpeg, "", "", "image/jpeg"},
		{"png declared as jpeg is png", png, "image/jpeg", "a.jpg", "image/png"},
		{"gif", gif, "", "", "image/gif"},
		{"webp", webp, "", "", "image/webp"},
		{"pdf", pdf, "", "", "application/pdf"},
		{"ole2 named .xls", ole, "", "report.xls", "application/vnd.ms-excel"},
		{"ole2 declared msword", ole, "application/msword", "", "application/msword"},
		{"ole2 without a hint", ole, "", "", "application/octet-stream"},
		{"docx", docx, "", "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xlsx", xlsx, "", "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"plain zip named docx", zip, "", "a.docx", "application/octet-stream"},
		{"mp4", mp4, "", "", "video/mp4"},
		{"m4a", m4a, "", "", "audio/mp4"},
		{"ogg", ogg, "", "", "audio/ogg"},
		{"amr", amr, "", "", "audio/amr"},
		{"html declared as image", html, "image/png", "x.png", "text/html"},
		{"exe", exe, "application/pdf", "x.pdf", "application/octet-stream"},
	}
	for _, tt := range tests {
		got := Sniff(tt.data, tt.declared, tt.file)
		if tt.want == "text/html" {
			if got == "image/png" || kindOf[got] != "" {
				t.Errorf("Sniff(%s) = %q, want a type not accepted", tt.name, got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("Sniff(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		channel  string
		data     []byte
		declared string
		wantCode string
		wantKind Kind
	}{
		{"a jpeg on whatsapp", parley.ChannelWhatsApp, jpeg, "image/jpeg", "", KindImage},
		{"a pdf on telegram", parley.ChannelTelegram, pdf, "", "", KindDocument},
		{"an mp4 on whatsapp", parley.ChannelWhatsApp, mp4, "video/mp4", "", KindVideo},
		{"an mp4 on messenger", parley.ChannelMessenger, mp4, "", parley.EINVALID, ""},
		{"an mp4 on sms", parley.ChannelTwilioSMS, mp4, "", parley.EINVALID, ""},
		{"a voice note on whatsapp", parley.ChannelWhatsApp, ogg, "audio/ogg; codecs=opus", "", KindAudio},
		{"html posing as an image", parley.ChannelWhatsApp, html, "image/png", parley.EINVALID, ""},
		{"an executable", parley.ChannelEmail, exe, "application/pdf", parley.EINVALID, ""},
		{"a pdf declared as an image", parley.ChannelWhatsApp, pdf, "image/png", parley.EINVALID, ""},
		{"an image over 5 MB", parley.ChannelWhatsApp, sample(string(png[:16]), MaxImage+1), "", parley.ETOOLARGE, ""},
		{"an image of exactly 5 MB", parley.ChannelWhatsApp, sample(string(png[:16]), MaxImage), "", "", KindImage},
		{"a pdf over 10 MB", parley.ChannelTelegram, sample("%PDF-1.7\n", MaxDocument+1), "", parley.ETOOLARGE, ""},
		{"an mp4 over 16 MB", parley.ChannelWhatsApp, sample(string(mp4[:32]), MaxVideo+1), "", parley.ETOOLARGE, ""},
		{"an empty file", parley.ChannelWhatsApp, nil, "", parley.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Check(PolicyFor(tt.channel), tt.data, tt.declared, "file")
			if code := parley.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("Check(%s) error = %v, want code %q", tt.name, err, tt.wantCode)
			}
			if err == nil && f.Kind != tt.wantKind {
				t.Errorf("Check(%s).Kind = %q, want %q", tt.name, f.Kind, tt.wantKind)
			}
			if err != nil && parley.ErrorMessage(err) == "" {
				t.Errorf("Check(%s) error has no message", tt.name)
			}
		})
	}
}

func TestCheckOutbound(t *testing.T) {
	tests := []struct {
		name     string
		channel  string
		atts     []channel.Attachment
		wantCode string
	}{
		{"no attachment", parley.ChannelWhatsApp, nil, ""},
		{"one image", parley.ChannelWhatsApp, []channel.Attachment{{Data: jpeg, ContentType: "image/jpeg"}}, ""},
		{"two files on whatsapp", parley.ChannelWhatsApp, []channel.Attachment{{Data: jpeg}, {Data: png}}, parley.EINVALID},
		{"a link on whatsapp", parley.ChannelWhatsApp, []channel.Attachment{{URL: "https://cdn.example.com/a.pdf", ContentType: "application/pdf"}}, ""},
		{"a file link to a bad scheme", parley.ChannelMessenger, []channel.Attachment{{URL: "file:///etc/passwd"}}, parley.EINVALID},
		{"a link of a refused type", parley.ChannelMessenger, []channel.Attachment{{URL: "https://x.example/a.mp4", ContentType: "video/mp4"}}, parley.EINVALID},
		{"an upload on sms", parley.ChannelTwilioSMS, []channel.Attachment{{Data: jpeg}}, parley.EINVALID},
		{"links and uploads on sms", parley.ChannelTwilioSMS, []channel.Attachment{{Data: jpeg, URL: "https://cdn.example.com/a.jpg"}}, ""},
		{"sms over 5 MB in total", parley.ChannelTwilioSMS, []channel.Attachment{
			{Data: sample(string(jpeg[:12]), 3*MB), URL: "https://cdn.example.com/a.jpg"},
			{Data: sample(string(jpeg[:12]), 3*MB), URL: "https://cdn.example.com/b.jpg"},
		}, parley.ETOOLARGE},
		{"an attachment without content", parley.ChannelTelegram, []channel.Attachment{{FileName: "x"}}, parley.EINVALID},
		{"eleven on sms", parley.ChannelTwilioSMS, make([]channel.Attachment, 11), parley.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckOutbound(tt.channel, tt.atts)
			if code := parley.ErrorCode(err); code != tt.wantCode {
				t.Errorf("CheckOutbound(%s) = %v, want code %q", tt.name, err, tt.wantCode)
			}
		})
	}
}

func TestFetch(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a.jpg", func(w http.ResponseWriter, r *http.Request) { w.Write(jpeg) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		// Streamed without Content-Length, so only the read cap stops it.
		w.Header().Set("Content-Type", "image/png")
		w.(http.Flusher).Flush()
		for range 17 {
			w.Write(make([]byte, MB))
		}
	})
	mux.HandleFunc("/declared-big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "999999999")
	})
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="q3.pdf"`)
		w.Write(pdf)
	})
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	open, _ := netguard.New([]string{"127.0.0.1"})
	guarded, _ := netguard.New(nil)
	ctx := context.Background()
	wa := PolicyFor(parley.ChannelWhatsApp)

	f, err := Fetch(ctx, open.Client(0), srv.URL+"/a.jpg", wa)
	if err != nil || f.ContentType != "image/jpeg" || f.FileName != "a.jpg" || !bytes.Equal(f.Data, jpeg) {
		t.Errorf("Fetch(a.jpg) = %+v, %v, want the jpeg", f, err)
	}
	f, err = Fetch(ctx, open.Client(0), srv.URL+"/report", wa)
	if err != nil || f.FileName != "q3.pdf" || f.Kind != KindDocument {
		t.Errorf("Fetch(report) = %+v, %v, want q3.pdf, a document", f, err)
	}
	for _, p := range []string{"/big", "/declared-big"} {
		if _, err := Fetch(ctx, open.Client(0), srv.URL+p, wa); parley.ErrorCode(err) != parley.ETOOLARGE {
			t.Errorf("Fetch(%s) = %v, want %s", p, err, parley.ETOOLARGE)
		}
	}
	if _, err := Fetch(ctx, open.Client(0), srv.URL+"/missing", wa); err == nil {
		t.Errorf("Fetch(missing) = nil error, want one")
	}
	if _, err := Fetch(ctx, guarded.Client(0), srv.URL+"/a.jpg", wa); !errors.Is(err, netguard.ErrForbiddenAddress) {
		t.Errorf("Fetch(loopback) with no allow-list = %v, want %v", err, netguard.ErrForbiddenAddress)
	}
	if _, err := Fetch(ctx, open.Client(0), "ftp://example.com/a.jpg", wa); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Fetch(ftp) = %v, want %s", err, parley.EINVALID)
	}
}

// TestMain registers the providers' media policies as their specs declare
// them (the provider packages import this one, so its tests cannot import
// them).
func TestMain(m *testing.M) {
	for kind, p := range map[string]Policy{
		parley.ChannelWhatsApp: {Name: "WhatsApp", MaxAttachments: 1,
			Types: slices.Concat(Images, []string{"image/webp"}, Documents, []string{"video/mp4"}, Audio)},
		parley.ChannelMessenger: {Name: "Messenger", MaxAttachments: 1, Types: slices.Concat(Images, Documents, Audio)},
		parley.ChannelTelegram:  {Name: "Telegram", MaxAttachments: 1, Types: slices.Concat(Images, []string{"image/webp"}, Documents, Audio)},
		parley.ChannelTwilioSMS: {Name: "SMS", MaxAttachments: 10, MaxTotal: 5 * MB, NeedsURL: true, Types: slices.Concat(Images, Documents)},
	} {
		channel.Register(channel.Spec{Kind: kind, Media: &p})
	}
	os.Exit(m.Run())
}
