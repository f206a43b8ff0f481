// Package session signs people in and out: password logins with
// rate limits kept in the database (so every node enforces the same ones),
// sessions and personal API tokens stored as hashes, the first-run set-up,
// and password changes that revoke the other sessions and every API token.
package session

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/secret"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

// Sign-in limits. An attempt is counted in the database before its password
// is checked (one atomic statement, shared by every node), so parallel
// attempts cannot overtake a limit; an attempt whose password was right is
// given back. The limits slow an attacker without locking the owner out:
//
//   - per account and device (or, without a known device, account and
//     address): PairFreeFailures wrong passwords, then each further one
//     waits 2^(n-3) s after the n-th (1 s, 2 s, 4 s…), at most PairMaxDelay;
//     refused with 429 and Retry-After, without running argon2id;
//   - per account: at most MaxAccountFailures checked wrong passwords per
//     Window from devices that never signed in to it (a guesser spread
//     over many addresses gets 10 guesses per 15 minutes in all);
//   - per address: at most MaxIPFailures, likewise, so one address cannot
//     guess across many accounts; behind a reverse proxy set
//     PARLEY_TRUSTED_PROXIES, or every client shares the proxy's address.
//
// A device that signed in to the account before (its parley_device cookie,
// signed and bound to the user, or a live session cookie of that user)
// skips the account and address limits: the owner still gets in, within a
// second or two, while the account is under attack.
const (
	// Window is how long the account and address limits remember: a count
	// is forgotten Window after its last checked attempt, so no Window-long
	// span ever holds more checks than the limit.
	Window             = 15 * time.Minute
	MaxAccountFailures = 10
	MaxIPFailures      = 100
	// PairFreeFailures are the wrong passwords one device or address may
	// try without delay; PairBaseDelay follows the next, doubling up to
	// PairMaxDelay. PairForget clears a pair's count after a quiet day.
	PairFreeFailures = 2
	PairBaseDelay    = time.Second
	PairMaxDelay     = 15 * time.Minute
	PairForget       = 24 * time.Hour
	// DeviceTTL is how long a device is remembered after its last sign-in.
	DeviceTTL     = 400 * 24 * time.Hour
	SessionTTL    = 30 * 24 * time.Hour
	setupTokenKey = "setup_token"
)

var (
	pairRule    = sqlstore.LoginRule{Free: PairFreeFailures, BaseDelay: PairBaseDelay, MaxDelay: PairMaxDelay, Forget: PairForget}
	accountRule = sqlstore.LoginRule{Limit: MaxAccountFailures, Forget: Window}
	ipRule      = sqlstore.LoginRule{Limit: MaxIPFailures, Forget: Window}
)

// Hasher hashes and checks passwords (auth.Hasher; tests wrap it to count
// the checks).
type Hasher interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, password, encoded string) (bool, error)
	DummyVerify(ctx context.Context, password string)
	NeedsRehash(encoded string) bool
}

// Service runs sign-in use cases.
type Service struct {
	store   *sqlstore.Store
	hasher  Hasher
	clock   parley.Clock
	devices *secret.Signer
}

// Options are a Service's optional parts.
type Options struct {
	// InstanceKey, which every node shares, derives the key that signs
	// known-device cookies; without it they are signed with a key of the
	// Service's own, good for this process only.
	InstanceKey []byte
}

// New returns a Service, with the optional parts of o when given (the
// last one wins).
func New(store *sqlstore.Store, hasher Hasher, clock parley.Clock, o ...Options) *Service {
	key := make([]byte, 32)
	rand.Read(key)
	for _, o := range o {
		if o.InstanceKey != nil {
			key = o.InstanceKey
		}
	}
	return &Service{store: store, hasher: hasher, clock: clock, devices: secret.NewSigner(key, "known devices")}
}

// Login is a signed-in session: the bearer token and who it is.
type Login struct {
	Token     string       `json:"token"`
	User      *parley.User `json:"user"`
	SessionID string       `json:"-"`
	ExpiresAt time.Time    `json:"-"`
	// Device is the known-device cookie to set (DeviceTTL).
	Device string `json:"-"`
}

