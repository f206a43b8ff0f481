// Package invite hands out one-time links: invitations to join a workspace
// and password resets.
//
// The rule they keep: an account (a global user) belongs to its holder, not
// to any workspace. An admin invites an email address and learns nothing
// about whether an account exists for it; the holder of the link sets their
// own password when no account exists, and must sign in to the account when
// one does. No admin ever sets or changes the password of an account that
// belongs to another workspace too.
//
// Links carry a random 256-bit token of which only the SHA-256 is stored;
// they work once and expire (invitations after InviteTTL, resets after
// ResetTTL). Links are shown to the admin to pass on, and emailed too when
// the workspace has an email relay (Mailer); "Forgot password?" emails a
// link when one of the account's workspaces has one.
//
// The service takes the concrete store (as workspace and session do); the
// rules live here, not in sqlstore.
package invite

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

// Lifetimes of the links.
const (
	InviteTTL = 7 * 24 * time.Hour
	ResetTTL  = time.Hour
)

// Service runs the invitation and password-reset use cases.
type Service struct {
	store  *sqlstore.Store
	hasher *auth.Hasher
	clock  parley.Clock
	// publicURL is the base of the links (read when a link is made: the
	// address may be known only once the server listens).
	publicURL func() string
	mailer    Mailer
	logger    *slog.Logger
	bg        sync.WaitGroup
}

// Options are a Service's optional parts.
type Options struct {
	// Mailer emails links; nil sends nothing (the admin passes them on).
	Mailer Mailer
	Log    *slog.Logger
}

// New returns a Service whose links start with publicURL(), with the
// optional parts of o when given (the last one wins).
func New(store *sqlstore.Store, hasher *auth.Hasher, clock parley.Clock, publicURL func() string, o ...Options) *Service {
	s := &Service{store: store, hasher: hasher, clock: clock, publicURL: publicURL}
	for _, o := range o {
		s.mailer, s.logger = o.Mailer, o.Log
	}
	return s
}

// Invitation is a pending invitation as a workspace's admins see it (the
// link itself is shown only when it is made).
type Invitation struct {
	ID        string      `json:"id" doc:"The invitation's id."`
	Email     string      `json:"email" doc:"The address invited."`
	Role      parley.Role `json:"role" enum:"admin,agent" doc:"The role the person gets on accepting."`
	ExpiresAt time.Time   `json:"expires_at" doc:"When the link stops working (renew it with resend)."`
	CreatedAt time.Time   `json:"created_at" doc:"When the invitation (or its last renewal) was made."`
}

// InvitationLink is a new or renewed invitation with its one-time link,
// shown once for the admin to pass on.
type InvitationLink struct {
	ID        string      `json:"id" doc:"The invitation's id."`
	Email     string      `json:"email" doc:"The address invited."`
	Role      parley.Role `json:"role" enum:"admin,agent" doc:"The role the person gets on accepting."`
	ExpiresAt time.Time   `json:"expires_at" doc:"When the link stops working."`
	Link      string      `json:"link" doc:"The one-time link to give the person: <public URL>/invite?token=…. It is not stored and cannot be shown again."`
	Emailed
}

// InvitationDetails is what the holder of an invitation link may know
// before accepting it.
type InvitationDetails struct {
	Email         string      `json:"email" doc:"The address invited."`
	WorkspaceName string      `json:"workspace_name" doc:"The workspace the link joins."`
	Role          parley.Role `json:"role" enum:"admin,agent" doc:"The role the person gets."`
	AccountExists bool        `json:"account_exists" doc:"Whether an account with this email exists: then the person signs in to it before accepting, and chooses no name or password."`
}

// AcceptedInvitation is an accepted invitation: the account now a member of the
// workspace. Token (and the session cookie) are set when the account was
// created by accepting; an existing account stays signed in as it was.
type AcceptedInvitation struct {
	Token       string       `json:"token,omitempty" doc:"A new session's bearer token (only when the account was just created; the session cookie is set too)."`
	User        *parley.User `json:"user" doc:"The account that joined."`
	WorkspaceID string       `json:"workspace_id" doc:"The workspace joined."`
	ExpiresAt   time.Time    `json:"-"`
}

// Acceptance is the accept form. Name and Password are used only when no
// account exists for the invited email.
type Acceptance struct {
	Token, Name, Password string
}

