package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func TestStore_PruneEvents(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			s := storetest.Open(t, e, storetest.Options{Clock: clock})
			f := storetest.Seed(t, s)
			emit := func() {
				if err := s.Write(ctx, func(tx *sqlstore.Tx) error {
					return tx.AppendEvent("test.event", f.Workspace.ID, "", map[string]int{}, nil, nil)
				}); err != nil {
					t.Fatal(err)
				}
			}
			emit()
			emit()
			clock.Add(8 * 24 * time.Hour)
			emit()
			n, err := s.PruneEvents(ctx, clock.Now().Add(-7*24*time.Hour))
			if err != nil || n != 2 {
				t.Fatalf("PruneEvents = %d, %v; want the 2 events older than 7 days", n, err)
			}
			oldest, _ := s.OldestSeq(ctx, f.Workspace.ID)
			latest, _ := s.LatestSeq(ctx, f.Workspace.ID)
			if oldest != 3 || latest != 3 {
				t.Errorf("OldestSeq, LatestSeq = %d, %d; want 3, 3 (numbers are never reused)", oldest, latest)
			}
		})
	}
}
