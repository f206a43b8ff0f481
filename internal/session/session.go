// Package session signs people in and out: password logins with
// rate limits kept in the database (so every node enforces the same ones),
// sessions and personal API tokens stored as hashes, the first-run set-up,
// and password changes that revoke the other sessions.
package session

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

// Limits on failed logins within Window.
const (
	Window             = 15 * time.Minute
	MaxAccountFailures = 10
	MaxIPFailures      = 50
	SessionTTL         = 30 * 24 * time.Hour
	setupTokenKey      = "setup_token"
)

// Service runs sign-in use cases.
type Service struct {
	store  *sqlstore.Store
	hasher *auth.Hasher
	clock  parley.Clock
}

// New returns a Service.
func New(store *sqlstore.Store, hasher *auth.Hasher, clock parley.Clock) *Service {
	return &Service{store: store, hasher: hasher, clock: clock}
}

// Login is a signed-in session: the bearer token and who it is.
type Login struct {
	Token     string       `json:"token"`
	User      *parley.User `json:"user"`
	SessionID string       `json:"-"`
	ExpiresAt time.Time    `json:"-"`
}

// Login checks an email and password and opens a session.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*Login, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	since := s.clock.Now().Add(-Window)
	for _, lim := range []struct {
		key string
		max int
	}{{"account:" + email, MaxAccountFailures}, {"ip:" + ip, MaxIPFailures}} {
		n, err := s.store.LoginFailures(ctx, lim.key, since)
		if err != nil {
			return nil, err
		}
		if n >= lim.max {
			return nil, parley.Errorf(parley.ERATELIMIT, "Too many failed sign-in attempts. Try again in a few minutes.")
		}
	}
	u, hash, err := s.store.FindUserByEmail(ctx, email)
	if err != nil && !parley.IsNotFound(err) {
		return nil, err
	}
	ok := false
	if u == nil {
		s.hasher.DummyVerify(ctx, password)
	} else if ok, err = s.hasher.Verify(ctx, password, hash); err != nil {
		return nil, err
	}
	if !ok {
		err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
			if err := tx.RecordLoginFailure(ctx, "account:"+email, since); err != nil {
				return err
			}
			return tx.RecordLoginFailure(ctx, "ip:"+ip, since)
		})
		if err != nil {
			return nil, err
		}
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "The email or password is wrong.")
	}
	return s.open(ctx, u, func(tx *sqlstore.Tx) error { return tx.ClearLoginFailures(ctx, "account:"+email) })
}

func (s *Service) open(ctx context.Context, u *parley.User, also func(tx *sqlstore.Tx) error) (*Login, error) {
	token := auth.NewToken("pst_")
	exp := s.clock.Now().Add(SessionTTL)
	var sess *sqlstore.Session
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		var err error
		sess, err = tx.CreateSession(ctx, u.ID, sqlstore.SessionLogin, "", sqlstore.HashToken(token), &exp)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Login{Token: token, User: u, SessionID: sess.ID, ExpiresAt: exp}, nil
}

// Authenticated is what a bearer token resolves to.
type Authenticated struct {
	User    *parley.User
	Session *sqlstore.Session
}

// Authenticate resolves a session or API token; unknown, expired and
// revoked tokens are EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, token string) (*Authenticated, error) {
	if token == "" || len(token) > 200 {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "Sign in first.")
	}
	sess, err := s.store.FindSessionByTokenHash(ctx, sqlstore.HashToken(token), s.clock.Now())
	if parley.IsNotFound(err) {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "The session or token is invalid, expired or revoked.")
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByID(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	if sess.LastUsedAt == nil || s.clock.Now().Sub(*sess.LastUsedAt) > time.Minute {
		_ = s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.TouchSession(ctx, sess.ID) })
	}
	return &Authenticated{User: u, Session: sess}, nil
}

// Actor returns the user as a member of a workspace; a non-member gets
// ENOTFOUND (the workspace is not theirs to know about).
func (s *Service) Actor(ctx context.Context, u *parley.User, workspaceID string) (parley.Actor, error) {
	m, err := s.store.FindMember(ctx, workspaceID, u.ID)
	if parley.IsNotFound(err) {
		return parley.Actor{}, parley.Errorf(parley.ENOTFOUND, "Workspace not found.")
	}
	if err != nil {
		return parley.Actor{}, err
	}
	return parley.Actor{UserID: u.ID, Name: u.Name, WorkspaceID: workspaceID, Role: m.Role, TeamIDs: m.TeamIDs}, nil
}

// Logout revokes a session.
func (s *Service) Logout(ctx context.Context, userID, sessionID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteSession(ctx, userID, sessionID) })
}

