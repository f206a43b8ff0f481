-- +goose Up
-- The views at a million conversations (issue 13).
-- The direction of the last message that is not a private note ("in",
-- "out" or NULL), which waiting_client, client_responded, read_no_reply
-- and the view counts test. Virtual: SQLite adds no stored column to a
-- table that has rows, and json_extract is cheap.
ALTER TABLE conversations ADD COLUMN last_direction TEXT GENERATED ALWAYS AS (CASE WHEN COALESCE(json_extract(last_message, '$.private'), 0) THEN NULL ELSE json_extract(last_message, '$.direction') END) VIRTUAL;
-- Mine starts from the caller's assignments narrowed by status, read from
-- the index alone.
CREATE INDEX conversation_assignees_mine ON conversation_assignees (user_id, workspace_id, status, conversation_id);
-- A view that starts from a set of ids (the caller's assignments, pins)
-- tests and sorts them from this index without reading the rows.
CREATE INDEX conversations_page ON conversations (id, workspace_id, status, last_activity_at, restricted, team_id, deleted_at);
-- Sort by priority: highest first, then newest activity (priorityRank).
CREATE INDEX conversations_priority ON conversations (workspace_id,
    (CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END) DESC,
    last_activity_at DESC, id DESC) WHERE deleted_at IS NULL;
-- Statistics for the new indexes: SQLite's planner, finding rows for the
-- other indexes of conversations but none for these, took the priority
-- index for every list and sorted the workspace (seconds at a million).
ANALYZE conversations;
ANALYZE conversation_assignees;

-- +goose Down
DROP INDEX conversations_priority;
ALTER TABLE conversations DROP COLUMN last_direction;
DROP INDEX conversations_page;
DROP INDEX conversation_assignees_mine;
