package conversation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func ptr[T any](v T) *T { return &v }

// TestService_SavedFilters: create, list with live counts (under the
// access rule), rename, duplicate, share, delete; a personal filter is
// invisible to others; bad input changes nothing.
func TestService_SavedFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := buildViews(t, s)
		svc := conversation.New(s)
		ctx := context.Background()
		client := parley.Filter{Match: "all", Conditions: []parley.Condition{{Field: "channel", Op: "eq", Value: json.RawMessage(`"api"`)}}}
		// Admin sees 9 open conversations (hidden included), a and b 8.
		mine, err := svc.CreateSavedFilter(ctx, w.a, conversation.SavedFilterInput{Name: ptr(" API "), Filter: &client})
		if err != nil {
			t.Fatal(err)
		}
		if mine.Name != "API" || mine.Shared || mine.OwnerID != w.a.UserID {
			t.Errorf("CreateSavedFilter = %+v, want API, personal, owned by a", mine)
		}
		shared, err := svc.CreateSavedFilter(ctx, w.f.Admin, conversation.SavedFilterInput{Name: ptr("Everything API"), Filter: &client, Shared: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		list := func(a parley.Actor) map[string]int64 {
			t.Helper()
			fs, err := svc.SavedFilters(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int64{}
			for _, f := range fs {
				out[f.Name] = *f.Count
			}
			return out
		}
		if got := list(w.a); len(got) != 2 || got["API"] != 8 || got["Everything API"] != 8 {
			t.Errorf("a's saved filters = %v, want API and Everything API counting 8 each", got)
		}
		if got := list(w.f.Admin); len(got) != 1 || got["Everything API"] != 9 {
			t.Errorf("admin's saved filters = %v, want only the shared one, counting 9 (the hidden one too)", got)
		}
		// Others may not change or see a's personal filter.
		if _, err := svc.UpdateSavedFilter(ctx, w.b, mine.ID, conversation.SavedFilterInput{Name: ptr("x")}); !parley.IsNotFound(err) {
			t.Errorf("b renames a's personal filter: %v, want ENOTFOUND", err)
		}
		if err := svc.DeleteSavedFilter(ctx, w.b, shared.ID); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("b deletes the admin's shared filter: %v, want EFORBIDDEN", err)
		}
		// Bad input: 422 and nothing changes.
		bad := parley.Filter{Conditions: []parley.Condition{{Field: "colour", Op: "eq", Value: json.RawMessage(`"red"`)}}}
		if _, err := svc.UpdateSavedFilter(ctx, w.a, mine.ID, conversation.SavedFilterInput{Name: ptr("Renamed"), Filter: &bad}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("update with an unknown field: %v, want EINVALID", err)
		}
		if _, err := svc.CreateSavedFilter(ctx, w.a, conversation.SavedFilterInput{Name: ptr("  "), Filter: &client}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("create without a name: %v, want EINVALID", err)
		}
		if got := list(w.a); len(got) != 2 || got["API"] != 8 {
			t.Errorf("after refused changes a has %v, want them unchanged", got)
		}
		// Rename, duplicate (a copy of the shared one is personal), delete.
		if _, err := svc.UpdateSavedFilter(ctx, w.a, mine.ID, conversation.SavedFilterInput{Name: ptr("Mine via API")}); err != nil {
			t.Fatal(err)
		}
		dup, err := svc.DuplicateSavedFilter(ctx, w.b, shared.ID, nil)
		if err != nil || dup.Name != "Everything API (copy)" || dup.Shared || dup.OwnerID != w.b.UserID {
			t.Fatalf("DuplicateSavedFilter = %+v, %v; want a personal copy for b", dup, err)
		}
		if err := svc.DeleteSavedFilter(ctx, w.a, mine.ID); err != nil {
			t.Fatal(err)
		}
		if got := list(w.a); len(got) != 1 || got["Everything API"] != 8 {
			t.Errorf("a's saved filters after delete = %v, want only the shared one", got)
		}
		if got := list(w.b); len(got) != 2 || got["Everything API (copy)"] != 8 {
			t.Errorf("b's saved filters = %v, want the shared one and b's copy", got)
		}
	})
}
