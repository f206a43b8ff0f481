package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestContacts_SearchPagesInListOrder: a common term (a page fills from the
// first rows in list order, PostgreSQL's search window) and a rare one (the
// trigram indexes) answer exactly the matching contacts, in every order,
// page after page.
func TestContacts_SearchPagesInListOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		ws := f.Workspace.ID
		const n = 600
		err := s.Write(ctx, func(tx *sqlstore.Tx) error {
			for i := range n {
				company := "Initech"
				if i%3 == 0 {
					company = "Globex"
				}
				c := &parley.Contact{WorkspaceID: ws, Name: fmt.Sprintf("Person %03d", (i*7919)%n), Email: fmt.Sprintf("p%d@example.com", i), Company: company}
				if i == 577 {
					c.Name = "Zbigniew Rare"
				}
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.ListContacts(ctx, sqlstore.ContactFilter{WorkspaceID: ws, Limit: n, Sort: sqlstore.ContactSortNameAsc})
		if err != nil || len(all) != n {
			t.Fatalf("all = %d, %v", len(all), err)
		}
		for _, tc := range []struct {
			q    string
			want int
		}{{"globex", n / 3}, {"zbigniew", 1}, {"nothing-like-it", 0}} {
			for _, sort := range sqlstore.ContactSorts {
				var got []string
				var after *sqlstore.ContactCursor
				for range n {
					page, err := s.ListContacts(ctx, sqlstore.ContactFilter{WorkspaceID: ws, Query: tc.q, Sort: sort, After: after, Limit: 25})
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range page {
						got = append(got, c.ID)
					}
					if len(page) < 25 {
						break
					}
					cur := sqlstore.ContactCursorAfter(sort, &page[len(page)-1])
					after = &cur
				}
				// The same contacts in the same order as the unsearched list.
				want, err := s.ListContacts(ctx, sqlstore.ContactFilter{WorkspaceID: ws, Sort: sort, Limit: n})
				if err != nil {
					t.Fatal(err)
				}
				var wantIDs []string
				for _, c := range want {
					if c.Company == "Globex" && tc.q == "globex" || c.Name == "Zbigniew Rare" && tc.q == "zbigniew" {
						wantIDs = append(wantIDs, c.ID)
					}
				}
				if len(got) != tc.want || !slices.Equal(got, wantIDs) {
					t.Errorf("%q sorted %s: %d contacts, want %d in list order", tc.q, sort, len(got), tc.want)
				}
			}
		}
	})
}
