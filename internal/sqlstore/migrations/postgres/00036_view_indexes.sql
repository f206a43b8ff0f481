-- +goose Up
-- Indexes for the views at a million conversations (issue 13).
-- Mine starts from the caller's assignments narrowed by status, read from
-- the index alone.
CREATE INDEX conversation_assignees_mine ON conversation_assignees (user_id, workspace_id, status, conversation_id);
-- A view that starts from a set of ids (the caller's assignments, pins)
-- tests and sorts them from this index without reading the rows.
CREATE INDEX conversations_page ON conversations (id, workspace_id, status, last_activity_at, restricted, team_id, deleted_at);

-- +goose Down
DROP INDEX conversations_page;
DROP INDEX conversation_assignees_mine;
