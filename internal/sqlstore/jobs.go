package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Job is one scheduled job: a timer (a snoozed conversation's wake-up) or
// follow-up work queued in the transaction that caused it. Kind selects the
// handler; (Kind, Key) is unique, so scheduling the same key again replaces
// the job.
type Job struct {
	ID          string
	Kind        string
	Key         string
	WorkspaceID string
	Payload     json.RawMessage
	DueAt       time.Time
	// Attempts counts the claims so far, this one included.
	Attempts int
	// Token is the fencing token of the current claim.
	Token     int64
	LastError string
	FailedAt  *time.Time
	CreatedAt time.Time
	// Unclaimed marks a job run without a claim (scheduler.RunJob): its
	// Run must not start anything long, and returns
	// scheduler.ErrNeedsClaim instead.
	Unclaimed bool
}

const jobColumns = `id, kind, key, workspace_id, payload, due_at, attempts, lease_token, last_error, failed_at, created_at`

const (
	// claimJobSQL claims one job whatever its due time: $1 the new lease
	// end, $2 the job, $3 now.
	claimJobSQL = `UPDATE jobs SET lease_token = lease_token + 1, lease_until = $1, attempts = attempts + 1
		WHERE id = $2 AND failed_at IS NULL AND (lease_until IS NULL OR lease_until <= $3) RETURNING ` + jobColumns
)

// claimJobsSQL is ClaimJobs' statement for the dialect and the number of
// kinds ($4 on): $1 the new lease end, $2 now, $3 the limit. Built for the
// IN list; PostgreSQL's claimers skip each other's rows (FOR UPDATE SKIP
// LOCKED, a syntax error in SQLite, whose single writer serialises claims).
func claimJobsSQL(d Dialect, kinds int) string {
	pick := `SELECT j.id FROM jobs j
		WHERE j.failed_at IS NULL AND j.due_at <= $2 AND (j.lease_until IS NULL OR j.lease_until <= $2)
		  AND j.kind IN (` + placeholders(4, kinds) + `)
		ORDER BY j.due_at, j.id LIMIT $3`
	if d == Postgres {
		return `WITH picked AS (` + pick + ` FOR UPDATE OF j SKIP LOCKED)
			UPDATE jobs SET lease_token = jobs.lease_token + 1, lease_until = $1, attempts = jobs.attempts + 1
			FROM picked WHERE jobs.id = picked.id RETURNING ` + qualify("jobs", jobColumns)
	}
	return `UPDATE jobs SET lease_token = lease_token + 1, lease_until = $1, attempts = attempts + 1
		WHERE id IN (` + pick + `) RETURNING ` + jobColumns
}

// ScheduleJob inserts j, or replaces the job of the same kind and key: its
// payload and due time are overwritten, its attempts reset, and any lease
// on it voided (a worker running the old version cannot complete it). An
// empty ID or Key is filled in (Key defaults to the ID); j.ID and j.Token
// are set to the stored job's.
func (tx *Tx) ScheduleJob(ctx context.Context, j *Job) error {
	if j.ID == "" {
		j.ID = id.New()
	}
	if j.Key == "" {
		j.Key = j.ID
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage(`{}`)
	}
	j.CreatedAt = tx.now
	err := tx.db.QueryRowContext(ctx,
		`INSERT INTO jobs (id, kind, key, workspace_id, payload, due_at, lease_token, created_at)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		 ON CONFLICT (kind, key) DO UPDATE SET workspace_id = excluded.workspace_id, payload = excluded.payload,
		   due_at = excluded.due_at, attempts = 0, lease_until = NULL, lease_token = jobs.lease_token + 1,
		   last_error = '', failed_at = NULL
		 RETURNING id, lease_token`,
		j.ID, j.Kind, j.Key, j.WorkspaceID, string(j.Payload), micros(j.DueAt), initialToken(), micros(tx.now)).Scan(&j.ID, &j.Token)
	if err != nil {
		return fmt.Errorf("schedule job %s: %w", j.Kind, err)
	}
	return nil
}

// CancelJob deletes the job of kind and key, if there is one. A worker
// running it at that moment cannot complete it.
func (tx *Tx) CancelJob(ctx context.Context, kind, key string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM jobs WHERE kind = $1 AND key = $2`, kind, key); err != nil {
		return fmt.Errorf("cancel job %s: %w", kind, err)
	}
	return nil
}

// ClaimJobs leases up to limit due jobs of the given kinds until now+lease,
// counting an attempt for each, and returns them with fresh fencing tokens.
// Jobs that failed for good are never claimed. On PostgreSQL concurrent
// claimers skip each other's rows (FOR UPDATE SKIP LOCKED); on SQLite the
// single writer serialises claims.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, kinds []string, limit int, lease time.Duration) ([]Job, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	args := []any{micros(now.Add(lease)), micros(now), limit}
	for _, k := range kinds {
		args = append(args, k)
	}
	query := claimJobsSQL(s.dialect, len(kinds))
	var jobs []Job
	err := s.Write(ctx, func(tx *Tx) error {
		jobs = jobs[:0]
		rows, err := tx.db.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return fmt.Errorf("claim jobs: %w", err)
			}
			jobs = append(jobs, *j)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// ClaimJob leases the job id until now+lease whatever its due time, as
// ClaimJobs does for due jobs; nil when a claim holds it, it failed for
// good, or it is gone.
func (s *Store) ClaimJob(ctx context.Context, jobID string, now time.Time, lease time.Duration) (*Job, error) {
	var j *Job
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		j, err = scanJob(tx.db.QueryRowContext(ctx, claimJobSQL, micros(now.Add(lease)), jobID, micros(now)))
		if parley.IsNotFound(err) {
			j, err = nil, nil
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim job %s: %w", jobID, err)
	}
	return j, nil
}

func scanJob(row rowScanner) (*Job, error) {
	var j Job
	var payload string
	var due, created int64
	var failed sql.NullInt64
	if err := row.Scan(&j.ID, &j.Kind, &j.Key, &j.WorkspaceID, &payload, &due, &j.Attempts, &j.Token, &j.LastError,
		&failed, &created); err != nil {
		return nil, notFound(err, "Job")
	}
	j.Payload = json.RawMessage(payload)
	j.DueAt, j.CreatedAt, j.FailedAt = fromMicros(due), fromMicros(created), timePtr(failed)
	return &j, nil
}

// CompleteJob deletes a job its holder has done. It reports false when the
// token is stale (the lease was lost, or the job was rescheduled or
// cancelled meanwhile): the caller's transaction must then roll back.
func (tx *Tx) CompleteJob(ctx context.Context, jobID string, token int64) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM jobs WHERE id = $1 AND lease_token = $2`, jobID, token)
	if err != nil {
		return false, fmt.Errorf("complete job %s: %w", jobID, err)
	}
	return affected(res)
}

