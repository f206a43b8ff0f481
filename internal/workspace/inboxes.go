package workspace

import (
	"context"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// InboxInput creates or changes an inbox.
type InboxInput struct {
	Name            *string
	Channel         string
	Config          map[string]string
	TeamID          *string
	FallbackInboxID *string
}

// secretConfigKeys are the config keys stored encrypted and never returned.
var secretConfigKeys = map[string]bool{
	"auth_token": true, "access_token": true, "app_secret": true, "page_access_token": true,
	"bot_token": true, "secret_token": true, "password": true, "api_key": true,
}

// Supported reports whether inboxes of a channel kind can be created:
// the API channel's, and every registered provider's (channel.Register).
func Supported(kind string) bool { return kind == parley.ChannelAPI || channel.Registered(kind) }

// CreateInbox creates an inbox (admins). An API inbox gets an inbound token
// and a callback secret.
func (s *Service) CreateInbox(ctx context.Context, a parley.Actor, in InboxInput) (*parley.Inbox, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if !Supported(in.Channel) {
		return nil, parley.FieldErrorf("channel", "Unknown channel %q.", clip(in.Channel))
	}
	if in.Name == nil {
		return nil, parley.FieldErrorf("name", "The name is required.")
	}
	inbox := &parley.Inbox{WorkspaceID: a.WorkspaceID, Channel: in.Channel, Config: map[string]string{}, Secrets: map[string]string{}}
	if in.Channel == parley.ChannelAPI {
		inbox.InboundToken = auth.NewToken("pin_")
		inbox.CallbackSecret = auth.NewToken("whsec_")
	}
	proved, err := s.proveOwnership(ctx, in.Channel, nil, in.Config)
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := s.applyInbox(ctx, tx, inbox, in); err != nil {
			return err
		}
		if err := s.checkOwnership(inbox, proved, ownership{}); err != nil {
			return err
		}
		if err := tx.CreateInbox(ctx, inbox); err != nil {
			return routeTaken(err, inbox.Channel)
		}
		if err := s.inboxCreated(ctx, tx, inbox); err != nil {
			return err
		}
		return inboxChanged(ctx, tx, a, inbox, "inbox.create")
	})
	if err == nil {
		err = s.registerWebhook(ctx, a, inbox, true)
	}
	return inbox, err
}

func (s *Service) applyInbox(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, in InboxInput) error {
	if in.Name != nil {
		name, err := ValidName("name", *in.Name)
		if err != nil {
			return err
		}
		inbox.Name = name
	}
	if err := checkChannelKeys(inbox.Channel, in.Config); err != nil {
		return err
	}
	for k, v := range in.Config {
		if k == "" || len(k) > 64 || len(v) > 4096 {
			return parley.FieldErrorf("config", "Config keys have 1 to 64 characters and values at most 4096.")
		}
		if inbox.Channel == parley.ChannelAPI && k != "callback_url" {
			return parley.FieldErrorf("config."+clip(k), "Unknown setting for an API inbox: the only one is callback_url.")
		}
		if k == "callback_url" && v != "" && s.CheckURL != nil {
			if err := s.CheckURL(v); err != nil {
				return parley.FieldErrorf("config.callback_url", "The callback URL is not allowed. %s", parley.ErrorMessage(err))
			}
		}
		if isSecret(inbox.Channel, k) {
			inbox.Secrets[k] = v
		} else if v == "" {
			delete(inbox.Config, k)
		} else {
			inbox.Config[k] = strings.TrimSpace(v)
		}
	}
	if in.TeamID != nil {
		inbox.TeamID = *in.TeamID
		if inbox.TeamID != "" {
			if _, err := tx.FindTeamByID(ctx, inbox.WorkspaceID, inbox.TeamID); err != nil {
				if parley.IsNotFound(err) {
					return parley.FieldErrorf("team_id", "That team does not exist.")
				}
				return err
			}
		}
	}
	if in.FallbackInboxID != nil {
		inbox.FallbackInboxID = *in.FallbackInboxID
		if inbox.FallbackInboxID != "" {
			if inbox.FallbackInboxID == inbox.ID {
				return parley.FieldErrorf("fallback_inbox_id", "An inbox cannot fall back to itself.")
			}
			if _, err := tx.FindInboxByID(ctx, inbox.WorkspaceID, inbox.FallbackInboxID); err != nil {
				if parley.IsNotFound(err) {
					return parley.FieldErrorf("fallback_inbox_id", "That inbox does not exist.")
				}
				return err
			}
		}
	}
	return s.completeChannel(ctx, tx, inbox)
}

