-- +goose Up
-- The Unassigned view's counts come from conversation_counts now; this
-- index only cost every conversation update a write.
DROP INDEX conversations_unassigned_status;

-- +goose Down
CREATE INDEX conversations_unassigned_status ON conversations (workspace_id, status) WHERE deleted_at IS NULL AND assignee_count = 0;
