package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
)

// MarkDeletedBy records who deleted a conversation (the admins' list of
// deleted conversations names them); it is cleared by a restore.
func (tx *Tx) MarkDeletedBy(ctx context.Context, conversationID, userID string) error {
	var by any
	if userID != "" {
		by = userID
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET deleted_by = $1 WHERE id = $2`, by, conversationID); err != nil {
		return fmt.Errorf("mark deleted by: %w", err)
	}
	return nil
}

// DeletedConversation is a deleted conversation still in its grace
// period, as the admins' list shows it.
type DeletedConversation struct {
	ID        string            `json:"id"`
	Number    int64             `json:"number"`
	Status    string            `json:"status"`
	Subject   string            `json:"subject"`
	Contact   parley.ContactRef `json:"contact"`
	Inbox     parley.InboxRef   `json:"inbox"`
	DeletedAt time.Time         `json:"deleted_at"`
	// DeletedBy is the admin who deleted it (nil for conversations
	// deleted before Parley recorded who).
	DeletedBy *parley.PersonRef `json:"deleted_by"`
	// PurgeAt is when its messages and files go for good; a restore is
	// possible until the purge has run.
	PurgeAt time.Time `json:"purge_at"`
}

// Statements of deleted conversations (the admins' list).
const (
	deletedSelect = `SELECT c.id, c.number, c.status, c.subject, c.deleted_at, c.contact_id, COALESCE(ct.name, ''), c.inbox_id,
		COALESCE(i.name, ''), COALESCE(i.channel, ''), c.deleted_by, COALESCE(u.name, '')
		FROM conversations c
		LEFT JOIN contacts ct ON ct.id = c.contact_id
		LEFT JOIN inboxes i ON i.id = c.inbox_id
		LEFT JOIN users u ON u.id = c.deleted_by
		WHERE c.workspace_id = $1 AND c.deleted_at IS NOT NULL AND c.merged_into_id IS NULL AND c.blocked = FALSE`
	deletedOrder = ` ORDER BY c.deleted_at DESC, c.id DESC LIMIT $2`
	// listDeletedSQL is the first page ($2 the limit).
	listDeletedSQL = deletedSelect + deletedOrder
	// listDeletedAfterSQL is the page after the ($3 deleted_at, $4 id) cursor.
	listDeletedAfterSQL = deletedSelect + ` AND (c.deleted_at < $3 OR (c.deleted_at = $3 AND c.id < $4))` + deletedOrder
)

// DeletedCursor is where a page of deleted conversations ends.
type DeletedCursor struct {
	DeletedAt time.Time `json:"t"`
	ID        string    `json:"id"`
}

// ListDeletedConversations returns up to limit deleted conversations of
// the workspace, the most recently deleted first: neither merged ones
// (they live on in their survivor) nor those hidden with a blocked
// contact (unblocking brings them back). PurgeAt is left for the caller,
// who knows the workspace's grace period.
func (q *queries) ListDeletedConversations(ctx context.Context, workspaceID string, after *DeletedCursor, limit int) ([]DeletedConversation, error) {
	query, args := listDeletedSQL, []any{workspaceID, limit}
	if after != nil {
		query, args = listDeletedAfterSQL, []any{workspaceID, limit, micros(after.DeletedAt), after.ID}
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list deleted conversations: %w", err)
	}
	defer rows.Close()
	out := []DeletedConversation{}
	for rows.Next() {
		var d DeletedConversation
		var at int64
		var by sql.NullString
		var byName string
		if err := rows.Scan(&d.ID, &d.Number, &d.Status, &d.Subject, &at, &d.Contact.ID, &d.Contact.Name, &d.Inbox.ID,
			&d.Inbox.Name, &d.Inbox.Channel, &by, &byName); err != nil {
			return nil, fmt.Errorf("list deleted conversations: %w", err)
		}
		d.DeletedAt = fromMicros(at)
		if by.Valid && by.String != "" {
			d.DeletedBy = &parley.PersonRef{ID: by.String, Name: byName}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FollowUpOf returns the newest live conversation that continues the one
// given (opened by a customer message after it was resolved), or nil.
func (q *queries) FollowUpOf(ctx context.Context, workspaceID, conversationID string) (*parley.Conversation, error) {
	c, err := scanConversation(q.db.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.previous_id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NULL
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1`, conversationID, workspaceID))
	if errors.Is(err, sql.ErrNoRows) || parley.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

func callText(c *parley.CallRecord) sql.NullString {
	if c == nil {
		return sql.NullString{}
	}
	b, _ := json.Marshal(c)
	return sql.NullString{String: string(b), Valid: true}
}

func decodeCall(s sql.NullString) *parley.CallRecord {
	if !s.Valid || s.String == "" {
		return nil
	}
	var c parley.CallRecord
	if json.Unmarshal([]byte(s.String), &c) != nil {
		return nil
	}
	return &c
}

// ContactConversationsAll returns every live conversation of a contact
// (for the caller to filter by who may see them).
func (q *queries) ContactConversationsAll(ctx context.Context, workspaceID, contactID string) ([]*parley.Conversation, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.contact_id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NULL`, contactID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("contact conversations: %w", err)
	}
	defer rows.Close()
	var out []*parley.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("contact conversations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListCalls returns the call records of the conversations given, newest
// first, at most limit.
func (q *queries) ListCalls(ctx context.Context, conversationIDs []string, limit int) ([]parley.Message, error) {
	out := []parley.Message{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(conversationIDs)+1)
	for _, id := range conversationIDs {
		args = append(args, id)
	}
	args = append(args, limit)
	rows, err := q.db.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE content_type = 'call' AND conversation_id IN (`+placeholders(1, len(conversationIDs))+`)
		ORDER BY created_at DESC, id DESC LIMIT `+placeholder(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list calls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("list calls: %w", err)
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}
