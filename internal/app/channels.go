package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/messenger"
	"github.com/parleyhq/parley/internal/channel/telegram"
	"github.com/parleyhq/parley/internal/channel/twilio"
	"github.com/parleyhq/parley/internal/channel/whatsapp"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/httpapi"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/secret"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/webhook"
	"github.com/parleyhq/parley/internal/workspace"
)

// Alert thresholds: a run of failed sends this long, or lasting this long,
// tells the workspace's admins (once per run).
const (
	alertFailures = 5
	alertDuration = 10 * time.Minute
)

// providerTimeout bounds a provider call made for an admin (test,
// templates, webhook registration).
const providerTimeout = 15 * time.Second

// Channels is the messaging providers (Twilio SMS, WhatsApp, Messenger,
// Telegram) wired into a node: their adapters, wrapped so that every send
// records channel health and raises the admins' alert on a run of
// failures; the delivery hooks that complete each send (Compose: status
// callback, window tag, template, attachments) and fall back to the
// inbox's fallback inbox when a message fails for good (OnFailed); the
// webhook ingress; the inbox set-up (webhook URLs, Telegram
// registration); and the operations behind the channel routes
// (httpapi.ChannelOps).
type Channels struct {
	cfg      *config.Config
	store    *sqlstore.Store
	blobs    blob.Store
	clock    parley.Clock
	log      *slog.Logger
	client   *http.Client
	raw      map[string]channel.Adapter
	senders  []channel.Adapter
	convs    *conversation.Service
	webhooks *webhook.Handler
	// signer signs the public links of files providers fetch themselves.
	signer *secret.Signer
	// Setup is what the workspace service needs to set up provider inboxes.
	Setup *workspace.ChannelSetup

	mu       sync.Mutex
	outbox   conversation.Outbox
	lastSent map[string]time.Time
	failing  map[string]bool
}

var _ httpapi.ChannelOps = (*Channels)(nil)

// NewChannels builds the provider adapters from the configuration: base
// URLs set by the operator are trusted; media links from webhooks are
// fetched through guard.
func NewChannels(cfg *config.Config, store *sqlstore.Store, guard *netguard.Guard, signer *secret.Signer, clock parley.Clock, log *slog.Logger) (*Channels, error) {
	for name, raw := range map[string]string{"PARLEY_TWILIO_API_URL": cfg.TwilioAPIURL, "PARLEY_META_GRAPH_URL": cfg.MetaGraphURL, "PARLEY_TELEGRAM_API_URL": cfg.TelegramAPIURL} {
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s must be an http(s) URL", name)
		}
	}
	blobs, err := blob.NewDir(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return nil, err
	}
	trusted := &http.Client{Timeout: 30 * time.Second}
	mediaClient := guard.Client(30 * time.Second)
	c := &Channels{
		cfg: cfg, store: store, blobs: blobs, clock: clock, log: log, client: trusted, signer: signer,
		convs: conversation.New(store), lastSent: map[string]time.Time{}, failing: map[string]bool{},
		raw: map[string]channel.Adapter{
			parley.ChannelTwilioSMS: twilio.New(twilio.Options{BaseURL: cfg.TwilioAPIURL, HTTPClient: trusted, MediaClient: mediaClient, Clock: clock}),
			parley.ChannelWhatsApp:  whatsapp.New(whatsapp.Options{BaseURL: cfg.MetaGraphURL, HTTPClient: trusted, MediaClient: mediaClient, Clock: clock}),
			parley.ChannelMessenger: messenger.New(messenger.Options{BaseURL: cfg.MetaGraphURL, HTTPClient: trusted, MediaClient: mediaClient, Clock: clock}),
			parley.ChannelTelegram:  telegram.New(telegram.Options{BaseURL: cfg.TelegramAPIURL, HTTPClient: trusted, Clock: clock}),
		},
	}
	for _, a := range c.raw {
		c.senders = append(c.senders, &sender{Adapter: a, c: c})
	}
	c.webhooks = webhook.New(webhook.Options{
		Store: store, Inbound: inbound.New(store), Adapters: c.raw, Blobs: blobs, PublicURL: c.publicURL,
		MetaAppSecret: cfg.MetaAppSecret, MetaVerifyToken: cfg.MetaVerifyToken, Clock: clock, Logger: log,
	})
	c.Setup = &workspace.ChannelSetup{PublicURL: c.publicURL, Register: c.register, Verify: c.verifyOwner}
	return c, nil
}

