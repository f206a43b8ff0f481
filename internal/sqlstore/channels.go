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

// Rejection kinds counted in channel health.
const (
	RejectedSignature = "signature"
	RejectedMalformed = "malformed"
)

const healthColumns = `inbox_id, last_inbound_at, last_sent_at, last_error, last_error_at, failing_since,
	consecutive_failures, alerted_at, rejected_signature, rejected_malformed, last_rejected_at, last_rejection`

func scanHealth(row rowScanner) (*parley.ChannelHealth, error) {
	var h parley.ChannelHealth
	var inbound, sent, errAt, failing, alerted, rejected sql.NullInt64
	if err := row.Scan(&h.InboxID, &inbound, &sent, &h.LastError, &errAt, &failing, &h.ConsecutiveFailures, &alerted,
		&h.RejectedSignature, &h.RejectedMalformed, &rejected, &h.LastRejection); err != nil {
		return nil, notFound(err, "Channel health")
	}
	h.LastInboundAt, h.LastSentAt, h.LastErrorAt = timePtr(inbound), timePtr(sent), timePtr(errAt)
	h.FailingSince, h.AlertedAt, h.LastRejectedAt = timePtr(failing), timePtr(alerted), timePtr(rejected)
	return &h, nil
}

// FindChannelHealth returns an inbox's health, or ENOTFOUND when nothing
// has happened on it yet.
func (q *queries) FindChannelHealth(ctx context.Context, inboxID string) (*parley.ChannelHealth, error) {
	return scanHealth(q.db.QueryRowContext(ctx, `SELECT `+healthColumns+` FROM channel_health WHERE inbox_id = $1`, inboxID))
}

// RecordChannelInbound notes that a message arrived on the inbox at at.
func (tx *Tx) RecordChannelInbound(ctx context.Context, workspaceID, inboxID string, at time.Time) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO channel_health (inbox_id, workspace_id, last_inbound_at) VALUES ($1, $2, $3)
		 ON CONFLICT (inbox_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at
		 WHERE channel_health.last_inbound_at IS NULL OR channel_health.last_inbound_at < excluded.last_inbound_at`,
		inboxID, workspaceID, micros(at))
	if err != nil {
		return fmt.Errorf("record channel inbound: %w", err)
	}
	return nil
}

// RecordChannelRejection counts a webhook refused for kind
// (RejectedSignature or RejectedMalformed), with a reason that names no
// secret.
func (tx *Tx) RecordChannelRejection(ctx context.Context, workspaceID, inboxID, kind, reason string) error {
	sig, bad := 0, 0
	switch kind {
	case RejectedSignature:
		sig = 1
	case RejectedMalformed:
		bad = 1
	default:
		return fmt.Errorf("record channel rejection: unknown kind %q", kind)
	}
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO channel_health (inbox_id, workspace_id, rejected_signature, rejected_malformed, last_rejected_at, last_rejection)
		 VALUES ($1, $2, $3, $4, $5, $6)
		 ON CONFLICT (inbox_id) DO UPDATE SET rejected_signature = channel_health.rejected_signature + excluded.rejected_signature,
		   rejected_malformed = channel_health.rejected_malformed + excluded.rejected_malformed,
		   last_rejected_at = excluded.last_rejected_at, last_rejection = excluded.last_rejection`,
		inboxID, workspaceID, sig, bad, micros(tx.now), reason)
	if err != nil {
		return fmt.Errorf("record channel rejection: %w", err)
	}
	return nil
}

