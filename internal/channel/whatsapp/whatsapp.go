// Package whatsapp is the WhatsApp Cloud API channel: it answers Meta's
// subscription check (hub.challenge), verifies X-Hub-Signature-256, parses
// message and status webhooks, sends text, media and template messages
// with the Graph API, lists message templates and fetches media by id.
package whatsapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"github.com/parleyhq/parley/internal/phone"
)

// DefaultBaseURL is the Graph API with the version Parley is written
// against.
const DefaultBaseURL = "https://graph.facebook.com/v23.0"

// Inbox config keys.
const (
	KeyPhoneNumberID = "phone_number_id"
	KeyWABAID        = "waba_id"
	KeyAccessToken   = "access_token" // secret
	KeyAppSecret     = "app_secret"   // secret
	KeyVerifyToken   = "verify_token" // secret
)

// Options configure an Adapter.
type Options = meta.Options

// Adapter is the whatsapp channel. It is safe for concurrent use.
type Adapter struct {
	meta.Client
}

var _ channel.Adapter = (*Adapter)(nil)
var _ channel.MediaFetcher = (*Adapter)(nil)

// New returns an Adapter.
func New(o Options) *Adapter {
	return &Adapter{Client: meta.NewClient(o, DefaultBaseURL)}
}

// Kind returns parley.ChannelWhatsApp.
func (a *Adapter) Kind() string { return parley.ChannelWhatsApp }

// statusMap is the one table from WhatsApp statuses to Parley's.
var statusMap = map[string]parley.DeliveryStatus{
	"sent":      parley.DeliverySent,
	"delivered": parley.DeliveryDelivered,
	"read":      parley.DeliveryRead,
	"played":    parley.DeliveryRead,
	"failed":    parley.DeliveryFailed,
}

// MapStatus returns Parley's delivery status for a WhatsApp status; ok is
// false for statuses Parley does not track (deleted, warning).
func MapStatus(s string) (parley.DeliveryStatus, bool) {
	st, ok := statusMap[s]
	return st, ok
}

// Verify answers Meta's subscription check; see meta.Verify.
func Verify(q url.Values, verifyToken string) (*channel.WebhookResult, error) {
	return meta.Verify(q, verifyToken)
}

// ValidSignature checks X-Hub-Signature-256; see meta.ValidSignature.
func ValidSignature(appSecret string, body []byte, header string) bool {
	return meta.ValidSignature(appSecret, body, header)
}

