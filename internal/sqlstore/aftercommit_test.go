package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// TestAfterCommit: what a write registers runs once its transaction has
// committed, alone or sharing a commit with other writes, and never when
// the write fails.
func TestAfterCommit(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, _ *clocktest.Clock) {
		ctx := context.Background()
		var mu sync.Mutex
		ran := map[string]int{}
		mark := func(name string) func() {
			return func() { mu.Lock(); ran[name]++; mu.Unlock() }
		}
		var wg sync.WaitGroup
		for _, name := range []string{"a", "b", "c", "d"} {
			wg.Go(func() {
				err := s.Write(ctx, func(tx *sqlstore.Tx) error {
					tx.AfterCommit(mark(name))
					if name == "c" {
						return errors.New("refused")
					}
					return nil
				})
				if (err != nil) != (name == "c") {
					t.Errorf("Write(%s) = %v", name, err)
				}
				// The write has returned: its commit, and so its
				// AfterCommit, is done.
				mu.Lock()
				defer mu.Unlock()
				if want := map[bool]int{true: 0, false: 1}[name == "c"]; ran[name] != want {
					t.Errorf("after Write(%s) returned, AfterCommit ran %d times, want %d", name, ran[name], want)
				}
			})
		}
		wg.Wait()
	})
}
