package session_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// countingHasher counts the password checks (argon2id runs).
type countingHasher struct {
	*auth.Hasher
	checks atomic.Int64
}

func (h *countingHasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	h.checks.Add(1)
	return h.Hasher.Verify(ctx, password, encoded)
}

func (h *countingHasher) DummyVerify(ctx context.Context, password string) {
	h.checks.Add(1)
	h.Hasher.DummyVerify(ctx, password)
}

type fixture struct {
	svc    *session.Service
	store  *sqlstore.Store
	hasher *countingHasher
	clock  *clocktest.Clock
	user   *parley.User
}

const (
	email    = "owner@example.com"
	password = "correct horse battery"
)

// each runs fn on every engine with a service, a clock and one user whose
// password hash was made by hashWith (the service's hasher when nil).
func each(t *testing.T, hashWith *auth.Hasher, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clk := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			st := storetest.Open(t, e, storetest.Options{Clock: clk})
			h := &countingHasher{Hasher: auth.NewTestHasher()}
			if hashWith == nil {
				hashWith = h.Hasher
			}
			ctx := context.Background()
			hash, err := hashWith.Hash(ctx, password)
			if err != nil {
				t.Fatal(err)
			}
			f := &fixture{svc: session.New(st, h, clk), store: st, hasher: h, clock: clk}
			err = st.Write(ctx, func(tx *sqlstore.Tx) error {
				f.user, err = session.CreateUserInWorkspace(ctx, tx, email, "Owner", hash, "Acme", parley.RoleAdmin)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			fn(t, f)
		})
	}
}

// burst sends n concurrent attempts and returns their errors' codes.
func burst(f *fixture, n int, attempt func(i int) session.Attempt) map[string]int {
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := f.svc.Login(context.Background(), attempt(i))
			mu.Lock()
			codes[parley.ErrorCode(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return codes
}

func TestService_Login_parallelWrongPasswords(t *testing.T) {
	t.Run("from 60 addresses at most 10 are checked", func(t *testing.T) {
		each(t, nil, func(t *testing.T, f *fixture) {
			codes := burst(f, 60, func(i int) session.Attempt {
				return session.Attempt{Email: email, Password: "wrong", IP: fmt.Sprintf("198.51.100.%d", i)}
			})
			if got := f.hasher.checks.Load(); got > session.MaxAccountFailures {
				t.Errorf("60 parallel wrong passwords: %d checked, want at most %d (%v)", got, session.MaxAccountFailures, codes)
			}
			if codes[parley.EUNAUTHORIZED]+codes[parley.ERATELIMIT] != 60 {
				t.Errorf("codes = %v, want only unauthorized and rate_limited", codes)
			}
		})
	})
	t.Run("from one address 3 are checked", func(t *testing.T) {
		each(t, nil, func(t *testing.T, f *fixture) {
			codes := burst(f, 60, func(int) session.Attempt {
				return session.Attempt{Email: email, Password: "wrong", IP: "198.51.100.1"}
			})
			if got := f.hasher.checks.Load(); got > session.PairFreeFailures+1 {
				t.Errorf("60 parallel wrong passwords: %d checked, want at most %d (%v)", got, session.PairFreeFailures+1, codes)
			}
		})
	})
}

func TestService_Login_pairDelay(t *testing.T) {
	each(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		wrong := session.Attempt{Email: email, Password: "wrong", IP: "198.51.100.1"}
		for i := range 3 {
			if _, err := f.svc.Login(ctx, wrong); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
				t.Fatalf("wrong password %d: %v, want unauthorized", i+1, err)
			}
		}
		for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
			checks := f.hasher.checks.Load()
			_, err := f.svc.Login(ctx, wrong)
			le, ok := errors.AsType[*session.LimitError](err)
			if !ok || le.RetryAfter != want {
				t.Fatalf("early attempt: %v, want a LimitError retrying after %v", err, want)
			}
			if f.hasher.checks.Load() != checks {
				t.Errorf("a refused attempt ran argon2id")
			}
			f.clock.Add(want)
			if _, err := f.svc.Login(ctx, wrong); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
				t.Fatalf("after %v: %v, want the password checked (unauthorized)", want, err)
			}
		}
		f.clock.Add(8 * time.Second)
		if _, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "198.51.100.1"}); err != nil {
			t.Fatalf("right password after the delay: %v", err)
		}
		if _, err := f.svc.Login(ctx, wrong); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
			t.Errorf("a success clears the pair's delay: %v, want unauthorized", err)
		}
	})
}