// publicURL reads PARLEY_PUBLIC_URL at each use.
func (c *Channels) publicURL() string { return strings.TrimRight(c.cfg.PublicURL, "/") }

// Blobs is where message attachments are kept.
func (c *Channels) Blobs() blob.Store { return c.blobs }

// Adapters returns the adapters the delivery worker sends with, one per
// provider channel kind.
func (c *Channels) Adapters() []channel.Adapter { return c.senders }

// Register adds the provider webhook routes to mux (httpapi.Deps.Extra).
func (c *Channels) Register(mux *http.ServeMux) {
	c.webhooks.Register(mux)
	mux.HandleFunc("GET /media/{id}/{name}", c.serveMedia)
}

// UseOutbox gives automatic fallback resends the outbox that queues them
// (the delivery worker); without one they are not made.
func (c *Channels) UseOutbox(o conversation.Outbox) {
	c.mu.Lock()
	c.outbox = o
	c.mu.Unlock()
}

// register points a Telegram bot at its webhook; the other providers are
// set up by hand in their consoles with the URL Parley shows.
func (c *Channels) register(ctx context.Context, inbox *parley.Inbox, webhookURL string) error {
	if inbox.Channel != parley.ChannelTelegram {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, providerTimeout)
	defer cancel()
	err := c.raw[parley.ChannelTelegram].(*telegram.Adapter).RegisterWebhook(ctx, inbox, webhookURL)
	if err == nil || parley.ErrorCode(err) != parley.EINTERNAL {
		return err
	}
	return parley.Errorf(parley.EINVALID, "Telegram refused it (%s).", scrub(err.Error(), inbox.Secrets[telegram.KeyBotToken]))
}

// graphURL is the Graph API's base URL, with its version.
func (c *Channels) graphURL() string {
	return strings.TrimRight(orDefault(c.cfg.MetaGraphURL, whatsapp.DefaultBaseURL), "/")
}

// ownerCheck is how the Graph API proves that an inbox's own token owns
// the id app-wide webhooks route by: the target the token must read, the
// id the answer must carry, and the wording for people.
type ownerCheck struct {
	target, id, token string
	field, tokenField string
	what              string
}

// ownerCheckOf returns the check for WhatsApp (GET /{phone_number_id}
// with the access token: Graph answers 200 only for a number of a
// business account the token may manage, else error 100, "Unsupported get
// request"/"does not exist, cannot be loaded due to missing permissions")
// and Messenger (GET /me with the page access token: a page token reads
// as its page, so the id must be the page id; reading /{page_id} would
// not do, public pages are readable by other tokens). ok is false for
// other channels.
func (c *Channels) ownerCheckOf(inbox *parley.Inbox) (ownerCheck, bool) {
	get := func(k string) string {
		if v := inbox.Secrets[k]; v != "" {
			return v
		}
		return inbox.Config[k]
	}
	switch inbox.Channel {
	case parley.ChannelWhatsApp:
		id := get("phone_number_id")
		return ownerCheck{target: c.graphURL() + "/" + url.PathEscape(id) + "?fields=id,display_phone_number,verified_name",
			id: id, token: get("access_token"), field: "config.phone_number_id", tokenField: "config.access_token",
			what: "this WhatsApp phone number id"}, true
	case parley.ChannelMessenger:
		return ownerCheck{target: c.graphURL() + "/me?fields=id,name", id: get("page_id"), token: get("page_access_token"),
			field: "config.page_id", tokenField: "config.page_access_token", what: "this Facebook page"}, true
	}
	return ownerCheck{}, false
}

