-- +goose Up
-- Channel health, one row per inbox: what the provider did last (inbound,
-- a successful send, an error), the current run of failed sends (its length
-- and start, which raise the admins' alert once per run), and the webhooks
-- refused before anything was stored.
CREATE TABLE channel_health (
    inbox_id             TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL,
    last_inbound_at      INTEGER,
    last_sent_at         INTEGER,
    last_error           TEXT NOT NULL DEFAULT '',
    last_error_at        INTEGER,
    failing_since        INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    alerted_at           INTEGER,
    rejected_signature   INTEGER NOT NULL DEFAULT 0,
    rejected_malformed   INTEGER NOT NULL DEFAULT 0,
    last_rejected_at     INTEGER,
    last_rejection       TEXT NOT NULL DEFAULT ''
);

-- WhatsApp message templates as last fetched from the Graph API.
CREATE TABLE channel_templates (
    inbox_id     TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '[]',
    fetched_at   INTEGER NOT NULL
);

-- A failed message resent through another inbox: once per failed message.
CREATE TABLE message_resends (
    failed_id    TEXT PRIMARY KEY,
    resend_id    TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    automatic    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   INTEGER NOT NULL
);

-- The WhatsApp template an outbound message is sent as (its content is
-- the template's text as shown in the thread).
CREATE TABLE message_templates (
    message_id   TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    language     TEXT NOT NULL,
    parameters   TEXT NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE message_templates;
DROP TABLE message_resends;
DROP TABLE channel_templates;
DROP TABLE channel_health;
