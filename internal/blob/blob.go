// Package blob keeps files (message attachments) on the local disk under
// <data dir>/blobs, by key. Keys are chosen by the caller (an attachment's
// id); a key is written once and never changed, so readers need no locks.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parleyhq/parley"
)

// Store puts, gets and deletes blobs. Implementations are safe for
// concurrent use.
type Store interface {
	// Put stores data under key, replacing nothing: putting an existing
	// key again rewrites the same bytes.
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the blob under key, or an ENOTFOUND *parley.Error.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes the blob under key; a missing one is no error.
	Delete(ctx context.Context, key string) error
}

// Dir is a Store in a directory, two levels of fan-out deep so that no
// directory holds too many files.
type Dir struct {
	root string
}

var _ Store = (*Dir)(nil)

// NewDir returns a Store rooted at dir (created when missing).
func NewDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	return &Dir{root: dir}, nil
}

// validKey accepts the ids Parley makes (UUIDs, hex digests): letters,
// digits and dashes, long enough to fan out.
func validKey(key string) bool {
	if len(key) < 4 || len(key) > 128 {
		return false
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (d *Dir) path(key string) (string, error) {
	if !validKey(key) {
		return "", fmt.Errorf("blob: invalid key %q", key)
	}
	k := strings.ToLower(strings.ReplaceAll(key, "-", ""))
	// UUIDv7s start with their time: fan out on the random tail instead.
	tail := k[len(k)-4:]
	return filepath.Join(d.root, tail[:2], tail[2:], key), nil
}

// Put writes data under key atomically (a temporary file renamed into
// place), so a reader never sees half a file.
func (d *Dir) Put(ctx context.Context, key string, data []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), p)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("blob: put: %w", werr)
	}
	return nil
}

// Get reads the blob under key.
func (d *Dir) Get(ctx context.Context, key string) ([]byte, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "File not found.")
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, parley.Errorf(parley.ENOTFOUND, "File not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("blob: get: %w", err)
	}
	return data, nil
}

// Delete removes the blob under key.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete: %w", err)
	}
	return nil
}
