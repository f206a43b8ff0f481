-- +goose Up
-- Feedback on AI replies (00024's table) gains its review: when a vote
-- last changed, and who approved or rejected its correction and when.
-- status: none (a vote without a correction), pending, approved, rejected.
ALTER TABLE ai_feedback ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ai_feedback ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_feedback ADD COLUMN reviewed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ai_feedback_conversation ON ai_feedback (conversation_id, user_id);

-- Knowledge retrieval is on the AI's reply path: ranking recomputed every
-- matching entry's tsvector (60 ms for 300 entries under load). The
-- vector is stored once per write instead, and indexed.
ALTER TABLE knowledge_entries ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || content)) STORED;
CREATE INDEX knowledge_entries_tsv ON knowledge_entries USING gin (search_tsv);
DROP INDEX knowledge_entries_fts;

-- +goose Down
CREATE INDEX knowledge_entries_fts ON knowledge_entries USING gin (to_tsvector('simple', title || ' ' || content));
DROP INDEX knowledge_entries_tsv;
ALTER TABLE knowledge_entries DROP COLUMN search_tsv;
DROP INDEX ai_feedback_conversation;
ALTER TABLE ai_feedback DROP COLUMN reviewed_at;
ALTER TABLE ai_feedback DROP COLUMN reviewed_by;
ALTER TABLE ai_feedback DROP COLUMN updated_at;
