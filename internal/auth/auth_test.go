package auth

import (
	"context"
	"strings"
	"testing"
)

func TestHasher_HashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewTestHasher()
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$") {
		t.Errorf("Hash() = %q, want an argon2id PHC string", enc)
	}
	tests := []struct {
		name, password, hash string
		want                 bool
	}{
		{"the right password matches", "correct horse", enc, true},
		{"a wrong password does not", "battery staple", enc, false},
		{"an empty hash never matches", "correct horse", "", false},
		{"a malformed hash never matches", "x", "$argon2id$v=19$m=x$y$z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.Verify(ctx, tt.password, tt.hash)
			if err != nil || got != tt.want {
				t.Errorf("Verify(%q) = %v, %v; want %v", tt.password, got, err, tt.want)
			}
		})
	}
}

func TestNewToken(t *testing.T) {
	a, b := NewToken("pat_"), NewToken("pat_")
	if a == b || !strings.HasPrefix(a, "pat_") || len(a) < 40 {
		t.Errorf("NewToken() = %q, %q: want distinct prefixed 256-bit tokens", a, b)
	}
}

func TestHasher_NeedsRehash(t *testing.T) {
	ctx := context.Background()
	current := NewTestHasher()
	old := NewHasherParams(1, Params{Time: 1, Memory: 2048, Threads: 2})
	oldHash, err := old.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	newHash, err := current.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := current.Verify(ctx, "correct horse", oldHash); !ok || err != nil {
		t.Errorf("Verify(hash with other parameters) = %v, %v; want true: the encoded parameters are used", ok, err)
	}
	tests := []struct {
		name, hash string
		want       bool
	}{
		{"a hash with other parameters is rehashed", oldHash, true},
		{"a hash with the current parameters is kept", newHash, false},
		{"a malformed hash is rehashed", "$argon2id$v=19$m=x$y$z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := current.NeedsRehash(tt.hash); got != tt.want {
				t.Errorf("NeedsRehash(%q) = %v, want %v", tt.hash, got, tt.want)
			}
		})
	}
}

func TestHasher_VerifyRefusesHugeParameters(t *testing.T) {
	h := NewTestHasher()
	// A stored hash asking for 4 GiB must not be computed.
	huge := "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	if ok, err := h.Verify(context.Background(), "x", huge); ok || err != nil {
		t.Errorf("Verify(4 GiB hash) = %v, %v; want false, nil", ok, err)
	}
}

func TestDefaultParams(t *testing.T) {
	// OWASP's argon2id configuration: m=19 MiB, t=2, p=1.
	if want := (Params{Time: 2, Memory: 19 * 1024, Threads: 1}); DefaultParams != want {
		t.Errorf("DefaultParams = %+v, want %+v", DefaultParams, want)
	}
}
