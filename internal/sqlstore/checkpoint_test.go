package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type plainBox struct{}

func (plainBox) Seal(b []byte) ([]byte, error) { return b, nil }
func (plainBox) Open(b []byte) ([]byte, error) { return b, nil }

// TestCheckpointer: SQLite's writers never copy the WAL back themselves;
// the checkpointer does, soon after commits, all of it, and at close
// leaves the database file holding everything.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	type outcome struct{ log, done int }
	seen := make(chan outcome, 100)
	s, err := Open(ctx, Options{DataDir: dir, Secrets: plainBox{}, observeCheckpoint: func(log, done int, err error) {
		if err == nil {
			select {
			case seen <- outcome{log, done}:
			default:
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := s.writeDB.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d, %v; want 0 (checkpoints belong to the checkpointer)", auto, err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.db.ExecContext(ctx, `CREATE TABLE pad (b TEXT)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	blob := strings.Repeat("x", 8000) // two pages a row
	for i := range 600 {
		if err := s.Write(ctx, func(tx *Tx) error {
			_, err := tx.db.ExecContext(ctx, `INSERT INTO pad (b) VALUES ($1)`, blob)
			return err
		}); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case o := <-seen:
			if o.log > 0 && o.done == o.log {
				goto checkpointed
			}
		case <-deadline:
			t.Fatal("no background checkpoint copied the whole WAL within 10 s")
		}
	}
checkpointed:
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "parley.db-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("WAL after close = %d bytes, want it truncated", fi.Size())
	}
}
