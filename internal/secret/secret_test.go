package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestBox_SealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	b, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := b.Seal([]byte("auth-token"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("auth-token")) {
		t.Fatalf("Seal output contains the plaintext")
	}
	got, err := b.Open(sealed)
	if err != nil || string(got) != "auth-token" {
		t.Fatalf("Open = %q, %v; want auth-token", got, err)
	}
	other, _ := NewBox(bytes.Repeat([]byte{8}, KeySize))
	if _, err := other.Open(sealed); err == nil {
		t.Errorf("Open with another key succeeded, want an error")
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	k1, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created || len(k1) != KeySize {
		t.Fatalf("first call = %d bytes, created %v, %v", len(k1), created, err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	k2, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("second call: created %v, same key %v, %v", created, bytes.Equal(k1, k2), err)
	}
}

func TestSigner(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	s, other := NewSigner(key, "media"), NewSigner(key, "other")
	sig := s.Sign("file-1\n1700000000")
	if !s.Verify("file-1\n1700000000", sig) {
		t.Errorf("Verify(own signature) = false")
	}
	if s.Verify("file-2\n1700000000", sig) || other.Verify("file-1\n1700000000", sig) {
		t.Errorf("a signature verified for another message or purpose")
	}
}
