// Package workspace holds the administration use cases of a workspace:
// members, teams, inboxes, contacts, tags and labels, with their access
// rules (admins administer; every member reads the directory).
package workspace

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Service runs the workspace use cases.
type Service struct {
	store  *sqlstore.Store
	hasher *auth.Hasher
	// CheckURL validates user-supplied URLs (callback URLs); nil accepts
	// any http(s) URL.
	CheckURL func(raw string) error
	// Channels sets up provider inboxes (webhook URLs, registration);
	// nil shows no webhook URL and registers nothing.
	Channels *ChannelSetup

	// importSlice overrides how long one claim of an import job writes
	// (tests); afterImportBatch, when set, is called after each committed
	// import batch (tests crash a worker there).
	importSlice      time.Duration
	afterImportBatch func(*sqlstore.ContactImport)
}

// Options are a Service's optional parts.
type Options struct {
	CheckURL func(raw string) error
	Channels *ChannelSetup
}

// New returns a Service, with the optional parts of o when given.
func New(store *sqlstore.Store, hasher *auth.Hasher, o ...Options) *Service {
	s := &Service{store: store, hasher: hasher}
	for _, o := range o {
		s.CheckURL, s.Channels = o.CheckURL, o.Channels
	}
	return s
}

func requireAdmin(a parley.Actor) error {
	if !access.CanAdminister(a) {
		return parley.Errorf(parley.EFORBIDDEN, "Only an admin of this workspace can do this.")
	}
	return nil
}

// ValidAvatarURL checks an avatar link, which browsers load as an image
// for everyone who sees the person: empty (no avatar), an https URL with a
// host and no credentials, or a file Parley serves itself (a path under
// /media/). javascript:, data:, http: and other schemes are refused.
func ValidAvatarURL(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > 2048 {
		return "", parley.FieldErrorf(field, "The avatar URL is longer than 2048 characters.")
	}
	if strings.HasPrefix(s, "/media/") && !strings.HasPrefix(s, "//") && !strings.ContainsAny(s, "\\\x00") {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", parley.FieldErrorf(field, "The avatar must be an https:// URL or an image uploaded to Parley.")
	}
	return u.String(), nil
}

// ValidName checks a display name.
func ValidName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 200 || !utf8.ValidString(s) {
		return "", parley.FieldErrorf(field, "The %s must have 1 to 200 characters.", strings.ReplaceAll(field, "_", " "))
	}
	return s, nil
}

// ValidEmail checks an email address.
func ValidEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || len(s) > 254 {
		return "", parley.FieldErrorf(field, "%q is not a valid email address.", clip(s))
	}
	return strings.ToLower(s), nil
}

// ValidPassword checks a new password.
func ValidPassword(field, s string) error {
	if utf8.RuneCountInString(s) < 8 || len(s) > 256 {
		return parley.FieldErrorf(field, "The password must have at least 8 characters.")
	}
	return nil
}

// Get returns the workspace, its lifecycle settings filled with the
// defaults when never set.
func (s *Service) Get(ctx context.Context, a parley.Actor) (*parley.Workspace, error) {
	w, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	w.Settings.Lifecycle = effectiveLifecycle(w.Settings)
	return w, nil
}

// UpdateSettings changes the workspace's name and settings (admins).
func (s *Service) UpdateSettings(ctx context.Context, a parley.Actor, name *string, settings *parley.WorkspaceSettings) (*parley.Workspace, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var w *parley.Workspace
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if w, err = tx.FindWorkspaceByID(ctx, a.WorkspaceID); err != nil {
			return err
		}
		if name != nil {
			if w.Name, err = ValidName("name", *name); err != nil {
				return err
			}
		}
		if settings != nil {
			if settings.JoinMode != parley.JoinContact && settings.JoinMode != parley.JoinContactInbox {
				return parley.FieldErrorf("settings.join_mode", "Use contact or contact_inbox.")
			}
			switch settings.AgentScope {
			case parley.ScopeAll, parley.ScopeTeams, parley.ScopeAssigned:
			default:
				return parley.FieldErrorf("settings.agent_scope", "Use all, teams or assigned.")
			}
			if settings.Lifecycle == nil { // a client that does not know the lifecycle keeps it
				settings.Lifecycle = w.Settings.Lifecycle
			} else if err := validLifecycle(settings.Lifecycle); err != nil {
				return err
			}
			w.Settings = *settings
		}
		if err := tx.UpdateWorkspace(ctx, w); err != nil {
			return err
		}
		if err := tx.AppendEvent("workspace.updated", w.ID, "", w, nil, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, w.ID, a.UserID, "workspace.update", "workspace", w.ID, w.Settings)
	})
	return w, err
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
