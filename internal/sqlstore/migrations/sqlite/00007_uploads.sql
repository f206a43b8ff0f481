-- +goose Up
-- Files agents upload before they send them: typed by content, stored in
-- the blob store under their id, attached to one message of the workspace.
CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    message_id   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX uploads_workspace ON uploads (workspace_id, created_at);

-- +goose Down
DROP TABLE uploads;
