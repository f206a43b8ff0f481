package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// CreateWorkspace inserts a workspace and its counters.
func (tx *Tx) CreateWorkspace(ctx context.Context, name string, settings parley.WorkspaceSettings) (*parley.Workspace, error) {
	w := &parley.Workspace{ID: id.New(), Name: name, Settings: settings, CreatedAt: tx.now}
	raw, _ := json.Marshal(settings)
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO workspaces (id, name, settings, created_at) VALUES ($1,$2,$3,$4)`,
		w.ID, name, string(raw), micros(tx.now)); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO counters (workspace_id, name, value) VALUES ($1,'event_seq',0), ($1,'conversation_number',0)`,
		w.ID); err != nil {
		return nil, fmt.Errorf("create workspace counters: %w", err)
	}
	if tx.dialect == Postgres {
		if _, err := tx.db.ExecContext(ctx, `CREATE SEQUENCE "`+conversationSequence(w.ID)+`"`); err != nil {
			return nil, fmt.Errorf("create workspace sequence: %w", err)
		}
	}
	return w, nil
}

// UpdateWorkspace changes a workspace's name and settings.
func (tx *Tx) UpdateWorkspace(ctx context.Context, w *parley.Workspace) error {
	raw, _ := json.Marshal(w.Settings)
	res, err := tx.db.ExecContext(ctx, `UPDATE workspaces SET name = $1, settings = $2 WHERE id = $3`, w.Name, string(raw), w.ID)
	if err != nil {
		return fmt.Errorf("update workspace: %w", err)
	}
	return mustAffect(res, "Workspace")
}

// FindWorkspaceByID returns a workspace or ENOTFOUND.
func (q *queries) FindWorkspaceByID(ctx context.Context, workspaceID string) (*parley.Workspace, error) {
	return scanWorkspace(q.db.QueryRowContext(ctx, `SELECT id, name, settings, created_at FROM workspaces WHERE id = $1`, workspaceID))
}

// FindWorkspaceByName returns the oldest workspace with that name, compared
// without regard to (ASCII) case, or ENOTFOUND: an operator who types "acme"
// means the "Acme" that exists, not a second workspace beside it.
func (q *queries) FindWorkspaceByName(ctx context.Context, name string) (*parley.Workspace, error) {
	return scanWorkspace(q.db.QueryRowContext(ctx,
		`SELECT id, name, settings, created_at FROM workspaces WHERE lower(name) = lower($1) ORDER BY created_at LIMIT 1`, name))
}

func scanWorkspace(row *sql.Row) (*parley.Workspace, error) {
	var w parley.Workspace
	var settings string
	var created int64
	if err := row.Scan(&w.ID, &w.Name, &settings, &created); err != nil {
		return nil, notFound(err, "Workspace")
	}
	w.Settings = parley.DefaultWorkspaceSettings()
	if err := json.Unmarshal([]byte(settings), &w.Settings); err != nil {
		return nil, fmt.Errorf("decode workspace settings: %w", err)
	}
	w.CreatedAt = fromMicros(created)
	return &w, nil
}

// WorkspaceMembership is a workspace as listed for one user.
type WorkspaceMembership struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Role parley.Role `json:"role"`
}

