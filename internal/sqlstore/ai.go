package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

const assistantColumns = `id, workspace_id, name, provider, is_default, settings, api_key, created_at, updated_at`

func (q *queries) scanAssistant(row rowScanner) (*parley.Assistant, error) {
	var a parley.Assistant
	var settings string
	var key []byte
	var created, updated int64
	if err := row.Scan(&a.ID, &a.WorkspaceID, &a.Name, &a.Provider, &a.Default, &settings, &key, &created, &updated); err != nil {
		return nil, notFound(err, "Assistant")
	}
	_ = json.Unmarshal([]byte(settings), &a.AssistantSettings)
	if a.KnowledgeIDs == nil {
		a.KnowledgeIDs = []string{}
	}
	if a.Handoff.Keywords == nil {
		a.Handoff.Keywords = []string{}
	}
	if len(key) > 0 {
		plain, err := q.box.Open(key)
		if err != nil {
			return nil, fmt.Errorf("open assistant key: %w", err)
		}
		a.APIKey, a.APIKeySet = string(plain), len(plain) > 0
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

// ListAssistants returns the workspace's assistants, the default first.
func (q *queries) ListAssistants(ctx context.Context, workspaceID string) ([]parley.Assistant, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+assistantColumns+` FROM ai_assistants WHERE workspace_id = $1
		ORDER BY is_default DESC, name, id LIMIT 500`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list assistants: %w", err)
	}
	defer rows.Close()
	out := []parley.Assistant{}
	for rows.Next() {
		a, err := q.scanAssistant(rows)
		if err != nil {
			return nil, fmt.Errorf("list assistants: %w", err)
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// FindAssistant returns an assistant of the workspace, or ENOTFOUND.
func (q *queries) FindAssistant(ctx context.Context, workspaceID, assistantID string) (*parley.Assistant, error) {
	if !id.Valid(assistantID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Assistant not found.")
	}
	return q.scanAssistant(q.db.QueryRowContext(ctx, `SELECT `+assistantColumns+` FROM ai_assistants WHERE id = $1 AND workspace_id = $2`,
		assistantID, workspaceID))
}

// FindDefaultAssistant returns the workspace's default assistant, or
// ENOTFOUND.
func (q *queries) FindDefaultAssistant(ctx context.Context, workspaceID string) (*parley.Assistant, error) {
	return q.scanAssistant(q.db.QueryRowContext(ctx, `SELECT `+assistantColumns+` FROM ai_assistants
		WHERE workspace_id = $1 AND is_default = TRUE ORDER BY created_at LIMIT 1`, workspaceID))
}

// SaveAssistant inserts or updates an assistant (its key sealed). Making
// it the default clears the others' flag.
func (tx *Tx) SaveAssistant(ctx context.Context, a *parley.Assistant) error {
	settings, _ := json.Marshal(a.AssistantSettings)
	var key []byte
	if a.APIKey != "" {
		sealed, err := tx.box.Seal([]byte(a.APIKey))
		if err != nil {
			return fmt.Errorf("seal assistant key: %w", err)
		}
		key = sealed
	}
	now := tx.Now()
	if a.ID == "" {
		a.ID, a.CreatedAt = id.New(), now
	}
	a.UpdatedAt, a.APIKeySet = now, a.APIKey != ""
	if a.Default {
		if _, err := tx.db.ExecContext(ctx, `UPDATE ai_assistants SET is_default = FALSE WHERE workspace_id = $1 AND id <> $2`,
			a.WorkspaceID, a.ID); err != nil {
			return fmt.Errorf("save assistant: %w", err)
		}
	}
	_, err := tx.db.ExecContext(ctx, `INSERT INTO ai_assistants (`+assistantColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, provider = excluded.provider, is_default = excluded.is_default,
		settings = excluded.settings, api_key = excluded.api_key, updated_at = excluded.updated_at`,
		a.ID, a.WorkspaceID, a.Name, a.Provider, a.Default, string(settings), key, micros(a.CreatedAt), micros(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save assistant: %w", err)
	}
	return nil
}

// DeleteAssistant deletes an assistant; inboxes and conversations using
// it fall back to none (AI off) and the inbox's, respectively.
func (tx *Tx) DeleteAssistant(ctx context.Context, workspaceID, assistantID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM ai_assistants WHERE id = $1 AND workspace_id = $2`, assistantID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete assistant: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "Assistant not found.")
	}
	for _, stmt := range []string{
		`UPDATE inboxes SET ai_assistant_id = '' WHERE workspace_id = $1 AND ai_assistant_id = $2`,
		`UPDATE conversations SET ai_assistant_id = '' WHERE workspace_id = $1 AND ai_assistant_id = $2`,
	} {
		if _, err := tx.db.ExecContext(ctx, stmt, workspaceID, assistantID); err != nil {
			return fmt.Errorf("delete assistant: %w", err)
		}
	}
	return nil
}

// InboxAssistants returns the assistant of each inbox of the workspace
// that has one.
func (q *queries) InboxAssistants(ctx context.Context, workspaceID string) (map[string]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, ai_assistant_id FROM inboxes WHERE workspace_id = $1 AND ai_assistant_id <> ''`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("inbox assistants: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var inbox, asst string
		if err := rows.Scan(&inbox, &asst); err != nil {
			return nil, fmt.Errorf("inbox assistants: %w", err)
		}
		out[inbox] = asst
	}
	return out, rows.Err()
}

// InboxAssistantID returns the inbox's assistant ("" for none).
func (q *queries) InboxAssistantID(ctx context.Context, inboxID string) (string, error) {
	var asst string
	err := q.db.QueryRowContext(ctx, `SELECT ai_assistant_id FROM inboxes WHERE id = $1`, inboxID).Scan(&asst)
	if err != nil {
		return "", notFound(err, "Inbox")
	}
	return asst, nil
}

// SetInboxAssistant chooses the inbox's assistant ("" turns the AI off).
func (tx *Tx) SetInboxAssistant(ctx context.Context, workspaceID, inboxID, assistantID string) error {
	res, err := tx.db.ExecContext(ctx, `UPDATE inboxes SET ai_assistant_id = $3 WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
		inboxID, workspaceID, assistantID)
	if err != nil {
		return fmt.Errorf("set inbox assistant: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "Inbox not found.")
	}
	return nil
}

// conversationAISQL reads a conversation's AI state and its inbox's
// assistant in one round trip: $1 the conversation.
const conversationAISQL = `SELECT c.ai_assistant_id, c.ai_memory_from, c.bot_messages_off, c.away_sent, i.ai_assistant_id
	FROM conversations c JOIN inboxes i ON i.id = c.inbox_id WHERE c.id = $1`

// FindConversationAIWithInbox is FindConversationAI with the assistant of
// the conversation's inbox ("" for none): what deciding who answers reads.
func (q *queries) FindConversationAIWithInbox(ctx context.Context, conversationID string) (parley.ConversationAI, string, error) {
	var s parley.ConversationAI
	var from int64
	var inboxAssistant string
	err := q.db.QueryRowContext(ctx, conversationAISQL, conversationID).Scan(&s.AssistantID, &from, &s.BotMessagesOff, &s.AwaySent, &inboxAssistant)
	if err != nil {
		return s, "", notFound(err, "Conversation")
	}
	if from > 0 {
		s.MemoryFrom = fromMicros(from)
	}
	return s, inboxAssistant, nil
}

// FindConversationAI returns the AI state of a conversation.
func (q *queries) FindConversationAI(ctx context.Context, conversationID string) (parley.ConversationAI, error) {
	var s parley.ConversationAI
	var from int64
	err := q.db.QueryRowContext(ctx, `SELECT ai_assistant_id, ai_memory_from, bot_messages_off, away_sent FROM conversations WHERE id = $1`,
		conversationID).Scan(&s.AssistantID, &from, &s.BotMessagesOff, &s.AwaySent)
	if err != nil {
		return s, notFound(err, "Conversation")
	}
	if from > 0 {
		s.MemoryFrom = fromMicros(from)
	}
	return s, nil
}

// SaveConversationAI writes the AI state of a conversation.
func (tx *Tx) SaveConversationAI(ctx context.Context, conversationID string, s parley.ConversationAI) error {
	var from int64
	if !s.MemoryFrom.IsZero() {
		from = micros(s.MemoryFrom)
	}
	_, err := tx.db.ExecContext(ctx, `UPDATE conversations SET ai_assistant_id = $2, ai_memory_from = $3, bot_messages_off = $4, away_sent = $5 WHERE id = $1`,
		conversationID, s.AssistantID, from, s.BotMessagesOff, s.AwaySent)
	if err != nil {
		return fmt.Errorf("save conversation ai: %w", err)
	}
	return nil
}

// SetHandoff flags a conversation for a person with the reason, and the
// appointment flag when asked (the rule is the caller's: ai).
func (tx *Tx) SetHandoff(ctx context.Context, conversationID string, handoff bool, reason string, appointment bool) error {
	_, err := tx.db.ExecContext(ctx, `UPDATE conversations SET handoff = (handoff OR $2), appointment = (appointment OR $4),
		handoff_reason = CASE WHEN $2 THEN $3 ELSE handoff_reason END WHERE id = $1`,
		conversationID, handoff, reason, appointment)
	if err != nil {
		return fmt.Errorf("set handoff: %w", err)
	}
	return nil
}

const knowledgeColumns = `id, workspace_id, kind, title, content, source, created_at, updated_at`

// Statements of knowledge_entries.
const (
	// listKnowledgeSQL is a workspace's first page, newest first ($2 the limit).
	listKnowledgeSQL = `SELECT ` + knowledgeColumns + ` FROM knowledge_entries WHERE workspace_id = $1
		ORDER BY updated_at DESC, id DESC LIMIT $2`
	// searchKnowledgePostgres matches the tsquery $2 (prefixes joined by |).
	searchKnowledgePostgres = `SELECT ` + knowledgeColumns + ` FROM knowledge_entries
		WHERE workspace_id = $1 AND search_tsv @@ to_tsquery('simple', $2)
		ORDER BY ts_rank(search_tsv, to_tsquery('simple', $2)) DESC, id LIMIT $3`
	// searchKnowledgeSQLite matches the FTS5 query $2 (prefixes joined by OR).
	searchKnowledgeSQLite = `SELECT k.id, k.workspace_id, k.kind, k.title, k.content, k.source, k.created_at, k.updated_at
		FROM knowledge_fts f JOIN knowledge_entries k ON k.rowid = f.rowid
		WHERE knowledge_fts MATCH $2 AND k.workspace_id = $1 ORDER BY bm25(knowledge_fts, 2.0, 1.0), k.id LIMIT $3`
	// listKnowledgeBeforeSQL is the page below the ($3 updated_at, $4 id) cursor.
	listKnowledgeBeforeSQL = `SELECT ` + knowledgeColumns + ` FROM knowledge_entries WHERE workspace_id = $1
		AND (updated_at < $3 OR (updated_at = $3 AND CAST(id AS TEXT) < $4))
		ORDER BY updated_at DESC, id DESC LIMIT $2`
)

func scanKnowledge(row rowScanner) (*parley.KnowledgeEntry, error) {
	var k parley.KnowledgeEntry
	var created, updated int64
	if err := row.Scan(&k.ID, &k.WorkspaceID, &k.Kind, &k.Title, &k.Content, &k.Source, &created, &updated); err != nil {
		return nil, notFound(err, "Knowledge entry")
	}
	k.CreatedAt, k.UpdatedAt = fromMicros(created), fromMicros(updated)
	if k.Kind == parley.KnowledgeQA {
		k.Question, k.Answer = k.Title, k.Content
	}
	return &k, nil
}

func scanKnowledgeRows(rows *sql.Rows, what string) ([]parley.KnowledgeEntry, error) {
	defer rows.Close()
	out := []parley.KnowledgeEntry{}
	for rows.Next() {
		k, err := scanKnowledge(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// ListKnowledge returns a page of the workspace's knowledge entries, newest
// first, below the (updated_at micros, id) cursor when given.
func (q *queries) ListKnowledge(ctx context.Context, workspaceID string, beforeAt int64, beforeID string, limit int) ([]parley.KnowledgeEntry, error) {
	query, args := listKnowledgeSQL, []any{workspaceID, limit}
	if beforeID != "" {
		query, args = listKnowledgeBeforeSQL, []any{workspaceID, limit, beforeAt, beforeID}
	}
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list knowledge: %w", err)
	}
	return scanKnowledgeRows(rows, "list knowledge")
}

const (
	// knowledgeVersionSQL: $1 the workspace. An edit moves the newest
	// updated_at, a deletion the count (from the workspace index alone).
	knowledgeVersionSQL = `SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM knowledge_entries WHERE workspace_id = $1`
	// allKnowledgeSQL: $1 the workspace, $2 the limit.
	allKnowledgeSQL = `SELECT ` + knowledgeColumns + ` FROM knowledge_entries WHERE workspace_id = $1 ORDER BY id LIMIT $2`
)

// KnowledgeVersion returns how many entries the workspace's knowledge base
// holds and the newest change's time (micros): equal versions, equal
// contents.
func (q *queries) KnowledgeVersion(ctx context.Context, workspaceID string) (count int, latest int64, err error) {
	if err := q.db.QueryRowContext(ctx, knowledgeVersionSQL, workspaceID).Scan(&count, &latest); err != nil {
		return 0, 0, fmt.Errorf("knowledge version: %w", err)
	}
	return count, latest, nil
}

// AllKnowledge returns up to limit of the workspace's knowledge entries.
func (q *queries) AllKnowledge(ctx context.Context, workspaceID string, limit int) ([]parley.KnowledgeEntry, error) {
	rows, err := q.db.QueryContext(ctx, allKnowledgeSQL, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("all knowledge: %w", err)
	}
	return scanKnowledgeRows(rows, "all knowledge")
}

// FindKnowledge returns one knowledge entry of the workspace, or ENOTFOUND.
func (q *queries) FindKnowledge(ctx context.Context, workspaceID, entryID string) (*parley.KnowledgeEntry, error) {
	if !id.Valid(entryID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Knowledge entry not found.")
	}
	return scanKnowledge(q.db.QueryRowContext(ctx, `SELECT `+knowledgeColumns+` FROM knowledge_entries WHERE id = $1 AND workspace_id = $2`,
		entryID, workspaceID))
}

// SaveKnowledge inserts or updates a knowledge entry.
func (tx *Tx) SaveKnowledge(ctx context.Context, k *parley.KnowledgeEntry) error {
	now := tx.Now()
	if k.ID == "" {
		k.ID, k.CreatedAt = id.New(), now
	}
	k.UpdatedAt = now
	_, err := tx.db.ExecContext(ctx, `INSERT INTO knowledge_entries (`+knowledgeColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, content = excluded.content, updated_at = excluded.updated_at`,
		k.ID, k.WorkspaceID, k.Kind, k.Title, k.Content, k.Source, micros(k.CreatedAt), micros(k.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save knowledge: %w", err)
	}
	return nil
}

// DeleteKnowledge deletes a knowledge entry, or returns ENOTFOUND.
func (tx *Tx) DeleteKnowledge(ctx context.Context, workspaceID, entryID string) error {
	res, err := tx.db.ExecContext(ctx, `DELETE FROM knowledge_entries WHERE id = $1 AND workspace_id = $2`, entryID, workspaceID)
	if err != nil {
		return fmt.Errorf("delete knowledge: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "Knowledge entry not found.")
	}
	return nil
}

// SearchKnowledge returns the workspace's entries matching any of terms
// (lowercase letters and digits only, matched as prefixes), best first by
// the engine's full-text rank; the caller ranks them again.
func (q *queries) SearchKnowledge(ctx context.Context, workspaceID string, terms []string, limit int) ([]parley.KnowledgeEntry, error) {
	var clean []string
	for _, t := range terms {
		if t != "" && strings.IndexFunc(t, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) < 0 {
			clean = append(clean, t)
		}
	}
	if len(clean) == 0 {
		return []parley.KnowledgeEntry{}, nil
	}
	query, match := searchKnowledgeSQLite, `"`+strings.Join(clean, `"* OR "`)+`"*`
	if q.dialect == Postgres {
		query, match = searchKnowledgePostgres, strings.Join(clean, ":* | ")+":*"
	}
	rows, err := q.db.QueryContext(ctx, query, workspaceID, match, limit)
	if err != nil {
		return nil, fmt.Errorf("search knowledge: %w", err)
	}
	return scanKnowledgeRows(rows, "search knowledge")
}
