package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/parleyhq/parley"
)

// OutboxItem is a claimed outbox row: one outgoing message and the lease
// its worker holds. Token is the fencing token every later write of the
// holder presents; a write with a stale token changes nothing.
type OutboxItem struct {
	MessageID      string
	WorkspaceID    string
	ConversationID string
	InboxID        string
	// Attempts counts the provider calls started so far.
	Attempts int
	Token    int64
	// InFlight is true when a previous holder committed the start of a
	// provider call and never recorded its outcome: that call may or may
	// not have reached the provider.
	InFlight      bool
	FirstFailedAt *time.Time
	LastError     string
}

// EnqueueOutbox queues m for sending at due. Queueing a message again (a
// retry) resets its row; the order key becomes the transaction's time, so a
// retried message goes behind what is already queued.
func (tx *Tx) EnqueueOutbox(ctx context.Context, m *parley.Message, due time.Time) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO outbox (message_id, workspace_id, conversation_id, inbox_id, queued_at, due_at, lease_token)
		 VALUES ($1,$2,$3,$4,$5,$6,$7)
		 ON CONFLICT (message_id) DO UPDATE SET queued_at = excluded.queued_at, due_at = excluded.due_at, attempts = 0,
		   lease_until = NULL, lease_token = outbox.lease_token + 1, in_flight = FALSE, first_failed_at = NULL, last_error = ''`,
		m.ID, m.WorkspaceID, m.ConversationID, m.InboxID, micros(tx.now), micros(due), initialToken())
	if err != nil {
		return fmt.Errorf("enqueue message %s: %w", m.ID, err)
	}
	return nil
}

// initialToken starts a row's fencing tokens at a random point, so that a
// row deleted and queued again never hands out a token an old holder still
// has.
func initialToken() int64 { return rand.Int64N(1 << 52) }

// ClaimOutbox's statements: $1 the new lease end, $2 now, $3 now-hold, $4
// the limit.
const (
	claimOutboxPick = `SELECT o.message_id FROM outbox o
		WHERE o.due_at <= $2 AND (o.lease_until IS NULL OR o.lease_until <= $2)
		  AND NOT EXISTS (
		    SELECT 1 FROM outbox p
		    WHERE p.conversation_id = o.conversation_id AND p.inbox_id = o.inbox_id
		      AND (p.queued_at < o.queued_at OR (p.queued_at = o.queued_at AND p.message_id < o.message_id))
		      AND (p.first_failed_at IS NULL OR p.first_failed_at > $3))
		ORDER BY o.due_at, o.queued_at, o.message_id
		LIMIT $4`
	claimOutboxColumns = `message_id, workspace_id, conversation_id, inbox_id, attempts, lease_token, in_flight, first_failed_at, last_error`
	// claimOutboxSQLite relies on the single writer to serialise claims.
	claimOutboxSQLite = `UPDATE outbox SET lease_token = lease_token + 1, lease_until = $1 WHERE message_id IN (` + claimOutboxPick + `)
		RETURNING ` + claimOutboxColumns
)

// claimOutboxPostgres: the CTE runs once and locks what it picks; rows
// another claimer holds are skipped, not waited for (SKIP LOCKED is a
// syntax error in SQLite). A variable only because qualify writes its
// column list.
var claimOutboxPostgres = `WITH picked AS (` + claimOutboxPick + ` FOR UPDATE OF o SKIP LOCKED)
	UPDATE outbox SET lease_token = outbox.lease_token + 1, lease_until = $1
	FROM picked WHERE outbox.message_id = picked.message_id
	RETURNING ` + qualify("outbox", claimOutboxColumns)

// ClaimOutbox leases up to limit due rows until now+lease and returns them
// with fresh fencing tokens. A row is due when its due time has come, no
// live lease holds it, and no earlier row of the same conversation and
// inbox is still pending, unless that row has been failing since before
// now-hold (a failing message holds the ones behind it for at most hold).
// On PostgreSQL concurrent claimers skip each other's rows (FOR UPDATE SKIP
// LOCKED); on SQLite the single writer serialises claims.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease, hold time.Duration) ([]OutboxItem, error) {
	var items []OutboxItem
	err := s.Write(ctx, func(tx *Tx) error {
		items = items[:0]
		query := claimOutboxSQLite
		if tx.dialect == Postgres {
			query = claimOutboxPostgres
		}
		rows, err := tx.db.QueryContext(ctx, query, micros(now.Add(lease)), micros(now), micros(now.Add(-hold)), limit)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var it OutboxItem
			var failed sql.NullInt64
			if err := rows.Scan(&it.MessageID, &it.WorkspaceID, &it.ConversationID, &it.InboxID, &it.Attempts, &it.Token,
				&it.InFlight, &failed, &it.LastError); err != nil {
				return fmt.Errorf("claim outbox: %w", err)
			}
			it.FirstFailedAt = timePtr(failed)
			items = append(items, it)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// StartOutboxAttempt records, before the provider call, that an attempt is
// in flight: it counts the attempt and extends the lease to leaseUntil. It
// returns the attempt's number, or ok false when the token is stale (the
// lease was lost and the row belongs to another worker now).
func (tx *Tx) StartOutboxAttempt(ctx context.Context, messageID string, token int64, leaseUntil time.Time) (attempt int, ok bool, err error) {
	err = tx.db.QueryRowContext(ctx,
		`UPDATE outbox SET in_flight = TRUE, attempts = attempts + 1, lease_until = $1
		 WHERE message_id = $2 AND lease_token = $3 RETURNING attempts`,
		micros(leaseUntil), messageID, token).Scan(&attempt)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("start outbox attempt %s: %w", messageID, err)
	}
	return attempt, true, nil
}

// DeferOutbox releases a claimed row untried until due (provider pacing).
// It reports false when the token is stale.
func (tx *Tx) DeferOutbox(ctx context.Context, messageID string, token int64, due time.Time) (bool, error) {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE outbox SET due_at = $1, lease_until = NULL WHERE message_id = $2 AND lease_token = $3`,
		micros(due), messageID, token)
	if err != nil {
		return false, fmt.Errorf("defer outbox %s: %w", messageID, err)
	}
	return affected(res)
}