func TestService_Login_ownerUnderAttack(t *testing.T) {
	each(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		first, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.9"})
		if err != nil {
			t.Fatal(err)
		}
		// The attacker spreads guesses over many addresses until the
		// account limit holds, and fills the owner's address limit too.
		burst(f, 40, func(i int) session.Attempt {
			return session.Attempt{Email: email, Password: "wrong", IP: fmt.Sprintf("198.51.100.%d", i)}
		})
		for i := range session.MaxIPFailures {
			f.svc.Login(ctx, session.Attempt{Email: fmt.Sprintf("other%d@example.com", i), Password: "wrong", IP: "203.0.113.9"})
		}
		f.clock.Add(30 * time.Second)
		_, err = f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.10"})
		if parley.ErrorCode(err) != parley.ERATELIMIT {
			t.Errorf("right password from a new device under attack: %v, want rate_limited", err)
		}
		l, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.9", Device: first.Device})
		if err != nil {
			t.Fatalf("right password from the known device under attack: %v, want success", err)
		}
		if l.User.ID != f.user.ID {
			t.Errorf("signed in as %s, want %s", l.User.ID, f.user.ID)
		}
		t.Run("a device cookie of another account is not known", func(t *testing.T) {
			forged := strings.Replace(first.Device, f.user.ID, "019a0000-0000-7000-8000-000000000000", 1)
			_, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.11", Device: forged})
			if parley.ErrorCode(err) != parley.ERATELIMIT {
				t.Errorf("with a forged device cookie: %v, want rate_limited", err)
			}
		})
		t.Run("the limit ends a window after the last checked guess", func(t *testing.T) {
			f.clock.Add(session.Window)
			if _, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.12"}); err != nil {
				t.Errorf("right password from a new device a window later: %v", err)
			}
		})
	})
}

func TestService_Login_rehash(t *testing.T) {
	old := auth.NewHasherParams(1, auth.Params{Time: 1, Memory: 2048, Threads: 2})
	each(t, old, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.9"}); err != nil {
			t.Fatal(err)
		}
		_, hash, err := f.store.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if f.hasher.NeedsRehash(hash) {
			t.Errorf("after sign-in the hash is %q, want one with the current parameters", hash)
		}
		if _, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.9"}); err != nil {
			t.Errorf("sign-in with the rehashed password: %v", err)
		}
	})
}

func TestService_ChangePassword(t *testing.T) {
	each(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		a, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.9"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Login(ctx, session.Attempt{Email: email, Password: password, IP: "203.0.113.9"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := f.svc.CreateAPIToken(ctx, f.user.ID, "CI")
		if err != nil {
			t.Fatal(err)
		}
		revoked, err := f.svc.ChangePassword(ctx, f.user.ID, a.SessionID, password, "battery staple horse")
		if err != nil {
			t.Fatal(err)
		}
		if want := (sqlstore.RevokedCredentials{Sessions: 1, APITokens: 1}); revoked != want {
			t.Errorf("ChangePassword() revoked %+v, want %+v", revoked, want)
		}
		for name, token := range map[string]string{"the other session": b.Token, "the API token": tok.Token} {
			if _, err := f.svc.Authenticate(ctx, token); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
				t.Errorf("%s after a password change: %v, want unauthorized", name, err)
			}
		}
		if _, err := f.svc.Authenticate(ctx, a.Token); err != nil {
			t.Errorf("the session that changed the password: %v, want kept", err)
		}
	})
}