func requireAdmin(a parley.Actor) error {
	if !access.CanAdminister(a) {
		return parley.Errorf(parley.EFORBIDDEN, "Only an admin of this workspace can do this.")
	}
	return nil
}

func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.publicURL(), "/") + path + "?token=" + token
}

func (s *Service) withLink(inv *sqlstore.Invite, token string) *InvitationLink {
	return &InvitationLink{ID: inv.ID, Email: inv.Email, Role: inv.Role, ExpiresAt: inv.ExpiresAt, Link: s.link("/invite", token)}
}

// Create invites email to the actor's workspace (admins). A pending
// invitation of the same address is replaced: new role, new link, new
// expiry, and its old link stops working. A current member is ECONFLICT.
// The answer is the same whether or not an account exists for the address.
func (s *Service) Create(ctx context.Context, a parley.Actor, email string, role parley.Role) (*InvitationLink, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	email, err := workspace.ValidEmail("email", email)
	if err != nil {
		return nil, err
	}
	if role == "" {
		role = parley.RoleAgent
	}
	if !role.Valid() {
		return nil, parley.FieldErrorf("role", "Use admin or agent.")
	}
	token := auth.NewToken("piv_")
	var inv *sqlstore.Invite
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		u, _, err := tx.FindUserByEmail(ctx, email)
		if err == nil {
			if _, err = tx.FindMember(ctx, a.WorkspaceID, u.ID); err == nil {
				return &parley.Error{Code: parley.ECONFLICT, Field: "email", Message: "This person is already a member of this workspace."}
			}
		}
		if err != nil && !parley.IsNotFound(err) {
			return err
		}
		inv, err = tx.PutInvite(ctx, a.WorkspaceID, email, role, sqlstore.HashToken(token), a.UserID, tx.Now().Add(InviteTTL))
		return err
	})
	if err != nil {
		return nil, err
	}
	l := s.withLink(inv, token)
	s.mailInvite(ctx, a, l)
	return l, nil
}

// List returns the workspace's pending invitations, expired ones included
// (admins).
func (s *Service) List(ctx context.Context, a parley.Actor) ([]Invitation, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	list, err := s.store.ListInvites(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]Invitation, 0, len(list))
	for _, inv := range list {
		out = append(out, Invitation{ID: inv.ID, Email: inv.Email, Role: inv.Role, ExpiresAt: inv.ExpiresAt, CreatedAt: inv.CreatedAt})
	}
	return out, nil
}

// Revoke deletes a pending invitation: its link stops working (admins).
func (s *Service) Revoke(ctx context.Context, a parley.Actor, inviteID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteInvite(ctx, a.WorkspaceID, inviteID) })
}

// Resend gives a pending invitation a new link and a new expiry; the old
// link stops working (admins).
func (s *Service) Resend(ctx context.Context, a parley.Actor, inviteID string) (*InvitationLink, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	token := auth.NewToken("piv_")
	var inv *sqlstore.Invite
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		inv, err = tx.RenewInvite(ctx, a.WorkspaceID, inviteID, sqlstore.HashToken(token), tx.Now().Add(InviteTTL))
		return err
	})
	if err != nil {
		return nil, err
	}
	l := s.withLink(inv, token)
	s.mailInvite(ctx, a, l)
	return l, nil
}

// tokenHash checks a token's form and returns its stored hash.
func tokenHash(token string) (string, error) {
	if token == "" || len(token) > 200 {
		return "", parley.FieldErrorf("token", "The link's token is missing or malformed.")
	}
	return sqlstore.HashToken(token), nil
}

func invalidInvite(err error) error {
	if parley.IsNotFound(err) {
		return &parley.Error{Code: parley.ENOTFOUND, Field: "token", Message: "This invitation link is invalid, expired, revoked or already used: ask the admin for a new one."}
	}
	return err
}

// Lookup tells the holder of an invitation link what it is for (no sign-in
// needed), so the accept page shows the right form.
func (s *Service) Lookup(ctx context.Context, token string) (*InvitationDetails, error) {
	h, err := tokenHash(token)
	if err != nil {
		return nil, err
	}
	inv, err := s.store.FindInviteByTokenHash(ctx, h, s.clock.Now())
	if err != nil {
		return nil, invalidInvite(err)
	}
	_, _, err = s.store.FindUserByEmail(ctx, inv.Email)
	if err != nil && !parley.IsNotFound(err) {
		return nil, err
	}
	return &InvitationDetails{Email: inv.Email, WorkspaceName: inv.WorkspaceName, Role: inv.Role, AccountExists: err == nil}, nil
}

