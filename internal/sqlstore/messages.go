package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// InsertMessage stores a message; ID and creation time are filled in when
// empty. A provider message id already stored on the inbox is a unique
// violation the caller resolves by retrying (and finding it).
func (tx *Tx) InsertMessage(ctx context.Context, m *parley.Message) error {
	query, args := tx.messageInsert(m)
	if _, err := tx.db.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	return nil
}

// messageInsertColumns are the columns messageInsert fills, in the order
// of its arguments; the third is the conversation.
const messageInsertColumns = `id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, sender_name,
	private, content, content_type, channel, provider_message_id, status, status_history, error, outcome_unknown,
	attachments, ai_reasoning, sent_at, created_at, system, mentions, email, call`

// messageInsert fills a new message's defaults and returns its INSERT.
func (tx *Tx) messageInsert(m *parley.Message) (string, []any) {
	if m.ID == "" {
		m.ID = id.New()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.now
	}
	if m.StatusHistory == nil {
		m.StatusHistory = []parley.StatusChange{{Status: m.Status, At: m.CreatedAt}}
	}
	if m.Attachments == nil {
		m.Attachments = []parley.Attachment{}
	}
	if m.ContentType == "" {
		m.ContentType = "text"
	}
	hist, _ := json.Marshal(m.StatusHistory)
	atts, _ := json.Marshal(m.Attachments)
	mentions := encodeMentions(m)
	var reasoning sql.NullString
	if len(m.AIReasoning) > 0 {
		reasoning = sql.NullString{String: string(m.AIReasoning), Valid: true}
	}
	return `INSERT INTO messages (` + messageInsertColumns + `)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`,
		[]any{m.ID, m.WorkspaceID, m.ConversationID, m.InboxID, m.Direction, m.Sender.Kind, m.Sender.ID, m.Sender.Name,
			m.Private, m.Content, m.ContentType, m.Channel, m.ProviderMessageID, string(m.Status), string(hist), m.Error,
			m.OutcomeUnknown, string(atts), reasoning, nullMicros(m.SentAt), micros(m.CreatedAt), systemText(m.System), mentions, emailText(m.Email), callText(m.Call)}
}

// UpdateMessageDelivery writes a message's delivery fields.
func (tx *Tx) UpdateMessageDelivery(ctx context.Context, m *parley.Message) error {
	hist, _ := json.Marshal(m.StatusHistory)
	res, err := tx.db.ExecContext(ctx,
		`UPDATE messages SET status = $1, status_history = $2, error = $3, outcome_unknown = $4, provider_message_id = $5, sent_at = $6
		 WHERE id = $7`,
		string(m.Status), string(hist), m.Error, m.OutcomeUnknown, m.ProviderMessageID, nullMicros(m.SentAt), m.ID)
	if err != nil {
		return fmt.Errorf("update message delivery: %w", err)
	}
	return mustAffect(res, "Message")
}

const messageColumns = `id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, sender_name, private,
	content, content_type, channel, provider_message_id, status, status_history, error, outcome_unknown, attachments,
	ai_reasoning, sent_at, created_at, system, mentions, email, call`

func scanMessage(row rowScanner) (*parley.Message, error) {
	var m parley.Message
	var hist, atts, mentions string
	var reasoning, system, email, call sql.NullString
	var sent sql.NullInt64
	var created int64
	if err := row.Scan(&m.ID, &m.WorkspaceID, &m.ConversationID, &m.InboxID, &m.Direction, &m.Sender.Kind, &m.Sender.ID,
		&m.Sender.Name, &m.Private, &m.Content, &m.ContentType, &m.Channel, &m.ProviderMessageID, &m.Status, &hist,
		&m.Error, &m.OutcomeUnknown, &atts, &reasoning, &sent, &created, &system, &mentions, &email, &call); err != nil {
		return nil, notFound(err, "Message")
	}
	if system.Valid {
		m.System = &parley.SystemEvent{}
		_ = json.Unmarshal([]byte(system.String), m.System)
	}
	_ = json.Unmarshal([]byte(hist), &m.StatusHistory)
	_ = json.Unmarshal([]byte(atts), &m.Attachments)
	if m.StatusHistory == nil {
		m.StatusHistory = []parley.StatusChange{}
	}
	if m.Attachments == nil {
		m.Attachments = []parley.Attachment{}
	}
	decodeMentions(&m, mentions)
	m.Email = decodeEmail(email)
	m.Call = decodeCall(call)
	if reasoning.Valid {
		m.AIReasoning = json.RawMessage(reasoning.String)
	}
	m.SentAt, m.CreatedAt = timePtr(sent), fromMicros(created)
	return &m, nil
}