// RetryJob releases a job that failed this time until due. It reports false
// when the token is stale.
func (tx *Tx) RetryJob(ctx context.Context, jobID string, token int64, due time.Time, errText string) (bool, error) {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE jobs SET due_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3 AND lease_token = $4`,
		micros(due), errText, jobID, token)
	if err != nil {
		return false, fmt.Errorf("retry job %s: %w", jobID, err)
	}
	return affected(res)
}

// FailJob marks a job failed for good; it stays in the table for
// inspection and is never claimed again. It reports false when the token
// is stale.
func (tx *Tx) FailJob(ctx context.Context, jobID string, token int64, errText string) (bool, error) {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE jobs SET failed_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3 AND lease_token = $4`,
		micros(tx.now), errText, jobID, token)
	if err != nil {
		return false, fmt.Errorf("fail job %s: %w", jobID, err)
	}
	return affected(res)
}

// NextJobDue returns the earliest due time after now of a pending job, or
// nil when none is scheduled later.
func (q *queries) NextJobDue(ctx context.Context, now time.Time) (*time.Time, error) {
	var n sql.NullInt64
	if err := q.db.QueryRowContext(ctx,
		`SELECT MIN(due_at) FROM jobs WHERE failed_at IS NULL AND due_at > $1`, micros(now)).Scan(&n); err != nil {
		return nil, fmt.Errorf("next job due: %w", err)
	}
	return timePtr(n), nil
}

// FindJob returns the job of kind and key, or ENOTFOUND.
func (q *queries) FindJob(ctx context.Context, kind, key string) (*Job, error) {
	return scanJob(q.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = $1 AND key = $2`, kind, key))
}

// HoldJob reports whether the claim with token is still the job's, and
// locks the job's row until the transaction ends: a long job that commits
// its work in steps calls it first in each step's transaction, so a step of
// a holder whose lease was lost (another node claimed the job) rolls back,
// and no claim can take the job while a step is being written.
func (tx *Tx) HoldJob(ctx context.Context, jobID string, token int64) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `UPDATE jobs SET lease_token = lease_token WHERE id = $1 AND lease_token = $2`, jobID, token)
	if err != nil {
		return false, fmt.Errorf("hold job %s: %w", jobID, err)
	}
	return affected(res)
}
