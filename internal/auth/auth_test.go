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
