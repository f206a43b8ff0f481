package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Invite is a pending invitation to join a workspace. Only its token's
// hash is stored; the link is shown once, when the invitation is made or
// renewed.
type Invite struct {
	ID            string
	WorkspaceID   string
	WorkspaceName string
	Email         string
	Role          parley.Role
	InvitedBy     string
	CreatedAt     time.Time
	ExpiresAt     time.Time
}

const inviteSelect = `SELECT i.id, i.workspace_id, w.name, i.email, i.role, i.invited_by, i.created_at, i.expires_at
	FROM invites i JOIN workspaces w ON w.id = i.workspace_id`

// PutInvite creates the workspace's invitation of email, or replaces the
// pending one (new role, token and expiry; the old link stops working).
func (tx *Tx) PutInvite(ctx context.Context, workspaceID, email string, role parley.Role, tokenHash, invitedBy string, expires time.Time) (*Invite, error) {
	var inviteID string
	err := tx.db.QueryRowContext(ctx,
		`INSERT INTO invites (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		 ON CONFLICT (workspace_id, email) DO UPDATE SET role = $4, token_hash = $5, invited_by = $6, created_at = $7, expires_at = $8
		 RETURNING id`,
		id.New(), workspaceID, normalizeEmail(email), string(role), tokenHash, nullString(invitedBy), micros(tx.now), micros(expires)).
		Scan(&inviteID)
	if err != nil {
		return nil, fmt.Errorf("put invite: %w", err)
	}
	return tx.FindInviteByID(ctx, workspaceID, inviteID)
}

// RenewInvite gives an invitation a new token and expiry (the old link
// stops working); ENOTFOUND when it is not the workspace's.
func (tx *Tx) RenewInvite(ctx context.Context, workspaceID, inviteID, tokenHash string, expires time.Time) (*Invite, error) {
	if !id.Valid(inviteID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Invitation not found.")
	}
	res, err := tx.db.ExecContext(ctx,
		`UPDATE invites SET token_hash = $1, created_at = $2, expires_at = $3 WHERE id = $4 AND workspace_id = $5`,
		tokenHash, micros(tx.now), micros(expires), inviteID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("renew invite: %w", err)
	}
	if err := mustAffect(res, "Invitation"); err != nil {
		return nil, err
	}
	return tx.FindInviteByID(ctx, workspaceID, inviteID)
}

// DeleteInvite revokes an invitation; ENOTFOUND when it is not the
// workspace's.
func (tx *Tx) DeleteInvite(ctx context.Context, workspaceID, inviteID string) error {
	if !id.Valid(inviteID) {
		return parley.Errorf(parley.ENOTFOUND, "Invitation not found.")
	}
	res, err := tx.db.ExecContext(ctx, `DELETE FROM invites WHERE id = $1 AND workspace_id = $2`, inviteID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete invite: %w", err)
	}
	return mustAffect(res, "Invitation")
}

// ConsumeInvite deletes the live invitation with that token hash and
// returns it: a link works once. ENOTFOUND when there is none or it has
// expired (at the transaction's time).
func (tx *Tx) ConsumeInvite(ctx context.Context, tokenHash string) (*Invite, error) {
	inv, err := tx.FindInviteByTokenHash(ctx, tokenHash, tx.now)
	if err != nil {
		return nil, err
	}
	res, err := tx.db.ExecContext(ctx, `DELETE FROM invites WHERE id = $1 AND token_hash = $2`, inv.ID, tokenHash)
	if err != nil {
		return nil, fmt.Errorf("consume invite: %w", err)
	}
	if err := mustAffect(res, "Invitation"); err != nil {
		return nil, err
	}
	return inv, nil
}

// FindInviteByID returns one of the workspace's invitations, or ENOTFOUND.
func (q *queries) FindInviteByID(ctx context.Context, workspaceID, inviteID string) (*Invite, error) {
	if !id.Valid(inviteID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Invitation not found.")
	}
	return scanInvite(q.db.QueryRowContext(ctx, inviteSelect+` WHERE i.id = $1 AND i.workspace_id = $2`, inviteID, workspaceID))
}

