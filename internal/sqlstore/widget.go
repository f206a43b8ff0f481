package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// Visitor is someone using a web-chat inbox's widget: anonymous until they
// leave an email or prove who they are (Verified, with the site's
// identity hash). SourceID is their identity on the inbox, what their
// messages enter under; ContactID is set once they have one.
type Visitor struct {
	ID          string
	WorkspaceID string
	InboxID     string
	SourceID    string
	ContactID   string
	Name        string
	Email       string
	Identifier  string
	Verified    bool
	LastSeenAt  time.Time
	CreatedAt   time.Time
}

const visitorColumns = `id, workspace_id, inbox_id, source_id, contact_id, name, email, identifier, verified, last_seen_at, created_at`

func scanVisitor(row rowScanner) (*Visitor, error) {
	var v Visitor
	var verified int
	var seen, created int64
	if err := row.Scan(&v.ID, &v.WorkspaceID, &v.InboxID, &v.SourceID, &v.ContactID, &v.Name, &v.Email, &v.Identifier, &verified, &seen, &created); err != nil {
		return nil, notFound(err, "Visitor")
	}
	v.Verified, v.LastSeenAt, v.CreatedAt = verified == 1, fromMicros(seen), fromMicros(created)
	return &v, nil
}

// CreateVisitor stores a visitor with the hash of their token; it fills
// ID and the times.
func (tx *Tx) CreateVisitor(ctx context.Context, v *Visitor, tokenHash string) error {
	v.ID, v.CreatedAt, v.LastSeenAt = id.New(), tx.now, tx.now
	if v.SourceID == "" {
		v.SourceID = "visitor:" + v.ID
	}
	verified := 0
	if v.Verified {
		verified = 1
	}
	_, err := tx.db.ExecContext(ctx, `INSERT INTO widget_visitors (`+visitorColumns+`, token_hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		v.ID, v.WorkspaceID, v.InboxID, v.SourceID, v.ContactID, v.Name, v.Email, v.Identifier, verified, micros(v.LastSeenAt), micros(v.CreatedAt), tokenHash)
	if err != nil {
		return fmt.Errorf("insert visitor: %w", err)
	}
	return nil
}

// UpdateVisitor saves a visitor's name, email and contact.
func (tx *Tx) UpdateVisitor(ctx context.Context, v *Visitor) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE widget_visitors SET name = $1, email = $2, contact_id = $3 WHERE id = $4 AND inbox_id = $5`,
		v.Name, v.Email, v.ContactID, v.ID, v.InboxID)
	if err != nil {
		return fmt.Errorf("update visitor: %w", err)
	}
	return mustAffect(res, "Visitor")
}

// FindVisitorByTokenHash returns the visitor whose token hashes to hash,
// or ENOTFOUND.
func (q *queries) FindVisitorByTokenHash(ctx context.Context, hash string) (*Visitor, error) {
	return scanVisitor(q.db.QueryRowContext(ctx, `SELECT `+visitorColumns+` FROM widget_visitors WHERE token_hash = $1`, hash))
}

// TouchVisitor records that the visitor was connected at t.
func (s *Store) TouchVisitor(ctx context.Context, visitorID string, t time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.db.ExecContext(ctx, `UPDATE widget_visitors SET last_seen_at = $1 WHERE id = $2`, micros(t), visitorID)
		if err != nil {
			return fmt.Errorf("touch visitor: %w", err)
		}
		return nil
	})
}

// ClaimVisitorUpload marks a visitor's upload as taken by the message
// claim names (a key derived from the visitor's client message id, so
// that a retried send claims the same files again) and returns it. An
// upload that is not the visitor's is ENOTFOUND; one another message took
// is EINVALID naming attachment_ids.
func (tx *Tx) ClaimVisitorUpload(ctx context.Context, workspaceID, visitorID, uploadID, claim string) (*parley.Upload, error) {
	u, err := tx.FindUpload(ctx, workspaceID, visitorID, uploadID)
	if err != nil {
		return nil, err
	}
	if u.MessageID == claim {
		return u, nil
	}
	if err := tx.AttachUpload(ctx, uploadID, claim); err != nil {
		return nil, err
	}
	u.MessageID = claim
	return u, nil
}

