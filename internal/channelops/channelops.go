// Package channelops is the administration of provider inboxes that needs
// the provider: the connection test, message templates, webhook
// registration and the proof that an inbox's token owns the id app-wide
// webhooks route by. Each reads the adapter's optional capabilities
// (channel.Prober, TemplateLister, WebhookRegistrar, OwnerVerifier); none
// names a provider.
package channelops

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/health"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Service implements httpapi.ChannelOps and workspace.ChannelSetup's
// Register and Verify.
type Service struct {
	store    *sqlstore.Store
	adapters map[string]channel.Adapter
	log      *slog.Logger
}

// New returns a Service over the adapters, one per channel kind.
func New(store *sqlstore.Store, adapters map[string]channel.Adapter, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, adapters: adapters, log: log}
}

// label names an inbox's provider for people.
func label(kind string) string {
	if s, ok := channel.Lookup(kind); ok && s.Label != "" {
		return s.Label
	}
	return kind
}

// Health returns an inbox's channel health.
func (s *Service) Health(ctx context.Context, a parley.Actor, inboxID string) (*parley.ChannelHealth, error) {
	return health.Get(ctx, s.store, a, inboxID)
}

// Test makes a cheap authenticated call to the inbox's provider (admins).
func (s *Service) Test(ctx context.Context, a parley.Actor, inboxID string) (*channel.Probe, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin of this workspace can do this.")
	}
	inbox, err := s.store.FindInboxByID(ctx, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, err
	}
	p, ok := s.adapters[inbox.Channel].(channel.Prober)
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "This inbox has no provider to test.")
	}
	t := p.Probe(ctx, inbox)
	if t.OK {
		return t, nil
	}
	// The failure becomes the inbox's last error, so that health tells it.
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.RecordChannelTestFailure(ctx, inbox.WorkspaceID, inbox.ID, "Test connection failed: "+t.Error)
	})
	return t, err
}

// Templates returns an inbox's message templates from the cache, fetching
// them first when none are cached or refresh is set, and when they were
// fetched.
func (s *Service) Templates(ctx context.Context, a parley.Actor, inboxID string, refresh bool) ([]parley.ChannelTemplate, time.Time, error) {
	inbox, err := s.store.FindInboxByID(ctx, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, time.Time{}, err
	}
	lister, ok := s.adapters[inbox.Channel].(channel.TemplateLister)
	if !ok {
		return nil, time.Time{}, channel.ErrNoTemplates
	}
	if !refresh {
		list, at, err := s.store.ListChannelTemplates(ctx, inbox.ID)
		if err == nil {
			return nonNil(list), at, nil
		}
		if !parley.IsNotFound(err) {
			return nil, time.Time{}, err
		}
	}
	fctx, cancel := context.WithTimeout(ctx, channel.ProbeTimeout)
	defer cancel()
	list, err := lister.ChannelTemplates(fctx, inbox)
	if err != nil {
		if se, ok := errors.AsType[*channel.SendError](err); ok {
			return nil, time.Time{}, parley.Errorf(parley.EINVALID, "%s refused to list the templates: %s", label(inbox.Channel), se.Message)
		}
		if parley.ErrorCode(err) != parley.EINTERNAL {
			return nil, time.Time{}, err
		}
		s.log.WarnContext(ctx, "list templates", "channel", inbox.Channel, "inbox_id", inbox.ID, "err", err)
		return nil, time.Time{}, parley.Errorf(parley.EINVALID, "%s could not be reached to list the templates.", label(inbox.Channel))
	}
	list = nonNil(list)
	raw, _ := json.Marshal(list)
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.SaveChannelTemplates(ctx, inbox.WorkspaceID, inbox.ID, raw)
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return list, s.store.Now(), nil
}

// RegisterWebhook points the provider at the inbox's webhook, for
// providers that take it through their API (workspace.ChannelSetup's
// Register); the others are set up by hand with the URL Parley shows.
func (s *Service) RegisterWebhook(ctx context.Context, inbox *parley.Inbox, webhookURL string) error {
	r, ok := s.adapters[inbox.Channel].(channel.WebhookRegistrar)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, channel.ProbeTimeout)
	defer cancel()
	err := r.RegisterWebhook(ctx, inbox, webhookURL)
	if err == nil || parley.ErrorCode(err) != parley.EINTERNAL {
		return err
	}
	msg := err.Error()
	for _, v := range inbox.Secrets {
		msg = channel.Scrub(msg, v)
	}
	return parley.Errorf(parley.EINVALID, "The webhook could not be registered with %s (%s).", label(inbox.Channel), msg)
}

// VerifyOwner proves that the inbox's own token owns the id its app-wide
// webhooks route by (workspace.ChannelSetup's Verify).
func (s *Service) VerifyOwner(ctx context.Context, inbox *parley.Inbox) error {
	v, ok := s.adapters[inbox.Channel].(channel.OwnerVerifier)
	if !ok {
		return nil
	}
	return v.VerifyOwner(ctx, inbox)
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
