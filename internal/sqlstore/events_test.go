package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/parleyhq/parley"
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

func TestStore_ConversationAudiences(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, e, storetest.Options{})
			f := storetest.Seed(t, s)
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			open := newConversation(t, s, f, "open", at)
			restricted := newConversation(t, s, f, "restricted", at)
			assigned := newConversation(t, s, f, "assigned", at)
			deleted := newConversation(t, s, f, "deleted", at)
			change := func(c *parley.Conversation, edit func(c *parley.Conversation)) {
				t.Helper()
				next := *c
				edit(&next)
				if err := s.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveConversation(ctx, &next, c) }); err != nil {
					t.Fatalf("SaveConversation() = %v", err)
				}
			}
			change(restricted, func(c *parley.Conversation) { c.VisibleTo = []string{f.Admin.UserID} })
			change(assigned, func(c *parley.Conversation) { c.AssigneeIDs = []string{f.Agent.UserID}; c.VisibleTo = []string{} })
			change(deleted, func(c *parley.Conversation) { now := at; c.DeletedAt = &now })

			// More ids than one query takes, repeats and unknown ones included.
			ids := []string{open.ID, restricted.ID, assigned.ID, deleted.ID, open.ID}
			for len(ids) < 300 {
				ids = append(ids, uuid.Must(uuid.NewV7()).String())
			}
			ids = append(ids, restricted.ID)
			got, err := s.ConversationAudiences(ctx, f.Workspace.ID, ids)
			if err != nil {
				t.Fatalf("ConversationAudiences() = %v", err)
			}
			want := map[string]parley.Audience{
				open.ID:       {AssigneeIDs: []string{}},
				restricted.ID: {AssigneeIDs: []string{}, VisibleTo: []string{f.Admin.UserID}},
				assigned.ID:   {AssigneeIDs: []string{f.Agent.UserID}, VisibleTo: []string{}},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ConversationAudiences() mismatch (-want +got):\n%s", diff)
			}
			for id, aud := range got {
				if one, err := s.ConversationAudience(ctx, f.Workspace.ID, id); err != nil || !cmp.Equal(one, aud) {
					t.Errorf("ConversationAudience(%s) = %+v, %v; want %+v as in the batch", id, one, err, aud)
				}
			}
			if got, err := s.ConversationAudiences(ctx, uuid.Must(uuid.NewV7()).String(), ids[:3]); err != nil || len(got) != 0 {
				t.Errorf("ConversationAudiences(another workspace) = %v, %v; want none", got, err)
			}
		})
	}
}