// Attempt is a sign-in request.
type Attempt struct {
	Email, Password string
	// IP is the client's address.
	IP string
	// Device is the parley_device cookie, if any.
	Device string
	// SessionUserID is the user of a live session cookie the request
	// carries, if any: that browser is a known device of that user.
	SessionUserID, SessionID string
}

// LimitError refuses an attempt before its password is checked.
type LimitError struct {
	Err *parley.Error
	// RetryAfter is when an attempt may be granted again.
	RetryAfter time.Duration
}

func (e *LimitError) Error() string { return e.Err.Error() }

// Unwrap returns the parley.Error (ERATELIMIT).
func (e *LimitError) Unwrap() error { return e.Err }

var errRefused = errors.New("login attempt refused")

// Login checks an email and password and opens a session; ERATELIMIT
// (a *LimitError) when a limit refuses to check the password.
func (s *Service) Login(ctx context.Context, a Attempt) (*Login, error) {
	email := strings.ToLower(strings.TrimSpace(a.Email))
	u, hash, err := s.store.FindUserByEmail(ctx, email)
	if err != nil && !parley.IsNotFound(err) {
		return nil, err
	}
	device, known := "", false
	if u != nil {
		if device, known = s.knownDevice(a.Device, u.ID); !known && a.SessionUserID == u.ID && a.SessionID != "" {
			known, device = true, ""
		}
	}
	type limit struct {
		key  string
		rule sqlstore.LoginRule
	}
	var limits []limit
	switch {
	case device != "":
		limits = []limit{{"pair:" + email + "|device:" + device, pairRule}}
	case known:
		limits = []limit{{"pair:" + email + "|session:" + a.SessionID, pairRule}}
	default:
		limits = []limit{{"pair:" + email + "|ip:" + a.IP, pairRule},
			{"account:" + email, accountRule}, {"ip:" + a.IP, ipRule}}
	}
	var refused *LimitError
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		refused = nil
		for _, l := range limits {
			at, err := tx.RecordLoginAttempt(ctx, l.key, l.rule)
			if err != nil {
				return err
			}
			if !at.Granted {
				retry := at.NextAt
				if l.rule.Limit > 0 && at.Failures >= l.rule.Limit {
					retry = at.LastAt.Add(l.rule.Forget)
				}
				refused = &LimitError{RetryAfter: retry.Sub(tx.Now()),
					Err: parley.Errorf(parley.ERATELIMIT, "Too many failed sign-in attempts. Try again in %s.", wait(retry.Sub(tx.Now())))}
				return errRefused // rolls back what this attempt counted
			}
		}
		return nil
	})
	if errors.Is(err, errRefused) && refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, err
	}
	ok := false
	if u == nil {
		s.hasher.DummyVerify(ctx, a.Password)
	} else if ok, err = s.hasher.Verify(ctx, a.Password, hash); err != nil {
		return nil, err
	}
	if !ok {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "The email or password is wrong.")
	}
	rehash := ""
	if s.hasher.NeedsRehash(hash) {
		if rehash, err = s.hasher.Hash(ctx, a.Password); err != nil {
			return nil, err
		}
	}
	if device == "" {
		device = auth.NewToken("")
	}
	l, err := s.open(ctx, u, func(tx *sqlstore.Tx) error {
		for i, l := range limits {
			var err error
			if i == 0 {
				err = tx.ForgetLoginAttempts(ctx, l.key)
			} else {
				err = tx.ReleaseLoginAttempt(ctx, l.key)
			}
			if err != nil {
				return err
			}
		}
		if rehash != "" {
			_, err := tx.RehashPassword(ctx, u.ID, hash, rehash)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.Device = s.deviceCookie(u.ID, device)
	return l, nil
}

// wait says a duration for people: seconds under two minutes, else minutes.
func wait(d time.Duration) string {
	if d < 2*time.Minute {
		return fmt.Sprintf("%d seconds", max(int((d+time.Second-1)/time.Second), 1))
	}
	return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
}

// deviceCookie is "v1.<user id>.<device id>.<signature>".
func (s *Service) deviceCookie(userID, device string) string {
	msg := "v1." + userID + "." + device
	return msg + "." + s.devices.Sign(msg)
}

// knownDevice returns the device id of a known-device cookie that is
// userID's.
func (s *Service) knownDevice(cookie, userID string) (string, bool) {
	if cookie == "" || len(cookie) > 300 {
		return "", false
	}
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 {
		return "", false
	}
	msg, sig := cookie[:i], cookie[i+1:]
	parts := strings.Split(msg, ".")
	if len(parts) != 3 || parts[0] != "v1" || parts[1] != userID || parts[2] == "" || !s.devices.Verify(msg, sig) {
		return "", false
	}
	return parts[2], true
}

func (s *Service) open(ctx context.Context, u *parley.User, also func(tx *sqlstore.Tx) error) (*Login, error) {
	token := auth.NewToken("pst_")
	exp := s.clock.Now().Add(SessionTTL)
	var sess *parley.Session
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
	Session *parley.Session
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
// the user's other browser sessions and all their personal API tokens (a
// token made by whoever knew the old password must not outlive it). It
// returns what it revoked.
func (s *Service) ChangePassword(ctx context.Context, userID, keepSessionID, current, next string) (sqlstore.RevokedCredentials, error) {
	var revoked sqlstore.RevokedCredentials
	if err := workspace.ValidPassword("new_password", next); err != nil {
		return revoked, err
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return revoked, err
	}
	_, hash, err := s.store.FindUserByEmail(ctx, u.Email)
	if err != nil {
		return revoked, err
	}
	if ok, err := s.hasher.Verify(ctx, current, hash); err != nil {
		return revoked, err
	} else if !ok {
		return revoked, &parley.Error{Code: parley.EINVALID, Field: "current_password", Message: "The current password is wrong."}
	}
	newHash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return revoked, err
	}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetPassword(ctx, userID, newHash); err != nil {
			return err
		}
		var err error
		revoked, err = tx.RevokeUserCredentials(ctx, userID, keepSessionID)
		return err
	})
	return revoked, err
}

