package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
)

// TeamRouting is a team's routing policy and the last agent it assigned.
type TeamRouting struct {
	TeamID      string
	WorkspaceID string
	Name        string
	Policy      string
	Cursor      string
}

// FindTeamRouting returns a team's routing, or ENOTFOUND.
func (q *queries) FindTeamRouting(ctx context.Context, workspaceID, teamID string) (*TeamRouting, error) {
	return q.teamRouting(ctx, workspaceID, teamID, "")
}

// LockTeamRouting is FindTeamRouting holding the team's row until commit,
// so that one routing pass of a team runs at a time.
func (tx *Tx) LockTeamRouting(ctx context.Context, workspaceID, teamID string) (*TeamRouting, error) {
	return tx.teamRouting(ctx, workspaceID, teamID, tx.forUpdate(false))
}

func (q *queries) teamRouting(ctx context.Context, workspaceID, teamID, lock string) (*TeamRouting, error) {
	t := &TeamRouting{}
	err := q.db.QueryRowContext(ctx, `SELECT id, workspace_id, name, routing_policy, routing_cursor FROM teams
		WHERE id = $1 AND workspace_id = $2`+lock, teamID, workspaceID).Scan(&t.TeamID, &t.WorkspaceID, &t.Name, &t.Policy, &t.Cursor)
	if err != nil {
		return nil, notFound(err, "Team")
	}
	return t, nil
}

// SetTeamRouting writes a team's policy and cursor.
func (tx *Tx) SetTeamRouting(ctx context.Context, t *TeamRouting) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE teams SET routing_policy = $1, routing_cursor = $2 WHERE id = $3 AND workspace_id = $4`,
		t.Policy, t.Cursor, t.TeamID, t.WorkspaceID)
	if err != nil {
		return fmt.Errorf("set team routing: %w", err)
	}
	return mustAffect(res, "Team")
}

// TeamPolicies returns the routing policy of each of the workspace's teams.
func (q *queries) TeamPolicies(ctx context.Context, workspaceID string) (map[string]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, routing_policy FROM teams WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("team policies: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, fmt.Errorf("team policies: %w", err)
		}
		out[id] = p
	}
	return out, rows.Err()
}

// LockQueued returns up to limit of the team's queued, unassigned
// conversations in arrival order, locked until commit; on PostgreSQL rows
// another transaction holds (an agent accepting one) are skipped.
func (tx *Tx) LockQueued(ctx context.Context, workspaceID, teamID string, limit int) ([]*parley.Conversation, error) {
	rows, err := tx.db.QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.team_id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NULL AND c.status = 'queued' AND c.assignee_count = 0
		ORDER BY c.queued_at, c.id LIMIT $3`+tx.forUpdate(true), teamID, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("lock queued: %w", err)
	}
	defer rows.Close()
	var out []*parley.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("lock queued: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LockConversation returns a live conversation of the workspace holding
// its row until commit (accept, transfer), or ENOTFOUND.
func (tx *Tx) LockConversation(ctx context.Context, workspaceID, conversationID string) (*parley.Conversation, error) {
	return scanConversation(tx.db.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations c WHERE c.id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NULL`+
			tx.forUpdate(false), conversationID, workspaceID))
}

// QueuedTeams returns the workspace's teams that have queued conversations.
func (q *queries) QueuedTeams(ctx context.Context, workspaceID string) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT DISTINCT CAST(team_id AS TEXT) FROM conversations
		WHERE workspace_id = $1 AND deleted_at IS NULL AND status = 'queued' AND team_id IS NOT NULL`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("queued teams: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("queued teams: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Agent is a member as routing and the transfer dialog see them.
type Agent struct {
	UserID       string              `json:"user_id"`
	Name         string              `json:"name"`
	Role         parley.Role         `json:"role"`
	Availability parley.Availability `json:"availability"`
	Capacity     int                 `json:"capacity"`
	// Load counts the open and pending conversations assigned to them.
	Load     int        `json:"load"`
	LastSeen *time.Time `json:"last_seen_at"`
}

// ListAgents returns the workspace's members (only the team's when teamID
// is set) with their load, by user id. On PostgreSQL with lock set the
// member rows stay locked until commit, so two routing passes of teams
// sharing an agent cannot both fill their last place.
func (tx *Tx) ListAgents(ctx context.Context, workspaceID, teamID string, lock bool) ([]Agent, error) {
	return tx.listAgents(ctx, workspaceID, teamID, lock)
}

// ListAgents returns the workspace's members with their load (read pool).
func (s *Store) ListAgents(ctx context.Context, workspaceID string) ([]Agent, error) {
	return s.listAgents(ctx, workspaceID, "", false)
}

func (q *queries) listAgents(ctx context.Context, workspaceID, teamID string, lock bool) ([]Agent, error) {
	// Built: the team is optional, and the lock and the read share the
	// predicate.
	args := []any{workspaceID}
	where := `m.workspace_id = $1`
	if teamID != "" {
		args = append(args, teamID)
		where += ` AND m.user_id IN (SELECT user_id FROM team_members WHERE team_id = $2)`
	}
	if lock && q.dialect == Postgres {
		if _, err := q.db.ExecContext(ctx, `SELECT 1 FROM members m WHERE `+where+` ORDER BY m.user_id FOR UPDATE`, args...); err != nil {
			return nil, fmt.Errorf("lock agents: %w", err)
		}
	}
	rows, err := q.db.QueryContext(ctx, `SELECT CAST(m.user_id AS TEXT), u.name, m.role, m.availability, m.capacity,
		(SELECT COUNT(*) FROM conversation_assignees a WHERE a.user_id = m.user_id AND a.workspace_id = m.workspace_id
			AND a.status IN ('open', 'pending')),
		p.last_seen_at
		FROM members m JOIN users u ON u.id = m.user_id
		LEFT JOIN user_presence p ON p.workspace_id = m.workspace_id AND p.user_id = m.user_id
		WHERE `+where+` ORDER BY m.user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	defer rows.Close()
	out := []Agent{}
	for rows.Next() {
		var a Agent
		var seen sql.NullInt64
		if err := rows.Scan(&a.UserID, &a.Name, &a.Role, &a.Availability, &a.Capacity, &a.Load, &seen); err != nil {
			return nil, fmt.Errorf("list agents: %w", err)
		}
		a.LastSeen = timePtr(seen)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Presence is one user seen connected to a workspace.
type Presence struct {
	WorkspaceID string
	UserID      string
}

// TouchPresence records that users are connected now and returns the
// workspaces where one of them was not seen since staleBefore (they came
// online: routing may now give them work).
func (tx *Tx) TouchPresence(ctx context.Context, seen []Presence, staleBefore time.Time) ([]string, error) {
	cameOnline := map[string]bool{}
	for _, p := range seen {
		var was sql.NullInt64
		err := tx.db.QueryRowContext(ctx, `SELECT last_seen_at FROM user_presence WHERE workspace_id = $1 AND user_id = $2`,
			p.WorkspaceID, p.UserID).Scan(&was)
		if err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("touch presence: %w", err)
		}
		if !was.Valid || was.Int64 < micros(staleBefore) {
			cameOnline[p.WorkspaceID] = true
		}
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO user_presence (workspace_id, user_id, last_seen_at) VALUES ($1,$2,$3)
			ON CONFLICT (workspace_id, user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
			p.WorkspaceID, p.UserID, micros(tx.now)); err != nil {
			return nil, fmt.Errorf("touch presence: %w", err)
		}
	}
	out := make([]string, 0, len(cameOnline))
	for ws := range cameOnline {
		out = append(out, ws)
	}
	return out, nil
}