// ListWorkspacesOfUser returns the workspaces a user belongs to.
func (q *queries) ListWorkspacesOfUser(ctx context.Context, userID string) ([]WorkspaceMembership, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT w.id, w.name, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id
		 WHERE m.user_id = $1 ORDER BY w.name, w.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	defer rows.Close()
	out := []WorkspaceMembership{}
	for rows.Next() {
		var m WorkspaceMembership
		if err := rows.Scan(&m.ID, &m.Name, &m.Role); err != nil {
			return nil, fmt.Errorf("list workspaces: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountUsers returns how many users exist (zero means first run).
func (q *queries) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// CreateUser inserts a user; the email must be unused (ECONFLICT).
func (tx *Tx) CreateUser(ctx context.Context, email, name, passwordHash string) (*parley.User, error) {
	u := &parley.User{ID: id.New(), Email: normalizeEmail(email), Name: name, CreatedAt: tx.now}
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1,$2,$3,$4,$5)`,
		u.ID, u.Email, u.Name, passwordHash, micros(tx.now)); err != nil {
		if isUniqueViolation(err) {
			return nil, &parley.Error{Code: parley.ECONFLICT, Field: "email", Message: "A user with this email already exists."}
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// UpdateUser changes a user's name and avatar.
func (tx *Tx) UpdateUser(ctx context.Context, u *parley.User) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE users SET name = $1, avatar_url = $2 WHERE id = $3`, u.Name, u.AvatarURL, u.ID)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return mustAffect(res, "User")
}

// SetPassword replaces a user's password hash.
func (tx *Tx) SetPassword(ctx context.Context, userID, hash string) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return mustAffect(res, "User")
}

const userColumns = `id, email, name, avatar_url, created_at`

// FindUserByID returns a user or ENOTFOUND.
func (q *queries) FindUserByID(ctx context.Context, userID string) (*parley.User, error) {
	u, _, err := scanUser(q.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE id = $1`, userID))
	return u, err
}

// FindUserByEmail returns a user and their password hash, or ENOTFOUND.
func (q *queries) FindUserByEmail(ctx context.Context, email string) (*parley.User, string, error) {
	return scanUser(q.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, normalizeEmail(email)))
}

func scanUser(row *sql.Row) (*parley.User, string, error) {
	var u parley.User
	var created int64
	var hash string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.AvatarURL, &created, &hash); err != nil {
		return nil, "", notFound(err, "User")
	}
	u.CreatedAt = fromMicros(created)
	return &u, hash, nil
}

// AddMember makes a user a member of a workspace with a role. A new member
// is online: availability is their own choice, and they have not made one.
func (tx *Tx) AddMember(ctx context.Context, workspaceID, userID string, role parley.Role) error {
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO members (workspace_id, user_id, role, availability, capacity, created_at) VALUES ($1,$2,$3,'online',0,$4)`,
		workspaceID, userID, string(role), micros(tx.now)); err != nil {
		if isUniqueViolation(err) {
			return parley.Errorf(parley.ECONFLICT, "This user is already a member of the workspace.")
		}
		return fmt.Errorf("add member: %w", err)
	}
	return nil
}

// UpdateMember changes a member's role, availability and capacity, and
// nothing else: m.TeamIDs is ignored (team membership is written by
// CreateTeam and SetTeamMembers).
func (tx *Tx) UpdateMember(ctx context.Context, m *parley.Member) error {
	res, err := tx.db.ExecContext(ctx,
		`UPDATE members SET role = $1, availability = $2, capacity = $3 WHERE workspace_id = $4 AND user_id = $5`,
		string(m.Role), string(m.Availability), m.Capacity, m.WorkspaceID, m.ID)
	if err != nil {
		return fmt.Errorf("update member: %w", err)
	}
	return mustAffect(res, "User")
}

// RemoveMember removes a user from a workspace, its teams and assignments.
func (tx *Tx) RemoveMember(ctx context.Context, workspaceID, userID string) error {
	teams, err := tx.userTeams(ctx, userID)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM team_members WHERE workspace_id = $1 AND user_id = $2`,
		`DELETE FROM members WHERE workspace_id = $1 AND user_id = $2`,
	} {
		if _, err := tx.db.ExecContext(ctx, q, workspaceID, userID); err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
	}
	return tx.rebuildTeams(ctx, workspaceID, teams...) // Unread by team: their reading no longer counts
}

const memberSelect = `SELECT u.id, u.email, u.name, u.avatar_url, u.created_at, m.workspace_id, m.role, m.availability, m.capacity
	FROM members m JOIN users u ON u.id = m.user_id`

// FindMember returns a user's membership of a workspace, or ENOTFOUND.
func (q *queries) FindMember(ctx context.Context, workspaceID, userID string) (*parley.Member, error) {
	if !id.Valid(workspaceID) || !id.Valid(userID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "User not found.")
	}
	rows, err := q.db.QueryContext(ctx, memberSelect+` WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID)
	if err != nil {
		return nil, fmt.Errorf("find member: %w", err)
	}
	ms, err := q.scanMembers(ctx, rows, workspaceID, userID)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "User not found.")
	}
	return &ms[0], nil
}

