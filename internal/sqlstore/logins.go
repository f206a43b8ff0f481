package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// LoginRule is how one sign-in limit counts attempts: the caller's rule,
// which the store only applies atomically.
type LoginRule struct {
	// Limit is the most attempts granted until the count is forgotten
	// (0: no limit).
	Limit int
	// Free attempts are granted without delay; each one after them waits
	// BaseDelay, doubled each time, at most MaxDelay, after the previous
	// one (0 BaseDelay: no delay).
	Free                int
	BaseDelay, MaxDelay time.Duration
	// Forget resets the count when no attempt was granted for this long.
	Forget time.Duration
}

// LoginAttempt is the state of a limit after an attempt was recorded.
type LoginAttempt struct {
	// Granted says the attempt was counted and its password may be
	// checked; a refused attempt changes nothing.
	Granted bool
	// Failures is the count, the granted attempt included.
	Failures int
	// LastAt is when the last attempt was granted; NextAt is the earliest
	// the next one can be.
	LastAt, NextAt time.Time
}

// RecordLoginAttempt counts an attempt against key under rule, before its
// password is checked, and reports whether it is granted. It is one
// statement (an upsert returning the row), so however many attempts
// arrive at once, on however many nodes, at most rule.Limit are granted:
// PostgreSQL holds the row's lock through the transaction, SQLite
// serialises writes. An attempt whose password turns out right is given
// back with ReleaseLoginAttempt or ForgetLoginAttempts.
func (tx *Tx) RecordLoginAttempt(ctx context.Context, key string, rule LoginRule) (LoginAttempt, error) {
	limit := int64(rule.Limit)
	if limit <= 0 {
		limit = 1 << 40
	}
	// In SET, every column named is the row's value before the update;
	// "reset" is last_at < $3, "grant" is reset OR (failures < $4 AND
	// next_at <= $2), the new count is 1 on reset, else failures + 1.
	const q = `
INSERT INTO login_throttles (key, failures, last_at, next_at, delay, granted)
VALUES ($1, 1, CAST($2 AS BIGINT),
        CAST($2 AS BIGINT) + CASE WHEN 1 > CAST($5 AS BIGINT) THEN CAST($6 AS BIGINT) ELSE 0 END,
        CASE WHEN 1 > CAST($5 AS BIGINT) THEN CAST($6 AS BIGINT) ELSE 0 END, 1)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE
    WHEN login_throttles.last_at < CAST($3 AS BIGINT) THEN 1
    WHEN login_throttles.failures < CAST($4 AS BIGINT) AND login_throttles.next_at <= CAST($2 AS BIGINT) THEN login_throttles.failures + 1
    ELSE login_throttles.failures END,
  delay = CASE
    WHEN login_throttles.last_at < CAST($3 AS BIGINT) THEN CASE WHEN 1 > CAST($5 AS BIGINT) THEN CAST($6 AS BIGINT) ELSE 0 END
    WHEN login_throttles.failures < CAST($4 AS BIGINT) AND login_throttles.next_at <= CAST($2 AS BIGINT) THEN CASE
      WHEN login_throttles.failures + 1 <= CAST($5 AS BIGINT) THEN 0
      WHEN login_throttles.delay = 0 THEN CAST($6 AS BIGINT)
      WHEN login_throttles.delay * 2 > CAST($7 AS BIGINT) THEN CAST($7 AS BIGINT)
      ELSE login_throttles.delay * 2 END
    ELSE login_throttles.delay END,
  next_at = CASE
    WHEN login_throttles.last_at < CAST($3 AS BIGINT) THEN CAST($2 AS BIGINT) + CASE WHEN 1 > CAST($5 AS BIGINT) THEN CAST($6 AS BIGINT) ELSE 0 END
    WHEN login_throttles.failures < CAST($4 AS BIGINT) AND login_throttles.next_at <= CAST($2 AS BIGINT) THEN CAST($2 AS BIGINT) + CASE
      WHEN login_throttles.failures + 1 <= CAST($5 AS BIGINT) THEN 0
      WHEN login_throttles.delay = 0 THEN CAST($6 AS BIGINT)
      WHEN login_throttles.delay * 2 > CAST($7 AS BIGINT) THEN CAST($7 AS BIGINT)
      ELSE login_throttles.delay * 2 END
    ELSE login_throttles.next_at END,
  last_at = CASE
    WHEN login_throttles.last_at < CAST($3 AS BIGINT)
      OR (login_throttles.failures < CAST($4 AS BIGINT) AND login_throttles.next_at <= CAST($2 AS BIGINT)) THEN CAST($2 AS BIGINT)
    ELSE login_throttles.last_at END,
  granted = CASE
    WHEN login_throttles.last_at < CAST($3 AS BIGINT)
      OR (login_throttles.failures < CAST($4 AS BIGINT) AND login_throttles.next_at <= CAST($2 AS BIGINT)) THEN 1
    ELSE 0 END
RETURNING failures, last_at, next_at, granted`
	var a LoginAttempt
	var last, next, granted int64
	err := tx.db.QueryRowContext(ctx, q, key, micros(tx.now), micros(tx.now.Add(-rule.Forget)), limit,
		int64(rule.Free), rule.BaseDelay.Microseconds(), rule.MaxDelay.Microseconds()).
		Scan(&a.Failures, &last, &next, &granted)
	if err != nil {
		return LoginAttempt{}, fmt.Errorf("record login attempt: %w", err)
	}
	a.Granted, a.LastAt, a.NextAt = granted == 1, fromMicros(last), fromMicros(next)
	return a, nil
}

