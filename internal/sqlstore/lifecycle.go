package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// afterCustomerCase is parley.ConversationStatus.AfterCustomerMessage as a
// SQL expression over the status column col, generated from the Go rule so
// that the one-statement inbound path and the Go code never disagree.
func afterCustomerCase(col string) string {
	var sb strings.Builder
	sb.WriteString("CASE " + col)
	n := 0
	for _, st := range parley.ConversationStatuses {
		if next, ok := st.AfterCustomerMessage(); ok && next != st {
			sb.WriteString(" WHEN '" + string(st) + "' THEN '" + string(next) + "'")
			n++
		}
	}
	if n == 0 {
		return col
	}
	sb.WriteString(" ELSE " + col + " END")
	return sb.String()
}

// closedStatusList is parley.ConversationStatus.Closed as a SQL list
// ('resolved', 'abandoned'), generated from the Go rule. The index
// conversations_contact_open (migration 00010) spells the same list in its
// predicate; TestOpenConversationRule fails when the two drift apart.
var closedStatusList = func() string {
	var q []string
	for _, st := range parley.ConversationStatuses {
		if st.Closed() {
			q = append(q, "'"+string(st)+"'")
		}
	}
	return strings.Join(q, ", ")
}()

// openConversation is the "open conversation" rule (not deleted, not
// closed) over the conversations table aliased c: the one SQL form of
// parley.ConversationStatus.Closed that lookups and the index share.
var openConversation = `c.deleted_at IS NULL AND c.status NOT IN (` + closedStatusList + `)`

// applyCustomerMessage moves c as a customer message does (the status
// table in parley) and reports whether its status changed.
func applyCustomerMessage(c *parley.Conversation) bool {
	next, ok := c.Status.AfterCustomerMessage()
	if !ok || next == c.Status {
		return false
	}
	if c.Status == parley.StatusSnoozed {
		c.SnoozedUntil = nil
	}
	c.Status = next
	return true
}

// setAssignmentStatus keeps the assignment rows' status (which the Mine
// counts and routing loads read) in step with the conversation's.
func (tx *Tx) setAssignmentStatus(ctx context.Context, c *parley.Conversation) error {
	if len(c.AssigneeIDs) == 0 {
		return nil
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversation_assignees SET status = $1 WHERE conversation_id = $2`,
		assignmentStatus(c), c.ID); err != nil {
		return fmt.Errorf("write assignment status: %w", err)
	}
	return nil
}

func systemText(e *parley.SystemEvent) sql.NullString {
	if e == nil {
		return sql.NullString{}
	}
	b, _ := json.Marshal(e)
	return sql.NullString{String: string(b), Valid: true}
}

// ScheduleJobIfAbsent inserts j unless a job of its kind and key exists
// (a recurring job every node ensures at start).
func (tx *Tx) ScheduleJobIfAbsent(ctx context.Context, j *Job) error {
	if j.ID == "" {
		j.ID = id.New()
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage(`{}`)
	}
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO jobs (id, kind, key, workspace_id, payload, due_at, lease_token, created_at)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (kind, key) DO NOTHING`,
		j.ID, j.Kind, j.Key, j.WorkspaceID, string(j.Payload), micros(j.DueAt), initialToken(), micros(tx.now))
	if err != nil {
		return fmt.Errorf("schedule job %s: %w", j.Kind, err)
	}
	return nil
}

// WorkspaceSettingsAll returns every workspace's settings (the lifecycle
// sweep reads each one's timers).
func (q *queries) WorkspaceSettingsAll(ctx context.Context) ([]parley.Workspace, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, settings FROM workspaces ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	defer rows.Close()
	var out []parley.Workspace
	for rows.Next() {
		var w parley.Workspace
		var raw string
		if err := rows.Scan(&w.ID, &raw); err != nil {
			return nil, fmt.Errorf("list workspaces: %w", err)
		}
		w.Settings = parley.DefaultWorkspaceSettings()
		_ = json.Unmarshal([]byte(raw), &w.Settings)
		out = append(out, w)
	}
	return out, rows.Err()
}

// Silent kinds of conversations the lifecycle sweep closes.
const (
	// SilentResolvable: open or pending, nobody waiting on us (no
	// unreplied customer message), the customer silent since before.
	SilentResolvable = "resolvable"
	// SilentAbandoned: queued, or never answered by a person, the
	// customer silent since before.
	SilentAbandoned = "abandoned"
)

