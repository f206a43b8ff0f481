package workspace

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/phone"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// ChannelSetup is what inboxes of provider channels need from outside
// this package: the public URL their webhooks live under and the
// registration of a webhook with a provider that needs one (Telegram's
// setWebhook). The app builds it.
type ChannelSetup struct {
	// PublicURL returns PARLEY_PUBLIC_URL, without a trailing slash. It is
	// read at each use: tests learn their port after start.
	PublicURL func() string
	// Register tells the provider where the inbox's webhook is, after the
	// inbox was created or changed; nil, or a no-op for providers
	// configured by hand. Its errors are shown to the admin.
	Register func(ctx context.Context, inbox *parley.Inbox, webhookURL string) error
	// Verify proves with the provider that the inbox's own token owns the
	// id the app-wide webhooks route by (the Graph API reads the WhatsApp
	// phone number or the page with it), before the id is bound to the
	// inbox; nil skips the proof. inbox holds the settings about to be
	// saved. An EINVALID error names the field and says why.
	Verify func(ctx context.Context, inbox *parley.Inbox) error
}

// ConfigWebhookURL is the config key under which an inbox shows the URL
// its provider must call. Parley sets it; admins cannot.
const ConfigWebhookURL = "webhook_url"

// channelSpec is one provider channel's settings.
type channelSpec struct {
	// path is the webhook path before the inbox id.
	path string
	// keys are the settings an admin may set, with their check; a check
	// returns the value to store or a readable error.
	keys map[string]func(v string) (string, error)
	// required must be set (in Config or Secrets) once the inbox is saved.
	required []string
	// generated are filled with a random token when left empty.
	generated []string
	// unique is the key no two live inboxes of the channel may share: the
	// app-wide webhooks route by it (the inbox's RouteKey, unique in the
	// database). It is bound only once the provider confirmed that the
	// token in owner may read it.
	unique string
	owner  string
	// what names the unique id for people.
	what string
}

var (
	digits       = regexp.MustCompile(`^[0-9]{1,32}$`)
	twilioSID    = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	twilioToken  = regexp.MustCompile(`^[A-Za-z0-9]{16,64}$`)
	twilioMG     = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	botToken     = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	webhookToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

func matching(re *regexp.Regexp, what string) func(string) (string, error) {
	return func(v string) (string, error) {
		v = strings.TrimSpace(v)
		if v != "" && !re.MatchString(v) {
			return "", fmt.Errorf("it is not %s", what)
		}
		return v, nil
	}
}

func anyText(v string) (string, error) { return strings.TrimSpace(v), nil }

// twilioFrom accepts an E.164 number (written in any international form),
// a "whatsapp:" number, or a Messaging Service SID.
func twilioFrom(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "", twilioMG.MatchString(v):
		return v, nil
	case strings.HasPrefix(v, "whatsapp:"):
		e164, err := phone.Normalize(v)
		if err != nil {
			return "", fmt.Errorf("it is not a phone number in international form")
		}
		return "whatsapp:" + e164, nil
	}
	e164, err := phone.Normalize(v)
	if err != nil {
		return "", fmt.Errorf("it is neither a phone number in international form nor a Messaging Service SID (MG…)")
	}
	return e164, nil
}

// channelSpecs are the provider channels' settings. Secret keys are those
// of secretConfigKeys: stored sealed, never returned.
var channelSpecs = map[string]channelSpec{
	parley.ChannelTwilioSMS: {
		path: "/webhooks/twilio/",
		keys: map[string]func(string) (string, error){
			"account_sid": matching(twilioSID, "a Twilio account SID (AC followed by 32 hex digits)"),
			// Twilio auth tokens are letters and digits; twilio-go refuses
			// anything else at send time, so refuse it here.
			"auth_token":   matching(twilioToken, "a Twilio auth token (letters and digits)"),
			"phone_number": twilioFrom,
		},
		required: []string{"account_sid", "auth_token", "phone_number"},
	},
	parley.ChannelWhatsApp: {
		path: "/webhooks/whatsapp/",
		keys: map[string]func(string) (string, error){
			"phone_number_id": matching(digits, "a WhatsApp phone number id (digits)"),
			"waba_id":         matching(digits, "a WhatsApp Business Account id (digits)"),
			"access_token":    anyText, "app_secret": anyText,
			"verify_token": matching(webhookToken, "a token of letters, digits, - and _"),
		},
		required:  []string{"phone_number_id", "access_token"},
		generated: []string{"verify_token"},
		unique:    "phone_number_id", owner: "access_token", what: "WhatsApp number",
	},
	parley.ChannelMessenger: {
		path: "/webhooks/messenger/",
		keys: map[string]func(string) (string, error){
			"page_id":           matching(digits, "a Facebook page id (digits)"),
			"page_access_token": anyText, "app_secret": anyText,
			"verify_token": matching(webhookToken, "a token of letters, digits, - and _"),
		},
		required:  []string{"page_id", "page_access_token"},
		generated: []string{"verify_token"},
		unique:    "page_id", owner: "page_access_token", what: "Facebook page",
	},
	parley.ChannelTelegram: {
		path: "/webhooks/telegram/",
		keys: map[string]func(string) (string, error){
			"bot_token":    matching(botToken, "a Telegram bot token (digits, a colon and the secret)"),
			"secret_token": matching(webhookToken, "a token of 1 to 256 letters, digits, - and _"),
		},
		required:  []string{"bot_token", "secret_token"},
		generated: []string{"secret_token"},
	},
}

