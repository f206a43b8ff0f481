package workspace

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/webchat"
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

// ChannelKeys returns the settings an inbox of the channel kind takes and
// which of them are secret (write-only), for forms; nil for kinds without
// provider settings.
func ChannelKeys(kind string) (keys []string, secret map[string]bool) {
	spec, ok := channel.Lookup(kind)
	if !ok {
		return nil, nil
	}
	secret = map[string]bool{}
	for _, st := range spec.Settings {
		if st.Secret {
			secret[st.Key] = true
		}
	}
	return spec.SettingKeys(), secret
}

// WebhookPath returns the path of an inbox's webhook ("" for channels
// without one).
func WebhookPath(inbox *parley.Inbox) string { return channel.WebhookPath(inbox) }

// isSecret reports whether a setting of an inbox of kind is stored sealed
// and never returned: as its provider's spec declares, else as
// secretConfigKeys says.
func isSecret(kind, key string) bool {
	if spec, ok := channel.Lookup(kind); ok {
		st, ok := spec.Setting(key)
		return ok && st.Secret
	}
	return secretConfigKeys[key]
}

// checkChannelKeys refuses settings the inbox's channel does not take and
// normalises those it does, before they are applied.
func checkChannelKeys(kind string, cfg map[string]string) error {
	spec, ok := channel.Lookup(kind)
	if !ok {
		return nil
	}
	for k, v := range cfg {
		st, ok := spec.Setting(k)
		if !ok {
			return parley.FieldErrorf("config."+clip(k), "Unknown setting for this channel: it takes %s.", strings.Join(spec.SettingKeys(), ", "))
		}
		nv, err := st.Check(v)
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
	spec, ok := channel.Lookup(inbox.Channel)
	if !ok {
		return nil
	}
	for _, st := range spec.Settings {
		if st.Generated && setting(inbox, st.Key) == "" {
			if st.Secret {
				inbox.Secrets[st.Key] = auth.NewToken("")
			} else {
				inbox.Config[st.Key] = auth.NewToken("")
			}
		}
	}
	for _, st := range spec.Settings {
		if st.Required && setting(inbox, st.Key) == "" {
			return parley.FieldErrorf("config."+st.Key, "The %s is required.", strings.ReplaceAll(st.Key, "_", " "))
		}
	}
	if spec.RouteKey != "" {
		inbox.RouteKey = setting(inbox, spec.RouteKey)
	}
	if err := checkOfflineEmailInbox(ctx, tx, inbox); err != nil {
		return err
	}
	s.showWebhookURL(inbox)
	return nil
}

// checkOfflineEmailInbox checks that the email inbox a web-chat inbox
// copies replies through is an email inbox of the same workspace.
func checkOfflineEmailInbox(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox) error {
	id := inbox.Config[webchat.KeyOfflineEmailInbox]
	if inbox.Channel != parley.ChannelWebchat || id == "" {
		return nil
	}
	const field = "config." + webchat.KeyOfflineEmailInbox
	target, err := tx.FindInboxByID(ctx, inbox.WorkspaceID, id)
	if parley.IsNotFound(err) {
		return parley.FieldErrorf(field, "That inbox does not exist.")
	} else if err != nil {
		return err
	}
	if target.Channel != parley.ChannelEmail {
		return parley.FieldErrorf(field, "Replies to visitors who left go through an email inbox; %s is not one.", target.Name)
	}
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
func setting(inbox *parley.Inbox, key string) string { return channel.InboxSetting(inbox, key) }

// ownership is the pair of settings the provider confirmed belong together
// (the routed id and the token that may read it).
type ownership struct{ id, token string }

func ownershipOf(spec *channel.Spec, inbox *parley.Inbox) ownership {
	return ownership{setting(inbox, spec.RouteKey), setting(inbox, spec.RouteOwner)}
}

// proveOwnership asks the provider, before anything is written, whether
// the token the inbox will have may read the id it will route by. before
// is the inbox as stored (nil on create); the proof is skipped when
// neither the id nor the token changes. It returns the pair it proved
// (zero when none was needed).
func (s *Service) proveOwnership(ctx context.Context, kind string, before *parley.Inbox, cfg map[string]string) (ownership, error) {
	spec, ok := channel.Lookup(kind)
	if !ok || spec.RouteKey == "" || s.Channels == nil || s.Channels.Verify == nil {
		return ownership{}, nil
	}
	norm := make(map[string]string, len(cfg))
	for k, v := range cfg {
		norm[k] = v
	}
	if err := checkChannelKeys(kind, norm); err != nil {
		return ownership{}, err
	}
	cand := &parley.Inbox{Channel: kind, Config: map[string]string{}, Secrets: map[string]string{}}
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
		if isSecret(kind, k) {
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
func (s *Service) checkOwnership(inbox *parley.Inbox, proved, stored ownership) error {
	spec, ok := channel.Lookup(inbox.Channel)
	if !ok || spec.RouteKey == "" || spec.RouteOwner == "" || s.Channels == nil || s.Channels.Verify == nil {
		return nil // nothing proves ownership (an email address): nothing to check
	}
	got := ownershipOf(spec, inbox)
	if got == proved || (proved == (ownership{}) && got == stored) {
		return nil
	}
	return parley.Errorf(parley.ECONFLICT, "The inbox was changed while it was being saved. Try again.")
}

// routeTaken words the store's ErrRouteKeyTaken for people, without saying
// which workspace holds the id.
func routeTaken(err error, kind string) error {
	spec, ok := channel.Lookup(kind)
	if err != sqlstore.ErrRouteKeyTaken || !ok {
		return err
	}
	return &parley.Error{Code: parley.ECONFLICT, Field: "config." + spec.RouteKey,
		Message: fmt.Sprintf("This %s is already connected to a Parley inbox. Remove it there first, or contact support.", spec.RouteWhat)}
}
