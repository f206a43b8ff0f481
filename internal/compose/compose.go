// Package compose turns a message built in the composer's constructor —
// blocks of text, images, links, videos, files and templates, with
// captions — into the channel messages that carry it, as each channel
// allows: one mail on email, media with its caption on WhatsApp and
// Telegram, text with links on SMS, cards on Messenger. Split is pure:
// it sees only the channel's capabilities (Caps, from its channel.Spec).
package compose

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/netguard"
)

// Block types.
const (
	Text     = "text"
	Image    = "image"
	Video    = "video"
	File     = "file"
	Link     = "link"
	Template = "template"
)

// Limits of a constructor message.
const (
	MaxBlocks     = 20
	MaxCaptionLen = 1024 // WhatsApp's caption limit, the tightest
	MaxTitleLen   = 300
	MaxURLLen     = 2048
)

// Block is one piece of a constructor message.
type Block struct {
	Type string `json:"type" enum:"text,image,video,file,link,template" doc:"what the block is"`
	// Text is a text block's body, or a template block's rendered text.
	Text string `json:"text,omitempty" maxLength:"65536" doc:"text: the body; template: the rendered canned reply (filled by the server from canned_reply_id)"`
	// AttachmentID is an upload (POST …/uploads) for image, video and file.
	AttachmentID string `json:"attachment_id,omitempty" maxLength:"64" doc:"image, video, file: the id of an upload"`
	Caption      string `json:"caption,omitempty" maxLength:"4096" doc:"image, video, file, link: the text sent with it"`
	// URL, Title, Description and ImageURL are a link and its preview.
	URL         string `json:"url,omitempty" maxLength:"4096" doc:"link: an http(s) URL"`
	Title       string `json:"title,omitempty" maxLength:"1024" doc:"link: the preview's title (GET …/link-preview)"`
	Description string `json:"description,omitempty" maxLength:"4096" doc:"link: the preview's description"`
	ImageURL    string `json:"image_url,omitempty" maxLength:"4096" doc:"link: the preview's image"`
	// CannedReplyID names the canned reply a template block renders.
	CannedReplyID string `json:"canned_reply_id,omitempty" maxLength:"64" doc:"template: the canned reply, rendered for the conversation when sent"`
}

// Media reports whether the block carries a file.
func (b Block) Media() bool { return b.Type == Image || b.Type == Video || b.Type == File }

// Check validates blocks for sending (draft false) or for keeping as an
// unfinished constructor message (draft true: blocks may still be empty).
// Errors are EINVALID naming blocks[i].field.
func Check(blocks []Block, draft bool) error {
	if len(blocks) == 0 && !draft {
		return parley.FieldErrorf("blocks", "The message has no blocks.")
	}
	if len(blocks) > MaxBlocks {
		return parley.FieldErrorf("blocks", "A message has at most %d blocks.", MaxBlocks)
	}
	for i, b := range blocks {
		if err := checkBlock(b, draft); err != nil {
			pe := err.(*parley.Error)
			return &parley.Error{Code: pe.Code, Field: fmt.Sprintf("blocks[%d].%s", i, pe.Field), Message: pe.Message}
		}
	}
	return nil
}

func checkBlock(b Block, draft bool) error {
	for f, v := range map[string]string{"text": b.Text, "caption": b.Caption, "title": b.Title, "description": b.Description} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return parley.FieldErrorf(f, "The %s is not valid text.", f)
		}
	}
	if utf8.RuneCountInString(b.Caption) > MaxCaptionLen {
		return parley.FieldErrorf("caption", "A caption has at most %d characters.", MaxCaptionLen)
	}
	switch b.Type {
	case Text:
		if !draft && strings.TrimSpace(b.Text) == "" {
			return parley.FieldErrorf("text", "The text block is empty.")
		}
	case Image, Video, File:
		if b.AttachmentID == "" && !draft {
			return parley.FieldErrorf("attachment_id", "Upload a file for this %s block.", b.Type)
		}
		if b.AttachmentID != "" && !id.Valid(b.AttachmentID) {
			return parley.FieldErrorf("attachment_id", "Unknown file: upload it first.")
		}
	case Link:
		if b.URL == "" && draft {
			return nil
		}
		if len(b.URL) > MaxURLLen {
			return parley.FieldErrorf("url", "A link has at most %d characters.", MaxURLLen)
		}
		if _, err := netguard.ValidateURL(b.URL); err != nil {
			return parley.FieldErrorf("url", "%s", parley.ErrorMessage(err))
		}
		if b.ImageURL != "" {
			if _, err := netguard.ValidateURL(b.ImageURL); err != nil {
				return parley.FieldErrorf("image_url", "%s", parley.ErrorMessage(err))
			}
		}
		if utf8.RuneCountInString(b.Title) > MaxTitleLen {
			return parley.FieldErrorf("title", "A title has at most %d characters.", MaxTitleLen)
		}
	case Template:
		if b.CannedReplyID == "" && !draft {
			return parley.FieldErrorf("canned_reply_id", "Pick a canned reply for this template block.")
		}
		if b.CannedReplyID != "" && !id.Valid(b.CannedReplyID) {
			return parley.FieldErrorf("canned_reply_id", "Unknown canned reply.")
		}
	default:
		return parley.FieldErrorf("type", "Unknown block type %q: use text, image, video, file, link or template.", clip(b.Type))
	}
	return nil
}

