// Package messenger is the Facebook Messenger channel: Meta's subscription
// check and X-Hub-Signature-256 verification, parsing of messages,
// postbacks, deliveries and reads (routed by page id), and sends with the
// Send API: text, attachments, quick replies, buttons and carousels.
package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/meta"
	"github.com/parleyhq/parley/internal/media"
)

// DefaultBaseURL is the Graph API with the version Parley is written
// against.
const DefaultBaseURL = "https://graph.facebook.com/v23.0"

// Inbox config keys.
const (
	KeyPageID          = "page_id"
	KeyPageAccessToken = "page_access_token" // secret
	KeyAppSecret       = "app_secret"        // secret
	KeyVerifyToken     = "verify_token"      // secret
)

// TagHumanAgent is the message tag that lets a human agent answer up to
// seven days after the person last wrote.
const TagHumanAgent = "HUMAN_AGENT"

// Options configure an Adapter.
type Options = meta.Options

// Adapter is the messenger channel. It is safe for concurrent use.
type Adapter struct {
	meta.Client
}

var _ channel.Adapter = (*Adapter)(nil)
var _ channel.MediaFetcher = (*Adapter)(nil)

// New returns an Adapter.
func New(o Options) *Adapter {
	return &Adapter{Client: meta.NewClient(o, DefaultBaseURL)}
}

// Kind returns parley.ChannelMessenger.
func (a *Adapter) Kind() string { return parley.ChannelMessenger }

// ValidSignature checks X-Hub-Signature-256; see meta.ValidSignature.
func ValidSignature(appSecret string, body []byte, header string) bool {
	return meta.ValidSignature(appSecret, body, header)
}

// Webhook payload.
type (
	payload struct {
		Object string  `json:"object"`
		Entry  []entry `json:"entry"`
	}
	entry struct {
		ID        string  `json:"id"`
		Time      int64   `json:"time"`
		Messaging []event `json:"messaging"`
	}
	event struct {
		Sender    struct{ ID string } `json:"sender"`
		Recipient struct{ ID string } `json:"recipient"`
		Timestamp int64               `json:"timestamp"`
		Message   *struct {
			MID         string `json:"mid"`
			Text        string `json:"text"`
			IsEcho      bool   `json:"is_echo"`
			Attachments []struct {
				Type    string `json:"type"`
				Payload struct {
					URL         string `json:"url"`
					Title       string `json:"title"`
					Coordinates *struct {
						Lat  float64 `json:"lat"`
						Long float64 `json:"long"`
					} `json:"coordinates"`
				} `json:"payload"`
			} `json:"attachments"`
			QuickReply *struct {
				Payload string `json:"payload"`
			} `json:"quick_reply"`
			ReplyTo *struct {
				MID string `json:"mid"`
			} `json:"reply_to"`
		} `json:"message"`
		Postback *struct {
			MID     string `json:"mid"`
			Title   string `json:"title"`
			Payload string `json:"payload"`
		} `json:"postback"`
		Delivery *struct {
			MIDs      []string `json:"mids"`
			Watermark int64    `json:"watermark"`
		} `json:"delivery"`
		Read *struct {
			Watermark int64 `json:"watermark"`
		} `json:"read"`
	}
)