// verifyOwner is workspace.ChannelSetup's Verify: the inbox's own token
// must read its phone number or page through the Graph API before the id
// is bound to it.
func (c *Channels) verifyOwner(ctx context.Context, inbox *parley.Inbox) error {
	chk, ok := c.ownerCheckOf(inbox)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, providerTimeout)
	defer cancel()
	status, why, err := c.readOwned(ctx, chk)
	switch {
	case err != nil:
		c.log.WarnContext(ctx, "graph ownership check", "channel", inbox.Channel, "err", scrub(err.Error(), chk.token))
		return parley.FieldErrorf(chk.field, "Meta's Graph API could not be reached to confirm that the token may use %s. Try again.", chk.what)
	case status == http.StatusUnauthorized || why == "token":
		return parley.FieldErrorf(chk.tokenField, "Meta refused this access token. Check that it is valid and not expired.")
	case why != "":
		return parley.FieldErrorf(chk.field, "This access token cannot use %s. Check the id and the token in Meta's Business Manager.", chk.what)
	}
	return nil
}

// readOwned makes the ownership call. why is "" when the token reads the
// id, "token" when Graph refused the token itself (code 190), else
// "other".
func (c *Channels) readOwned(ctx context.Context, chk ownerCheck) (status int, why string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, chk.target, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+chk.token)
	resp, err := c.client.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return 0, "", err
	}
	defer resp.Body.Close()
	var body struct {
		ID    string `json:"id"`
		Error *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, 64<<10))
	if derr := dec.Decode(&body); derr != nil && resp.StatusCode/100 == 2 {
		return resp.StatusCode, "other", nil
	}
	switch {
	case resp.StatusCode/100 == 5:
		return resp.StatusCode, "", fmt.Errorf("graph answered %d", resp.StatusCode)
	case body.Error != nil && body.Error.Code == 190:
		return resp.StatusCode, "token", nil
	case resp.StatusCode/100 != 2 || body.ID == "" || body.ID != chk.id:
		return resp.StatusCode, "other", nil
	}
	return resp.StatusCode, "", nil
}

// scrub removes a secret from a text meant for people or logs.
func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "…")
}

// sender wraps an adapter for the delivery worker: it adds Twilio's status
// callback and records the outcome of each send in channel health.
type sender struct {
	channel.Adapter
	c *Channels
}

// Send sends out through inbox.
func (s *sender) Send(ctx context.Context, inbox *parley.Inbox, out channel.Outbound) (channel.SendResult, error) {
	if inbox.Channel == parley.ChannelTwilioSMS && out.StatusCallbackURL == "" {
		out.StatusCallbackURL = s.c.statusCallback(inbox)
	}
	res, err := s.Adapter.Send(ctx, inbox, out)
	s.c.afterSend(ctx, inbox, err)
	return res, err
}

func (c *Channels) statusCallback(inbox *parley.Inbox) string {
	return c.publicURL() + "/webhooks/twilio/" + inbox.ID + "/status"
}