// Caps are what a channel lets one message carry, as Split needs them.
type Caps struct {
	// OneMessage: the whole constructor message goes as one (email: one
	// mail with every file attached).
	OneMessage bool
	// MaxAttachments is how many files one message carries (WhatsApp,
	// Messenger, Telegram: 1, each with its caption).
	MaxAttachments int
	// Cards: a link with a preview goes as a card with a button
	// (Messenger's generic template).
	Cards bool
	// MaxLen is the longest text of one message (runes).
	MaxLen int
}

// CapsOf derives a channel's Caps from its spec: its media policy and
// whether it threads (email). rich says the adapter sends cards (a
// channel.RichSender). Kinds without a spec (the API channel) take the
// default media policy's limit.
func CapsOf(spec *channel.Spec, defaultMax int, rich bool, maxLen int) Caps {
	c := Caps{MaxAttachments: defaultMax, Cards: rich, MaxLen: maxLen}
	if spec != nil {
		c.OneMessage = spec.Threads
		if spec.Media != nil && spec.Media.MaxAttachments > 0 {
			c.MaxAttachments = spec.Media.MaxAttachments
		}
	}
	c.MaxAttachments = max(c.MaxAttachments, 1)
	return c
}

// Part is one channel message of a constructor message.
type Part struct {
	Content       string
	AttachmentIDs []string
	// Card, when set, is sent instead of Content on channels with Caps.Cards
	// (Content stays the link's text, for the thread and the search).
	Card *channel.Card
}

// Split decides how blocks go out on a channel with caps, in order:
//   - OneMessage: one message, the texts in order, every file attached
//     (more files than MaxAttachments spill into further messages);
//   - otherwise a file goes with its caption as one message (several
//     files without captions share one when MaxAttachments allows), runs of
//     text, templates and links join into one message (up to MaxLen), and
//     a link with a preview title is a card of its own when Caps.Cards.
//
// Blocks must have passed Check (template blocks rendered into Text).
func Split(caps Caps, blocks []Block) []Part {
	caps.MaxAttachments = max(caps.MaxAttachments, 1)
	if caps.OneMessage {
		return oneMessage(caps, blocks)
	}
	var parts []Part
	textRun := -1 // index in parts of the open text run, -1 when none
	for _, b := range blocks {
		switch {
		case b.Media():
			textRun = -1
			if n := len(parts); n > 0 && b.Caption == "" && parts[n-1].Content == "" && parts[n-1].Card == nil &&
				len(parts[n-1].AttachmentIDs) > 0 && len(parts[n-1].AttachmentIDs) < caps.MaxAttachments {
				parts[n-1].AttachmentIDs = append(parts[n-1].AttachmentIDs, b.AttachmentID)
				continue
			}
			parts = append(parts, Part{Content: strings.TrimSpace(b.Caption), AttachmentIDs: []string{b.AttachmentID}})
		case b.Type == Link && caps.Cards && b.Title != "":
			textRun = -1
			parts = append(parts, Part{Content: linkText(b), Card: card(b)})
		default:
			t := blockText(b)
			if t == "" {
				continue
			}
			if textRun >= 0 && fits(caps, parts[textRun].Content, t) {
				parts[textRun].Content += "\n\n" + t
				continue
			}
			parts = append(parts, Part{Content: t})
			textRun = len(parts) - 1
		}
	}
	return parts
}

func oneMessage(caps Caps, blocks []Block) []Part {
	var texts, files []string
	for _, b := range blocks {
		if b.Media() {
			files = append(files, b.AttachmentID)
		}
		if t := blockText(b); t != "" {
			texts = append(texts, t)
		}
	}
	first := Part{Content: strings.Join(texts, "\n\n")}
	parts := []Part{first}
	for i := 0; i < len(files); i += caps.MaxAttachments {
		chunk := files[i:min(i+caps.MaxAttachments, len(files))]
		if i == 0 {
			parts[0].AttachmentIDs = chunk
			continue
		}
		parts = append(parts, Part{AttachmentIDs: chunk})
	}
	return parts
}

// blockText is what a block says as text: a text or template block's
// body, a link's caption, title and URL, a file's caption.
func blockText(b Block) string {
	switch b.Type {
	case Text, Template:
		return strings.TrimSpace(b.Text)
	case Link:
		return linkText(b)
	default:
		return strings.TrimSpace(b.Caption)
	}
}

func linkText(b Block) string {
	var lines []string
	for _, s := range []string{b.Caption, b.Title} {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	return strings.Join(append(lines, strings.TrimSpace(b.URL)), "\n")
}

func card(b Block) *channel.Card {
	c := &channel.Card{Title: clipRunes(b.Title, 80), Subtitle: clipRunes(b.Description, 80), ImageURL: b.ImageURL, URL: b.URL,
		Buttons: []channel.Button{{Title: "Open", URL: b.URL}}}
	return c
}

func fits(caps Caps, cur, add string) bool {
	return caps.MaxLen <= 0 || utf8.RuneCountInString(cur)+2+utf8.RuneCountInString(add) <= caps.MaxLen
}

func clipRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func clip(s string) string { return clipRunes(s, 40) }
