package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// ExecForTest runs a statement on the writer, for tests that seed data in bulk.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.writeDB.ExecContext(ctx, query, args...)
	return err
}

// ExplainContacts returns the plan the database chooses for a contact list
// (on PostgreSQL, EXPLAIN ANALYZE of the search window and, when the window
// does not fill the page, of the trigram query).
func (s *Store) ExplainContacts(ctx context.Context, f ContactFilter) []string {
	var out []string
	if s.dialect == Postgres && len([]rune(strings.TrimSpace(f.Query))) >= 3 {
		query, args := searchWindowSQL(f)
		out = append(out, "window:")
		out = append(out, s.explain(ctx, "EXPLAIN ANALYZE "+query, args)...)
		if ids, err := s.searchWindow(ctx, f); err != nil || len(ids) >= f.Limit {
			return out
		}
		out = append(out, "trigram:")
	}
	if err := s.probeSearch(ctx, &f); err != nil {
		return []string{err.Error()}
	}
	where, args := f.where(s.dialect, []any{f.Viewer})
	args = append(args, f.Limit)
	prefix := "EXPLAIN QUERY PLAN "
	if s.dialect == Postgres {
		prefix = "EXPLAIN ANALYZE "
	}
	return append(out, s.explain(ctx, prefix+`SELECT id, EXISTS (SELECT 1 FROM contact_marks m WHERE m.contact_id = contacts.id AND m.user_id = $1)
		FROM contacts WHERE `+where+` ORDER BY `+f.order(s.dialect)+fmt.Sprintf(` LIMIT $%d`, len(args)), args)...)
}

func (s *Store) explain(ctx context.Context, query string, args []any) []string {
	rows, err := s.writeDB.QueryContext(ctx, query, args...)
	if err != nil {
		return []string{err.Error()}
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		_ = rows.Scan(ptrs...)
		out = append(out, fmt.Sprint(vals...))
	}
	return out
}
