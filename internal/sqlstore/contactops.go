package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
)

// Statements of contact_marks and of the contact's state.
const (
	markContactSQL = `INSERT INTO contact_marks (contact_id, user_id, workspace_id, created_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (contact_id, user_id) DO NOTHING`
	unmarkContactSQL = `DELETE FROM contact_marks WHERE contact_id = $1 AND user_id = $2`
	// lockContactStateSQL reads what LockContactState locks (with forUpdate).
	lockContactStateSQL = `SELECT name, avatar_url, blocked, archived FROM contacts WHERE id = $1 AND deleted_at IS NULL`
)

// SetContactMark stars (on) or unstars a contact for one user.
func (tx *Tx) SetContactMark(ctx context.Context, workspaceID, contactID, userID string, on bool) error {
	query, args := unmarkContactSQL, []any{contactID, userID}
	if on {
		query, args = markContactSQL, []any{contactID, userID, workspaceID, micros(tx.now)}
	}
	if _, err := tx.db.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("set contact mark: %w", err)
	}
	return nil
}

// IsContactMarked reports whether the user starred the contact.
func (q *queries) IsContactMarked(ctx context.Context, contactID, userID string) (bool, error) {
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contact_marks WHERE contact_id = $1 AND user_id = $2`,
		contactID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("read contact mark: %w", err)
	}
	return n > 0, nil
}

// FindMergedInto returns the contact a merged contact of the workspace was
// merged into, or ENOTFOUND when it was not merged (or does not exist).
func (q *queries) FindMergedInto(ctx context.Context, workspaceID, contactID string) (string, error) {
	var into sql.NullString
	err := q.db.QueryRowContext(ctx, `SELECT merged_into FROM contacts WHERE id = $1 AND workspace_id = $2 AND merged_into IS NOT NULL`,
		contactID, workspaceID).Scan(&into)
	if err != nil {
		return "", notFound(err, "Contact")
	}
	return into.String, nil
}

// ContactState is what the inbound path must know of the contact a
// message is from besides its name.
type ContactState struct {
	parley.ContactRef
	Blocked  bool
	Archived bool
}

// LockContactState is LockContact that also reads whether the contact is
// blocked or archived, under the same lock.
func (tx *Tx) LockContactState(ctx context.Context, contactID string) (ContactState, error) {
	st := ContactState{ContactRef: parley.ContactRef{ID: contactID}}
	err := tx.db.QueryRowContext(ctx, lockContactStateSQL+tx.forUpdate(false), contactID).
		Scan(&st.Name, &st.AvatarURL, &st.Blocked, &st.Archived)
	if err != nil {
		return st, notFound(err, "Contact")
	}
	return st, nil
}

// UnarchiveContact brings an archived contact back to the list.
func (tx *Tx) UnarchiveContact(ctx context.Context, contactID string) error {
	if _, err := tx.db.ExecContext(ctx, `UPDATE contacts SET archived = FALSE, updated_at = $1 WHERE id = $2 AND archived = TRUE`,
		micros(tx.now), contactID); err != nil {
		return fmt.Errorf("unarchive contact: %w", err)
	}
	return nil
}

// FindBlockedConversation's statements: the contact's newest hidden
// conversation, in any inbox or in $2.
const (
	findBlockedConversationSQL = `SELECT ` + conversationColumns + ` FROM conversations c
		WHERE c.contact_id = $1 AND c.blocked = TRUE ORDER BY c.created_at DESC, c.id DESC LIMIT 1`
	findBlockedConversationInInboxSQL = `SELECT ` + conversationColumns + ` FROM conversations c
		WHERE c.contact_id = $1 AND c.blocked = TRUE AND c.inbox_id = $2 ORDER BY c.created_at DESC, c.id DESC LIMIT 1`
)

// FindBlockedConversation returns the hidden conversation that collects a
// blocked contact's messages (in inboxID when not empty), or ENOTFOUND.
func (q *queries) FindBlockedConversation(ctx context.Context, contactID, inboxID string) (*parley.Conversation, error) {
	query, args := findBlockedConversationSQL, []any{contactID}
	if inboxID != "" {
		query, args = findBlockedConversationInInboxSQL, []any{contactID, inboxID}
	}
	return scanConversation(q.db.QueryRowContext(ctx, query, args...))
}

// HideConversation marks a conversation as a blocked contact's: deleted
// for every list, count and view, but kept with its messages.
func (tx *Tx) HideConversation(ctx context.Context, c *parley.Conversation) error {
	prev := *c
	at := tx.now
	c.DeletedAt = &at
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET deleted_at = $1, blocked = TRUE WHERE id = $2`,
		micros(at), c.ID); err != nil {
		return fmt.Errorf("hide conversation: %w", err)
	}
	return tx.recount(ctx, &prev, c)
}

