-- +goose Up
-- Replies to web-chat visitors who left (issue 18): an agent's reply on a
-- web-chat inbox is copied once to the visitor's email through the inbox's
-- offline email inbox. One row per copied reply keeps the copy single when
-- the delivery outcome is recorded again (a lost lease, a retry).
CREATE TABLE offline_email_copies (
    message_id   UUID PRIMARY KEY,
    copy_id      UUID NOT NULL UNIQUE,
    workspace_id UUID NOT NULL,
    created_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE offline_email_copies;
