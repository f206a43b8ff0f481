-- +goose Up
-- Live counts of the list views, kept in the write path: conversations
-- (not deleted) by status, whether anyone is assigned, and whether a
-- visibility list restricts them. Deltas are applied once per commit,
-- just before the events are numbered, so the rows are locked only
-- through the commit.
CREATE TABLE conversation_counts (
    workspace_id TEXT NOT NULL,
    status       TEXT NOT NULL,
    assigned     INTEGER NOT NULL,
    restricted   INTEGER NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, status, assigned, restricted)
);
INSERT INTO conversation_counts (workspace_id, status, assigned, restricted, n)
SELECT CAST(workspace_id AS TEXT), status, CASE WHEN assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN restricted THEN 1 ELSE 0 END, COUNT(*)
FROM conversations WHERE deleted_at IS NULL
GROUP BY workspace_id, status, CASE WHEN assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN restricted THEN 1 ELSE 0 END;
-- Agents count the restricted conversations they are listed on.
CREATE INDEX conversation_visibility_user ON conversation_visibility (user_id, conversation_id);

-- +goose Down
DROP INDEX conversation_visibility_user;
DROP TABLE conversation_counts;