// RestoreBlockedConversations brings back, resolved, the conversations
// that collected a contact's messages while it was blocked, and returns them.
func (tx *Tx) RestoreBlockedConversations(ctx context.Context, workspaceID, contactID string) ([]*parley.Conversation, error) {
	rows, err := tx.db.QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.contact_id = $1 AND c.workspace_id = $2 AND c.blocked = TRUE`, contactID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("restore blocked conversations: %w", err)
	}
	var list []*parley.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("restore blocked conversations: %w", err)
		}
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("restore blocked conversations: %w", err)
	}
	for _, c := range list {
		prev := *c
		at := tx.now
		c.DeletedAt, c.Status, c.ResolvedAt, c.UnrepliedCount, c.WaitingSince = nil, parley.StatusResolved, &at, 0, nil
		if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET blocked = FALSE WHERE id = $1`, c.ID); err != nil {
			return nil, fmt.Errorf("restore blocked conversation: %w", err)
		}
		if err := tx.SaveConversation(ctx, c, &prev); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// ContactConversation is one of a contact's conversations as the client
// card lists it; Blocked ones arrived while the contact was blocked.
type ContactConversation struct {
	ID             string                    `json:"id"`
	Number         int64                     `json:"number"`
	InboxID        string                    `json:"inbox_id"`
	Channel        string                    `json:"channel"`
	Status         parley.ConversationStatus `json:"status"`
	Blocked        bool                      `json:"blocked"`
	Subject        string                    `json:"subject"`
	LastActivityAt time.Time                 `json:"last_activity_at"`
	LastMessage    *parley.MessagePreview    `json:"last_message"`
	// LastInboundAt is the contact's last message in it (New chat shows
	// the template picker when the channel's window is closed).
	LastInboundAt *time.Time `json:"last_inbound_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ListContactConversations returns a contact's conversations, newest
// first, including those that arrived while it was blocked.
func (q *queries) ListContactConversations(ctx context.Context, workspaceID, contactID string, limit int) ([]ContactConversation, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT c.id, c.number, c.inbox_id, COALESCE(i.channel, ''), c.status, c.blocked, c.subject,
			c.last_activity_at, c.last_message, c.created_at, c.last_inbound_at
		FROM conversations c LEFT JOIN inboxes i ON i.id = c.inbox_id
		WHERE c.contact_id = $1 AND c.workspace_id = $2 AND (c.deleted_at IS NULL OR c.blocked = TRUE)
		ORDER BY c.created_at DESC, c.id DESC LIMIT $3`, contactID, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("list contact conversations: %w", err)
	}
	defer rows.Close()
	out := []ContactConversation{}
	for rows.Next() {
		var c ContactConversation
		var last, created int64
		var preview sql.NullString
		var lastIn sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Number, &c.InboxID, &c.Channel, &c.Status, &c.Blocked, &c.Subject, &last, &preview, &created, &lastIn); err != nil {
			return nil, fmt.Errorf("list contact conversations: %w", err)
		}
		c.LastActivityAt, c.CreatedAt, c.LastInboundAt = fromMicros(last), fromMicros(created), timePtr(lastIn)
		if preview.Valid {
			c.LastMessage = &parley.MessagePreview{}
			_ = json.Unmarshal([]byte(preview.String), c.LastMessage)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActivityEntry is one line of a contact's activity log (the audit log).
type ActivityEntry struct {
	Action    string          `json:"action"`
	ActorID   string          `json:"actor_id"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// ListContactActivity returns the audit entries about a contact, newest first.
func (q *queries) ListContactActivity(ctx context.Context, workspaceID, contactID string, limit int) ([]ActivityEntry, error) {
	// With the contact's own entries come the assignments of its
	// conversations (accepted, transferred, assignees changed): seed 001's
	// client log shows who handled the person.
	rows, err := q.db.QueryContext(ctx, `SELECT action, actor_id, data, created_at FROM audit_log
		WHERE workspace_id = $2 AND (
			(object_id = $1 AND object_type = 'contact') OR
			(object_type = 'conversation' AND object_id IN (SELECT CAST(id AS TEXT) FROM conversations WHERE contact_id = $4 AND workspace_id = $5)
			 AND (action IN ('conversation.accept', 'conversation.transfer') OR (action = 'conversation.update' AND data LIKE '%"assignee_ids"%'))))
		ORDER BY created_at DESC LIMIT $3`,
		contactID, workspaceID, limit, contactID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list contact activity: %w", err)
	}
	defer rows.Close()
	out := []ActivityEntry{}
	for rows.Next() {
		var e ActivityEntry
		var data string
		var at int64
		if err := rows.Scan(&e.Action, &e.ActorID, &data, &at); err != nil {
			return nil, fmt.Errorf("list contact activity: %w", err)
		}
		e.Data, e.CreatedAt = json.RawMessage(data), fromMicros(at)
		if !json.Valid(e.Data) {
			e.Data = json.RawMessage("null")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LockContacts takes the row locks of two contacts in id order (so two
// merges never wait on each other in a cycle); SQLite's single writer
// serialises already.
func (tx *Tx) LockContacts(ctx context.Context, workspaceID string, ids ...string) error {
	if tx.dialect != Postgres {
		return nil
	}
	for _, id := range sortedCopy(ids) {
		if _, err := tx.db.ExecContext(ctx, `SELECT id FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE`, id, workspaceID); err != nil {
			return fmt.Errorf("lock contact: %w", err)
		}
	}
	return nil
}

// MoveContact moves everything of other to survivor (identities,
// conversations and the messages it sent, marks) and retires other with
// a forwarding address. It returns how many conversations moved. The
// contacts' own fields are the caller's to merge.
func (tx *Tx) MoveContact(ctx context.Context, workspaceID, survivorID, otherID string) (int64, error) {
	var moved int64
	steps := []struct {
		name  string
		query string
		args  []any
	}{
		{"identities", `UPDATE contact_identities SET contact_id = $1 WHERE contact_id = $2`, []any{survivorID, otherID}},
		{"messages", `UPDATE messages SET sender_id = $1 WHERE sender_kind = 'contact' AND sender_id = $2
			AND conversation_id IN (SELECT id FROM conversations WHERE contact_id = $3)`, []any{survivorID, otherID, otherID}},
		{"conversations", `UPDATE conversations SET contact_id = $1, updated_at = $2 WHERE contact_id = $3 AND workspace_id = $4`,
			[]any{survivorID, micros(tx.now), otherID, workspaceID}},
		{"marks", `INSERT INTO contact_marks (contact_id, user_id, workspace_id, created_at)
			SELECT $1, user_id, workspace_id, created_at FROM contact_marks WHERE contact_id = $2
			ON CONFLICT (contact_id, user_id) DO NOTHING`, []any{survivorID, otherID}},
		{"retire", `UPDATE contacts SET deleted_at = $1, merged_into = $2, updated_at = $1 WHERE id = $3 AND workspace_id = $4 AND deleted_at IS NULL`,
			[]any{micros(tx.now), survivorID, otherID, workspaceID}},
	}
	for _, s := range steps {
		res, err := tx.db.ExecContext(ctx, s.query, s.args...)
		if err != nil {
			return 0, fmt.Errorf("merge contact %s: %w", s.name, err)
		}
		switch s.name {
		case "conversations":
			moved, _ = res.RowsAffected()
		case "retire":
			if err := mustAffect(res, "Contact"); err != nil {
				return 0, err
			}
		}
	}
	// Contacts merged into other earlier now forward to survivor.
	if _, err := tx.db.ExecContext(ctx, `UPDATE contacts SET merged_into = $1 WHERE merged_into = $2 AND workspace_id = $3`,
		survivorID, otherID, workspaceID); err != nil {
		return 0, fmt.Errorf("merge contact forwards: %w", err)
	}
	return moved, nil
}

func sortedCopy(ids []string) []string {
	out := append([]string(nil), ids...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
