-- +goose Up
-- The outbox: one row per outgoing message still to be sent. A row is
-- claimed with a lease (lease_until) and a fencing token (lease_token, bumped
-- by every claim) that every later write of the holder must present. in_flight
-- is committed before the provider call, so a worker that reclaims a row whose
-- lease expired mid-call knows the first outcome is unknown. queued_at orders
-- the messages of one conversation and inbox; first_failed_at starts the hold
-- a failing message keeps on those behind it. Rows leave the table when the
-- message is sent or has failed for good.
CREATE TABLE outbox (
    message_id      TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    workspace_id    TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    inbox_id        TEXT NOT NULL,
    queued_at       INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     INTEGER,
    lease_token     INTEGER NOT NULL DEFAULT 0,
    in_flight       BOOLEAN NOT NULL DEFAULT FALSE,
    first_failed_at INTEGER,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (due_at);
CREATE INDEX outbox_order ON outbox (conversation_id, inbox_id, queued_at, message_id);

-- Provider pacing shared by every node: tat is the theoretical arrival time
-- of the next message (GCRA) per key (an inbox, a sender).
CREATE TABLE pacing (
    key TEXT PRIMARY KEY,
    tat INTEGER NOT NULL
);

-- Durable scheduled jobs: every timer (snooze, auto-resolve, SLA…) and
-- follow-up work queued in the transaction that caused it. (kind, key) is
-- unique so rescheduling replaces; key is the id when the caller gives none.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    key          TEXT NOT NULL,
    workspace_id TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '{}',
    due_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  INTEGER,
    lease_token  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    failed_at    INTEGER,
    created_at   INTEGER NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE failed_at IS NULL;

-- +goose Down
DROP TABLE jobs;
DROP TABLE pacing;
DROP TABLE outbox;
