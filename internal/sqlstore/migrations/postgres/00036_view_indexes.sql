-- +goose Up
-- The views at a million conversations (issue 13).
-- The direction of the last message that is not a private note ("in",
-- "out" or NULL), which waiting_client, client_responded, read_no_reply
-- and the view counts test. Stored: parsing the JSON of every row a list
-- scans took most of read_no_reply's time.
ALTER TABLE conversations ADD COLUMN last_direction TEXT GENERATED ALWAYS AS (CASE WHEN COALESCE((last_message::jsonb ->> 'private')::boolean, FALSE) THEN NULL ELSE last_message::jsonb ->> 'direction' END) STORED;
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
-- (No ANALYZE here, unlike SQLite: PostgreSQL plans a new index from its
-- size, and analyzing a small table makes it prefer sequential scans.)

-- +goose Down
DROP INDEX conversations_priority;
ALTER TABLE conversations DROP COLUMN last_direction;
DROP INDEX conversations_page;
DROP INDEX conversation_assignees_mine;