// APIToken is a newly created personal API token; Token is shown once.
type APIToken struct {
	parley.Session
	Token string `json:"token"`
}

// CreateAPIToken makes a personal API token.
func (s *Service) CreateAPIToken(ctx context.Context, userID, name string) (*APIToken, error) {
	name, err := workspace.ValidName("name", name)
	if err != nil {
		return nil, err
	}
	token := auth.NewToken("pat_")
	var sess *parley.Session
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
func (s *Service) APITokens(ctx context.Context, userID string) ([]parley.Session, error) {
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

// CreateUser creates a user with a password in the named workspace
// (created when missing), for the CLI: every field is checked as the
// set-up form checks it.
func (s *Service) CreateUser(ctx context.Context, email, password, name, workspaceName string, role parley.Role) (*parley.User, error) {
	if !role.Valid() {
		return nil, fmt.Errorf("role must be admin or agent, not %q", role)
	}
	email, err := workspace.ValidEmail("email", email)
	if err != nil {
		return nil, err
	}
	if name, err = workspace.ValidName("name", name); err != nil {
		return nil, err
	}
	if workspaceName, err = workspace.ValidName("workspace", workspaceName); err != nil {
		return nil, err
	}
	if err := workspace.ValidPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var u *parley.User
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		u, err = CreateUserInWorkspace(ctx, tx, email, name, hash, workspaceName, role)
		return err
	})
	return u, err
}

// LoadActor returns a member as the actor they are in a workspace, with
// the workspace's settings (it implements realtime.ActorLoader).
func (s *Service) LoadActor(ctx context.Context, workspaceID, userID string) (parley.Actor, parley.WorkspaceSettings, error) {
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, err
	}
	actor, err := s.Actor(ctx, u, workspaceID)
	if err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, err
	}
	w, err := s.store.FindWorkspaceByID(ctx, workspaceID)
	if err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, err
	}
	return actor, w.Settings, nil
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