// ChangePassword checks the current password, sets the new one and revokes
// the user's other browser sessions.
func (s *Service) ChangePassword(ctx context.Context, userID, keepSessionID, current, next string) error {
	if err := workspace.ValidPassword("new_password", next); err != nil {
		return err
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	_, hash, err := s.store.FindUserByEmail(ctx, u.Email)
	if err != nil {
		return err
	}
	if ok, err := s.hasher.Verify(ctx, current, hash); err != nil {
		return err
	} else if !ok {
		return &parley.Error{Code: parley.EINVALID, Field: "current_password", Message: "The current password is wrong."}
	}
	newHash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetPassword(ctx, userID, newHash); err != nil {
			return err
		}
		return tx.DeleteOtherLoginSessions(ctx, userID, keepSessionID)
	})
}

// APIToken is a newly created personal API token; Token is shown once.
type APIToken struct {
	sqlstore.Session
	Token string `json:"token"`
}

// CreateAPIToken makes a personal API token.
func (s *Service) CreateAPIToken(ctx context.Context, userID, name string) (*APIToken, error) {
	name, err := workspace.ValidName("name", name)
	if err != nil {
		return nil, err
	}
	token := auth.NewToken("pat_")
	var sess *sqlstore.Session
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		sess, err = tx.CreateSession(ctx, userID, sqlstore.SessionAPI, name, sqlstore.HashToken(token), nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &APIToken{Session: *sess, Token: token}, nil
}

// APITokens lists a user's API tokens (without their secrets).
func (s *Service) APITokens(ctx context.Context, userID string) ([]sqlstore.Session, error) {
	return s.store.ListAPITokens(ctx, userID)
}

// RevokeAPIToken deletes one of the user's API tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteSession(ctx, userID, tokenID) })
}

// SetupNeeded reports whether no user exists yet.
func (s *Service) SetupNeeded(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	return n == 0, err
}

// EnsureSetupToken returns the first-run token, creating it once; "" when
// set-up is done.
func (s *Service) EnsureSetupToken(ctx context.Context) (string, error) {
	needed, err := s.SetupNeeded(ctx)
	if err != nil || !needed {
		return "", err
	}
	var token string
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		token, err = tx.SetSystemSettingIfAbsent(ctx, setupTokenKey, auth.NewToken("pset_"))
		return err
	})
	return token, err
}

// Setup is the first-run form.
type Setup struct {
	Token, WorkspaceName, Name, Email, Password string
}

// CompleteSetup creates the first workspace and admin with the one-time
// token; a second attempt (even a concurrent one) is ECONFLICT.
func (s *Service) CompleteSetup(ctx context.Context, in Setup) (*Login, error) {
	wsName, err := workspace.ValidName("workspace_name", in.WorkspaceName)
	if err != nil {
		return nil, err
	}
	name, err := workspace.ValidName("name", in.Name)
	if err != nil {
		return nil, err
	}
	email, err := workspace.ValidEmail("email", in.Email)
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
	var u *parley.User
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		want, err := tx.GetSystemSetting(ctx, setupTokenKey)
		if err != nil {
			return err
		}
		if want == "" {
			return parley.Errorf(parley.ECONFLICT, "Set-up is already complete: sign in instead.")
		}
		if !auth.Equal(want, in.Token) {
			return &parley.Error{Code: parley.EUNAUTHORIZED, Field: "token", Message: "The set-up link is not valid: use the one printed by parley serve."}
		}
		if gone, err := tx.DeleteSystemSetting(ctx, setupTokenKey); err != nil {
			return err
		} else if !gone {
			return parley.Errorf(parley.ECONFLICT, "Set-up is already complete: sign in instead.")
		}
		u, err = CreateUserInWorkspace(ctx, tx, email, name, hash, wsName, parley.RoleAdmin)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.open(ctx, u, nil)
}

// CreateUserInWorkspace creates a user and adds them to the named
// workspace, creating it when it does not exist. The CLI and the first-run
// set-up share it.
func CreateUserInWorkspace(ctx context.Context, tx *sqlstore.Tx, email, name, hash, workspaceName string, role parley.Role) (*parley.User, error) {
	ws, err := tx.FindWorkspaceByName(ctx, workspaceName)
	if parley.IsNotFound(err) {
		ws, err = tx.CreateWorkspace(ctx, workspaceName, parley.DefaultWorkspaceSettings())
	}
	if err != nil {
		return nil, err
	}
	u, err := tx.CreateUser(ctx, email, name, hash)
	if err != nil {
		return nil, err
	}
	if err := tx.AddMember(ctx, ws.ID, u.ID, role); err != nil {
		return nil, err
	}
	if err := tx.Audit(ctx, ws.ID, "", "member.add", "user", u.ID, map[string]string{"role": string(role)}); err != nil {
		return nil, err
	}
	return u, nil
}