// Compose completes what the provider is sent for m (delivery.Config's
// Compose, in the transaction that starts the attempt): the template a
// template message is sent as, the window's tag (Messenger's HUMAN_AGENT),
// the files, Twilio's status callback. A message the provider would refuse
// (outside its window, files over its limits, no address) fails at once
// with an EINVALID error that says why.
func (c *Channels) Compose(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation, inbox *parley.Inbox, out *channel.Outbound) error {
	if _, ok := c.raw[inbox.Channel]; !ok {
		return nil
	}
	if out.To == "" {
		return parley.Errorf(parley.EINVALID, "The customer has no address on this inbox.")
	}
	if inbox.Channel == parley.ChannelTwilioSMS {
		out.StatusCallbackURL = c.statusCallback(inbox)
	}
	if m.ContentType == "template" {
		t, err := tx.FindMessageTemplate(ctx, m.ID)
		if err != nil && !parley.IsNotFound(err) {
			return err
		}
		if t != nil {
			out.Template, out.Content = &channel.Template{Name: t.Name, Language: t.Language, Parameters: t.Parameters}, ""
		}
	}
	if out.Template == nil && (inbox.Channel == parley.ChannelWhatsApp || inbox.Channel == parley.ChannelMessenger) {
		last, err := tx.LastInboundAt(ctx, conv.ContactID, inbox.ID)
		if err != nil {
			return err
		}
		tag, err := conversation.ReplyTag(inbox.Channel, last, tx.Now(), m.Sender.Kind)
		if err != nil {
			return err
		}
		out.Tag = tag
	}
	needsURL := media.PolicyFor(inbox.Channel).NeedsURL
	for _, a := range m.Attachments {
		if needsURL { // the provider fetches the file from a signed link
			out.Attachments = append(out.Attachments, channel.Attachment{FileName: a.FileName, ContentType: a.ContentType, URL: c.mediaURL(a)})
			continue
		}
		key := a.Key
		if key == "" {
			key = a.ID
		}
		data, err := c.blobs.Get(ctx, key)
		if parley.IsNotFound(err) {
			return parley.Errorf(parley.EINVALID, "The file %s is no longer stored.", a.FileName)
		} else if err != nil {
			return err
		}
		out.Attachments = append(out.Attachments, channel.Attachment{FileName: a.FileName, ContentType: a.ContentType, Data: data})
	}
	if err := media.CheckOutbound(inbox.Channel, out.Attachments); err != nil {
		return parley.Errorf(parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	return nil
}

// OnFailed resends a message that failed for good through its inbox's
// fallback inbox, if it names one (delivery.Config's OnFailed, after the
// failure is committed).
func (c *Channels) OnFailed(ctx context.Context, m *parley.Message) {
	c.mu.Lock()
	outbox := c.outbox
	c.mu.Unlock()
	if outbox == nil {
		return
	}
	r, err := c.convs.Fallback(ctx, m, outbox)
	switch {
	case err != nil:
		c.log.WarnContext(ctx, "fallback resend", "message_id", m.ID, "inbox_id", m.InboxID, "err", err)
	case r != nil:
		c.log.InfoContext(ctx, "fallback resend", "message_id", m.ID, "resend_id", r.Message.ID, "inbox_id", r.Message.InboxID)
		if w, ok := outbox.(interface{ Wake() }); ok {
			w.Wake()
		}
	}
}

// successNoteInterval is how often, at most, one node records an inbox's
// last successful send while it is healthy.
const successNoteInterval = time.Second

// afterSend records the outcome of a send in channel health; a run of
// failures may alert the admins.
func (c *Channels) afterSend(ctx context.Context, inbox *parley.Inbox, sendErr error) {
	if sendErr != nil && ctx.Err() != nil {
		return // interrupted: the worker retries, nothing is known
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr == nil {
		c.noteSent(wctx, inbox)
		return
	}
	c.mu.Lock()
	c.failing[inbox.ID] = true
	c.mu.Unlock()
	why := "The provider could not be reached."
	if se, ok := errors.AsType[*channel.SendError](sendErr); ok {
		why = se.Message
		if se.Code != "" {
			why = fmt.Sprintf("%s (code %s)", se.Message, se.Code)
		}
	}
	err := c.store.Write(wctx, func(tx *sqlstore.Tx) error {
		h, err := tx.RecordChannelFailure(wctx, inbox.WorkspaceID, inbox.ID, why)
		if err != nil {
			return err
		}
		if h.AlertedAt != nil || (h.ConsecutiveFailures < alertFailures && (h.FailingSince == nil || tx.Now().Sub(*h.FailingSince) < alertDuration)) {
			return nil
		}
		return alertAdmins(wctx, tx, inbox, h)
	})
	if err != nil {
		c.log.WarnContext(ctx, "record channel failure", "inbox_id", inbox.ID, "err", err)
	}
}

// noteSent records a successful send, at most once per interval per inbox
// while no failure was seen.
func (c *Channels) noteSent(ctx context.Context, inbox *parley.Inbox) {
	now := c.clock.Now()
	c.mu.Lock()
	last, seen := c.lastSent[inbox.ID]
	if seen && !c.failing[inbox.ID] && now.Sub(last) < successNoteInterval {
		c.mu.Unlock()
		return
	}
	c.lastSent[inbox.ID] = now
	delete(c.failing, inbox.ID)
	c.mu.Unlock()
	err := c.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.RecordChannelSent(ctx, inbox.WorkspaceID, inbox.ID)
	})
	if err != nil {
		c.log.WarnContext(ctx, "record channel sent", "inbox_id", inbox.ID, "err", err)
	}
}

// alertAdmins tells the workspace's admins (a channel_failing
// notification each, through notify's decision table) and marks the
// failure run as alerted.
func alertAdmins(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, h *sqlstore.ChannelHealth) error {
	err := new(notify.Service).Emit(ctx, tx, notify.Source{ // Emit needs only tx
		Kind: notify.SourceChannelFailing, WorkspaceID: inbox.WorkspaceID, InboxID: inbox.ID,
		Actor: parley.NotificationActor{Kind: parley.SenderSystem, Name: inbox.Name},
		Text:  fmt.Sprintf("%s is failing to send: %d failures in a row. Last error: %s", inbox.Name, h.ConsecutiveFailures, h.LastError),
	})
	if err != nil {
		return err
	}
	return tx.MarkChannelAlerted(ctx, inbox.ID)
}

// Health implements httpapi.ChannelOps.
func (c *Channels) Health(ctx context.Context, a parley.Actor, inboxID string) (*sqlstore.ChannelHealth, error) {
	if _, err := c.store.FindInboxByID(ctx, a.WorkspaceID, inboxID); err != nil {
		return nil, err
	}
	h, err := c.store.FindChannelHealth(ctx, inboxID)
	if parley.IsNotFound(err) {
		return &sqlstore.ChannelHealth{InboxID: inboxID}, nil
	}
	return h, err
}

// Test implements httpapi.ChannelOps: a cheap authenticated GET (Twilio's
// account, WhatsApp's phone number, Messenger's page, Telegram's getMe).
func (c *Channels) Test(ctx context.Context, a parley.Actor, inboxID string) (*httpapi.ChannelTest, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin of this workspace can do this.")
	}
	inbox, err := c.store.FindInboxByID(ctx, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, err
	}
	get := func(k string) string {
		if v := inbox.Secrets[k]; v != "" {
			return v
		}
		return inbox.Config[k]
	}
	if chk, ok := c.ownerCheckOf(inbox); ok {
		return c.testOwner(ctx, inbox, chk), nil
	}
	var target, secret string
	var auth func(*http.Request)
	switch inbox.Channel {
	case parley.ChannelTwilioSMS:
		sid, token := get("account_sid"), get("auth_token")
		target, secret = strings.TrimRight(orDefault(c.cfg.TwilioAPIURL, twilio.DefaultBaseURL), "/")+"/2010-04-01/Accounts/"+url.PathEscape(sid)+".json", token
		auth = func(r *http.Request) { r.SetBasicAuth(sid, token) }
	case parley.ChannelTelegram:
		token := get("bot_token")
		target, secret = strings.TrimRight(orDefault(c.cfg.TelegramAPIURL, telegram.DefaultBaseURL), "/")+"/bot"+token+"/getMe", token
		auth = func(*http.Request) {}
	default:
		return nil, parley.Errorf(parley.EINVALID, "This inbox has no provider to test.")
	}
	return c.probe(ctx, target, secret, auth), nil
}