// ParseWebhook answers the GET subscription check with hub.challenge, or
// verifies a POST's X-Hub-Signature-256 with the inbox's app secret and
// parses each entry's messaging events, with the entry's page id as
// RouteKey. Echoes of the page's own messages are skipped. Deliveries and
// reads become watermark StatusUpdates for the sender.
func (a *Adapter) ParseWebhook(r *http.Request, body []byte, publicURL string, inbox *parley.Inbox) (*channel.WebhookResult, error) {
	if r.Method == http.MethodGet {
		res, err := meta.Verify(r.URL.Query(), meta.Setting(inbox, KeyVerifyToken))
		if err != nil {
			return nil, fmt.Errorf("messenger: verify subscription: %w", err)
		}
		return res, nil
	}
	if !ValidSignature(meta.Setting(inbox, KeyAppSecret), body, r.Header.Get("X-Hub-Signature-256")) {
		return nil, fmt.Errorf("messenger: webhook: %w", channel.ErrBadSignature)
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || p.Object != "page" {
		return nil, fmt.Errorf("messenger: webhook: %w", channel.ErrMalformed)
	}
	res := &channel.WebhookResult{}
	for _, e := range p.Entry {
		for _, ev := range e.Messaging {
			if ev.Sender.ID == "" {
				return nil, fmt.Errorf("messenger: webhook: event without sender: %w", channel.ErrMalformed)
			}
			at := ms(ev.Timestamp, a.Clock)
			switch {
			case ev.Message != nil:
				m := ev.Message
				if m.IsEcho {
					continue
				}
				if m.MID == "" {
					return nil, fmt.Errorf("messenger: webhook: message without mid: %w", channel.ErrMalformed)
				}
				in := channel.Inbound{RouteKey: e.ID, ProviderMessageID: m.MID, Contact: channel.ContactInfo{SourceID: ev.Sender.ID},
					Content: m.Text, ContentType: "text", Timestamp: at}
				if m.QuickReply != nil {
					in.ContentType, in.Payload = "interactive", m.QuickReply.Payload
				}
				if m.ReplyTo != nil {
					in.ReplyToID = m.ReplyTo.MID
				}
				for i, att := range m.Attachments {
					kind := att.Type
					if kind == "file" {
						kind = "document"
					}
					if i == 0 {
						in.ContentType = kind
					}
					switch {
					case att.Payload.Coordinates != nil:
						c := att.Payload.Coordinates
						in.Content = strings.TrimSpace(att.Payload.Title + "\n" + "geo:" + ftoa(c.Lat) + "," + ftoa(c.Long))
					case att.Payload.URL != "":
						in.Media = append(in.Media, channel.MediaRef{URL: att.Payload.URL})
					}
				}
				res.Messages = append(res.Messages, in)
			case ev.Postback != nil:
				id := ev.Postback.MID
				if id == "" {
					// Older postbacks carry no mid; the sender and time identify them.
					id = "postback:" + ev.Sender.ID + ":" + strconv.FormatInt(ev.Timestamp, 10)
				}
				res.Messages = append(res.Messages, channel.Inbound{RouteKey: e.ID, ProviderMessageID: id,
					Contact: channel.ContactInfo{SourceID: ev.Sender.ID}, Content: ev.Postback.Title, ContentType: "postback",
					Payload: ev.Postback.Payload, Timestamp: at})
			case ev.Delivery != nil:
				res.Statuses = append(res.Statuses, channel.StatusUpdate{RouteKey: e.ID, Status: parley.DeliveryDelivered, At: at,
					Watermark: ms(ev.Delivery.Watermark, a.Clock), Recipient: ev.Sender.ID})
			case ev.Read != nil:
				res.Statuses = append(res.Statuses, channel.StatusUpdate{RouteKey: e.ID, Status: parley.DeliveryRead, At: at,
					Watermark: ms(ev.Read.Watermark, a.Clock), Recipient: ev.Sender.ID})
			}
		}
	}
	return res, nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func ms(n int64, clock parley.Clock) time.Time {
	if n <= 0 {
		return clock.Now()
	}
	return time.UnixMilli(n).UTC()
}

// Send sends msg with POST /me/messages (the page is the token's):
// messaging_type RESPONSE, or MESSAGE_TAG with msg.Tag (HUMAN_AGENT) for
// replies outside the standard window. Cards become a generic-template
// carousel; Buttons a button template around Content; an attachment is
// sent by link or uploaded; QuickReplies go with the text. Messenger sends
// text and an attachment as two messages: the text first, and if the
// attachment then fails, a retry sends the text again.
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, msg channel.Outbound) (channel.SendResult, error) {
	token := meta.Setting(inbox, KeyPageAccessToken)
	if token == "" {
		return channel.SendResult{}, fmt.Errorf("messenger: send: %w", &channel.SendError{Permanent: true, Code: "config",
			Message: "The inbox lacks its page access token."})
	}
	if len(msg.Attachments) > 1 {
		return channel.SendResult{}, fmt.Errorf("messenger: send: %w", &channel.SendError{Permanent: true, Code: "attachments",
			Message: "Messenger sends one attachment per message."})
	}
	base := sendRequest{Recipient: recipient{ID: msg.To}, MessagingType: "RESPONSE"}
	if msg.Tag != "" {
		base.MessagingType, base.Tag = "MESSAGE_TAG", msg.Tag
	}
	var messages []*message
	switch {
	case len(msg.Cards) > 0:
		elems := make([]element, 0, len(msg.Cards))
		for _, c := range msg.Cards {
			el := element{Title: c.Title, Subtitle: c.Subtitle, ImageURL: c.ImageURL, Buttons: buttons(c.Buttons)}
			if c.URL != "" {
				el.DefaultAction = &defaultAction{Type: "web_url", URL: c.URL}
			}
			elems = append(elems, el)
		}
		messages = append(messages, template(attachmentPayload{TemplateType: "generic", Elements: elems}))
	case len(msg.Buttons) > 0:
		messages = append(messages, template(attachmentPayload{TemplateType: "button", Text: msg.Content, Buttons: buttons(msg.Buttons)}))
	default:
		if msg.Content != "" {
			m := &message{Text: msg.Content}
			for _, q := range msg.QuickReplies {
				m.QuickReplies = append(m.QuickReplies, quickReply{ContentType: "text", Title: q.Title, Payload: q.Payload})
			}
			messages = append(messages, m)
		}
		if len(msg.Attachments) == 1 {
			messages = append(messages, nil) // the attachment, built below
		}
	}
	if len(messages) == 0 {
		return channel.SendResult{}, fmt.Errorf("messenger: send: %w", &channel.SendError{Permanent: true, Code: "empty", Message: "The message is empty."})
	}
	var last string
	for _, m := range messages {
		var (
			mid string
			err error
		)
		if m == nil {
			mid, err = a.sendAttachment(ctx, token, base, msg.Attachments[0])
		} else {
			body := base
			body.Message = m
			mid, err = a.post(ctx, token, "application/json", mustJSON(body))
		}
		if err != nil {
			return channel.SendResult{}, fmt.Errorf("messenger: send: %w", err)
		}
		last = mid
	}
	return channel.SendResult{ProviderMessageID: last}, nil
}

// The Send API's request, as typed values.
type (
	sendRequest struct {
		Recipient     recipient `json:"recipient"`
		MessagingType string    `json:"messaging_type"`
		Tag           string    `json:"tag,omitempty"`
		Message       *message  `json:"message,omitempty"`
	}
	recipient struct {
		ID string `json:"id"`
	}
	message struct {
		Text         string       `json:"text,omitempty"`
		QuickReplies []quickReply `json:"quick_replies,omitempty"`
		Attachment   *attachment  `json:"attachment,omitempty"`
	}
	quickReply struct {
		ContentType string `json:"content_type"`
		Title       string `json:"title"`
		Payload     string `json:"payload"`
	}
	attachment struct {
		Type    string            `json:"type"`
		Payload attachmentPayload `json:"payload"`
	}
	// attachmentPayload is a template's (TemplateType and what it takes)
	// or a file's (URL, IsReusable).
	attachmentPayload struct {
		TemplateType string    `json:"template_type,omitempty"`
		Text         string    `json:"text,omitempty"`
		Buttons      []button  `json:"buttons,omitempty"`
		Elements     []element `json:"elements,omitempty"`
		URL          string    `json:"url,omitempty"`
		IsReusable   bool      `json:"is_reusable,omitempty"`
	}
	button struct {
		Type    string `json:"type"`
		Title   string `json:"title"`
		URL     string `json:"url,omitempty"`
		Payload string `json:"payload,omitempty"`
	}
	element struct {
		Title         string         `json:"title"`
		Subtitle      string         `json:"subtitle,omitempty"`
		ImageURL      string         `json:"image_url,omitempty"`
		DefaultAction *defaultAction `json:"default_action,omitempty"`
		Buttons       []button       `json:"buttons,omitempty"`
	}
	defaultAction struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	}
)