// Accept uses an invitation link once. When no account exists for the
// invited email, it creates one with the name and password given, adds it
// to the workspace and opens a session. When one exists, the caller must be
// signed in as it (EUNAUTHORIZED when signed out, ECONFLICT as someone
// else): the account is only added to the workspace, and its name and
// password are left alone.
func (s *Service) Accept(ctx context.Context, in Acceptance, caller *parley.User) (*AcceptedInvitation, error) {
	h, err := tokenHash(in.Token)
	if err != nil {
		return nil, err
	}
	inv, err := s.store.FindInviteByTokenHash(ctx, h, s.clock.Now())
	if err != nil {
		return nil, invalidInvite(err)
	}
	existing, _, err := s.store.FindUserByEmail(ctx, inv.Email)
	switch {
	case err == nil:
		return s.join(ctx, h, existing, caller)
	case !parley.IsNotFound(err):
		return nil, err
	}
	name, err := workspace.ValidName("name", in.Name)
	if err != nil {
		return nil, err
	}
	if err := workspace.ValidPassword("password", in.Password); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	token := auth.NewToken("pst_")
	out := &AcceptedInvitation{Token: token}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		inv, err := tx.ConsumeInvite(ctx, h)
		if err != nil {
			return invalidInvite(err)
		}
		u, err := tx.CreateUser(ctx, inv.Email, name, hash)
		if parley.ErrorCode(err) == parley.ECONFLICT {
			// Created meanwhile (another invitation accepted at once).
			return signInFirst(inv.Email)
		}
		if err != nil {
			return err
		}
		if err := addMember(ctx, tx, inv, u.ID); err != nil {
			return err
		}
		out.ExpiresAt = tx.Now().Add(session.SessionTTL)
		if _, err := tx.CreateSession(ctx, u.ID, sqlstore.SessionLogin, "", sqlstore.HashToken(token), &out.ExpiresAt); err != nil {
			return err
		}
		out.User, out.WorkspaceID = u, inv.WorkspaceID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func signInFirst(email string) error {
	return parley.Errorf(parley.EUNAUTHORIZED, "An account for %s already exists: sign in to it first, then open the invitation link again.", email)
}

// join adds an existing account to the invitation's workspace, when the
// caller is that account.
func (s *Service) join(ctx context.Context, h string, u, caller *parley.User) (*AcceptedInvitation, error) {
	if caller == nil {
		return nil, signInFirst(u.Email)
	}
	if caller.ID != u.ID {
		return nil, parley.Errorf(parley.ECONFLICT, "This invitation is for %s: sign out, sign in as %s, then open the link again.", u.Email, u.Email)
	}
	out := &AcceptedInvitation{User: caller}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		inv, err := tx.ConsumeInvite(ctx, h)
		if err != nil {
			return invalidInvite(err)
		}
		if inv.Email != caller.Email {
			return parley.Errorf(parley.ECONFLICT, "This invitation is for %s: sign out, sign in as %s, then open the link again.", inv.Email, inv.Email)
		}
		out.WorkspaceID = inv.WorkspaceID
		return addMember(ctx, tx, inv, caller.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addMember makes the user a member with the invitation's role, tells the
// workspace's clients and audits it as member.add (by the user who
// accepted).
func addMember(ctx context.Context, tx *sqlstore.Tx, inv *sqlstore.Invite, userID string) error {
	if err := tx.AddMember(ctx, inv.WorkspaceID, userID, inv.Role); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return parley.Errorf(parley.ECONFLICT, "You are already a member of this workspace.")
		}
		return err
	}
	m, err := tx.FindMember(ctx, inv.WorkspaceID, userID)
	if err != nil {
		return err
	}
	if err := tx.AppendEvent("member.updated", inv.WorkspaceID, "", m, nil, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, inv.WorkspaceID, userID, "member.add", "user", userID, map[string]string{"role": string(inv.Role), "invite_id": inv.ID})
}
