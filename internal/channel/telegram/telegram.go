// Package telegram is the Telegram bot channel: it checks the
// X-Telegram-Bot-Api-Secret-Token of webhook updates, parses messages
// (text, photo, document, voice, location), sends text, photos and
// documents, registers the webhook and downloads files, all through
// github.com/go-telegram/bot pointed at the configured Bot API URL.
package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/media"
)

// DefaultBaseURL is the Telegram Bot API.
const DefaultBaseURL = "https://api.telegram.org"

// Inbox config keys; both are secrets.
const (
	KeyBotToken    = "bot_token"
	KeySecretToken = "secret_token"
)

// Options configure an Adapter.
type Options struct {
	// BaseURL is the Bot API (PARLEY_TELEGRAM_API_URL), set by the operator
	// and trusted; DefaultBaseURL when empty.
	BaseURL string
	// HTTPClient calls the Bot API and downloads files from it; a client
	// with a 30 s timeout when nil.
	HTTPClient *http.Client
	// Clock stamps updates without a date.
	Clock parley.Clock
}

// Adapter is the telegram channel. It is safe for concurrent use.
type Adapter struct {
	base   string
	client *http.Client
	clock  parley.Clock
}

var _ channel.Adapter = (*Adapter)(nil)
var _ channel.MediaFetcher = (*Adapter)(nil)

// New returns an Adapter.
func New(o Options) *Adapter {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Clock == nil {
		o.Clock = parley.SystemClock{}
	}
	return &Adapter{base: strings.TrimSuffix(o.BaseURL, "/"), client: o.HTTPClient, clock: o.Clock}
}

// Kind returns parley.ChannelTelegram.
func (a *Adapter) Kind() string { return parley.ChannelTelegram }

func get(inbox *parley.Inbox, key string) string {
	if v := inbox.Secrets[key]; v != "" {
		return v
	}
	return inbox.Config[key]
}

// bot returns a client for one bot token. It is cheap (no network call:
// getMe is skipped) and used for one operation.
func (a *Adapter) bot(token string) (*tgbot.Bot, error) {
	if token == "" {
		return nil, errors.New("the inbox has no bot token")
	}
	return tgbot.New(token,
		tgbot.WithServerURL(a.base),
		tgbot.WithHTTPClient(a.client.Timeout, a.client),
		tgbot.WithSkipGetMe(),
		tgbot.WithErrorsHandler(func(error) {}),
		tgbot.WithDebugHandler(func(string, ...any) {}),
	)
}

// ParseWebhook compares X-Telegram-Bot-Api-Secret-Token with the inbox's
// secret token in constant time, then parses update.message. The chat id
// is the SourceID; message ids are unique per chat only, so
// ProviderMessageID is "chat_id:message_id". Updates of other kinds
// (edits, callbacks, channel posts) yield an empty result.
func (a *Adapter) ParseWebhook(r *http.Request, body []byte, publicURL string, inbox *parley.Inbox) (*channel.WebhookResult, error) {
	want := get(inbox, KeySecretToken)
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, fmt.Errorf("telegram: webhook: %w", channel.ErrBadSignature)
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || u.ID == 0 {
		return nil, fmt.Errorf("telegram: webhook: %w", channel.ErrMalformed)
	}
	res := &channel.WebhookResult{}
	m := u.Message
	if m == nil {
		return res, nil
	}
	if m.Chat.ID == 0 || m.ID == 0 {
		return nil, fmt.Errorf("telegram: webhook: message without chat or id: %w", channel.ErrMalformed)
	}
	chat := strconv.FormatInt(m.Chat.ID, 10)
	in := channel.Inbound{
		ProviderMessageID: chat + ":" + strconv.Itoa(m.ID),
		Contact:           channel.ContactInfo{SourceID: chat, Name: name(m)},
		Content:           m.Text,
		ContentType:       "text",
		Timestamp:         a.clock.Now(),
	}
	if m.Date > 0 {
		in.Timestamp = time.Unix(int64(m.Date), 0).UTC()
	}
	if m.ReplyToMessage != nil && m.ReplyToMessage.ID != 0 {
		in.ReplyToID = chat + ":" + strconv.Itoa(m.ReplyToMessage.ID)
	}
	switch {
	case len(m.Photo) > 0:
		best := m.Photo[0]
		for _, p := range m.Photo[1:] {
			if p.Width*p.Height > best.Width*best.Height || (p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize) {
				best = p
			}
		}
		in.ContentType, in.Content = "image", m.Caption
		in.Media = []channel.MediaRef{{ID: best.FileID, ContentType: "image/jpeg", Caption: m.Caption}}
	case m.Document != nil:
		in.ContentType, in.Content = "document", m.Caption
		in.Media = []channel.MediaRef{{ID: m.Document.FileID, ContentType: m.Document.MimeType, FileName: m.Document.FileName, Caption: m.Caption}}
	case m.Voice != nil:
		in.ContentType, in.Content = "audio", m.Caption
		in.Media = []channel.MediaRef{{ID: m.Voice.FileID, ContentType: m.Voice.MimeType}}
	case m.Location != nil:
		in.ContentType = "location"
		in.Content = "geo:" + strconv.FormatFloat(m.Location.Latitude, 'f', -1, 64) + "," + strconv.FormatFloat(m.Location.Longitude, 'f', -1, 64)
	case m.Text == "":
		in.ContentType = "unsupported"
	}
	res.Messages = append(res.Messages, in)
	return res, nil
}

