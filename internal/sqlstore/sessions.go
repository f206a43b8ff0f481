package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Session kinds.
const (
	SessionLogin = "session"
	SessionAPI   = "api"
)

// CreateSession stores a session or API token by its hash.
func (tx *Tx) CreateSession(ctx context.Context, userID, kind, name, tokenHash string, expires *time.Time) (*parley.Session, error) {
	s := &parley.Session{ID: id.New(), UserID: userID, Kind: kind, Name: name, CreatedAt: tx.now, ExpiresAt: expires}
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO sessions (id, token_hash, user_id, kind, name, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		s.ID, tokenHash, userID, kind, name, micros(tx.now), nullMicros(expires)); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return s, nil
}

// FindSessionByTokenHash returns the live session with that token hash, or
// ENOTFOUND (also when it has expired).
func (q *queries) FindSessionByTokenHash(ctx context.Context, hash string, now time.Time) (*parley.Session, error) {
	var s parley.Session
	var created int64
	var used, expires sql.NullInt64
	err := q.db.QueryRowContext(ctx,
		`SELECT id, user_id, kind, name, created_at, last_used_at, expires_at FROM sessions WHERE token_hash = $1`, hash).
		Scan(&s.ID, &s.UserID, &s.Kind, &s.Name, &created, &used, &expires)
	if err != nil {
		return nil, notFound(err, "Session")
	}
	s.CreatedAt, s.LastUsedAt, s.ExpiresAt = fromMicros(created), timePtr(used), timePtr(expires)
	if s.ExpiresAt != nil && !now.Before(*s.ExpiresAt) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Session not found.")
	}
	return &s, nil
}

// ListAPITokens returns a user's API tokens, newest first.
func (q *queries) ListAPITokens(ctx context.Context, userID string) ([]parley.Session, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT id, user_id, kind, name, created_at, last_used_at, expires_at FROM sessions
		 WHERE user_id = $1 AND kind = 'api' ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []parley.Session{}
	for rows.Next() {
		var s parley.Session
		var created int64
		var used, expires sql.NullInt64
		if err := rows.Scan(&s.ID, &s.UserID, &s.Kind, &s.Name, &created, &used, &expires); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		s.CreatedAt, s.LastUsedAt, s.ExpiresAt = fromMicros(created), timePtr(used), timePtr(expires)
		out = append(out, s)
	}
	return out, rows.Err()
}

// TouchSession records that a session was used (at most once a minute).
func (tx *Tx) TouchSession(ctx context.Context, sessionID string) error {
	_, err := tx.db.ExecContext(ctx,
		`UPDATE sessions SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		micros(tx.now), sessionID, micros(tx.now.Add(-time.Minute)))
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession revokes one session or token of a user.
func (tx *Tx) DeleteSession(ctx context.Context, userID, sessionID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, sessionID, userID)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return mustAffect(res, "Token")
}