// RecordChannelSent notes a successful send: it ends any run of failures.
func (tx *Tx) RecordChannelSent(ctx context.Context, workspaceID, inboxID string) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO channel_health (inbox_id, workspace_id, last_sent_at) VALUES ($1, $2, $3)
		 ON CONFLICT (inbox_id) DO UPDATE SET last_sent_at = excluded.last_sent_at, consecutive_failures = 0,
		   failing_since = NULL, alerted_at = NULL`,
		inboxID, workspaceID, micros(tx.now))
	if err != nil {
		return fmt.Errorf("record channel sent: %w", err)
	}
	return nil
}

// RecordChannelFailure notes a failed send and returns the health after
// it: the run of failures grows, starting now if none was under way.
func (tx *Tx) RecordChannelFailure(ctx context.Context, workspaceID, inboxID, errText string) (*parley.ChannelHealth, error) {
	h, err := scanHealth(tx.db.QueryRowContext(ctx,
		`INSERT INTO channel_health (inbox_id, workspace_id, last_error, last_error_at, failing_since, consecutive_failures)
		 VALUES ($1, $2, $3, $4, $4, 1)
		 ON CONFLICT (inbox_id) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at,
		   failing_since = COALESCE(channel_health.failing_since, excluded.failing_since),
		   consecutive_failures = channel_health.consecutive_failures + 1
		 RETURNING `+healthColumns, inboxID, workspaceID, errText, micros(tx.now)))
	if err != nil {
		return nil, fmt.Errorf("record channel failure: %w", err)
	}
	return h, nil
}

// MarkChannelAlerted records that the admins were told of the inbox's
// current run of failures.
func (tx *Tx) MarkChannelAlerted(ctx context.Context, inboxID string) error {
	if _, err := tx.db.ExecContext(ctx, `UPDATE channel_health SET alerted_at = $1 WHERE inbox_id = $2`, micros(tx.now), inboxID); err != nil {
		return fmt.Errorf("mark channel alerted: %w", err)
	}
	return nil
}

// WatermarkCandidates returns the outbound messages a watermark report
// (Messenger delivery or read) may move: those the inbox sent to recipient
// (the contact's source id on the inbox) at or before watermark and still
// short of read, newest first, at most limit.
func (q *queries) WatermarkCandidates(ctx context.Context, inboxID, recipient string, watermark time.Time, limit int) ([]*parley.Message, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT `+messageColumns+` FROM messages
		 WHERE conversation_id IN (SELECT c.id FROM conversations c JOIN contact_identities ci ON ci.contact_id = c.contact_id
		                           WHERE ci.inbox_id = $1 AND ci.source_id = $2)
		   AND inbox_id = $1 AND direction = 'out' AND private = FALSE
		   AND status IN ('queued', 'sending', 'sent', 'delivered') AND COALESCE(sent_at, created_at) <= $3
		 ORDER BY created_at DESC, id DESC LIMIT $4`,
		inboxID, recipient, micros(watermark), limit)
	if err != nil {
		return nil, fmt.Errorf("watermark candidates: %w", err)
	}
	defer rows.Close()
	var msgs []*parley.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("watermark candidates: %w", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("watermark candidates: %w", err)
	}
	return msgs, nil
}

// LastInboundAt returns the time of the contact's last message on the
// inbox (its provider's own timestamp, as stored), or nil when the contact
// never wrote there.
func (q *queries) LastInboundAt(ctx context.Context, contactID, inboxID string) (*time.Time, error) {
	var n sql.NullInt64
	err := q.db.QueryRowContext(ctx,
		`SELECT MAX(m.created_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		 WHERE c.contact_id = $1 AND m.inbox_id = $2 AND m.direction = 'in'`, contactID, inboxID).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("last inbound: %w", err)
	}
	return timePtr(n), nil
}

// FindContactSourceID returns how the contact is known on the inbox (its
// source id there), or ENOTFOUND when the contact has no identity on it.
func (q *queries) FindContactSourceID(ctx context.Context, contactID, inboxID string) (string, error) {
	var s string
	err := q.db.QueryRowContext(ctx,
		`SELECT source_id FROM contact_identities WHERE contact_id = $1 AND inbox_id = $2 ORDER BY source_id LIMIT 1`,
		contactID, inboxID).Scan(&s)
	if err != nil {
		return "", notFound(err, "Contact identity")
	}
	return s, nil
}