func name(m *models.Message) string {
	if m.From != nil {
		if n := strings.TrimSpace(m.From.FirstName + " " + m.From.LastName); n != "" {
			return n
		}
		if m.From.Username != "" {
			return "@" + m.From.Username
		}
	}
	return strings.TrimSpace(m.Chat.FirstName + " " + m.Chat.LastName + m.Chat.Title)
}

// Send sends msg to the chat msg.To: sendVoice for a voice message,
// sendPhoto for an image attachment, sendDocument for any other, with Content as the caption, else
// sendMessage. A file goes by link when it has a URL, else uploaded.
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, msg channel.Outbound) (channel.SendResult, error) {
	b, err := a.bot(get(inbox, KeyBotToken))
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("telegram: send: %w", &channel.SendError{Permanent: true, Code: "config", Message: "The inbox lacks its bot token."})
	}
	chatID, err := strconv.ParseInt(msg.To, 10, 64)
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("telegram: send: %w", &channel.SendError{Permanent: true, Code: "recipient", Message: "The recipient is not a Telegram chat id."})
	}
	var m *models.Message
	switch {
	case len(msg.Attachments) > 1:
		return channel.SendResult{}, fmt.Errorf("telegram: send: %w", &channel.SendError{Permanent: true, Code: "attachments", Message: "Telegram sends one attachment per message."})
	case len(msg.Attachments) == 1:
		att := msg.Attachments[0]
		var file models.InputFile = &models.InputFileString{Data: att.URL}
		if att.URL == "" {
			name := att.FileName
			if name == "" {
				name = "file"
			}
			file = &models.InputFileUpload{Filename: name, Data: bytes.NewReader(att.Data)}
		}
		switch {
		case att.Voice && att.ContentType == "audio/ogg":
			// Telegram plays OGG/Opus sent with sendVoice as a voice note.
			m, err = b.SendVoice(ctx, &tgbot.SendVoiceParams{ChatID: chatID, Voice: file, Caption: msg.Content})
		case strings.HasPrefix(att.ContentType, "image/") && att.ContentType != "image/webp":
			m, err = b.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: chatID, Photo: file, Caption: msg.Content})
		default:
			m, err = b.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: chatID, Document: file, Caption: msg.Content})
		}
	case msg.Content != "":
		m, err = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chatID, Text: msg.Content})
	default:
		return channel.SendResult{}, fmt.Errorf("telegram: send: %w", &channel.SendError{Permanent: true, Code: "empty", Message: "The message is empty."})
	}
	if err != nil {
		return channel.SendResult{}, fmt.Errorf("telegram: send: %w", sendError(ctx, err))
	}
	if m == nil || m.ID == 0 {
		return channel.SendResult{}, errors.New("telegram: send: response without a message id")
	}
	return channel.SendResult{ProviderMessageID: strconv.FormatInt(m.Chat.ID, 10) + ":" + strconv.Itoa(m.ID)}, nil
}

// sendError classifies a go-telegram/bot error: 429 is retried after its
// retry_after; 400 (chat not found, bad request), 401 (revoked token), 403
// (bot blocked by the user), 404 and a migrated chat are permanent; other
// answers (5xx) and transport errors are transient. The library has already
// replaced the token in URLs it quotes.
func sendError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if e, ok := errors.AsType[*tgbot.TooManyRequestsError](err); ok {
		return &channel.SendError{Code: "429", Message: "Too many requests", RetryAfter: time.Duration(e.RetryAfter) * time.Second}
	}
	if e, ok := errors.AsType[*tgbot.MigrateError](err); ok {
		return &channel.SendError{Permanent: true, Code: "400", Message: fmt.Sprintf("The group became a supergroup with chat id %d.", e.MigrateToChatID)}
	}
	for code, target := range map[string]error{"400": tgbot.ErrorBadRequest, "401": tgbot.ErrorUnauthorized, "403": tgbot.ErrorForbidden, "404": tgbot.ErrorNotFound, "409": tgbot.ErrorConflict} {
		if errors.Is(err, target) {
			msg := err.Error()
			if code == "403" {
				msg = "The person has blocked the bot or the bot cannot write to this chat (" + msg + ")."
			}
			return &channel.SendError{Permanent: true, Code: code, Message: msg}
		}
	}
	if strings.HasPrefix(err.Error(), "error response from telegram") {
		return &channel.SendError{Code: "telegram", Message: err.Error()}
	}
	return err
}

