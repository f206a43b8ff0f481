-- +goose Up
-- Counts of the Unassigned view by status read this index alone.
CREATE INDEX conversations_unassigned_status ON conversations (workspace_id, status) WHERE deleted_at IS NULL AND assignee_count = 0;
-- The Mine view's counts read the assignments alone: each carries its
-- conversation's status ('deleted' once the conversation is).
ALTER TABLE conversation_assignees ADD COLUMN status TEXT NOT NULL DEFAULT '';
UPDATE conversation_assignees SET status = (SELECT CASE WHEN c.deleted_at IS NULL THEN c.status ELSE 'deleted' END
    FROM conversations c WHERE c.id = conversation_assignees.conversation_id);
CREATE INDEX conversation_assignees_user_status ON conversation_assignees (user_id, workspace_id, status);

-- +goose Down
DROP INDEX conversation_assignees_user_status;
ALTER TABLE conversation_assignees DROP COLUMN status;
DROP INDEX conversations_unassigned_status;
