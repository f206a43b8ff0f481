-- +goose Up
-- The web-chat widget (issue 18): visitors of a web-chat inbox, each with
-- a token of their own (kept as its SHA-256), and the contact they write
-- as once they have written or proved who they are.
CREATE TABLE widget_visitors (
    id            UUID PRIMARY KEY,
    workspace_id  UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id      UUID NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL,
    source_id     TEXT NOT NULL,
    contact_id    TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    identifier    TEXT NOT NULL DEFAULT '',
    verified      INTEGER NOT NULL DEFAULT 0,
    last_seen_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX widget_visitors_token ON widget_visitors (token_hash);
CREATE INDEX widget_visitors_contact ON widget_visitors (inbox_id, contact_id);

-- +goose Down
DROP TABLE widget_visitors;
