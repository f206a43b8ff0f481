package sqlstore

import (
	"context"
	"fmt"
)

// ExecForTest runs a statement on the writer, for tests that seed data in bulk.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.writeDB.ExecContext(ctx, query, args...)
	return err
}

// ExplainContacts returns the plan the database chooses for a contact list.
func (s *Store) ExplainContacts(ctx context.Context, f ContactFilter) []string {
	if err := s.probeSearch(ctx, &f); err != nil {
		return []string{err.Error()}
	}
	where, args := f.where(s.dialect, []any{f.Viewer})
	args = append(args, f.Limit)
	prefix := "EXPLAIN QUERY PLAN "
	if s.dialect == Postgres {
		prefix = "EXPLAIN "
	}
	rows, err := s.writeDB.QueryContext(ctx, prefix+`SELECT id, EXISTS (SELECT 1 FROM contact_marks m WHERE m.contact_id = contacts.id AND m.user_id = $1)
		FROM contacts WHERE `+where+` ORDER BY `+f.order(s.dialect)+fmt.Sprintf(` LIMIT $%d`, len(args)), args...)
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