// testOwner is the test of a WhatsApp or Messenger inbox: the ownership
// check its id was bound with, made again (a token revoked or moved to
// another business fails it).
func (c *Channels) testOwner(ctx context.Context, inbox *parley.Inbox, chk ownerCheck) *httpapi.ChannelTest {
	ctx, cancel := context.WithTimeout(ctx, providerTimeout)
	defer cancel()
	start := c.clock.Now()
	t := &httpapi.ChannelTest{CheckedAt: start}
	status, why, err := c.readOwned(ctx, chk)
	t.LatencyMS, t.Status = c.clock.Now().Sub(start).Milliseconds(), status
	switch {
	case err != nil:
		t.Error = "The provider could not be reached: " + scrub(err.Error(), chk.token)
	case status == http.StatusUnauthorized || why == "token":
		t.Error = "The provider refused the credentials."
	case why != "":
		t.Error = "The access token cannot use " + chk.what + "."
	default:
		t.OK = true
	}
	return t
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// probe makes the test call; its error text never holds the URL (which
// may hold a token) nor the secret.
func (c *Channels) probe(ctx context.Context, target, secret string, auth func(*http.Request)) *httpapi.ChannelTest {
	ctx, cancel := context.WithTimeout(ctx, providerTimeout)
	defer cancel()
	start := c.clock.Now()
	t := &httpapi.ChannelTest{CheckedAt: start}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		t.Error = "The provider URL is invalid."
		return t
	}
	auth(req)
	resp, err := c.client.Do(req)
	t.LatencyMS = c.clock.Now().Sub(start).Milliseconds()
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		t.Error = "The provider could not be reached: " + scrub(err.Error(), secret)
		return t
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	t.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		t.OK = true
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		t.Error = "The provider refused the credentials."
	default:
		t.Error = fmt.Sprintf("The provider answered %d: %s", resp.StatusCode, scrub(strings.TrimSpace(string(body)), secret))
	}
	return t
}

