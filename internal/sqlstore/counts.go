package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
)

// countKey is one bucket of conversation_counts.
type countKey struct {
	workspaceID string
	status      string
	assigned    int
	restricted  int
}

// bucket is the count a conversation belongs to; ok is false for a deleted
// one, which counts nowhere.
func bucket(c *parley.Conversation) (k countKey, ok bool) {
	if c == nil || c.DeletedAt != nil {
		return k, false
	}
	k = countKey{workspaceID: c.WorkspaceID, status: string(c.Status)}
	if len(c.AssigneeIDs) > 0 {
		k.assigned = 1
	}
	if c.VisibleTo != nil {
		k.restricted = 1
	}
	return k, true
}

// recount moves a conversation between buckets: prev is how it was (nil
// for a new one), c how it is now.
func (tx *Tx) recount(prev, c *parley.Conversation) {
	from, hadFrom := bucket(prev)
	to, hasTo := bucket(c)
	if hadFrom == hasTo && from == to {
		return
	}
	if tx.deltas == nil {
		tx.deltas = map[countKey]int64{}
	}
	if hadFrom {
		tx.deltas[from]--
	}
	if hasTo {
		tx.deltas[to]++
	}
}

// flushCounts applies the transaction's count deltas, in key order so that
// two writers never wait for each other in a cycle.
func (tx *Tx) flushCounts(ctx context.Context) error {
	keys := make([]countKey, 0, len(tx.deltas))
	for k, d := range tx.deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b countKey) int {
		return cmp.Or(strings.Compare(a.workspaceID, b.workspaceID), strings.Compare(a.status, b.status),
			cmp.Compare(a.assigned, b.assigned), cmp.Compare(a.restricted, b.restricted))
	})
	for _, k := range keys {
		if _, err := tx.db.ExecContext(ctx,
			`INSERT INTO conversation_counts (workspace_id, status, assigned, restricted, n) VALUES ($1,$2,$3,$4,$5)
			 ON CONFLICT (workspace_id, status, assigned, restricted) DO UPDATE SET n = conversation_counts.n + excluded.n`,
			k.workspaceID, k.status, k.assigned, k.restricted, tx.deltas[k]); err != nil {
			return fmt.Errorf("update conversation counts: %w", err)
		}
	}
	tx.deltas = nil
	return nil
}

// mergeDeltas adds one write's deltas to a batch's.
func mergeDeltas(dst *map[countKey]int64, src map[countKey]int64) {
	if len(src) == 0 {
		return
	}
	if *dst == nil {
		*dst = map[countKey]int64{}
	}
	for k, d := range src {
		(*dst)[k] += d
	}
}

// countFromCounters answers a count from the kept counters when the scope
// allows: everything in the workspace (admins), or everything unrestricted
// plus the restricted conversations that list the user (agents who see
// all conversations). ok is false for other scopes.
func (q *queries) countFromCounters(ctx context.Context, f ConversationFilter) (n int64, ok bool, err error) {
	sc := f.Scope
	if f.View == ViewMine || sc.None || sc.TeamsOnly || sc.AssignedOnly || f.ExternalKey != "" {
		return 0, false, nil
	}
	query := `SELECT COALESCE(SUM(n), 0) FROM conversation_counts WHERE workspace_id = $1`
	args := []any{sc.WorkspaceID}
	if f.View == ViewUnassigned {
		query += ` AND assigned = 0`
	}
	if !sc.All {
		query += ` AND restricted = 0`
	}
	query, args = withStatuses(query, "status", args, f.Statuses)
	if err := q.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, true, fmt.Errorf("count conversations: %w", err)
	}
	if sc.All {
		return n, true, nil
	}
	// Restricted conversations are few; count those that list the user.
	listed := `SELECT COUNT(*) FROM conversation_visibility v JOIN conversations c ON c.id = v.conversation_id
		WHERE v.user_id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NULL AND c.restricted = TRUE`
	largs := []any{sc.UserID, sc.WorkspaceID}
	if f.View == ViewUnassigned {
		listed += ` AND c.assignee_count = 0`
	}
	listed, largs = withStatuses(listed, "c.status", largs, f.Statuses)
	var m int64
	if err := q.db.QueryRowContext(ctx, listed, largs...).Scan(&m); err != nil {
		return 0, true, fmt.Errorf("count restricted conversations: %w", err)
	}
	return n + m, true, nil
}

// withStatuses adds "AND column IN (…)" for the statuses, if any.
func withStatuses(query, column string, args []any, statuses []parley.ConversationStatus) (string, []any) {
	if len(statuses) == 0 {
		return query, args
	}
	ph := make([]string, len(statuses))
	for i, st := range statuses {
		args = append(args, string(st))
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	return query + ` AND ` + column + ` IN (` + strings.Join(ph, ",") + `)`, args
}
