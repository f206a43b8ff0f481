package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// AIFeedback is one agent's vote on one AI reply, with the better answer
// they proposed and its review.
type AIFeedback struct {
	ID             string    `json:"id"`
	WorkspaceID    string    `json:"-"`
	MessageID      string    `json:"message_id"`
	ConversationID string    `json:"conversation_id"`
	UserID         string    `json:"user_id"`
	Rating         string    `json:"rating" enum:"up,down"`
	Correction     string    `json:"correction"`
	Question       string    `json:"question" doc:"the customer message the AI answered"`
	Status         string    `json:"status" enum:"none,pending,approved,rejected" doc:"none: a vote without a correction"`
	KnowledgeID    string    `json:"knowledge_id" doc:"the knowledge entry an approved correction became"`
	ReviewedBy     string    `json:"reviewed_by"`
	ReviewedAt     time.Time `json:"reviewed_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

const aiFeedbackColumns = `id, workspace_id, message_id, conversation_id, user_id, rating, correction, question, status,
	knowledge_id, reviewed_by, reviewed_at, created_at, updated_at`

func scanAIFeedback(row rowScanner) (*AIFeedback, error) {
	var f AIFeedback
	var reviewed, created, updated int64
	if err := row.Scan(&f.ID, &f.WorkspaceID, &f.MessageID, &f.ConversationID, &f.UserID, &f.Rating, &f.Correction, &f.Question,
		&f.Status, &f.KnowledgeID, &f.ReviewedBy, &reviewed, &created, &updated); err != nil {
		return nil, notFound(err, "Feedback")
	}
	if reviewed > 0 {
		f.ReviewedAt = fromMicros(reviewed)
	}
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromMicros(updated)
	if updated == 0 {
		f.UpdatedAt = f.CreatedAt
	}
	return &f, nil
}

func scanAIFeedbackRows(rows *sql.Rows, err error, what string) ([]AIFeedback, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []AIFeedback{}
	for rows.Next() {
		f, err := scanAIFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// FindAIFeedback returns one feedback record of the workspace, or
// ENOTFOUND.
func (q *queries) FindAIFeedback(ctx context.Context, workspaceID, feedbackID string) (*AIFeedback, error) {
	if !id.Valid(feedbackID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Feedback not found.")
	}
	return scanAIFeedback(q.db.QueryRowContext(ctx, `SELECT `+aiFeedbackColumns+` FROM ai_feedback WHERE id = $1 AND workspace_id = $2`,
		feedbackID, workspaceID))
}

// FindAIFeedbackVote returns a user's vote on a message, or ENOTFOUND.
func (q *queries) FindAIFeedbackVote(ctx context.Context, workspaceID, messageID, userID string) (*AIFeedback, error) {
	return scanAIFeedback(q.db.QueryRowContext(ctx, `SELECT `+aiFeedbackColumns+` FROM ai_feedback
		WHERE workspace_id = $1 AND message_id = $2 AND user_id = $3`, workspaceID, messageID, userID))
}

// ListAIFeedbackOfUser returns a user's votes in a conversation.
func (q *queries) ListAIFeedbackOfUser(ctx context.Context, workspaceID, conversationID, userID string) ([]AIFeedback, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+aiFeedbackColumns+` FROM ai_feedback
		WHERE workspace_id = $1 AND conversation_id = $2 AND user_id = $3 ORDER BY created_at, id LIMIT 1000`, workspaceID, conversationID, userID)
	return scanAIFeedbackRows(rows, err, "list feedback of user")
}

// AIFeedbackFilter selects feedback records: by status and author (empty:
// any), newest first, older than the (created_at micros, id) cursor.
type AIFeedbackFilter struct {
	Status   string
	UserID   string
	BeforeAt int64
	BeforeID string
	Limit    int
}

// ListAIFeedback returns a page of the workspace's feedback records.
func (q *queries) ListAIFeedback(ctx context.Context, workspaceID string, f AIFeedbackFilter) ([]AIFeedback, error) {
	// Built: each of the three optional filters adds a condition.
	args := []any{workspaceID}
	query := `SELECT ` + aiFeedbackColumns + ` FROM ai_feedback WHERE workspace_id = $1`
	if f.Status != "" {
		query += ` AND status = ` + bind(&args, f.Status)
	}
	if f.UserID != "" {
		query += ` AND user_id = ` + bind(&args, f.UserID)
	}
	if f.BeforeID != "" {
		at, before := bind(&args, f.BeforeAt), bind(&args, f.BeforeID)
		query += ` AND (created_at < ` + at + ` OR (created_at = ` + at + ` AND CAST(id AS TEXT) < ` + before + `))`
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ` + bind(&args, f.Limit)
	rows, err := q.db.QueryContext(ctx, query, args...)
	return scanAIFeedbackRows(rows, err, "list feedback")
}

// SaveAIFeedback inserts or updates a feedback record. A second vote of
// the same user on the same message that lost the insert race (the unique
// key) is reported as ECONFLICT.
func (tx *Tx) SaveAIFeedback(ctx context.Context, f *AIFeedback) error {
	now := tx.Now()
	if f.ID == "" {
		f.ID, f.CreatedAt = id.New(), now
	}
	f.UpdatedAt = now
	var reviewed int64
	if !f.ReviewedAt.IsZero() {
		reviewed = micros(f.ReviewedAt)
	}
	_, err := tx.db.ExecContext(ctx, `INSERT INTO ai_feedback (`+aiFeedbackColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
		ON CONFLICT (id) DO UPDATE SET rating = excluded.rating, correction = excluded.correction, question = excluded.question,
		status = excluded.status, knowledge_id = excluded.knowledge_id, reviewed_by = excluded.reviewed_by,
		reviewed_at = excluded.reviewed_at, updated_at = excluded.updated_at`,
		f.ID, f.WorkspaceID, f.MessageID, f.ConversationID, f.UserID, f.Rating, f.Correction, f.Question, f.Status,
		f.KnowledgeID, f.ReviewedBy, reviewed, micros(f.CreatedAt), micros(f.UpdatedAt))
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "Your vote on this message changed at the same time; try again.")
	}
	if err != nil {
		return fmt.Errorf("save feedback: %w", err)
	}
	return nil
}