// Webhook payload, as the Cloud API sends it.
type (
	payload struct {
		Object string  `json:"object"`
		Entry  []entry `json:"entry"`
	}
	entry struct {
		ID      string   `json:"id"`
		Changes []change `json:"changes"`
	}
	change struct {
		Field string `json:"field"`
		Value value  `json:"value"`
	}
	value struct {
		MessagingProduct string `json:"messaging_product"`
		Metadata         struct {
			DisplayPhoneNumber string `json:"display_phone_number"`
			PhoneNumberID      string `json:"phone_number_id"`
		} `json:"metadata"`
		Contacts []struct {
			Profile struct {
				Name string `json:"name"`
			} `json:"profile"`
			WaID string `json:"wa_id"`
		} `json:"contacts"`
		Messages []message `json:"messages"`
		Statuses []status  `json:"statuses"`
	}
	mediaObj struct {
		ID       string `json:"id"`
		MimeType string `json:"mime_type"`
		SHA256   string `json:"sha256"`
		Caption  string `json:"caption"`
		Filename string `json:"filename"`
	}
	message struct {
		From      string `json:"from"`
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
		Type      string `json:"type"`
		Context   *struct {
			From string `json:"from"`
			ID   string `json:"id"`
		} `json:"context"`
		Text *struct {
			Body string `json:"body"`
		} `json:"text"`
		Image    *mediaObj `json:"image"`
		Audio    *mediaObj `json:"audio"`
		Video    *mediaObj `json:"video"`
		Document *mediaObj `json:"document"`
		Sticker  *mediaObj `json:"sticker"`
		Location *struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
			Name      string  `json:"name"`
			Address   string  `json:"address"`
		} `json:"location"`
		Contacts []struct {
			Name struct {
				FormattedName string `json:"formatted_name"`
			} `json:"name"`
			Phones []struct {
				Phone string `json:"phone"`
				WaID  string `json:"wa_id"`
			} `json:"phones"`
		} `json:"contacts"`
		Interactive *struct {
			Type        string `json:"type"`
			ButtonReply *struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"button_reply"`
			ListReply *struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"list_reply"`
		} `json:"interactive"`
		Button *struct {
			Payload string `json:"payload"`
			Text    string `json:"text"`
		} `json:"button"`
		Reaction *struct {
			MessageID string `json:"message_id"`
			Emoji     string `json:"emoji"`
		} `json:"reaction"`
	}
	status struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Timestamp   string `json:"timestamp"`
		RecipientID string `json:"recipient_id"`
		Errors      []struct {
			Code      int    `json:"code"`
			Title     string `json:"title"`
			Message   string `json:"message"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
		} `json:"errors"`
	}
)

// ParseWebhook answers the GET subscription check with hub.challenge, or
// verifies a POST's X-Hub-Signature-256 with the inbox's app secret and
// parses every entry and change: each message and status carries the
// change's metadata.phone_number_id as RouteKey.
func (a *Adapter) ParseWebhook(r *http.Request, body []byte, publicURL string, inbox *parley.Inbox) (*channel.WebhookResult, error) {
	if r.Method == http.MethodGet {
		res, err := Verify(r.URL.Query(), meta.Setting(inbox, KeyVerifyToken))
		if err != nil {
			return nil, fmt.Errorf("whatsapp: verify subscription: %w", err)
		}
		return res, nil
	}
	if !ValidSignature(meta.Setting(inbox, KeyAppSecret), body, r.Header.Get("X-Hub-Signature-256")) {
		return nil, fmt.Errorf("whatsapp: webhook: %w", channel.ErrBadSignature)
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || p.Object != "whatsapp_business_account" {
		return nil, fmt.Errorf("whatsapp: webhook: %w", channel.ErrMalformed)
	}
	res := &channel.WebhookResult{}
	for _, e := range p.Entry {
		for _, c := range e.Changes {
			if c.Field != "messages" {
				continue
			}
			if err := a.parseChange(res, c.Value); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func (a *Adapter) parseChange(res *channel.WebhookResult, v value) error {
	route := v.Metadata.PhoneNumberID
	names := map[string]string{}
	for _, c := range v.Contacts {
		names[c.WaID] = c.Profile.Name
	}
	for _, m := range v.Messages {
		if m.ID == "" || m.From == "" {
			return fmt.Errorf("whatsapp: webhook: message without id or sender: %w", channel.ErrMalformed)
		}
		in := channel.Inbound{RouteKey: route, ProviderMessageID: m.ID, ContentType: m.Type, Timestamp: unix(m.Timestamp, a.Clock)}
		in.Contact = channel.ContactInfo{SourceID: m.From, Name: names[m.From]}
		if e164, err := phone.Normalize(m.From); err == nil {
			in.Contact.SourceID, in.Contact.Phone = e164, e164
		}
		if m.Context != nil {
			in.ReplyToID = m.Context.ID
		}
		switch m.Type {
		case "text":
			if m.Text != nil {
				in.Content = m.Text.Body
			}
		case "image", "audio", "video", "document", "sticker":
			obj := map[string]*mediaObj{"image": m.Image, "audio": m.Audio, "video": m.Video, "document": m.Document, "sticker": m.Sticker}[m.Type]
			if obj == nil || obj.ID == "" {
				return fmt.Errorf("whatsapp: webhook: %s without media id: %w", m.Type, channel.ErrMalformed)
			}
			in.Content = obj.Caption
			in.Media = []channel.MediaRef{{ID: obj.ID, ContentType: obj.MimeType, FileName: obj.Filename, Caption: obj.Caption}}
		case "location":
			if l := m.Location; l != nil {
				var parts []string
				for _, s := range []string{l.Name, l.Address} {
					if s != "" {
						parts = append(parts, s)
					}
				}
				parts = append(parts, fmt.Sprintf("geo:%s,%s", ftoa(l.Latitude), ftoa(l.Longitude)))
				in.Content = strings.Join(parts, "\n")
			}
		case "contacts":
			var lines []string
			for _, c := range m.Contacts {
				line := c.Name.FormattedName
				for _, p := range c.Phones {
					line += " " + p.Phone
				}
				lines = append(lines, strings.TrimSpace(line))
			}
			in.Content = strings.Join(lines, "\n")
		case "interactive":
			if it := m.Interactive; it != nil {
				switch {
				case it.ButtonReply != nil:
					in.Content, in.Payload = it.ButtonReply.Title, it.ButtonReply.ID
				case it.ListReply != nil:
					in.Content, in.Payload = it.ListReply.Title, it.ListReply.ID
				}
			}
		case "button": // a quick-reply button of a template
			if m.Button != nil {
				in.ContentType = "interactive"
				in.Content, in.Payload = m.Button.Text, m.Button.Payload
			}
		case "reaction":
			if m.Reaction != nil {
				in.Content, in.ReplyToID = m.Reaction.Emoji, m.Reaction.MessageID
			}
		}
		res.Messages = append(res.Messages, in)
	}
	for _, s := range v.Statuses {
		st, ok := MapStatus(s.Status)
		if !ok {
			continue
		}
		if s.ID == "" {
			return fmt.Errorf("whatsapp: webhook: status without id: %w", channel.ErrMalformed)
		}
		u := channel.StatusUpdate{RouteKey: route, ProviderMessageID: s.ID, Status: st, At: unix(s.Timestamp, a.Clock)}
		if e164, err := phone.Normalize(s.RecipientID); err == nil {
			u.Recipient = e164
		}
		if len(s.Errors) > 0 {
			e := s.Errors[0]
			u.Error = fmt.Sprintf("%d: %s", e.Code, e.Title)
			if d := e.ErrorData.Details; d != "" && d != e.Title {
				u.Error += " (" + d + ")"
			}
		}
		res.Statuses = append(res.Statuses, u)
	}
	return nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func unix(s string, clock parley.Clock) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return clock.Now()
	}
	return time.Unix(n, 0).UTC()
}

// Send sends msg with POST /{phone_number_id}/messages: a template when
// msg.Template is set (its Parameters fill the body's {{1}}, {{2}}…), else
// the attachment (by link, or uploaded to /{phone_number_id}/media first)
// with Content as its caption, else text. WhatsApp carries one attachment
// per message; media.CheckOutbound says so before queueing.
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, msg channel.Outbound) (channel.SendResult, error) {
	pnid, token := meta.Setting(inbox, KeyPhoneNumberID), meta.Setting(inbox, KeyAccessToken)
	if pnid == "" || token == "" {
		return channel.SendResult{}, fmt.Errorf("whatsapp: send: %w", &channel.SendError{Permanent: true, Code: "config",
			Message: "The inbox lacks its WhatsApp phone number id or access token."})
	}
	body := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": phone.Digits(msg.To)}
	switch {
	case msg.Template != nil:
		tpl := map[string]any{"name": msg.Template.Name, "language": map[string]any{"code": msg.Template.Language}}
		if len(msg.Template.Parameters) > 0 {
			params := make([]any, len(msg.Template.Parameters))
			for i, p := range msg.Template.Parameters {
				params[i] = map[string]any{"type": "text", "text": p}
			}
			tpl["components"] = []any{map[string]any{"type": "body", "parameters": params}}
		}
		body["type"], body["template"] = "template", tpl
	case len(msg.Attachments) > 1:
		return channel.SendResult{}, fmt.Errorf("whatsapp: send: %w", &channel.SendError{Permanent: true, Code: "attachments",
			Message: "WhatsApp sends one attachment per message."})
	case len(msg.Attachments) == 1:
		att := msg.Attachments[0]
		kind := mediaType(att.ContentType)
		obj := map[string]any{}
		if att.URL != "" {
			obj["link"] = att.URL
		} else {
			id, err := a.upload(ctx, pnid, token, att)
			if err != nil {
				return channel.SendResult{}, fmt.Errorf("whatsapp: send: upload media: %w", err)
			}
			obj["id"] = id
		}
		if msg.Content != "" && kind != "audio" && kind != "sticker" {
			obj["caption"] = msg.Content
		}
		if kind == "audio" && att.Voice && att.ContentType == "audio/ogg" {
			// A voice message (Ogg/Opus): shown with the microphone icon,
			// downloaded automatically and transcribed.
			obj["voice"] = true
		}
		if kind == "document" && att.FileName != "" {
			obj["filename"] = att.FileName
		}
		body["type"], body[kind] = kind, obj
	case msg.Content != "":
		body["type"], body["text"] = "text", map[string]any{"preview_url": false, "body": msg.Content}
	default:
		return channel.SendResult{}, fmt.Errorf("whatsapp: send: %w", &channel.SendError{Permanent: true, Code: "empty", Message: "The message is empty."})
	}
	buf, err := json.Marshal(body)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("whatsapp: send: %w", err)
	}
	var out struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := a.call(ctx, http.MethodPost, "/"+url.PathEscape(pnid)+"/messages", token, "application/json", bytes.NewReader(buf), &out); err != nil {
		return channel.SendResult{}, fmt.Errorf("whatsapp: send: %w", err)
	}
	if len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return channel.SendResult{}, errors.New("whatsapp: send: response without a message id")
	}
	return channel.SendResult{ProviderMessageID: out.Messages[0].ID}, nil
}

// mediaType is the Cloud API message type for a content type.
func mediaType(ct string) string {
	switch {
	case ct == "image/webp":
		return "sticker"
	case strings.HasPrefix(ct, "image/"):
		return "image"
	case strings.HasPrefix(ct, "video/"):
		return "video"
	case strings.HasPrefix(ct, "audio/"):
		return "audio"
	}
	return "document"
}

// upload stores an attachment with POST /{phone_number_id}/media and
// returns its media id.
func (a *Adapter) upload(ctx context.Context, pnid, token string, att channel.Attachment) (string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("messaging_product", "whatsapp")
	w.WriteField("type", att.ContentType)
	h := textproto.MIMEHeader{}
	name := att.FileName
	if name == "" {
		name = "file"
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", att.ContentType)
	part, err := w.CreatePart(h)
	if err != nil {
		return "", err
	}
	part.Write(att.Data)
	w.Close()
	var out struct {
		ID string `json:"id"`
	}
	if err := a.call(ctx, http.MethodPost, "/"+url.PathEscape(pnid)+"/media", token, w.FormDataContentType(), &buf, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", errors.New("response without a media id")
	}
	return out.ID, nil
}

// call makes one Graph API request and decodes its JSON answer into out,
// or returns a *channel.SendError for an error answer.
func (a *Adapter) call(ctx context.Context, method, path, token, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, a.Base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := a.HTTP.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return graphError(resp.StatusCode, resp.Header.Get("Retry-After"), data, a.Clock.Now())
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// Graph API error codes that are worth retrying: rate limits (4, 80007,
// 130429, 131056: too many messages to one user) and Meta's temporary
// failures (1 unknown, 2 service, 131016 service unavailable, 133004
// server temporarily unavailable).
var transientCodes = map[int]bool{4: true, 80007: true, 130429: true, 131056: true, 1: true, 2: true, 131016: true, 133004: true}

// CodeReengagement is the Cloud API's refusal of a free-form message more
// than 24 hours after the customer last wrote.
const CodeReengagement = 131047

// graphError maps a Graph API error answer: 429 and the transient codes
// are retried, other 4xx are permanent, 5xx transient.
func graphError(status int, retryAfterHeader string, body []byte, now time.Time) *channel.SendError {
	var e struct {
		Error struct {
			Message   string `json:"message"`
			Code      int    `json:"code"`
			Subcode   int    `json:"error_subcode"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
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
	if d := e.Error.ErrorData.Details; d != "" && !strings.Contains(se.Message, d) {
		se.Message += ": " + d
	}
	switch {
	case e.Error.Code == CodeReengagement:
		se.Permanent = true
		se.Message = "The customer last wrote more than 24 hours ago; outside that window WhatsApp only delivers approved template messages."
	case status == http.StatusTooManyRequests || transientCodes[e.Error.Code]:
		se.RetryAfter = channel.RetryAfter(retryAfterHeader, now)
	case status >= 500:
	default:
		se.Permanent = true
	}
	return se
}

