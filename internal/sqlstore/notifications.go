package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Delivery states of a notification's push and email (push_state,
// email_state).
const (
	DeliveryNone    = ""
	DeliveryPending = "pending"
	DeliveryHeld    = "held"
	DeliverySent    = "sent"
)

const notificationColumns = `id, workspace_id, user_id, type, conversation_id, message_id, inbox_id, actor, text, created_at, read_at`

// InsertNotification stores n with the given push and email states; an
// empty ID is filled in and CreatedAt is the transaction's time.
func (tx *Tx) InsertNotification(ctx context.Context, n *parley.Notification, pushState, emailState string) error {
	if n.ID == "" {
		n.ID = id.New()
	}
	n.CreatedAt = tx.now
	actor, err := json.Marshal(n.Actor)
	if err != nil {
		return fmt.Errorf("insert notification: %w", err)
	}
	_, err = tx.db.ExecContext(ctx, `INSERT INTO notifications (`+notificationColumns+`, push_state, email_state)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,NULL,$11,$12)`,
		n.ID, n.WorkspaceID, n.UserID, string(n.Type), nullString(n.ConversationID), nullString(n.MessageID),
		nullString(n.InboxID), string(actor), n.Text, micros(tx.now), pushState, emailState)
	if err != nil {
		return fmt.Errorf("insert notification: %w", err)
	}
	return nil
}

func scanNotification(row rowScanner) (*parley.Notification, error) {
	var n parley.Notification
	var conv, msg, inbox sql.NullString
	var actor, typ string
	var created int64
	var read sql.NullInt64
	if err := row.Scan(&n.ID, &n.WorkspaceID, &n.UserID, &typ, &conv, &msg, &inbox, &actor, &n.Text, &created, &read); err != nil {
		return nil, notFound(err, "Notification")
	}
	n.Type = parley.NotificationType(typ)
	n.ConversationID, n.MessageID, n.InboxID = conv.String, msg.String, inbox.String
	_ = json.Unmarshal([]byte(actor), &n.Actor)
	n.CreatedAt, n.ReadAt = fromMicros(created), timePtr(read)
	return &n, nil
}

