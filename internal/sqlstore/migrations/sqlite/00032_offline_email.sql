-- +goose Up
-- Replies to web-chat visitors who left (issue 18): an agent's reply on a
-- web-chat inbox is copied once to the visitor's email through the inbox's
-- offline email inbox. One row per copied reply keeps the copy single when
-- the delivery outcome is recorded again (a lost lease, a retry).
CREATE TABLE offline_email_copies (
    message_id   TEXT PRIMARY KEY,
    copy_id      TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE offline_email_copies;
