package invite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Mailer sends the links by email through a workspace's relay (notify's
// SMTP setting).
type Mailer interface {
	// HasRelay reports whether the workspace can send email.
	HasRelay(ctx context.Context, workspaceID string) (bool, error)
	// SendMail sends a plain-text message to one person; an error
	// wrapping notify.ErrNoRelay when the workspace has no relay.
	SendMail(ctx context.Context, workspaceID, toName, toEmail, subject, body string) error
}

// mailTimeout bounds one email (a slow relay must not hold a request).
const mailTimeout = 30 * time.Second

// Emailed says whether a link also went out by email. The link is shown
// to the admin either way.
type Emailed struct {
	Emailed    bool   `json:"emailed" doc:"Whether the link was emailed to the person through the workspace's email server."`
	EmailError string `json:"email_error,omitempty" doc:"Why it was not emailed (no email server set, or the server's refusal); pass the link on yourself."`
}

func (s *Service) mail(ctx context.Context, workspaceID, toName, toEmail, subject, body string) Emailed {
	if s.mailer == nil {
		return Emailed{EmailError: "This server cannot send email."}
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	err := s.mailer.SendMail(ctx, workspaceID, toName, toEmail, subject, body)
	switch {
	case err == nil:
		return Emailed{Emailed: true}
	case errors.Is(err, notify.ErrNoRelay):
		return Emailed{EmailError: "No email server is set for this workspace (Settings → Workspace → Email), so nothing was sent."}
	}
	// The relay's own words help the admin fix it; the link is not in them.
	s.log().WarnContext(ctx, "email a link", "workspace_id", workspaceID, "err", err)
	return Emailed{EmailError: "The email server refused it: " + err.Error()}
}

func (s *Service) log() *slog.Logger {
	if s.logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.logger
}

func (s *Service) mailInvite(ctx context.Context, a parley.Actor, l *InvitationLink) {
	wsName := "a workspace"
	if w, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID); err == nil {
		wsName = w.Name
	}
	who := a.Name
	if who == "" {
		who = "An admin"
	}
	role := "an agent"
	if l.Role == parley.RoleAdmin {
		role = "an admin"
	}
	body := fmt.Sprintf("Hello,\n\n%s invited you to join %s on Parley as %s.\n\nAccept the invitation and choose your password:\n%s\n\n"+
		"The link works once, until %s. If you did not expect this invitation, ignore this email.\n",
		who, wsName, role, l.Link, l.ExpiresAt.UTC().Format("Monday 2 January 2006, 15:04 MST"))
	l.Emailed = s.mail(ctx, a.WorkspaceID, "", l.Email, fmt.Sprintf("%s invited you to %s", who, wsName), body)
}

func resetBody(email, link string) string {
	return fmt.Sprintf("Hello,\n\nSomeone (hopefully you) asked to reset the Parley password of %s.\n\nChoose a new password:\n%s\n\n"+
		"The link works once, for an hour. If you did not ask for it, ignore this email: your password stays as it is.\n", email, link)
}

const resetSubject = "Reset your Parley password"

// relayWorkspace returns the first of the user's workspaces that can send
// email ("" when none can).
func (s *Service) relayWorkspace(ctx context.Context, userID string) (string, error) {
	wss, err := s.store.ListWorkspacesOfUser(ctx, userID)
	if err != nil {
		return "", err
	}
	for _, w := range wss {
		if ok, err := s.mailer.HasRelay(ctx, w.ID); err != nil {
			return "", err
		} else if ok {
			return w.ID, nil
		}
	}
	return "", nil
}

// anyRelay reports whether any workspace on this server can send email.
func (s *Service) anyRelay(ctx context.Context) (bool, error) {
	if s.mailer == nil {
		return false, nil
	}
	wss, err := s.store.WorkspaceSettingsAll(ctx)
	if err != nil {
		return false, err
	}
	for _, w := range wss {
		if ok, err := s.mailer.HasRelay(ctx, w.ID); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// mailSelfReset makes and emails a reset link for the account with that
// address, when it exists and one of its workspaces can send email. It runs
// after "Forgot password?" has answered, so that neither the answer nor
// its timing says whether the account exists.
func (s *Service) mailSelfReset(ctx context.Context, email string) error {
	u, _, err := s.store.FindUserByEmail(ctx, email)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	wsID, err := s.relayWorkspace(ctx, u.ID)
	if err != nil || wsID == "" {
		return err
	}
	token := auth.NewToken("prs_")
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		// A self-service reset (workspace ""): the holder of the mailbox
		// proves the account is theirs.
		_, err := tx.CreatePasswordReset(ctx, u.ID, "", sqlstore.HashToken(token), tx.Now().Add(ResetTTL))
		return err
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	if err := s.mailer.SendMail(ctx, wsID, u.Name, u.Email, resetSubject, resetBody(u.Email, s.link("/reset-password", token))); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// Wait waits for the reset emails still being sent (at shutdown, and in
// tests).
func (s *Service) Wait() { s.bg.Wait() }