func inboxChanged(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, inbox *parley.Inbox, action string) error {
	public := Redact(*inbox, false)
	if err := tx.AppendEvent("inbox.updated", a.WorkspaceID, "", public, nil, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, a.WorkspaceID, a.UserID, action, "inbox", inbox.ID, map[string]any{"name": inbox.Name, "channel": inbox.Channel})
}

// Redact hides what a viewer may not see: secrets always, the inbound token
// and callback secret unless the viewer administers the workspace.
func Redact(in parley.Inbox, admin bool) parley.Inbox {
	in.SecretsSet = []string{}
	for k, v := range in.Secrets {
		if v != "" {
			in.SecretsSet = append(in.SecretsSet, k)
		}
	}
	slices.Sort(in.SecretsSet)
	in.Secrets = nil
	if !admin {
		in.InboundToken, in.CallbackSecret = "", ""
	}
	return in
}

// UpdateInbox changes an inbox (admins).
func (s *Service) UpdateInbox(ctx context.Context, a parley.Actor, inboxID string, in InboxInput) (*parley.Inbox, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	before, err := s.store.FindInboxByID(ctx, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, err
	}
	proved, err := s.proveOwnership(ctx, before.Channel, before, in.Config)
	if err != nil {
		return nil, err
	}
	var inbox *parley.Inbox
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if inbox, err = tx.FindInboxByID(ctx, a.WorkspaceID, inboxID); err != nil {
			return err
		}
		var stored ownership
		if spec, ok := channel.Lookup(inbox.Channel); ok {
			stored = ownershipOf(spec, inbox)
		}
		if err := s.applyInbox(ctx, tx, inbox, in); err != nil {
			return err
		}
		if err := s.checkOwnership(inbox, proved, stored); err != nil {
			return err
		}
		if err := tx.UpdateInbox(ctx, inbox); err != nil {
			return routeTaken(err, inbox.Channel)
		}
		return inboxChanged(ctx, tx, a, inbox, "inbox.update")
	})
	if err == nil {
		err = s.registerWebhook(ctx, a, inbox, false)
	}
	return inbox, err
}

// DeleteInbox deletes an inbox (admins); its conversations remain.
func (s *Service) DeleteInbox(ctx context.Context, a parley.Actor, inboxID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		inbox, err := tx.FindInboxByID(ctx, a.WorkspaceID, inboxID)
		if err != nil {
			return err
		}
		if err := tx.DeleteInbox(ctx, a.WorkspaceID, inboxID); err != nil {
			return err
		}
		return inboxChanged(ctx, tx, a, inbox, "inbox.delete")
	})
}

// Inboxes lists the workspace's inboxes, redacted for the actor.
func (s *Service) Inboxes(ctx context.Context, a parley.Actor) ([]parley.Inbox, error) {
	list, err := s.store.ListInboxes(ctx, a.WorkspaceID)
	for i := range list {
		list[i] = Redact(list[i], a.IsAdmin())
	}
	return list, err
}

// Inbox returns one inbox, redacted for the actor.
func (s *Service) Inbox(ctx context.Context, a parley.Actor, inboxID string) (*parley.Inbox, error) {
	in, err := s.store.FindInboxByID(ctx, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, err
	}
	r := Redact(*in, a.IsAdmin())
	return &r, nil
}
