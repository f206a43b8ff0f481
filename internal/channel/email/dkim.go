package email

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/wneessen/go-mail"
)

// dkimHeaders are the headers a signature covers: those a forger would
// change, and the MIME ones that decide how the body reads.
var dkimHeaders = []string{"From", "To", "Subject", "Date", "Message-ID", "Reply-To", "In-Reply-To", "References",
	"MIME-Version", "Content-Type"}

// parseDKIMKey reads a PEM private key: RSA (PKCS #1 or #8, at least 1024
// bits) or Ed25519 (PKCS #8).
func parseDKIMKey(v string) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(v)))
	if block == nil {
		return nil, fmt.Errorf("it is not a PEM private key (-----BEGIN PRIVATE KEY-----)")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a %q block is not a private key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("the private key cannot be read")
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 1024 {
			return nil, fmt.Errorf("an RSA key needs at least 1024 bits")
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("only RSA and Ed25519 keys sign DKIM")
}

// normalizeDKIMKey checks a DKIM key when it is saved, so that a bad key
// is a 422 on the form rather than a failed send.
func normalizeDKIMKey(v string) (string, error) {
	if _, err := parseDKIMKey(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(v) + "\n", nil
}

// signDKIM adds a DKIM-Signature to m when the inbox has a selector and a
// key, for the domain of its address. go-mail keeps the multipart
// boundaries of its first rendering, so the mail sent is byte for byte the
// one signed (plus the signature header).
func signDKIM(inbox *parley.Inbox, m *mail.Msg) error {
	selector, pemKey := channel.InboxSetting(inbox, KeyDKIMSelector), channel.InboxSetting(inbox, KeyDKIMPrivateKey)
	if selector == "" || pemKey == "" {
		return nil
	}
	key, err := parseDKIMKey(pemKey)
	if err != nil {
		return permanent("dkim_private_key", "The inbox's DKIM key cannot be used: "+err.Error()+".")
	}
	_, domain, _ := strings.Cut(channel.InboxSetting(inbox, KeyAddress), "@")
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		return fmt.Errorf("dkim: render mail: %w", err)
	}
	opts := &dkim.SignOptions{Domain: domain, Selector: selector, Signer: key, HeaderKeys: dkimHeaders,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed}
	s, err := dkim.NewSigner(opts)
	if err != nil {
		return fmt.Errorf("dkim: %w", err)
	}
	if _, err := s.Write(raw.Bytes()); err != nil {
		return fmt.Errorf("dkim: sign: %w", err)
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("dkim: sign: %w", err)
	}
	// Signature is "DKIM-Signature: <value>\r\n", folded: keep the
	// folding, drop the name and the last line end.
	value, ok := strings.CutPrefix(strings.TrimRight(s.Signature(), "\r\n"), "DKIM-Signature: ")
	if !ok {
		return fmt.Errorf("dkim: unexpected signature %q", s.Signature())
	}
	m.SetGenHeaderPreformatted("DKIM-Signature", value)
	return nil
}
