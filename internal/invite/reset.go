package invite

import (
	"context"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

// ResetLink is a one-time password-reset link, shown once for the admin to
// pass on.
type ResetLink struct {
	Link      string    `json:"link" doc:"The one-time link to give the person: <public URL>/reset-password?token=…. It is not stored and cannot be shown again."`
	ExpiresAt time.Time `json:"expires_at" doc:"When the link stops working (an hour after it was made)."`
	Emailed
}

// ResetRequested answers a "Forgot password?" request, the same whether or
// not the address has an account.
type ResetRequested struct {
	EmailConfigured bool   `json:"email_configured" doc:"Whether this server can email a reset link. When false nothing was sent."`
	Message         string `json:"message" doc:"What the person should do next."`
}

// The answers to "Forgot password?": whether any workspace here can send
// email, never whether the address has an account.
var (
	noRelay   = ResetRequested{EmailConfigured: false, Message: "This server cannot send email, so no link was sent: ask an admin of your workspace for a password-reset link."}
	withRelay = ResetRequested{EmailConfigured: true, Message: "If an account uses this address and its workspace can send email, a reset link is on its way; it works once, for an hour. Nothing after a few minutes? Check your spam folder, or ask an admin of your workspace for a link."}
)

// otherWorkspaces refuses an admin's reset of an account that another
// workspace shares: it would let one workspace's admin take over the
// account another workspace trusts.
var otherWorkspaces = parley.Errorf(parley.ECONFLICT, "This person belongs to other workspaces; they can reset their own password from the sign-in page.")

// onlyMemberOf reports whether workspaceID is the user's one workspace.
func onlyMemberOf(ctx context.Context, tx *sqlstore.Tx, userID, workspaceID string) (bool, error) {
	ws, err := tx.ListWorkspacesOfUser(ctx, userID)
	if err != nil {
		return false, err
	}
	return len(ws) == 1 && ws[0].ID == workspaceID, nil
}

// IssueReset makes a password-reset link for a member (admins), valid for
// ResetTTL. Only for a person whose one workspace is the admin's (else
// ECONFLICT); the user's earlier reset links stop working.
func (s *Service) IssueReset(ctx context.Context, a parley.Actor, userID string) (*ResetLink, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	token := auth.NewToken("prs_")
	var r *sqlstore.PasswordReset
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindMember(ctx, a.WorkspaceID, userID); err != nil {
			return err
		}
		if only, err := onlyMemberOf(ctx, tx, userID, a.WorkspaceID); err != nil {
			return err
		} else if !only {
			return otherWorkspaces
		}
		var err error
		r, err = tx.CreatePasswordReset(ctx, userID, a.WorkspaceID, sqlstore.HashToken(token), tx.Now().Add(ResetTTL))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &ResetLink{Link: s.link("/reset-password", token), ExpiresAt: r.ExpiresAt}
	if m, err := s.store.FindMember(ctx, a.WorkspaceID, userID); err == nil {
		out.Emailed = s.mail(ctx, a.WorkspaceID, m.Name, m.Email, resetSubject, resetBody(m.Email, out.Link))
	}
	return out, nil
}

// OperatorReset makes a password-reset link for the account with that
// email, for the operator (parley user reset-link): the way back in for
// someone whose workspaces' admins may not issue one. ENOTFOUND when no
// account has the address.
func (s *Service) OperatorReset(ctx context.Context, email string) (*ResetLink, error) {
	email, err := workspace.ValidEmail("email", email)
	if err != nil {
		return nil, err
	}
	token := auth.NewToken("prs_")
	var r *sqlstore.PasswordReset
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		u, _, err := tx.FindUserByEmail(ctx, email)
		if parley.IsNotFound(err) {
			return &parley.Error{Code: parley.ENOTFOUND, Field: "email", Message: "No account has this email address."}
		}
		if err != nil {
			return err
		}
		r, err = tx.CreatePasswordReset(ctx, u.ID, "", sqlstore.HashToken(token), tx.Now().Add(ResetTTL))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ResetLink{Link: s.link("/reset-password", token), ExpiresAt: r.ExpiresAt}, nil
}

// RequestReset answers "Forgot password?". When a workspace of the
// account can send email, a link is made and emailed after the answer (in
// the background); otherwise nothing is stored or sent, and the answer
// says what to do. The answer and its timing never depend on whether the
// address has an account.
func (s *Service) RequestReset(ctx context.Context, email string) (*ResetRequested, error) {
	email, err := workspace.ValidEmail("email", email)
	if err != nil {
		return nil, err
	}
	relay, err := s.anyRelay(ctx)
	if err != nil {
		return nil, err
	}
	if !relay {
		r := noRelay
		return &r, nil
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		if err := s.mailSelfReset(context.WithoutCancel(ctx), email); err != nil {
			s.log().Warn("email a password-reset link", "err", err)
		}
	}()
	r := withRelay
	return &r, nil
}

func invalidReset(err error) error {
	if parley.IsNotFound(err) {
		return &parley.Error{Code: parley.ENOTFOUND, Field: "token", Message: "This reset link is invalid, expired or already used: ask for a new one."}
	}
	return err
}

// ConfirmReset uses a reset link once: it sets the password and signs the
// user out everywhere (every session and personal API token). A link an
// admin issued works only while that admin's workspace is still the user's
// one workspace.
func (s *Service) ConfirmReset(ctx context.Context, token, password string) error {
	h, err := tokenHash(token)
	if err != nil {
		return err
	}
	if err := workspace.ValidPassword("password", password); err != nil {
		return err
	}
	if _, err := s.store.FindPasswordResetByTokenHash(ctx, h, s.clock.Now()); err != nil {
		return invalidReset(err)
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		r, err := tx.ConsumePasswordReset(ctx, h)
		if err != nil {
			return invalidReset(err)
		}
		if r.WorkspaceID != "" {
			if only, err := onlyMemberOf(ctx, tx, r.UserID, r.WorkspaceID); err != nil {
				return err
			} else if !only {
				return otherWorkspaces
			}
		}
		if err := tx.SetPassword(ctx, r.UserID, hash); err != nil {
			return err
		}
		_, err = tx.RevokeUserCredentials(ctx, r.UserID, "")
		return err
	})
}