func template(p attachmentPayload) *message {
	return &message{Attachment: &attachment{Type: "template", Payload: p}}
}

func buttons(bs []channel.Button) []button {
	var out []button
	for _, b := range bs {
		if b.URL != "" {
			out = append(out, button{Type: "web_url", Title: b.Title, URL: b.URL})
		} else {
			out = append(out, button{Type: "postback", Title: b.Title, Payload: b.Payload})
		}
	}
	return out
}

func mustJSON(v any) *bytes.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // structs of strings always marshal
	}
	return bytes.NewReader(b)
}

// attachmentType is the Send API attachment type for a content type.
func attachmentType(ct string) string {
	for _, t := range []string{"image", "video", "audio"} {
		if strings.HasPrefix(ct, t+"/") {
			return t
		}
	}
	return "file"
}

func (a *Adapter) sendAttachment(ctx context.Context, token string, base sendRequest, att channel.Attachment) (string, error) {
	typ := attachmentType(att.ContentType)
	if att.URL != "" {
		body := base
		body.Message = &message{Attachment: &attachment{Type: typ, Payload: attachmentPayload{URL: att.URL, IsReusable: true}}}
		return a.post(ctx, token, "application/json", mustJSON(body))
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	rcpt, _ := json.Marshal(base.Recipient)
	w.WriteField("recipient", string(rcpt))
	w.WriteField("messaging_type", base.MessagingType)
	if base.Tag != "" {
		w.WriteField("tag", base.Tag)
	}
	b, _ := json.Marshal(message{Attachment: &attachment{Type: typ, Payload: attachmentPayload{IsReusable: true}}})
	w.WriteField("message", string(b))
	name := att.FileName
	if name == "" {
		name = "file"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="filedata"; filename=%q`, name))
	h.Set("Content-Type", att.ContentType)
	part, err := w.CreatePart(h)
	if err != nil {
		return "", err
	}
	part.Write(att.Data)
	w.Close()
	return a.post(ctx, token, w.FormDataContentType(), &buf)
}

// post sends one request to /me/messages and returns the message id.
func (a *Adapter) post(ctx context.Context, token, contentType string, body io.Reader) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Base+"/me/messages", body)
	if err != nil {
		return "", err
	}
	// The token goes in a header, not the access_token query parameter,
	// so that it never appears in a URL quoted by an error.
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := a.HTTP.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode >= 300 {
		return "", graphError(resp.StatusCode, resp.Header.Get("Retry-After"), data, a.Clock.Now())
	}
	var out struct {
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.MessageID == "" {
		return "", errors.New("response without a message id")
	}
	return out.MessageID, nil
}

// Graph API error codes worth retrying for Messenger: rate limits (4, 17,
// 32, 613), temporary failures (1, 2) and 1200, "temporary send message
// failure".
var transientCodes = map[int]bool{1: true, 2: true, 4: true, 17: true, 32: true, 613: true, 1200: true}

// Codes with a message of their own.
const (
	// CodeOutsideWindow with subcode SubcodeOutsideWindow: the reply came
	// after the standard 24-hour window without a message tag.
	CodeOutsideWindow    = 10
	SubcodeOutsideWindow = 2018278
	// CodeUnavailable: the person cannot be messaged now (blocked the page,
	// deactivated their account).
	CodeUnavailable = 551
)

func graphError(status int, retryAfterHeader string, body []byte, now time.Time) *channel.SendError {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
			Subcode int    `json:"error_subcode"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	se := &channel.SendError{Code: strconv.Itoa(e.Error.Code), Message: e.Error.Message}
	if e.Error.Code == 0 {
		se.Code = strconv.Itoa(status)
	}
	if se.Message == "" {
		se.Message = http.StatusText(status)
	}
	switch {
	case e.Error.Code == CodeOutsideWindow && e.Error.Subcode == SubcodeOutsideWindow:
		se.Permanent = true
		se.Message = "The person last wrote more than 24 hours ago; reply with the human agent tag (within 7 days) or wait for them to write."
	case e.Error.Code == CodeUnavailable:
		se.Permanent = true
		se.Message = "This person is not available to receive messages right now."
	case status == http.StatusTooManyRequests || transientCodes[e.Error.Code]:
		se.RetryAfter = channel.RetryAfter(retryAfterHeader, now)
	case status >= 500:
	default:
		se.Permanent = true
	}
	return se
}

// FetchMedia downloads an attachment URL from a webhook (Meta's CDN)
// through the media client, checked against Messenger's limits.
func (a *Adapter) FetchMedia(ctx context.Context, inbox *parley.Inbox, ref channel.MediaRef) (*channel.Media, error) {
	f, err := media.Fetch(ctx, a.Media, ref.URL, mediaPolicy)
	if err != nil {
		return nil, fmt.Errorf("messenger: fetch media: %w", err)
	}
	return &channel.Media{Data: f.Data, ContentType: f.ContentType, FileName: f.FileName}, nil
}
