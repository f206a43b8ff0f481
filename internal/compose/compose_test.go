package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

const (
	f1 = "0190a7c0-0000-7000-8000-000000000001"
	f2 = "0190a7c0-0000-7000-8000-000000000002"
	f3 = "0190a7c0-0000-7000-8000-000000000003"
)

// show prints parts compactly: text|files|card per part.
func show(parts []Part) string {
	var out []string
	for _, p := range parts {
		s := fmt.Sprintf("%q", p.Content)
		for _, a := range p.AttachmentIDs {
			s += "+" + a[len(a)-1:]
		}
		if p.Card != nil {
			s += fmt.Sprintf(" card(%s,%s)", p.Card.Title, p.Card.Buttons[0].URL)
		}
		out = append(out, s)
	}
	return strings.Join(out, " | ")
}

func TestSplit(t *testing.T) {
	whatsapp := Caps{MaxAttachments: 1, MaxLen: 4096}
	messenger := Caps{MaxAttachments: 1, Cards: true, MaxLen: 2000}
	sms := Caps{MaxAttachments: 10, MaxLen: 1600}
	email := Caps{OneMessage: true, MaxAttachments: 2, MaxLen: 65536}
	hello := Block{Type: Text, Text: "Hello Ana"}
	img := Block{Type: Image, AttachmentID: f1, Caption: "Our new sofa"}
	bare := Block{Type: Image, AttachmentID: f2}
	bare3 := Block{Type: File, AttachmentID: f3}
	link := Block{Type: Link, URL: "https://shop.example/sofa", Title: "Sofa", Description: "Grey, three seats"}
	plainLink := Block{Type: Link, URL: "https://shop.example/x"}
	tpl := Block{Type: Template, CannedReplyID: f3, Text: "Thanks, Ana!"}
	for _, tc := range []struct {
		name   string
		caps   Caps
		blocks []Block
		want   string
	}{
		{"whatsapp: media with caption, texts and links joined", whatsapp, []Block{hello, img, link, tpl},
			`"Hello Ana" | "Our new sofa"+1 | "Sofa\nhttps://shop.example/sofa\n\nThanks, Ana!"`},
		{"whatsapp: one file a message", whatsapp, []Block{bare, bare3}, `""+2 | ""+3`},
		{"sms: captionless files share a message, links stay text", sms, []Block{bare, bare3, plainLink},
			`""+2+3 | "https://shop.example/x"`},
		{"sms: a caption keeps its file apart", sms, []Block{bare, img}, `""+2 | "Our new sofa"+1`},
		{"messenger: a previewed link is a card", messenger, []Block{hello, link, plainLink},
			`"Hello Ana" | "Sofa\nhttps://shop.example/sofa" card(Sofa,https://shop.example/sofa) | "https://shop.example/x"`},
		{"messenger: a link without a title is text", messenger, []Block{plainLink, hello}, `"https://shop.example/x\n\nHello Ana"`},
		{"email: one mail", email, []Block{hello, img, link, bare},
			`"Hello Ana\n\nOur new sofa\n\nSofa\nhttps://shop.example/sofa"+1+2`},
		{"email: files over the limit spill", email, []Block{img, bare, bare3}, `"Our new sofa"+1+2 | ""+3`},
		{"text over the length limit starts a new message", Caps{MaxAttachments: 1, MaxLen: 12}, []Block{hello, hello},
			`"Hello Ana" | "Hello Ana"`},
		{"empty text blocks vanish", whatsapp, []Block{{Type: Text, Text: "  "}, hello}, `"Hello Ana"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := show(Split(tc.caps, tc.blocks)); got != tc.want {
				t.Errorf("Split =\n %s\nwant\n %s", got, tc.want)
			}
		})
	}
}

func TestCapsOf(t *testing.T) {
	wa := &channel.Spec{Kind: "whatsapp", Media: &channel.MediaPolicy{MaxAttachments: 1}}
	mail := &channel.Spec{Kind: "email", Threads: true, Media: &channel.MediaPolicy{MaxAttachments: 10}}
	for _, tc := range []struct {
		name string
		spec *channel.Spec
		rich bool
		want Caps
	}{
		{"whatsapp", wa, false, Caps{MaxAttachments: 1, MaxLen: 100}},
		{"email threads", mail, false, Caps{OneMessage: true, MaxAttachments: 10, MaxLen: 100}},
		{"no spec (API) takes the default", nil, false, Caps{MaxAttachments: 10, MaxLen: 100}},
		{"rich adapter", wa, true, Caps{MaxAttachments: 1, Cards: true, MaxLen: 100}},
	} {
		if got := CapsOf(tc.spec, 10, tc.rich, 100); got != tc.want {
			t.Errorf("%s: CapsOf = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	long := strings.Repeat("x", MaxCaptionLen+1)
	for _, tc := range []struct {
		name   string
		blocks []Block
		draft  bool
		field  string
	}{
		{"no blocks", nil, false, "blocks"},
		{"no blocks in a draft is fine", nil, true, ""},
		{"unknown type", []Block{{Type: "poll"}}, false, "blocks[0].type"},
		{"empty text", []Block{{Type: Text, Text: "ok"}, {Type: Text}}, false, "blocks[1].text"},
		{"empty text in a draft", []Block{{Type: Text}}, true, ""},
		{"image without a file", []Block{{Type: Image}}, false, "blocks[0].attachment_id"},
		{"image with a bad id", []Block{{Type: Image, AttachmentID: "nope"}}, true, "blocks[0].attachment_id"},
		{"caption too long", []Block{{Type: Video, AttachmentID: f1, Caption: long}}, false, "blocks[0].caption"},
		{"link to ftp", []Block{{Type: Link, URL: "ftp://x.example/"}}, false, "blocks[0].url"},
		{"link with credentials", []Block{{Type: Link, URL: "https://u:p@x.example/"}}, false, "blocks[0].url"},
		{"link image not http", []Block{{Type: Link, URL: "https://x.example/", ImageURL: "javascript:alert(1)"}}, false, "blocks[0].image_url"},
		{"template without a reply", []Block{{Type: Template}}, false, "blocks[0].canned_reply_id"},
		{"invalid UTF-8", []Block{{Type: Text, Text: "a\xffb"}}, false, "blocks[0].text"},
		{"too many blocks", make([]Block, MaxBlocks+1), true, "blocks"},
		{"a full message", []Block{{Type: Text, Text: "Hi"}, {Type: Image, AttachmentID: f1, Caption: "c"},
			{Type: Link, URL: "https://x.example/", Title: "X"}, {Type: Template, CannedReplyID: f2}}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.blocks, tc.draft)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			pe, ok := err.(*parley.Error)
			if !ok || pe.Code != parley.EINVALID || pe.Field != tc.field {
				t.Fatalf("Check = %#v, want EINVALID naming %s", err, tc.field)
			}
		})
	}
}