// ReleaseLoginAttempt gives back one granted attempt of key (its password
// was right, so it is not a failure).
func (tx *Tx) ReleaseLoginAttempt(ctx context.Context, key string) error {
	if _, err := tx.db.ExecContext(ctx,
		`UPDATE login_throttles SET failures = failures - 1 WHERE key = $1 AND failures > 0`, key); err != nil {
		return fmt.Errorf("release login attempt: %w", err)
	}
	return nil
}

// ForgetLoginAttempts clears key's count and delay (after a success).
func (tx *Tx) ForgetLoginAttempts(ctx context.Context, key string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM login_throttles WHERE key = $1`, key); err != nil {
		return fmt.Errorf("forget login attempts: %w", err)
	}
	return nil
}

// RehashPassword replaces a user's password hash with one of the same
// password made with other parameters, unless the hash changed meanwhile
// (a password change that committed first wins). It reports whether it
// replaced it.
func (tx *Tx) RehashPassword(ctx context.Context, userID, oldHash, newHash string) (bool, error) {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, newHash, userID, oldHash)
	if err != nil {
		return false, fmt.Errorf("rehash password: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("rehash password: %w", err)
	}
	return n == 1, nil
}

// RevokedCredentials counts what RevokeUserCredentials deleted.
type RevokedCredentials struct {
	Sessions  int `json:"sessions"`
	APITokens int `json:"api_tokens"`
}

// RevokeUserCredentials signs a user out everywhere: it deletes their
// browser sessions except exceptSessionID ("" keeps none) and all their
// personal API tokens, as a password change or reset must.
func (tx *Tx) RevokeUserCredentials(ctx context.Context, userID, exceptSessionID string) (RevokedCredentials, error) {
	var r RevokedCredentials
	query, args := `DELETE FROM sessions WHERE user_id = $1 AND kind = 'session'`, []any{userID}
	if exceptSessionID != "" { // an id column of type uuid on PostgreSQL: "" is no id
		query, args = query+` AND id <> $2`, append(args, exceptSessionID)
	}
	res, err := tx.db.ExecContext(ctx, query, args...)
	if err != nil {
		return r, fmt.Errorf("revoke sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	r.Sessions = int(n)
	if res, err = tx.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND kind = 'api'`, userID); err != nil {
		return r, fmt.Errorf("revoke api tokens: %w", err)
	}
	n, _ = res.RowsAffected()
	r.APITokens = int(n)
	return r, nil
}