// ConversationReadAt returns when an agent last read the conversation to
// its end (the latest of the members' read marks); zero when nobody has.
func (q *queries) ConversationReadAt(ctx context.Context, conversationID string) (time.Time, error) {
	var at sql.NullInt64
	err := q.db.QueryRowContext(ctx,
		`SELECT MAX(last_read_at) FROM conversation_user_state WHERE conversation_id = $1 AND read_inbound_count > 0`,
		conversationID).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("conversation read at: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return fromMicros(at.Int64), nil
}

// HasVerifiedVisitor reports whether the contact has used the inbox's
// widget with a verified identity (the website's identifier hash matched).
func (q *queries) HasVerifiedVisitor(ctx context.Context, inboxID, contactID string) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM widget_visitors WHERE inbox_id = $1 AND contact_id = $2 AND verified = 1`, inboxID, contactID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("verified visitor: %w", err)
	}
	return n > 0, nil
}

// VisitorPresence is what the offline email copy needs to know about a
// contact's visitors on a web-chat inbox: when any of them was last
// connected, and the email the most recently seen one left.
type VisitorPresence struct {
	LastSeenAt time.Time
	Email      string
}

// ContactVisitorPresence returns the presence of the contact's visitors on
// the inbox; ENOTFOUND when the contact never used its widget.
func (q *queries) ContactVisitorPresence(ctx context.Context, inboxID, contactID string) (*VisitorPresence, error) {
	var seen sql.NullInt64
	err := q.db.QueryRowContext(ctx,
		`SELECT MAX(last_seen_at) FROM widget_visitors WHERE inbox_id = $1 AND contact_id = $2`, inboxID, contactID).Scan(&seen)
	if err != nil {
		return nil, fmt.Errorf("visitor presence: %w", err)
	}
	if !seen.Valid {
		return nil, notFound(sql.ErrNoRows, "Visitor")
	}
	p := &VisitorPresence{LastSeenAt: fromMicros(seen.Int64)}
	err = q.db.QueryRowContext(ctx,
		`SELECT email FROM widget_visitors WHERE inbox_id = $1 AND contact_id = $2 AND email <> ''
		 ORDER BY last_seen_at DESC, created_at DESC LIMIT 1`, inboxID, contactID).Scan(&p.Email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("visitor email: %w", err)
	}
	return p, nil
}

// LinkOfflineCopy records that copyID is the email copy of messageID. A
// second copy of the same message is ECONFLICT.
func (tx *Tx) LinkOfflineCopy(ctx context.Context, workspaceID, messageID, copyID string) error {
	if _, err := tx.FindOfflineCopy(ctx, messageID); err == nil {
		return parley.Errorf(parley.ECONFLICT, "This reply was already copied by email.")
	} else if !parley.IsNotFound(err) {
		return err
	}
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO offline_email_copies (message_id, copy_id, workspace_id, created_at) VALUES ($1, $2, $3, $4)`,
		messageID, copyID, workspaceID, micros(tx.now))
	if err != nil {
		return fmt.Errorf("link offline copy: %w", err)
	}
	return nil
}

// FindOfflineCopy returns the id of the email copy of messageID, or
// ENOTFOUND.
func (q *queries) FindOfflineCopy(ctx context.Context, messageID string) (string, error) {
	var copyID string
	err := q.db.QueryRowContext(ctx, `SELECT copy_id FROM offline_email_copies WHERE message_id = $1`, messageID).Scan(&copyID)
	if errors.Is(err, sql.ErrNoRows) || isInvalidText(err) {
		return "", parley.Errorf(parley.ENOTFOUND, "Offline copy not found.")
	}
	if err != nil {
		return "", fmt.Errorf("find offline copy: %w", err)
	}
	return copyID, nil
}

// FindLatestWidgetConversation returns the contact's newest conversation
// that is on the web-chat inbox or holds a message through it: a chat whose
// visitor answered a reply by email has moved to the email inbox, and the
// widget still shows it.
func (q *queries) FindLatestWidgetConversation(ctx context.Context, contactID, inboxID string) (*parley.Conversation, error) {
	return scanConversation(q.db.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.contact_id = $1 AND c.deleted_at IS NULL
		  AND (c.inbox_id = $2 OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.inbox_id = $2))
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1`, contactID, inboxID))
}