func init() {
	for kind := range channelSpecs {
		SupportedChannels[kind] = true
	}
}

// ChannelKeys returns the settings an inbox of the channel kind takes and
// which of them are secret (write-only), for forms; nil for kinds without
// provider settings.
func ChannelKeys(kind string) (keys []string, secret map[string]bool) {
	spec, ok := channelSpecs[kind]
	if !ok {
		return nil, nil
	}
	secret = map[string]bool{}
	for k := range spec.keys {
		keys = append(keys, k)
		if secretConfigKeys[k] {
			secret[k] = true
		}
	}
	slices.Sort(keys)
	return keys, secret
}

// WebhookPath returns the path of an inbox's webhook ("" for channels
// without one).
func WebhookPath(inbox *parley.Inbox) string {
	spec, ok := channelSpecs[inbox.Channel]
	if !ok || inbox.ID == "" {
		return ""
	}
	return spec.path + inbox.ID
}

// checkChannelKeys refuses settings the inbox's channel does not take and
// normalises those it does, before they are applied.
func checkChannelKeys(channel string, cfg map[string]string) error {
	spec, ok := channelSpecs[channel]
	if !ok {
		return nil
	}
	for k, v := range cfg {
		check, ok := spec.keys[k]
		if !ok {
			keys, _ := ChannelKeys(channel)
			return parley.FieldErrorf("config."+clip(k), "Unknown setting for this channel: it takes %s.", strings.Join(keys, ", "))
		}
		nv, err := check(v)
		if err != nil {
			return parley.FieldErrorf("config."+k, "The %s is not valid: %s.", strings.ReplaceAll(k, "_", " "), err.Error())
		}
		cfg[k] = nv
	}
	return nil
}

// completeChannel runs after the settings were applied: it generates the
// tokens left empty, checks that the required settings are there and that
// no other inbox routes by the same id, and shows the webhook URL.
func (s *Service) completeChannel(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox) error {
	spec, ok := channelSpecs[inbox.Channel]
	if !ok {
		return nil
	}
	for _, k := range spec.generated {
		if setting(inbox, k) == "" {
			if secretConfigKeys[k] {
				inbox.Secrets[k] = auth.NewToken("")
			} else {
				inbox.Config[k] = auth.NewToken("")
			}
		}
	}
	for _, k := range spec.required {
		if setting(inbox, k) == "" {
			return parley.FieldErrorf("config."+k, "The %s is required.", strings.ReplaceAll(k, "_", " "))
		}
	}
	if spec.unique != "" {
		inbox.RouteKey = setting(inbox, spec.unique)
	}
	s.showWebhookURL(inbox)
	return nil
}

// showWebhookURL puts the inbox's webhook URL in its config, once it has
// an id.
func (s *Service) showWebhookURL(inbox *parley.Inbox) bool {
	p := WebhookPath(inbox)
	if p == "" || s.Channels == nil || s.Channels.PublicURL == nil {
		return false
	}
	u := strings.TrimRight(s.Channels.PublicURL(), "/") + p
	if inbox.Config[ConfigWebhookURL] == u {
		return false
	}
	inbox.Config[ConfigWebhookURL] = u
	return true
}

// inboxCreated stores the webhook URL of an inbox just created (its id
// is known only now).
func (s *Service) inboxCreated(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox) error {
	if !s.showWebhookURL(inbox) {
		return nil
	}
	return tx.UpdateInbox(ctx, inbox)
}

