-- +goose Up
-- Feedback on AI replies (00024's table) gains its review: when a vote
-- last changed, and who approved or rejected its correction and when.
-- status: none (a vote without a correction), pending, approved, rejected.
ALTER TABLE ai_feedback ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ai_feedback ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_feedback ADD COLUMN reviewed_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ai_feedback_conversation ON ai_feedback (conversation_id, user_id);

-- +goose Down
DROP INDEX ai_feedback_conversation;
ALTER TABLE ai_feedback DROP COLUMN reviewed_at;
ALTER TABLE ai_feedback DROP COLUMN reviewed_by;
ALTER TABLE ai_feedback DROP COLUMN updated_at;