// LockSilent returns up to limit conversations of the workspace of the
// kind whose customer has been silent since before, locked until commit
// (PostgreSQL skips rows another transaction holds).
//
// Each kind reads its own partial index (migration 00039), oldest silence
// first: the predicates below are written exactly as the indexes' are.
func (tx *Tx) LockSilent(ctx context.Context, workspaceID, kind string, before time.Time, limit int) ([]*parley.Conversation, error) {
	rows, err := tx.db.QueryContext(ctx, silentQuery(tx.dialect, kind)+tx.forUpdate(true), workspaceID, micros(before), limit)
	if err != nil {
		return nil, fmt.Errorf("lock silent: %w", err)
	}
	defer rows.Close()
	var out []*parley.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("lock silent: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// silentQuery selects the conversations of a kind silent since $2 in
// workspace $1, oldest silence first, at most $3. SQLite is told the
// index: on statistics gathered while the table was small it preferred
// the status index and sorted every open conversation.
func silentQuery(d Dialect, kind string) string {
	where, index := `c.status IN ('open', 'pending') AND c.unreplied_count = 0`, "conversations_resolvable"
	if kind == SilentAbandoned {
		where, index = `(c.status = 'queued' OR (c.status IN ('open', 'pending') AND c.first_reply_at IS NULL))`, "conversations_abandonable"
	}
	from := `conversations c`
	if d == SQLite {
		from += ` INDEXED BY ` + index
	}
	return `SELECT ` + conversationColumns + ` FROM ` + from + `
		WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND ` + where + `
		AND COALESCE(c.last_inbound_at, c.created_at) < $2
		ORDER BY COALESCE(c.last_inbound_at, c.created_at), c.id LIMIT $3`
}

// PurgeDeleted deletes, for good, up to limit conversations of the
// workspace deleted before the time given (never those holding a blocked
// contact's messages, which are hidden, not deleted) (their messages, assignments
// and drafts go with them), and returns the blob keys of their files.
func (tx *Tx) PurgeDeleted(ctx context.Context, workspaceID string, before time.Time, limit int) (int, []string, error) {
	rows, err := tx.db.QueryContext(ctx, `SELECT id FROM conversations WHERE workspace_id = $1 AND deleted_at IS NOT NULL AND deleted_at < $2
		AND merged_into_id IS NULL AND blocked = FALSE ORDER BY deleted_at LIMIT $3`, workspaceID, micros(before), limit)
	if err != nil {
		return 0, nil, fmt.Errorf("purge: %w", err)
	}
	var ids []string
	for rows.Next() {
		var cid string
		if err := rows.Scan(&cid); err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("purge: %w", err)
		}
		ids = append(ids, cid)
	}
	rows.Close()
	var keys []string
	for _, cid := range ids {
		msgs, err := tx.db.QueryContext(ctx, `SELECT attachments FROM messages WHERE conversation_id = $1 AND attachments <> '[]'`, cid)
		if err != nil {
			return 0, nil, fmt.Errorf("purge: %w", err)
		}
		for msgs.Next() {
			var raw string
			if err := msgs.Scan(&raw); err != nil {
				msgs.Close()
				return 0, nil, fmt.Errorf("purge: %w", err)
			}
			var atts []struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal([]byte(raw), &atts)
			for _, a := range atts {
				if a.ID != "" {
					keys = append(keys, a.ID)
				}
			}
		}
		msgs.Close()
		for _, stmt := range []string{
			`UPDATE conversations SET previous_id = NULL WHERE previous_id = $1`,
			`UPDATE conversations SET merged_into_id = NULL WHERE merged_into_id = $1`,
			`DELETE FROM outbox WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = $1)`,
			`DELETE FROM conversations WHERE id = $1`,
		} {
			if _, err := tx.db.ExecContext(ctx, stmt, cid); err != nil {
				return 0, nil, fmt.Errorf("purge: %w", err)
			}
		}
	}
	return len(ids), keys, nil
}

// FindUnpaidPaymentRequest returns the conversation's oldest unpaid payment
// request, or nil when there is none.
func (q *queries) FindUnpaidPaymentRequest(ctx context.Context, conversationID string) (*parley.PaymentRequest, error) {
	list, err := q.listPaymentRequests(ctx, `WHERE conversation_id = $1 AND status = 'unpaid' ORDER BY created_at, id LIMIT 1`, conversationID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// ListPaymentRequests returns a conversation's payment requests, oldest first.
func (q *queries) ListPaymentRequests(ctx context.Context, conversationID string) ([]parley.PaymentRequest, error) {
	return q.listPaymentRequests(ctx, `WHERE conversation_id = $1 ORDER BY created_at, id`, conversationID)
}

// FindPaymentRequest returns a payment request of a conversation, or ENOTFOUND.
func (q *queries) FindPaymentRequest(ctx context.Context, conversationID, requestID string) (*parley.PaymentRequest, error) {
	list, err := q.listPaymentRequests(ctx, `WHERE conversation_id = $1 AND id = $2`, conversationID, requestID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "Payment request not found.")
	}
	return &list[0], nil
}

func (q *queries) listPaymentRequests(ctx context.Context, where string, args ...any) ([]parley.PaymentRequest, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, workspace_id, conversation_id, amount, currency, description, status, created_by,
		created_at, updated_at FROM payment_requests `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list payment requests: %w", err)
	}
	defer rows.Close()
	out := []parley.PaymentRequest{}
	for rows.Next() {
		var p parley.PaymentRequest
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.WorkspaceID, &p.ConversationID, &p.Amount, &p.Currency, &p.Description, &p.Status,
			&p.CreatedBy, &created, &updated); err != nil {
			return nil, fmt.Errorf("list payment requests: %w", err)
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SavePaymentRequest inserts or updates a payment request.
func (tx *Tx) SavePaymentRequest(ctx context.Context, p *parley.PaymentRequest) error {
	if p.ID == "" {
		p.ID, p.CreatedAt = id.New(), tx.now
	}
	p.UpdatedAt = tx.now
	_, err := tx.db.ExecContext(ctx, `INSERT INTO payment_requests (id, workspace_id, conversation_id, amount, currency, description,
		status, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		p.ID, p.WorkspaceID, p.ConversationID, p.Amount, p.Currency, p.Description, string(p.Status), p.CreatedBy,
		micros(p.CreatedAt), micros(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save payment request: %w", err)
	}
	return nil
}

// FindDeletedConversation returns a deleted (not yet purged) conversation
// of the workspace, or ENOTFOUND.
func (q *queries) FindDeletedConversation(ctx context.Context, workspaceID, conversationID string) (*parley.Conversation, error) {
	return scanConversation(q.db.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations c WHERE c.id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NOT NULL
		 AND c.merged_into_id IS NULL`,
		conversationID, workspaceID))
}

// RepointMerged moves the conversations merged into from to into (a merge
// of a survivor), so that each survivor's thread gathers every history.
func (tx *Tx) RepointMerged(ctx context.Context, from, into string) error {
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET merged_into_id = $1 WHERE merged_into_id = $2`, into, from); err != nil {
		return fmt.Errorf("repoint merged: %w", err)
	}
	return nil
}

// mergedInto returns the conversations merged into a conversation.
func (q *queries) mergedInto(ctx context.Context, conversationID string) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id FROM conversations WHERE merged_into_id = $1`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("merged conversations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var cid string
		if err := rows.Scan(&cid); err != nil {
			return nil, fmt.Errorf("merged conversations: %w", err)
		}
		out = append(out, cid)
	}
	return out, rows.Err()
}

// Statements of audit_log.
const (
	auditSelect = `SELECT id, actor_id, action, object_type, object_id, data, created_at FROM audit_log WHERE workspace_id = $1`
	// listAuditSQL is the newest page ($2 the limit).
	listAuditSQL = auditSelect + ` ORDER BY created_at DESC, id DESC LIMIT $2`
	// listAuditAfterSQL is the page after the ($3 created_at, $4 id) cursor.
	listAuditAfterSQL = auditSelect + ` AND (created_at < $3 OR (created_at = $3 AND id < $4))
		ORDER BY created_at DESC, id DESC LIMIT $2`
)

// AuditCursor is the keyset position in the audit log.
type AuditCursor struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"id"`
}

// ListAudit returns up to limit rows of the workspace's audit log, newest
// first, after the cursor when given.
func (q *queries) ListAudit(ctx context.Context, workspaceID string, after *AuditCursor, limit int) ([]parley.AuditEntry, error) {
	query, args := listAuditSQL, []any{workspaceID, limit}
	if after != nil {
		query, args = listAuditAfterSQL, []any{workspaceID, limit, micros(after.CreatedAt), after.ID}
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []parley.AuditEntry{}
	for rows.Next() {
		var e parley.AuditEntry
		var raw string
		var at int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.Action, &e.ObjectType, &e.ObjectID, &raw, &at); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.CreatedAt = fromMicros(at)
		if err := json.Unmarshal([]byte(raw), &e.Data); err != nil || e.Data == nil {
			e.Data = map[string]any{"value": json.RawMessage(raw)}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveDraft keeps a user's draft of a conversation.
func (tx *Tx) SaveDraft(ctx context.Context, workspaceID, userID string, d *parley.Draft) error {
	d.UpdatedAt = tx.now
	_, err := tx.db.ExecContext(ctx, `INSERT INTO drafts (conversation_id, user_id, workspace_id, content, updated_at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (conversation_id, user_id) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`,
		d.ConversationID, userID, workspaceID, d.Content, micros(tx.now))
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// FindDraft returns a user's draft of a conversation, or ENOTFOUND.
func (q *queries) FindDraft(ctx context.Context, conversationID, userID string) (*parley.Draft, error) {
	d := &parley.Draft{ConversationID: conversationID}
	var at int64
	err := q.db.QueryRowContext(ctx, `SELECT content, updated_at FROM drafts WHERE conversation_id = $1 AND user_id = $2`,
		conversationID, userID).Scan(&d.Content, &at)
	if err != nil {
		return nil, notFound(err, "Draft")
	}
	d.UpdatedAt = fromMicros(at)
	return d, nil
}

// DeleteDraft removes a user's draft of a conversation and reports
// whether there was one.
func (tx *Tx) DeleteDraft(ctx context.Context, conversationID, userID string) (bool, error) {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM drafts WHERE conversation_id = $1 AND user_id = $2`, conversationID, userID)
	if err != nil {
		return false, fmt.Errorf("delete draft: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
