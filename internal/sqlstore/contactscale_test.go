package sqlstore_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestContacts_ListAtScale seeds PARLEY_CONTACTS_SCALE contacts (say
// 1000000) in one workspace and prints how long each kind of contact list
// page takes. It measures; it asserts only that the answers are right.
// Skipped unless the variable is set.
func TestContacts_ListAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PARLEY_CONTACTS_SCALE"))
	if n <= 0 {
		t.Skip("set PARLEY_CONTACTS_SCALE=1000000 to measure contact lists at scale")
	}
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		if only := os.Getenv("PARLEY_CONTACTS_SCALE_ONLY"); only != "" && only != string(s.Dialect()) {
			t.Skip("PARLEY_CONTACTS_SCALE_ONLY names the other engine")
		}
		ctx := context.Background()
		f := storetest.Seed(t, s)
		ws := f.Workspace.ID
		start := time.Now()
		var seed string
		if s.Dialect() == sqlstore.Postgres {
			seed = `INSERT INTO contacts (id, workspace_id, name, email, phone, company, attributes, tags, archived, created_at, updated_at)
				SELECT (lpad(to_hex(i), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, $1::uuid,
					'Person ' || i, 'p' || i || '@example.com', '+1415' || lpad(i::text, 7, '0'), CASE WHEN i % 9 < 2 THEN 'Globex ' ELSE 'Company ' END || (i % 1000),
					CASE WHEN i % 7 = 0 THEN '{"plan":"pro"}' ELSE '{"plan":"free"}' END,
					CASE WHEN i % 10 = 0 THEN '["vip"]' ELSE '[]' END, i % 50 = 0, i::bigint * 1000, i::bigint * 1000
				FROM generate_series(1, $2::int) AS i`
		} else {
			seed = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
				INSERT INTO contacts (id, workspace_id, name, email, phone, company, attributes, tags, archived, created_at, updated_at)
				SELECT printf('%08x-0000-7000-8000-%012x', i, i), $1, 'Person ' || i, 'p' || i || '@example.com',
					'+1415' || printf('%07d', i), CASE WHEN i % 9 < 2 THEN 'Globex ' ELSE 'Company ' END || (i % 1000),
					CASE WHEN i % 7 = 0 THEN '{"plan":"pro"}' ELSE '{"plan":"free"}' END,
					CASE WHEN i % 10 = 0 THEN '["vip"]' ELSE '[]' END, i % 50 = 0, i * 1000, i * 1000 FROM n`
		}
		if err := s.ExecForTest(ctx, seed, ws, n); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExecMaintenance(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: seeded %d contacts in %v", s.Dialect(), n, time.Since(start).Round(time.Millisecond))
		no := false
		mid := strconv.Itoa(n / 2)
		for _, tc := range []struct {
			name string
			f    sqlstore.ContactFilter
			want int
		}{
			{"first page, newest first", sqlstore.ContactFilter{Archived: &no}, 50},
			{"first page by name", sqlstore.ContactFilter{Sort: sqlstore.ContactSortNameAsc}, 50},
			{"deep page (keyset, newest first)", sqlstore.ContactFilter{After: &sqlstore.ContactCursor{T: int64(n/2) * 1000, ID: "ffffffff-ffff-ffff-ffff-ffffffffffff"}}, 50},
			{"exact phone (E.164)", sqlstore.ContactFilter{PhoneExact: "+1415" + pad7(n/2)}, 1},
			{"exact email", sqlstore.ContactFilter{EmailExact: "p" + mid + "@example.com"}, 1},
			{"tag vip", sqlstore.ContactFilter{Tags: []string{"vip"}}, 50},
			{"attribute plan:pro", sqlstore.ContactFilter{Attributes: map[string]string{"plan": "pro"}}, 50},
			{"substring of a name, common", sqlstore.ContactFilter{Query: "person 1"}, 50},
			{"common term (company, 22% of contacts)", sqlstore.ContactFilter{Query: "globex"}, 50},
			{"common term, deep page", sqlstore.ContactFilter{Query: "globex", After: &sqlstore.ContactCursor{T: int64(n/2) * 1000, ID: "ffffffff-ffff-ffff-ffff-ffffffffffff"}}, 50},
			{"common term and tag vip", sqlstore.ContactFilter{Query: "globex", Tags: []string{"vip"}}, 50},
			{"substring of a name, one match (trigram)", sqlstore.ContactFilter{Query: "erson " + mid}, 1},
			{"substring of an email, one match", sqlstore.ContactFilter{Query: "p" + mid + "@exa"}, 1},
			{"substring of a company, n/1,000 matches", sqlstore.ContactFilter{Query: "pany 777"}, min(50, n/1000)},
			{"phone digits in another format", sqlstore.ContactFilter{Query: "(415) " + pad7(n / 2)[:3] + "-" + pad7(n / 2)[3:], Digits: "415" + pad7(n/2)}, 1},
			{"substring matching nothing", sqlstore.ContactFilter{Query: "zqxj"}, 0},
		} {
			tc.f.WorkspaceID, tc.f.Viewer, tc.f.Limit = ws, f.Admin.UserID, 50
			// Each query runs runs times: p50 and p99 (the slowest of
			// fewer than 100 runs) of the page.
			const runs = 30
			took := make([]time.Duration, 0, runs)
			var got []parley.Contact
			for range runs {
				start := time.Now()
				var err error
				got, err = s.ListContacts(ctx, tc.f)
				took = append(took, time.Since(start))
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
			}
			if len(got) < tc.want {
				t.Errorf("%s: %d contacts, want at least %d", tc.name, len(got), tc.want)
			}
			slices.Sort(took)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			t.Logf("%-8s %-45s p50 %8.1f ms  p99 %8.1f ms  (%d rows)", s.Dialect(), tc.name, ms(took[runs/2]), ms(took[runs*99/100]), len(got))
			if os.Getenv("PARLEY_CONTACTS_EXPLAIN") != "" {
				for _, line := range s.ExplainContacts(ctx, tc.f) {
					t.Logf("    %s", line)
				}
			}
		}
	})
}

func pad7(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 7 {
		s = "0" + s
	}
	return s
}