func scanNotifications(rows *sql.Rows, what string) ([]parley.Notification, error) {
	defer rows.Close()
	out := []parley.Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// ListNotifications' statements: a user's newest page ($3 the limit), and
// the page older than the notification $4.
const (
	listNotificationsSQL = `SELECT ` + notificationColumns + ` FROM notifications WHERE workspace_id = $1 AND user_id = $2
		ORDER BY id DESC LIMIT $3`
	listNotificationsBeforeSQL = `SELECT ` + notificationColumns + ` FROM notifications WHERE workspace_id = $1 AND user_id = $2
		AND id < $4 ORDER BY id DESC LIMIT $3`
)

// ListNotifications returns up to limit of a user's notifications in a
// workspace, newest first, older than the one with id before when set.
func (q *queries) ListNotifications(ctx context.Context, workspaceID, userID, before string, limit int) ([]parley.Notification, error) {
	query, args := listNotificationsSQL, []any{workspaceID, userID, limit}
	if before != "" {
		query, args = listNotificationsBeforeSQL, []any{workspaceID, userID, limit, before}
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return scanNotifications(rows, "list notifications")
}

// FindNotification returns one of a user's notifications, or ENOTFOUND
// (also when it is someone else's).
func (q *queries) FindNotification(ctx context.Context, userID, notificationID string) (*parley.Notification, error) {
	if !id.Valid(notificationID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Notification not found.")
	}
	return scanNotification(q.db.QueryRowContext(ctx,
		`SELECT `+notificationColumns+` FROM notifications WHERE id = $1 AND user_id = $2`, notificationID, userID))
}

// UnreadNotifications counts a user's unread notifications in a
// workspace per conversation ("" for those about none).
func (q *queries) UnreadNotifications(ctx context.Context, workspaceID, userID string) (map[string]int64, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT conversation_id, COUNT(*) FROM notifications
		WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL GROUP BY conversation_id`, workspaceID, userID)
	if err != nil {
		return nil, fmt.Errorf("unread notifications: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var conv sql.NullString
		var n int64
		if err := rows.Scan(&conv, &n); err != nil {
			return nil, fmt.Errorf("unread notifications: %w", err)
		}
		out[conv.String] += n
	}
	return out, rows.Err()
}

// MarkNotificationRead marks one of a user's notifications read (a no-op
// when it already is); ENOTFOUND when it is not theirs.
func (tx *Tx) MarkNotificationRead(ctx context.Context, userID, notificationID string) (*parley.Notification, error) {
	n, err := tx.FindNotification(ctx, userID, notificationID)
	if err != nil {
		return nil, err
	}
	if n.ReadAt != nil {
		return n, nil
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL`,
		micros(tx.now), n.ID); err != nil {
		return nil, fmt.Errorf("mark notification read: %w", err)
	}
	at := tx.now
	n.ReadAt = &at
	return n, nil
}

// MarkAllNotificationsRead marks every unread notification of a user in a
// workspace read and returns how many.
func (tx *Tx) MarkAllNotificationsRead(ctx context.Context, workspaceID, userID string) (int64, error) {
	res, err := tx.db.ExecContext(ctx, `UPDATE notifications SET read_at = $1
		WHERE workspace_id = $2 AND user_id = $3 AND read_at IS NULL`, micros(tx.now), workspaceID, userID)
	if err != nil {
		return 0, fmt.Errorf("mark notifications read: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// NotificationsInState returns a user's notifications in a workspace
// whose push (channel "push") or email (channel "email") state is state,
// oldest first, at most limit.
func (q *queries) NotificationsInState(ctx context.Context, workspaceID, userID, channel, state string, limit int) ([]parley.Notification, error) {
	col, err := stateColumn(channel)
	if err != nil {
		return nil, err
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE workspace_id = $1 AND user_id = $2 AND `+col+` = $3 ORDER BY id LIMIT $4`, workspaceID, userID, state, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications in state: %w", err)
	}
	return scanNotifications(rows, "notifications in state")
}

// SetNotificationState sets the push or email state of notifications.
func (tx *Tx) SetNotificationState(ctx context.Context, channel, state string, ids []string) error {
	col, err := stateColumn(channel)
	if err != nil {
		return err
	}
	for _, nid := range ids {
		if _, err := tx.db.ExecContext(ctx, `UPDATE notifications SET `+col+` = $1 WHERE id = $2`, state, nid); err != nil {
			return fmt.Errorf("set notification state: %w", err)
		}
	}
	return nil
}

func stateColumn(channel string) (string, error) {
	switch channel {
	case "push":
		return "push_state", nil
	case "email":
		return "email_state", nil
	}
	return "", fmt.Errorf("notification state: unknown channel %q", channel)
}

// PendingNotificationWork is a workspace whose events the notification
// worker has not read to the end.
type PendingNotificationWork struct {
	WorkspaceID string
	// Cursor is the last event read; Latest the last committed.
	Cursor, Latest int64
}

// PendingNotificationWorkspaces returns up to limit workspaces with
// events past their notification cursor (a workspace without a cursor
// row starts at 0).
func (q *queries) PendingNotificationWorkspaces(ctx context.Context, limit int) ([]PendingNotificationWork, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT c.workspace_id, COALESCE(n.seq, 0), c.value FROM counters c
		LEFT JOIN notification_cursors n ON n.workspace_id = c.workspace_id
		WHERE c.name = 'event_seq' AND c.value > COALESCE(n.seq, 0) ORDER BY c.workspace_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending notification workspaces: %w", err)
	}
	defer rows.Close()
	var out []PendingNotificationWork
	for rows.Next() {
		var p PendingNotificationWork
		if err := rows.Scan(&p.WorkspaceID, &p.Cursor, &p.Latest); err != nil {
			return nil, fmt.Errorf("pending notification workspaces: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AdvanceNotificationCursor moves a workspace's notification cursor from
// from to to. It reports false when the cursor is no longer at from
// (another node read those events): the caller's transaction must then
// roll back.
func (tx *Tx) AdvanceNotificationCursor(ctx context.Context, workspaceID string, from, to int64) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `INSERT INTO notification_cursors (workspace_id, seq) VALUES ($1, $2)
		ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq WHERE notification_cursors.seq = $3`,
		workspaceID, to, from)
	if err != nil {
		return false, fmt.Errorf("advance notification cursor: %w", err)
	}
	return affected(res)
}

// FindNotificationPreferences returns a user's stored preferences in a
// workspace, or ENOTFOUND when they never saved any.
func (q *queries) FindNotificationPreferences(ctx context.Context, workspaceID, userID string) (*parley.NotificationPreferences, error) {
	var raw string
	err := q.db.QueryRowContext(ctx, `SELECT prefs FROM notification_preferences WHERE workspace_id = $1 AND user_id = $2`,
		workspaceID, userID).Scan(&raw)
	if err != nil {
		return nil, notFound(err, "Notification preferences")
	}
	var p parley.NotificationPreferences
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("notification preferences: %w", err)
	}
	return &p, nil
}

// ListNotificationPreferences returns the stored preferences of a
// workspace's users, by user id.
func (q *queries) ListNotificationPreferences(ctx context.Context, workspaceID string) (map[string]parley.NotificationPreferences, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT user_id, prefs FROM notification_preferences WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list notification preferences: %w", err)
	}
	defer rows.Close()
	out := map[string]parley.NotificationPreferences{}
	for rows.Next() {
		var uid, raw string
		if err := rows.Scan(&uid, &raw); err != nil {
			return nil, fmt.Errorf("list notification preferences: %w", err)
		}
		var p parley.NotificationPreferences
		if json.Unmarshal([]byte(raw), &p) == nil {
			out[uid] = p
		}
	}
	return out, rows.Err()
}

// SaveNotificationPreferences stores a user's preferences in a workspace.
func (tx *Tx) SaveNotificationPreferences(ctx context.Context, workspaceID, userID string, p *parley.NotificationPreferences) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("save notification preferences: %w", err)
	}
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO notification_preferences (workspace_id, user_id, prefs, updated_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT (workspace_id, user_id) DO UPDATE SET prefs = excluded.prefs, updated_at = excluded.updated_at`,
		workspaceID, userID, string(raw), micros(tx.now)); err != nil {
		return fmt.Errorf("save notification preferences: %w", err)
	}
	return nil
}

// PushSubscription is one browser's or installed app's Web Push endpoint
// and keys (RFC 8291).
type PushSubscription struct {
	ID        string    `json:"id"`
	UserID    string    `json:"-"`
	Endpoint  string    `json:"endpoint"`
	P256DH    string    `json:"-"`
	Auth      string    `json:"-"`
	UserAgent string    `json:"user_agent"`
	CreatedAt time.Time `json:"created_at"`
}

// SavePushSubscription stores a subscription; an endpoint already known
// is given to this user with the new keys (a browser re-subscribing).
func (tx *Tx) SavePushSubscription(ctx context.Context, s *PushSubscription) error {
	if s.ID == "" {
		s.ID = id.New()
	}
	s.CreatedAt = tx.now
	err := tx.db.QueryRowContext(ctx, `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id,
		p256dh = excluded.p256dh, auth = excluded.auth, user_agent = excluded.user_agent RETURNING id`,
		s.ID, s.UserID, s.Endpoint, s.P256DH, s.Auth, s.UserAgent, micros(tx.now)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("save push subscription: %w", err)
	}
	return nil
}

// DeletePushSubscription removes a subscription by endpoint, of one user
// when userID is set; it reports whether one was removed.
func (tx *Tx) DeletePushSubscription(ctx context.Context, userID, endpoint string) (bool, error) {
	query, args := `DELETE FROM push_subscriptions WHERE endpoint = $1`, []any{endpoint}
	if userID != "" {
		query, args = query+` AND user_id = $2`, append(args, userID)
	}
	res, err := tx.db.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("delete push subscription: %w", err)
	}
	return affected(res)
}

// ListPushSubscriptions returns a user's subscriptions, oldest first.
func (q *queries) ListPushSubscriptions(ctx context.Context, userID string) ([]PushSubscription, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, user_id, endpoint, p256dh, auth, user_agent, created_at
		FROM push_subscriptions WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list push subscriptions: %w", err)
	}
	defer rows.Close()
	out := []PushSubscription{}
	for rows.Next() {
		var s PushSubscription
		var created int64
		if err := rows.Scan(&s.ID, &s.UserID, &s.Endpoint, &s.P256DH, &s.Auth, &s.UserAgent, &created); err != nil {
			return nil, fmt.Errorf("list push subscriptions: %w", err)
		}
		s.CreatedAt = fromMicros(created)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SealedSystemSetting returns a global setting stored encrypted, or ""
// when unset.
func (q *queries) SealedSystemSetting(ctx context.Context, key string) (string, error) {
	v, err := q.GetSystemSetting(ctx, key)
	if err != nil || v == "" {
		return v, err
	}
	if q.box == nil {
		return "", errors.New("sealed setting: no secret box")
	}
	raw, err := hex.DecodeString(v)
	if err != nil {
		return "", fmt.Errorf("sealed setting %s: %w", key, err)
	}
	plain, err := q.box.Open(raw)
	if err != nil {
		return "", fmt.Errorf("sealed setting %s: %w", key, err)
	}
	return string(plain), nil
}

// SetSealedSystemSettingIfAbsent stores a global setting encrypted unless
// one exists, and returns the value in force.
func (tx *Tx) SetSealedSystemSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	if tx.box == nil {
		return "", errors.New("sealed setting: no secret box")
	}
	sealed, err := tx.box.Seal([]byte(value))
	if err != nil {
		return "", fmt.Errorf("seal setting %s: %w", key, err)
	}
	if _, err := tx.SetSystemSettingIfAbsent(ctx, key, hex.EncodeToString(sealed)); err != nil {
		return "", err
	}
	return tx.SealedSystemSetting(ctx, key)
}

// AuditActorAt returns who made an audited change to an object in the
// transaction of the given time ("" when no one is recorded): the author
// of a change whose event does not name them.
func (q *queries) AuditActorAt(ctx context.Context, workspaceID, objectID string, at time.Time) (string, error) {
	var actor string
	err := q.db.QueryRowContext(ctx, `SELECT actor_id FROM audit_log
		WHERE workspace_id = $1 AND created_at = $2 AND object_id = $3 AND actor_id <> '' ORDER BY id LIMIT 1`,
		workspaceID, micros(at), objectID).Scan(&actor)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit actor: %w", err)
	}
	return actor, nil
}