// FindMessageByProviderID returns the message an inbox stored under a
// provider message id, or ENOTFOUND.
func (q *queries) FindMessageByProviderID(ctx context.Context, inboxID, providerMessageID string) (*parley.Message, error) {
	return scanMessage(q.db.QueryRowContext(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE inbox_id = $1 AND provider_message_id = $2 AND provider_message_id <> ''`, inboxID, providerMessageID))
}

// FindMessageByID returns a message of a conversation, or ENOTFOUND.
func (q *queries) FindMessageByID(ctx context.Context, conversationID, messageID string) (*parley.Message, error) {
	return scanMessage(q.db.QueryRowContext(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE id = $1 AND conversation_id = $2`, messageID, conversationID))
}

// MessageCursor is the keyset position in a thread.
type MessageCursor struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"id"`
}

// ListMessages returns up to limit messages of a conversation older than
// before (the newest when before is nil), oldest first.
func (q *queries) ListMessages(ctx context.Context, conversationID string, before *MessageCursor, limit int) ([]parley.Message, error) {
	// A survivor's thread shows the conversations merged into it. Most
	// have none, and keep the plain index scan of one conversation.
	merged, err := q.mergedInto(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	// Built: the merged conversations make an IN list, the cursor a condition.
	query := `SELECT ` + messageColumns + ` FROM messages WHERE conversation_id = $1`
	args := []any{conversationID}
	if len(merged) > 0 {
		query = `SELECT ` + messageColumns + ` FROM messages WHERE conversation_id IN ($1, ` + placeholders(2, len(merged)) + `)`
		for _, cid := range merged {
			args = append(args, cid)
		}
	}
	if before != nil {
		at, id := bind(&args, micros(before.CreatedAt)), bind(&args, before.ID)
		query += ` AND (created_at < ` + at + ` OR (created_at = ` + at + ` AND id < ` + id + `))`
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ` + bind(&args, limit)
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	defer rows.Close()
	out := []parley.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("list messages: %w", err)
		}
		out = append(out, *m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

// Preflight is what the inbound path reads before it writes.
type Preflight struct {
	// DuplicateMessageID and DuplicateConversationID are set when the
	// provider message id is already stored on the inbox.
	DuplicateMessageID      string
	DuplicateConversationID string
	Workspace               *parley.Workspace
	// ContactID is the contact known by the identity, if any.
	ContactID string
}

// InboundPreflight reads, in one round trip, whether a provider message is
// already stored, the workspace's settings and the contact known by the
// sender's identity on the inbox.
func (q *queries) InboundPreflight(ctx context.Context, inbox *parley.Inbox, providerMessageID, sourceID string) (*Preflight, error) {
	p := &Preflight{Workspace: &parley.Workspace{ID: inbox.WorkspaceID}}
	var dupMsg, dupConv, settings, contact sql.NullString
	err := q.db.QueryRowContext(ctx, `SELECT
		(SELECT CAST(id AS TEXT) FROM messages WHERE inbox_id = $1 AND provider_message_id = $2 AND provider_message_id <> ''),
		(SELECT CAST(conversation_id AS TEXT) FROM messages WHERE inbox_id = $1 AND provider_message_id = $2 AND provider_message_id <> ''),
		(SELECT settings FROM workspaces WHERE id = $3),
		(SELECT CAST(contact_id AS TEXT) FROM contact_identities WHERE inbox_id = $1 AND source_id = $4)`,
		inbox.ID, providerMessageID, inbox.WorkspaceID, sourceID).Scan(&dupMsg, &dupConv, &settings, &contact)
	if err != nil {
		return nil, fmt.Errorf("inbound preflight: %w", err)
	}
	if !settings.Valid {
		return nil, parley.Errorf(parley.ENOTFOUND, "Workspace not found.")
	}
	p.Workspace.Settings = parley.DefaultWorkspaceSettings()
	if err := json.Unmarshal([]byte(settings.String), &p.Workspace.Settings); err != nil {
		return nil, fmt.Errorf("decode workspace settings: %w", err)
	}
	p.DuplicateMessageID, p.DuplicateConversationID, p.ContactID = dupMsg.String, dupConv.String, contact.String
	return p, nil
}

// encodeMentions returns the JSON kept in messages.mentions.
func encodeMentions(m *parley.Message) string {
	if m.Mentions == nil {
		m.Mentions = []parley.Mention{}
	}
	m.MentionIDs = make([]string, len(m.Mentions))
	for i, x := range m.Mentions {
		m.MentionIDs[i] = x.ID
	}
	raw, _ := json.Marshal(m.Mentions)
	return string(raw)
}

// decodeMentions fills Mentions and MentionIDs from messages.mentions.
func decodeMentions(m *parley.Message, raw string) {
	_ = json.Unmarshal([]byte(raw), &m.Mentions)
	if m.Mentions == nil {
		m.Mentions = []parley.Mention{}
	}
	m.MentionIDs = make([]string, len(m.Mentions))
	for i, x := range m.Mentions {
		m.MentionIDs[i] = x.ID
	}
}
