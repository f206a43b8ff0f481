// Package secret seals secrets at rest (inbox credentials, tokens) with
// AES-256-GCM under the instance key, and loads or creates that key.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of the key in bytes.
const KeySize = 32

// Box seals and opens secrets. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box for a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext; the nonce is prepended to the result.
func (b *Box) Seal(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: nonce: %w", err)
	}
	return b.aead.Seal(nonce, nonce, plaintext, nil), nil
}

// Open decrypts what Seal produced.
func (b *Box) Open(ciphertext []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(ciphertext) < ns {
		return nil, errors.New("secret: ciphertext too short")
	}
	plain, err := b.aead.Open(nil, ciphertext[:ns], ciphertext[ns:], nil)
	if err != nil {
		return nil, errors.New("secret: cannot decrypt (wrong PARLEY_SECRET_KEY?)")
	}
	return plain, nil
}

// DecodeKey parses a base64 key (standard or URL encoding).
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, fmt.Errorf("secret: the key must be %d random bytes in base64", KeySize)
}

// LoadOrCreateKeyFile reads the base64 key in path, or writes a new random
// one there with mode 0600. created reports which.
func LoadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		key, err = DecodeKey(string(raw))
		return key, false, err
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("secret: read key: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("secret: generate key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("secret: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process won the race: use its key
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("secret: write key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, false, fmt.Errorf("secret: write key: %w", err)
	}
	if err := f.Sync(); err != nil {
		return nil, false, fmt.Errorf("secret: write key: %w", err)
	}
	return key, true, nil
}

// Signer makes and checks signatures for links Parley hands to providers
// (a file Twilio fetches), with a key derived from the instance key so
// that no other use of that key can forge one.
type Signer struct {
	key []byte
}

// NewSigner derives a signer for purpose from the instance key.
func NewSigner(instanceKey []byte, purpose string) *Signer {
	mac := hmac.New(sha256.New, instanceKey)
	mac.Write([]byte("parley signer: " + purpose))
	return &Signer{key: mac.Sum(nil)}
}

// Sign returns the hex HMAC-SHA256 of msg.
func (s *Signer) Sign(msg string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify reports, in constant time, whether sig signs msg.
func (s *Signer) Verify(msg, sig string) bool {
	return hmac.Equal([]byte(s.Sign(msg)), []byte(sig))
}