// SaveChannelTemplates stores the message templates fetched for an inbox.
func (tx *Tx) SaveChannelTemplates(ctx context.Context, workspaceID, inboxID string, data json.RawMessage) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO channel_templates (inbox_id, workspace_id, data, fetched_at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (inbox_id) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at`,
		inboxID, workspaceID, string(data), micros(tx.now))
	if err != nil {
		return fmt.Errorf("save channel templates: %w", err)
	}
	return nil
}

// FindChannelTemplates returns the templates last fetched for an inbox and
// when, or ENOTFOUND when they never were.
func (q *queries) FindChannelTemplates(ctx context.Context, inboxID string) (json.RawMessage, time.Time, error) {
	var data string
	var at int64
	err := q.db.QueryRowContext(ctx, `SELECT data, fetched_at FROM channel_templates WHERE inbox_id = $1`, inboxID).Scan(&data, &at)
	if err != nil {
		return nil, time.Time{}, notFound(err, "Templates")
	}
	return json.RawMessage(data), fromMicros(at), nil
}

// LinkResend records that resendID resends the failed message failedID.
// A failed message is resent once: ECONFLICT when it already was.
func (tx *Tx) LinkResend(ctx context.Context, workspaceID, failedID, resendID string, automatic bool) error {
	if prev, err := tx.FindResend(ctx, failedID); err == nil {
		return parley.Errorf(parley.ECONFLICT, "This message was already resent (as message %s).", prev)
	} else if !parley.IsNotFound(err) {
		return err
	}
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO message_resends (failed_id, resend_id, workspace_id, automatic, created_at) VALUES ($1, $2, $3, $4, $5)`,
		failedID, resendID, workspaceID, automatic, micros(tx.now))
	if err != nil {
		return fmt.Errorf("link resend: %w", err)
	}
	return nil
}

// FindResend returns the id of the message that resent failedID, or
// ENOTFOUND.
func (q *queries) FindResend(ctx context.Context, failedID string) (string, error) {
	var resendID string
	err := q.db.QueryRowContext(ctx, `SELECT resend_id FROM message_resends WHERE failed_id = $1`, failedID).Scan(&resendID)
	if errors.Is(err, sql.ErrNoRows) || isInvalidText(err) {
		return "", parley.Errorf(parley.ENOTFOUND, "Resend not found.")
	}
	if err != nil {
		return "", fmt.Errorf("find resend: %w", err)
	}
	return resendID, nil
}

// FindResendOf returns the id of the failed message that resendID
// resends, or ENOTFOUND.
func (q *queries) FindResendOf(ctx context.Context, resendID string) (string, error) {
	var failedID string
	err := q.db.QueryRowContext(ctx, `SELECT failed_id FROM message_resends WHERE resend_id = $1`, resendID).Scan(&failedID)
	if errors.Is(err, sql.ErrNoRows) || isInvalidText(err) {
		return "", parley.Errorf(parley.ENOTFOUND, "Resend not found.")
	}
	if err != nil {
		return "", fmt.Errorf("find resend: %w", err)
	}
	return failedID, nil
}

// SaveMessageTemplate records the template message m is sent as.
func (tx *Tx) SaveMessageTemplate(ctx context.Context, m *parley.Message, t parley.MessageTemplate) error {
	params, _ := json.Marshal(t.Parameters)
	if t.Parameters == nil {
		params = []byte("[]")
	}
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO message_templates (message_id, workspace_id, name, language, parameters, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		m.ID, m.WorkspaceID, t.Name, t.Language, string(params), micros(tx.now))
	if err != nil {
		return fmt.Errorf("save message template: %w", err)
	}
	return nil
}

// FindMessageTemplate returns the template a message is sent as, or
// ENOTFOUND for a free-form message.
func (q *queries) FindMessageTemplate(ctx context.Context, messageID string) (*parley.MessageTemplate, error) {
	var t parley.MessageTemplate
	var params string
	err := q.db.QueryRowContext(ctx, `SELECT name, language, parameters FROM message_templates WHERE message_id = $1`, messageID).
		Scan(&t.Name, &t.Language, &params)
	if err != nil {
		return nil, notFound(err, "Message template")
	}
	_ = json.Unmarshal([]byte(params), &t.Parameters)
	return &t, nil
}

// ListChannelTemplates returns the templates cached for an inbox and when
// they were fetched, or ENOTFOUND when they never were.
func (q *queries) ListChannelTemplates(ctx context.Context, inboxID string) ([]parley.ChannelTemplate, time.Time, error) {
	raw, at, err := q.FindChannelTemplates(ctx, inboxID)
	if err != nil {
		return nil, time.Time{}, err
	}
	var out []parley.ChannelTemplate
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, time.Time{}, fmt.Errorf("decode channel templates: %w", err)
	}
	return out, at, nil
}