// ListMembers returns every member of a workspace, by name.
func (q *queries) ListMembers(ctx context.Context, workspaceID string) ([]parley.Member, error) {
	rows, err := q.db.QueryContext(ctx, memberSelect+` WHERE m.workspace_id = $1 ORDER BY u.name, u.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return q.scanMembers(ctx, rows, workspaceID, "")
}

// scanMembers reads members and their teams (of one user when userID is
// set: every authenticated request resolves one member).
func (q *queries) scanMembers(ctx context.Context, rows *sql.Rows, workspaceID, userID string) ([]parley.Member, error) {
	defer rows.Close()
	out := []parley.Member{}
	for rows.Next() {
		var m parley.Member
		var created int64
		if err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.AvatarURL, &created, &m.WorkspaceID, &m.Role, &m.Availability, &m.Capacity); err != nil {
			return nil, fmt.Errorf("scan member: %w", err)
		}
		m.CreatedAt = fromMicros(created)
		m.TeamIDs = []string{}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scan members: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	teams, err := q.teamsByUser(ctx, workspaceID, userID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if t := teams[out[i].ID]; t != nil {
			out[i].TeamIDs = t
		}
	}
	return out, nil
}

func (q *queries) teamsByUser(ctx context.Context, workspaceID, userID string) (map[string][]string, error) {
	query, args := `SELECT user_id, team_id FROM team_members WHERE workspace_id = $1`, []any{workspaceID}
	if userID != "" {
		query, args = query+` AND user_id = $2`, append(args, userID)
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY team_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list team members: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var u, t string
		if err := rows.Scan(&u, &t); err != nil {
			return nil, fmt.Errorf("list team members: %w", err)
		}
		out[u] = append(out[u], t)
	}
	return out, rows.Err()
}

// CreateTeam inserts a team with its members.
func (tx *Tx) CreateTeam(ctx context.Context, workspaceID, name string, memberIDs []string) (*parley.Team, error) {
	t := &parley.Team{ID: id.New(), WorkspaceID: workspaceID, Name: name, CreatedAt: tx.now, RoutingPolicy: "manual"}
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO teams (id, workspace_id, name, created_at) VALUES ($1,$2,$3,$4)`,
		t.ID, workspaceID, name, micros(tx.now)); err != nil {
		if isUniqueViolation(err) {
			return nil, &parley.Error{Code: parley.ECONFLICT, Field: "name", Message: "A team with this name already exists."}
		}
		return nil, fmt.Errorf("create team: %w", err)
	}
	if err := tx.SetTeamMembers(ctx, t, memberIDs); err != nil {
		return nil, err
	}
	return t, nil
}

// SetTeamMembers replaces a team's members (who must be workspace members).
func (tx *Tx) SetTeamMembers(ctx context.Context, t *parley.Team, memberIDs []string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1`, t.ID); err != nil {
		return fmt.Errorf("set team members: %w", err)
	}
	for _, uid := range dedupe(memberIDs) {
		if _, err := tx.FindMember(ctx, t.WorkspaceID, uid); err != nil {
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("member_ids", "User %s is not a member of this workspace.", uid)
			}
			return err
		}
		if _, err := tx.db.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id, workspace_id) VALUES ($1,$2,$3)`,
			t.ID, uid, t.WorkspaceID); err != nil {
			return fmt.Errorf("set team members: %w", err)
		}
	}
	t.MemberIDs = dedupe(memberIDs)
	return tx.rebuildTeams(ctx, t.WorkspaceID, t.ID) // Unread by team follows who is in the team
}