// registerWebhook tells the provider the inbox's webhook URL after its
// settings were committed. When a new inbox cannot be registered it is
// deleted again, so that the admin fixes the settings and creates it anew.
func (s *Service) registerWebhook(ctx context.Context, a parley.Actor, inbox *parley.Inbox, created bool) error {
	if s.Channels == nil || s.Channels.Register == nil || WebhookPath(inbox) == "" {
		return nil
	}
	err := s.Channels.Register(ctx, inbox, inbox.Config[ConfigWebhookURL])
	if err == nil {
		return nil
	}
	msg := parley.ErrorMessage(err)
	if parley.ErrorCode(err) == parley.EINTERNAL {
		msg = "the provider could not be reached"
	}
	if !created {
		return parley.Errorf(parley.EINVALID, "The inbox was saved, but its webhook could not be registered: %s", msg)
	}
	if derr := s.DeleteInbox(context.WithoutCancel(ctx), a, inbox.ID); derr != nil {
		return fmt.Errorf("register webhook: %w (and deleting the inbox again failed: %w)", err, derr)
	}
	return parley.Errorf(parley.EINVALID, "The webhook could not be registered with the provider, so the inbox was not created: %s", msg)
}

// setting reads an inbox setting from Secrets, then Config.
func setting(inbox *parley.Inbox, key string) string {
	if v := inbox.Secrets[key]; v != "" {
		return v
	}
	return inbox.Config[key]
}

// ownership is the pair of settings the provider confirmed belong together
// (the routed id and the token that may read it).
type ownership struct{ id, token string }

func ownershipOf(spec channelSpec, inbox *parley.Inbox) ownership {
	return ownership{setting(inbox, spec.unique), setting(inbox, spec.owner)}
}

// proveOwnership asks the provider, before anything is written, whether
// the token the inbox will have may read the id it will route by. before
// is the inbox as stored (nil on create); the proof is skipped when
// neither the id nor the token changes. It returns the pair it proved
// (zero when none was needed).
func (s *Service) proveOwnership(ctx context.Context, channel string, before *parley.Inbox, cfg map[string]string) (ownership, error) {
	spec, ok := channelSpecs[channel]
	if !ok || spec.unique == "" || s.Channels == nil || s.Channels.Verify == nil {
		return ownership{}, nil
	}
	norm := make(map[string]string, len(cfg))
	for k, v := range cfg {
		norm[k] = v
	}
	if err := checkChannelKeys(channel, norm); err != nil {
		return ownership{}, err
	}
	cand := &parley.Inbox{Channel: channel, Config: map[string]string{}, Secrets: map[string]string{}}
	if before != nil {
		cand.ID, cand.WorkspaceID = before.ID, before.WorkspaceID
		for k, v := range before.Config {
			cand.Config[k] = v
		}
		for k, v := range before.Secrets {
			cand.Secrets[k] = v
		}
	}
	for k, v := range norm {
		if secretConfigKeys[k] {
			cand.Secrets[k] = v
		} else {
			cand.Config[k] = v
		}
	}
	want := ownershipOf(spec, cand)
	if want.id == "" || want.token == "" {
		return ownership{}, nil // completeChannel says what is missing
	}
	if before != nil && ownershipOf(spec, before) == want && before.RouteKey == want.id {
		return ownership{}, nil
	}
	if err := s.Channels.Verify(ctx, cand); err != nil {
		return ownership{}, err
	}
	return want, nil
}

// checkOwnership runs in the transaction, once the settings are applied:
// the pair saved must be the one proved, or the one already stored.
func (s *Service) checkOwnership(spec channelSpec, inbox *parley.Inbox, proved, stored ownership) error {
	if spec.unique == "" || s.Channels == nil || s.Channels.Verify == nil {
		return nil
	}
	got := ownershipOf(spec, inbox)
	if got == proved || (proved == (ownership{}) && got == stored) {
		return nil
	}
	return parley.Errorf(parley.ECONFLICT, "The inbox was changed while it was being saved. Try again.")
}

// routeTaken words the store's ErrRouteKeyTaken for people, without saying
// which workspace holds the id.
func routeTaken(err error, channel string) error {
	if err != sqlstore.ErrRouteKeyTaken {
		return err
	}
	spec := channelSpecs[channel]
	return &parley.Error{Code: parley.ECONFLICT, Field: "config." + spec.unique,
		Message: fmt.Sprintf("This %s is already connected to a Parley inbox. Remove it there first, or contact support.", spec.what)}
}
