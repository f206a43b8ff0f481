-- +goose Up
-- The working day: routing policies and their cursor per team, presence,
-- the conversation's lifecycle fields (queue arrival, last customer
-- message, resolution, merge), system lines' payload, payment requests
-- and drafts.
ALTER TABLE teams ADD COLUMN routing_policy TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE teams ADD COLUMN routing_cursor TEXT NOT NULL DEFAULT '';

ALTER TABLE conversations ADD COLUMN queued_at INTEGER;
ALTER TABLE conversations ADD COLUMN last_inbound_at INTEGER;
ALTER TABLE conversations ADD COLUMN resolution_note TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN merged_into_id TEXT;
-- The routing worker's queue: a team's queued conversations in arrival order.
CREATE INDEX conversations_queue ON conversations (team_id, queued_at, id) WHERE deleted_at IS NULL AND status = 'queued';
-- The lifecycle sweep: conversations still open whose customer went quiet,
-- and deleted ones waiting for their purge.
CREATE INDEX conversations_silence ON conversations (last_inbound_at) WHERE deleted_at IS NULL AND status IN ('queued', 'open', 'pending');
CREATE INDEX conversations_deleted ON conversations (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX conversations_merged ON conversations (merged_into_id) WHERE merged_into_id IS NOT NULL;

ALTER TABLE messages ADD COLUMN system TEXT;

-- Presence: when a user last had a live connection, on any node.
CREATE TABLE user_presence (
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE payment_requests (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    amount          INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX payment_requests_conversation ON payment_requests (conversation_id, created_at);

CREATE TABLE drafts (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    workspace_id    TEXT NOT NULL,
    content         TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX drafts_user ON drafts (user_id, workspace_id);

CREATE INDEX audit_log_cursor ON audit_log (workspace_id, created_at DESC, id DESC);

-- +goose Down
DROP INDEX audit_log_cursor;
DROP TABLE drafts;
DROP TABLE payment_requests;
DROP TABLE user_presence;
ALTER TABLE messages DROP COLUMN system;
DROP INDEX conversations_merged;
DROP INDEX conversations_deleted;
DROP INDEX conversations_silence;
DROP INDEX conversations_queue;
ALTER TABLE conversations DROP COLUMN merged_into_id;
ALTER TABLE conversations DROP COLUMN close_reason;
ALTER TABLE conversations DROP COLUMN resolution_note;
ALTER TABLE conversations DROP COLUMN last_inbound_at;
ALTER TABLE conversations DROP COLUMN queued_at;
ALTER TABLE teams DROP COLUMN routing_cursor;
ALTER TABLE teams DROP COLUMN routing_policy;