// RenameTeam changes a team's name.
func (tx *Tx) RenameTeam(ctx context.Context, t *parley.Team) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE teams SET name = $1 WHERE id = $2 AND workspace_id = $3`, t.Name, t.ID, t.WorkspaceID)
	if err != nil {
		if isUniqueViolation(err) {
			return &parley.Error{Code: parley.ECONFLICT, Field: "name", Message: "A team with this name already exists."}
		}
		return fmt.Errorf("rename team: %w", err)
	}
	return mustAffect(res, "Team")
}

// DeleteTeam removes a team; its conversations keep no team.
func (tx *Tx) DeleteTeam(ctx context.Context, workspaceID, teamID string) error {
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET team_id = NULL WHERE workspace_id = $1 AND team_id = $2`, workspaceID, teamID); err != nil {
		return fmt.Errorf("delete team: %w", err)
	}
	if err := tx.rebuildTeams(ctx, workspaceID, teamID, ""); err != nil {
		return err
	}
	res, err := tx.db.ExecContext(ctx, `DELETE FROM teams WHERE id = $1 AND workspace_id = $2`, teamID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete team: %w", err)
	}
	return mustAffect(res, "Team")
}

// FindTeamByID returns a team of the workspace, or ENOTFOUND.
func (q *queries) FindTeamByID(ctx context.Context, workspaceID, teamID string) (*parley.Team, error) {
	teams, err := q.listTeams(ctx, `WHERE t.workspace_id = $1 AND t.id = $2`, workspaceID, teamID)
	if err != nil {
		return nil, err
	}
	if len(teams) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "Team not found.")
	}
	return &teams[0], nil
}

// ListTeams returns a workspace's teams by name.
func (q *queries) ListTeams(ctx context.Context, workspaceID string) ([]parley.Team, error) {
	return q.listTeams(ctx, `WHERE t.workspace_id = $1`, workspaceID)
}

func (q *queries) listTeams(ctx context.Context, where string, args ...any) ([]parley.Team, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT t.id, t.workspace_id, t.name, t.created_at, t.routing_policy FROM teams t `+where+` ORDER BY t.name, t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer rows.Close()
	out := []parley.Team{}
	for rows.Next() {
		var t parley.Team
		var created int64
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &created, &t.RoutingPolicy); err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		t.CreatedAt = fromMicros(created)
		t.MemberIDs = []string{}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	byTeam := map[string]*parley.Team{}
	for i := range out {
		byTeam[out[i].ID] = &out[i]
	}
	mrows, err := q.db.QueryContext(ctx, `SELECT team_id, user_id FROM team_members WHERE workspace_id = $1 ORDER BY user_id`, out[0].WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var tid, uid string
		if err := mrows.Scan(&tid, &uid); err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		if t := byTeam[tid]; t != nil {
			t.MemberIDs = append(t.MemberIDs, uid)
		}
	}
	return out, mrows.Err()
}

// GetSystemSetting returns a global setting, or "" when unset.
func (q *queries) GetSystemSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := q.db.QueryRowContext(ctx, `SELECT value FROM system_settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("get setting %s: %w", key, err)
	}
	return v, nil
}

// SetSystemSettingIfAbsent stores a global setting unless one exists and
// returns the value in force.
func (tx *Tx) SetSystemSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	if _, err := tx.db.ExecContext(ctx,
		`INSERT INTO system_settings (key, value) VALUES ($1,$2) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("set setting %s: %w", key, err)
	}
	return tx.GetSystemSetting(ctx, key)
}

// DeleteSystemSetting removes a global setting; it reports whether it existed.
func (tx *Tx) DeleteSystemSetting(ctx context.Context, key string) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM system_settings WHERE key = $1`, key)
	if err != nil {
		return false, fmt.Errorf("delete setting %s: %w", key, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// notFound turns sql.ErrNoRows into ENOTFOUND for the named object.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) || isInvalidText(err) {
		return parley.Errorf(parley.ENOTFOUND, "%s not found.", what)
	}
	return fmt.Errorf("find %s: %w", strings.ToLower(what), err)
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "%s not found.", what)
	}
	return nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range ids {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
