// Package auth hashes passwords (argon2id, behind a semaphore so a burst of
// logins cannot exhaust memory) and makes session and API tokens.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Parameters of argon2id (RFC 9106's second recommended option, with 64 MiB).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// Hasher hashes and verifies passwords, at most a few at a time.
type Hasher struct {
	sem chan struct{}
	// cheap lowers the cost for tests; never set in production.
	cheap bool
}

// NewHasher returns a Hasher that runs at most concurrency hashes at once.
func NewHasher(concurrency int) *Hasher {
	return &Hasher{sem: make(chan struct{}, max(concurrency, 1))}
}

// NewTestHasher returns a Hasher with minimal cost, for tests only.
func NewTestHasher() *Hasher {
	h := NewHasher(4)
	h.cheap = true
	return h
}

func (h *Hasher) params() (t, m uint32) {
	if h.cheap {
		return 1, 1024
	}
	return argonTime, argonMemory
}

// Hash returns the PHC-style encoding of password's argon2id hash.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	t, m := h.params()
	key := argon2.IDKey([]byte(password), salt, t, m, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, m, t, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded. An empty or malformed
// hash never matches.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DummyVerify spends the time of a verification, so an unknown email takes
// as long to refuse as a wrong password.
func (h *Hasher) DummyVerify(ctx context.Context, password string) {
	_, _ = h.Verify(ctx, password, dummyHash(h))
}

var errBusy = errors.New("password hashing: cancelled while waiting")

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errors.Join(errBusy, ctx.Err())
	}
}

func (h *Hasher) release() { <-h.sem }

func dummyHash(h *Hasher) string {
	t, m := h.params()
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", m, t, argonThreads)
}

// NewToken returns a random 256-bit token with a readable prefix
// ("pst_" sessions, "pat_" API tokens, "pin_" inbound URLs).
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: crypto/rand failed: %v", err))
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
