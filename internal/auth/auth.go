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
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32 // passes over the memory
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams are OWASP's first listed argon2id configuration (19 MiB,
// two passes, one lane): strong enough for passwords, and small enough that
// a burst of sign-ins on a laptop-sized server stays within a few hundred
// MB (at 64 MiB, 200 concurrent sign-ins kept ~600 MB resident). Hashes
// made with other parameters still verify, and are rehashed at the next
// sign-in (NeedsRehash).
var DefaultParams = Params{Time: 2, Memory: 19 * 1024, Threads: 1}

// testParams keep test suites fast; never used in production.
var testParams = Params{Time: 1, Memory: 1024, Threads: 1}

const (
	argonKeyLen = 32
	saltLen     = 16
	// idleFree is how long the hasher must have been idle, after hashing,
	// before it hands the memory of its last hashes back to the system.
	idleFree = time.Second
)

// Hasher hashes and verifies passwords, at most a few at a time: each
// verification holds Params.Memory, so the semaphore bounds the memory a
// burst of sign-ins takes. After a burst, once no hash has run for a second,
// it returns the freed memory to the system (the Go runtime would keep it
// for a while, and an idle server would keep its peak).
type Hasher struct {
	sem    chan struct{}
	params Params
	// returnMemory frees memory to the system after a burst.
	returnMemory bool

	mu       sync.Mutex
	inflight int
	hashed   bool // a hash ran since memory was last returned
	timer    *time.Timer
}

// DefaultConcurrency is how many hashes a server runs at once: one per
// processor (each uses one lane, so more would only queue inside the
// runtime while holding their memory), at least 2 and at most 8. On 2
// cores, 200 concurrent sign-ins peak at ~140 MB resident with 2, ~220 MB
// with 4.
func DefaultConcurrency() int { return min(max(runtime.GOMAXPROCS(0), 2), 8) }

// NewHasher returns a Hasher with DefaultParams that runs at most
// concurrency hashes at once.
func NewHasher(concurrency int) *Hasher {
	return NewHasherParams(concurrency, DefaultParams)
}

// NewHasherParams returns a Hasher that makes new hashes with p.
func NewHasherParams(concurrency int, p Params) *Hasher {
	return &Hasher{sem: make(chan struct{}, max(concurrency, 1)), params: p, returnMemory: true}
}

// NewTestHasher returns a Hasher with minimal cost, for tests only.
func NewTestHasher() *Hasher {
	h := NewHasherParams(4, testParams)
	h.returnMemory = false
	return h
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

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
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, argonKeyLen)
	return encode(p, salt, key), nil
}

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// decode parses a PHC-style argon2id hash; ok is false when it is not one.
func decode(encoded string) (p Params, salt, key []byte, ok bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, false
	}
	// Refuse parameters no hash of ours has: a stored hash asking for
	// gigabytes must not take the server down.
	if p.Time < 1 || p.Time > 16 || p.Memory < 8*uint32(p.Threads) || p.Memory > 256*1024 || p.Threads < 1 || p.Threads > 16 {
		return p, nil, nil, false
	}
	var err1, err2 error
	salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}

// Verify reports whether password matches encoded, computed with the
// parameters encoded in it. An empty or malformed hash never matches.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, want, ok := decode(encoded)
	if !ok {
		return false, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// the hasher's (or is not a hash of ours): after a successful sign-in the
// password is hashed again.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, key, ok := decode(encoded)
	return !ok || p != h.params || len(key) != argonKeyLen
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
		if h.returnMemory {
			h.mu.Lock()
			h.inflight++
			h.mu.Unlock()
		}
		return nil
	case <-ctx.Done():
		return errors.Join(errBusy, ctx.Err())
	}
}

func (h *Hasher) release() {
	<-h.sem
	if !h.returnMemory {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hashed = true
	h.inflight--
	if h.inflight == 0 {
		h.armFree()
	}
}

// armFree (re)starts the idle timer; it fires once the hasher has been
// idle for idleFree.
func (h *Hasher) armFree() {
	if h.timer == nil {
		h.timer = time.AfterFunc(idleFree, h.freeIfIdle)
		return
	}
	h.timer.Reset(idleFree)
}

func (h *Hasher) freeIfIdle() {
	h.mu.Lock()
	idle := h.inflight == 0 && h.hashed
	if idle {
		h.hashed = false
	}
	h.mu.Unlock()
	if idle {
		// A forced collection and release of the freed pages: a few
		// milliseconds with the heap of an idle server, at most once per
		// burst.
		debug.FreeOSMemory()
	}
}

func dummyHash(h *Hasher) string {
	return encode(h.params, []byte("saltsaltsaltsalt"), make([]byte, argonKeyLen))
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