// RegisterWebhook points the inbox's bot at publicURL with setWebhook,
// passing the inbox's secret token so that Telegram sends it back in
// X-Telegram-Bot-Api-Secret-Token, and asking for message updates only.
func (a *Adapter) RegisterWebhook(ctx context.Context, inbox *parley.Inbox, publicURL string) error {
	secret := get(inbox, KeySecretToken)
	if secret == "" {
		return parley.Errorf(parley.EINVALID, "The inbox needs a secret token before its webhook can be registered.")
	}
	b, err := a.bot(get(inbox, KeyBotToken))
	if err != nil {
		return parley.Errorf(parley.EINVALID, "The inbox lacks its bot token.")
	}
	ok, err := b.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: publicURL, SecretToken: secret, AllowedUpdates: []string{"message"}})
	if err != nil {
		return fmt.Errorf("telegram: set webhook: %w", a.explain(err, get(inbox, KeyBotToken)))
	}
	if !ok {
		return parley.Errorf(parley.EINVALID, "Telegram refused the webhook without saying why.")
	}
	return nil
}

// explain turns a Bot API call's error into one that names its real
// cause, for people: the Bot API could not be reached (and why: no such
// host, connection refused, timed out), Telegram does not accept the bot
// token, or Telegram refused the call (with its description). Other
// errors are returned as they are. The text never holds the token.
func (a *Adapter) explain(err error, token string) error {
	scrub := func(s string) string {
		if token == "" {
			return s
		}
		return strings.ReplaceAll(s, token, "…")
	}
	host := a.base
	if u, perr := url.Parse(a.base); perr == nil && u.Host != "" {
		host = u.Host
	}
	if _, ok := errors.AsType[*url.Error](err); ok || isNetError(err) {
		why := "the request failed"
		var dns *net.DNSError
		var op *net.OpError
		var ne net.Error
		switch {
		case errors.As(err, &dns):
			why = dns.Err
		case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
			why = "timed out"
		case errors.Is(err, syscall.ECONNREFUSED):
			why = "connection refused"
		case errors.As(err, &op):
			why = op.Err.Error()
		}
		return parley.Errorf(parley.EINVALID, "Could not reach %s: %s. Check the server's DNS and network, then try again.", host, scrub(why))
	}
	desc := func(sentinel error) string {
		return strings.TrimSpace(strings.TrimPrefix(scrub(err.Error()), sentinel.Error()+","))
	}
	switch {
	case errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorNotFound):
		return parley.FieldErrorf("config."+KeyBotToken, "Telegram does not accept this bot token. Copy it again from @BotFather.")
	case errors.Is(err, tgbot.ErrorBadRequest):
		return parley.Errorf(parley.EINVALID, "Telegram refused the webhook: %s.", strings.TrimSuffix(desc(tgbot.ErrorBadRequest), "."))
	case errors.Is(err, tgbot.ErrorForbidden):
		return parley.Errorf(parley.EINVALID, "Telegram refused the webhook: %s.", strings.TrimSuffix(desc(tgbot.ErrorForbidden), "."))
	}
	return err
}

// isNetError reports whether err comes from the network rather than from
// an answer.
func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// FetchMedia resolves a file id with getFile and downloads it from the
// Bot API's file URL, checked against Telegram's limits. The URL holds the
// bot token; errors never quote it.
func (a *Adapter) FetchMedia(ctx context.Context, inbox *parley.Inbox, ref channel.MediaRef) (*channel.Media, error) {
	b, err := a.bot(get(inbox, KeyBotToken))
	if err != nil || ref.ID == "" {
		return nil, fmt.Errorf("telegram: fetch media: %w", parley.Errorf(parley.EINVALID, "A file id and the inbox's bot token are needed."))
	}
	f, err := b.GetFile(ctx, &tgbot.GetFileParams{FileID: ref.ID})
	if err != nil {
		return nil, fmt.Errorf("telegram: fetch media: %w", err)
	}
	if f.FilePath == "" {
		return nil, errors.New("telegram: fetch media: the file is not available for download")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.FileDownloadLink(f), nil)
	if err != nil {
		return nil, errors.New("telegram: fetch media: bad file path")
	}
	file, err := media.Download(a.client, req, mediaPolicy)
	if err != nil {
		return nil, fmt.Errorf("telegram: fetch media: %w", err)
	}
	name := ref.FileName
	if name == "" {
		name = file.FileName
	}
	return &channel.Media{Data: file.Data, ContentType: file.ContentType, FileName: name}, nil
}