// FindInviteByTokenHash returns the invitation with that token hash, or
// ENOTFOUND (also when it expired at now).
func (q *queries) FindInviteByTokenHash(ctx context.Context, tokenHash string, now time.Time) (*Invite, error) {
	inv, err := scanInvite(q.db.QueryRowContext(ctx, inviteSelect+` WHERE i.token_hash = $1`, tokenHash))
	if err != nil {
		return nil, err
	}
	if !now.Before(inv.ExpiresAt) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Invitation not found.")
	}
	return inv, nil
}

// ListInvites returns the workspace's invitations not yet accepted or
// revoked (expired ones too, so they can be renewed), newest first.
func (q *queries) ListInvites(ctx context.Context, workspaceID string) ([]Invite, error) {
	rows, err := q.db.QueryContext(ctx, inviteSelect+` WHERE i.workspace_id = $1 ORDER BY i.created_at DESC, i.id DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	defer rows.Close()
	out := []Invite{}
	for rows.Next() {
		inv, err := scanInvite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *inv)
	}
	return out, rows.Err()
}

func scanInvite(row rowScanner) (*Invite, error) {
	var inv Invite
	var by sql.NullString
	var created, expires int64
	if err := row.Scan(&inv.ID, &inv.WorkspaceID, &inv.WorkspaceName, &inv.Email, &inv.Role, &by, &created, &expires); err != nil {
		return nil, notFound(err, "Invitation")
	}
	inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt = by.String, fromMicros(created), fromMicros(expires)
	return &inv, nil
}

// PasswordReset is a one-time link to set a user's password. WorkspaceID is
// the workspace whose admin issued it ("" when the user asked for it).
type PasswordReset struct {
	ID          string
	UserID      string
	WorkspaceID string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreatePasswordReset stores a reset link's hash for a user; the user's
// earlier links stop working.
func (tx *Tx) CreatePasswordReset(ctx context.Context, userID, workspaceID, tokenHash string, expires time.Time) (*PasswordReset, error) {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = $1`, userID); err != nil {
		return nil, fmt.Errorf("create password reset: %w", err)
	}
	r := &PasswordReset{ID: id.New(), UserID: userID, WorkspaceID: workspaceID, CreatedAt: tx.now, ExpiresAt: expires}
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO password_resets (id, user_id, workspace_id, token_hash, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		r.ID, userID, nullString(workspaceID), tokenHash, micros(tx.now), micros(expires)); err != nil {
		return nil, fmt.Errorf("create password reset: %w", err)
	}
	return r, nil
}

// FindPasswordResetByTokenHash returns the reset with that token hash, or
// ENOTFOUND (also when it expired at now).
func (q *queries) FindPasswordResetByTokenHash(ctx context.Context, tokenHash string, now time.Time) (*PasswordReset, error) {
	var r PasswordReset
	var ws sql.NullString
	var created, expires int64
	err := q.db.QueryRowContext(ctx,
		`SELECT id, user_id, workspace_id, created_at, expires_at FROM password_resets WHERE token_hash = $1`, tokenHash).
		Scan(&r.ID, &r.UserID, &ws, &created, &expires)
	if err != nil {
		return nil, notFound(err, "Password reset")
	}
	r.WorkspaceID, r.CreatedAt, r.ExpiresAt = ws.String, fromMicros(created), fromMicros(expires)
	if !now.Before(r.ExpiresAt) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Password reset not found.")
	}
	return &r, nil
}

// ConsumePasswordReset deletes the live reset with that token hash (and
// the user's other resets) and returns it: a link works once. ENOTFOUND
// when there is none or it has expired (at the transaction's time).
func (tx *Tx) ConsumePasswordReset(ctx context.Context, tokenHash string) (*PasswordReset, error) {
	r, err := tx.FindPasswordResetByTokenHash(ctx, tokenHash, tx.now)
	if err != nil {
		return nil, err
	}
	res, err := tx.db.ExecContext(ctx, `DELETE FROM password_resets WHERE id = $1 AND token_hash = $2`, r.ID, tokenHash)
	if err != nil {
		return nil, fmt.Errorf("consume password reset: %w", err)
	}
	if err := mustAffect(res, "Password reset"); err != nil {
		return nil, err
	}
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = $1`, r.UserID); err != nil {
		return nil, fmt.Errorf("consume password reset: %w", err)
	}
	return r, nil
}