// RetryOutboxLater records a failed attempt whose outcome is known and
// releases the row until due. The first failure starts the hold on the
// messages behind it. It reports false when the token is stale.
func (tx *Tx) RetryOutboxLater(ctx context.Context, messageID string, token int64, due time.Time, errText string) (bool, error) {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE outbox SET due_at = $1, lease_until = NULL, in_flight = FALSE, last_error = $2,
		   first_failed_at = COALESCE(first_failed_at, $3)
		 WHERE message_id = $4 AND lease_token = $5`,
		micros(due), errText, micros(tx.now), messageID, token)
	if err != nil {
		return false, fmt.Errorf("retry outbox %s later: %w", messageID, err)
	}
	return affected(res)
}

// CompleteOutbox removes a row whose message was sent or failed for good.
// It reports false when the token is stale.
func (tx *Tx) CompleteOutbox(ctx context.Context, messageID string, token int64) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM outbox WHERE message_id = $1 AND lease_token = $2`, messageID, token)
	if err != nil {
		return false, fmt.Errorf("complete outbox %s: %w", messageID, err)
	}
	return affected(res)
}

// NextOutboxDue returns the earliest due time after now of a queued
// message, or nil when nothing is scheduled later.
func (q *queries) NextOutboxDue(ctx context.Context, now time.Time) (*time.Time, error) {
	var n sql.NullInt64
	if err := q.db.QueryRowContext(ctx, `SELECT MIN(due_at) FROM outbox WHERE due_at > $1`, micros(now)).Scan(&n); err != nil {
		return nil, fmt.Errorf("next outbox due: %w", err)
	}
	return timePtr(n), nil
}

// OutboxRow is an outbox row as stored, for inspection.
type OutboxRow struct {
	OutboxItem
	QueuedAt   time.Time
	DueAt      time.Time
	LeaseUntil *time.Time
}

// FindOutboxRow returns the outbox row of a message, or ENOTFOUND when the
// message is not queued.
func (q *queries) FindOutboxRow(ctx context.Context, messageID string) (*OutboxRow, error) {
	var r OutboxRow
	var queued, due int64
	var lease, failed sql.NullInt64
	err := q.db.QueryRowContext(ctx,
		`SELECT message_id, workspace_id, conversation_id, inbox_id, attempts, lease_token, in_flight, first_failed_at,
		   last_error, queued_at, due_at, lease_until
		 FROM outbox WHERE message_id = $1`, messageID).Scan(&r.MessageID, &r.WorkspaceID, &r.ConversationID, &r.InboxID,
		&r.Attempts, &r.Token, &r.InFlight, &failed, &r.LastError, &queued, &due, &lease)
	if err != nil {
		return nil, notFound(err, "Outbox row")
	}
	r.FirstFailedAt, r.LeaseUntil = timePtr(failed), timePtr(lease)
	r.QueuedAt, r.DueAt = fromMicros(queued), fromMicros(due)
	return &r, nil
}

// TakePace takes the next slot of a shared rate limit of one message per
// interval under key, as of now (a GCRA with no burst). It reports whether
// the caller may send now; when it may not, next is when the next slot
// opens. Every node uses the same row, so together they keep the rate.
func (tx *Tx) TakePace(ctx context.Context, key string, now time.Time, interval time.Duration) (ok bool, next time.Time, err error) {
	var tat int64
	err = tx.db.QueryRowContext(ctx,
		`INSERT INTO pacing (key, tat) VALUES ($1, $2)
		 ON CONFLICT (key) DO UPDATE SET tat = excluded.tat WHERE pacing.tat <= $3
		 RETURNING tat`, key, micros(now.Add(interval)), micros(now)).Scan(&tat)
	if err == nil {
		return true, time.Time{}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, fmt.Errorf("take pace %s: %w", key, err)
	}
	if err := tx.db.QueryRowContext(ctx, `SELECT tat FROM pacing WHERE key = $1`, key).Scan(&tat); err != nil {
		return false, time.Time{}, fmt.Errorf("take pace %s: %w", key, err)
	}
	return false, fromMicros(tat), nil
}

// qualify prefixes each of a comma-separated column list with table.
func qualify(table, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func affected(res sql.Result) (bool, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("rows affected: %w", err)
	}
	return n > 0, nil
}