// Templates implements httpapi.ChannelOps.
func (c *Channels) Templates(ctx context.Context, a parley.Actor, inboxID string, refresh bool) (*httpapi.TemplateList, error) {
	inbox, err := c.store.FindInboxByID(ctx, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, err
	}
	if inbox.Channel != parley.ChannelWhatsApp {
		return nil, parley.Errorf(parley.EINVALID, "Message templates belong to WhatsApp inboxes.")
	}
	if !refresh {
		list, at, err := c.store.ListChannelTemplates(ctx, inbox.ID)
		if err == nil {
			return &httpapi.TemplateList{Items: nonNil(list), FetchedAt: at}, nil
		}
		if !parley.IsNotFound(err) {
			return nil, err
		}
	}
	fctx, cancel := context.WithTimeout(ctx, providerTimeout)
	defer cancel()
	tpls, err := c.raw[parley.ChannelWhatsApp].(*whatsapp.Adapter).ListTemplates(fctx, inbox)
	if err != nil {
		if se, ok := errors.AsType[*channel.SendError](err); ok {
			return nil, parley.Errorf(parley.EINVALID, "WhatsApp refused to list the templates: %s", se.Message)
		}
		if parley.ErrorCode(err) != parley.EINTERNAL {
			return nil, err
		}
		c.log.WarnContext(ctx, "list whatsapp templates", "inbox_id", inbox.ID, "err", err)
		return nil, parley.Errorf(parley.EINVALID, "WhatsApp could not be reached to list the templates.")
	}
	list := make([]sqlstore.ChannelTemplate, 0, len(tpls))
	for _, t := range tpls {
		list = append(list, sqlstore.ChannelTemplate{Name: t.Name, Language: t.Language, Status: t.Status, Category: t.Category, Body: t.Body, Variables: t.BodyParams})
	}
	raw, _ := json.Marshal(list)
	err = c.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.SaveChannelTemplates(ctx, inbox.WorkspaceID, inbox.ID, raw)
	})
	if err != nil {
		return nil, err
	}
	return &httpapi.TemplateList{Items: list, FetchedAt: c.store.Now()}, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