// MessageTemplate is an approved (or pending) template of the WhatsApp
// Business Account.
type MessageTemplate struct {
	ID       string
	Name     string
	Language string
	Status   string
	Category string
	// Body is the text of the BODY component, with {{1}}… placeholders.
	Body string
	// BodyParams is how many parameters the body takes.
	BodyParams int
	// Components are the template's components as the API returns them.
	Components []json.RawMessage
}

// ListTemplates fetches every message template of the inbox's WhatsApp
// Business Account with GET /{waba_id}/message_templates, following the
// paging cursors.
func (a *Adapter) ListTemplates(ctx context.Context, inbox *parley.Inbox) ([]MessageTemplate, error) {
	waba, token := meta.Setting(inbox, KeyWABAID), meta.Setting(inbox, KeyAccessToken)
	if waba == "" || token == "" {
		return nil, parley.Errorf(parley.EINVALID, "The inbox lacks its WhatsApp Business Account id or access token.")
	}
	var all []MessageTemplate
	after := ""
	for page := 0; page < 100; page++ {
		q := url.Values{"fields": {"id,name,language,status,category,components"}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		var out struct {
			Data []struct {
				ID         string            `json:"id"`
				Name       string            `json:"name"`
				Language   string            `json:"language"`
				Status     string            `json:"status"`
				Category   string            `json:"category"`
				Components []json.RawMessage `json:"components"`
			} `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := a.call(ctx, http.MethodGet, "/"+url.PathEscape(waba)+"/message_templates?"+q.Encode(), token, "", nil, &out); err != nil {
			return nil, fmt.Errorf("whatsapp: list templates: %w", err)
		}
		for _, d := range out.Data {
			t := MessageTemplate{ID: d.ID, Name: d.Name, Language: d.Language, Status: d.Status, Category: d.Category, Components: d.Components}
			for _, raw := range d.Components {
				var c struct {
					Type string `json:"type"`
					Text string `json:"text"`
				}
				if json.Unmarshal(raw, &c) == nil && strings.EqualFold(c.Type, "BODY") {
					t.Body = c.Text
					t.BodyParams = countParams(c.Text)
				}
			}
			all = append(all, t)
		}
		if out.Paging.Next == "" || out.Paging.Cursors.After == "" || out.Paging.Cursors.After == after {
			return all, nil
		}
		after = out.Paging.Cursors.After
	}
	return all, nil
}

// countParams returns the highest {{n}} placeholder in a template body.
func countParams(s string) int {
	n := 0
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return n
		}
		s = s[i+2:]
		j := strings.Index(s, "}}")
		if j < 0 {
			return n
		}
		if k, err := strconv.Atoi(strings.TrimSpace(s[:j])); err == nil && k > n {
			n = k
		}
		s = s[j+2:]
	}
}

// FetchMedia resolves a media id with GET /{media_id} and downloads the
// file from the returned URL with the access token, checking its size and
// type against WhatsApp's limits and its SHA-256 against the lookup's.
func (a *Adapter) FetchMedia(ctx context.Context, inbox *parley.Inbox, ref channel.MediaRef) (*channel.Media, error) {
	token := meta.Setting(inbox, KeyAccessToken)
	if ref.ID == "" || token == "" {
		return nil, fmt.Errorf("whatsapp: fetch media: %w", parley.Errorf(parley.EINVALID, "A media id and the inbox's access token are needed."))
	}
	var info struct {
		URL      string `json:"url"`
		MimeType string `json:"mime_type"`
		SHA256   string `json:"sha256"`
	}
	if err := a.call(ctx, http.MethodGet, "/"+url.PathEscape(ref.ID), token, "", nil, &info); err != nil {
		return nil, fmt.Errorf("whatsapp: fetch media %s: %w", ref.ID, err)
	}
	u, err := url.Parse(info.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("whatsapp: fetch media %s: lookup returned no usable URL", ref.ID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: fetch media %s: %w", ref.ID, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	f, err := media.Download(a.Media, req, mediaPolicy)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: fetch media %s: %w", ref.ID, err)
	}
	if info.SHA256 != "" {
		sum := sha256.Sum256(f.Data)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), info.SHA256) {
			return nil, fmt.Errorf("whatsapp: fetch media %s: content does not match its sha256", ref.ID)
		}
	}
	name := ref.FileName
	if name == "" {
		name = f.FileName
	}
	return &channel.Media{Data: f.Data, ContentType: f.ContentType, FileName: name}, nil
}
