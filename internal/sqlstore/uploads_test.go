package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func TestStore_DeleteStaleUploads(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			s := storetest.Open(t, e, storetest.Options{Clock: clock})
			f := storetest.Seed(t, s)
			put := func() string {
				u := &parley.Upload{WorkspaceID: f.Workspace.ID, UserID: f.Admin.UserID,
					Attachment: parley.Attachment{ID: id.New(), FileName: "a.png", ContentType: "image/png", Size: 1}}
				if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.CreateUpload(ctx, u) }); err != nil {
					t.Fatal(err)
				}
				return u.ID
			}
			old := put()
			clock.Add(25 * time.Hour)
			fresh := put()
			keys, err := s.DeleteStaleUploads(ctx, clock.Now().Add(-24*time.Hour))
			if err != nil || len(keys) != 1 || keys[0] != old {
				t.Fatalf("DeleteStaleUploads = %v, %v; want only %s", keys, err, old)
			}
			if _, err := s.FindUpload(ctx, f.Workspace.ID, f.Admin.UserID, fresh); err != nil {
				t.Errorf("the fresh upload is gone: %v", err)
			}
		})
	}
}
