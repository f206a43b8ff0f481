-- +goose Up
-- Times are BIGINT microseconds since the Unix epoch, UTC: one representation
-- on both engines, so ordering and keyset cursors behave the same.
CREATE TABLE system_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE workspaces (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);

CREATE TABLE counters (
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    value        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, name)
);

CREATE TABLE users (
    id                  UUID PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    avatar_url          TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL
);

CREATE TABLE members (
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    availability TEXT NOT NULL DEFAULT 'offline',
    capacity     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE teams (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE team_members (
    team_id      UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id, workspace_id);

CREATE TABLE inboxes (
    id                 UUID PRIMARY KEY,
    workspace_id       UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    channel            TEXT NOT NULL,
    config             TEXT NOT NULL DEFAULT '{}',
    secrets            BYTEA,
    team_id            UUID REFERENCES teams(id) ON DELETE SET NULL,
    fallback_inbox_id  UUID,
    inbound_token_hash TEXT UNIQUE,
    created_at         BIGINT NOT NULL,
    deleted_at         BIGINT
);
CREATE INDEX inboxes_workspace ON inboxes (workspace_id);

CREATE TABLE contacts (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    company      TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    avatar_url   TEXT NOT NULL DEFAULT '',
    attributes   TEXT NOT NULL DEFAULT '{}',
    tags         TEXT NOT NULL DEFAULT '[]',
    blocked      BOOLEAN NOT NULL DEFAULT FALSE,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    deleted_at   BIGINT
);
CREATE INDEX contacts_list ON contacts (workspace_id, created_at DESC, id DESC);
CREATE INDEX contacts_email ON contacts (workspace_id, email);
CREATE INDEX contacts_phone ON contacts (workspace_id, phone);

CREATE TABLE contact_identities (
    inbox_id     UUID NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    source_id    TEXT NOT NULL,
    contact_id   UUID NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL,
    PRIMARY KEY (inbox_id, source_id)
);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE tags (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    color        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, kind, name)
);

CREATE TABLE conversations (
    id               UUID PRIMARY KEY,
    workspace_id     UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    number           BIGINT NOT NULL,
    contact_id       UUID NOT NULL REFERENCES contacts(id),
    inbox_id         UUID NOT NULL REFERENCES inboxes(id),
    status           TEXT NOT NULL,
    snoozed_until    BIGINT,
    priority         TEXT NOT NULL DEFAULT 'none',
    team_id          UUID,
    restricted       BOOLEAN NOT NULL DEFAULT FALSE,
    assignee_count   INTEGER NOT NULL DEFAULT 0,
    assignee_ids     TEXT NOT NULL DEFAULT '[]',
    visible_to       TEXT,
    ai_mode          TEXT NOT NULL DEFAULT 'manual',
    tags             TEXT NOT NULL DEFAULT '[]',
    labels           TEXT NOT NULL DEFAULT '[]',
    subject          TEXT NOT NULL DEFAULT '',
    unreplied_count  INTEGER NOT NULL DEFAULT 0,
    inbound_count    BIGINT NOT NULL DEFAULT 0,
    waiting_since    BIGINT,
    first_reply_at   BIGINT,
    last_activity_at BIGINT NOT NULL,
    last_message     TEXT,
    handoff          BOOLEAN NOT NULL DEFAULT FALSE,
    appointment      BOOLEAN NOT NULL DEFAULT FALSE,
    previous_id      UUID,
    external_ref     TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL DEFAULT '',
    resolved_at      BIGINT,
    deleted_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (workspace_id, number)
);
CREATE INDEX conversations_activity ON conversations (workspace_id, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX conversations_status_activity ON conversations (workspace_id, status, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX conversations_unassigned ON conversations (workspace_id, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL AND assignee_count = 0;
CREATE INDEX conversations_contact ON conversations (contact_id, created_at DESC);

CREATE TABLE conversation_assignees (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         UUID NOT NULL,
    workspace_id    UUID NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_assignees_user ON conversation_assignees (user_id, workspace_id);

CREATE TABLE conversation_visibility (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         UUID NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

CREATE TABLE conversation_tags (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag_id          UUID NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (tag_id);

CREATE TABLE conversation_user_state (
    conversation_id    UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id            UUID NOT NULL,
    read_inbound_count BIGINT NOT NULL DEFAULT 0,
    last_read_at       BIGINT,
    pinned             BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (conversation_id, user_id)
);

CREATE TABLE messages (
    id                  UUID PRIMARY KEY,
    workspace_id        UUID NOT NULL,
    conversation_id     UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    inbox_id            UUID NOT NULL,
    direction           TEXT NOT NULL,
    sender_kind         TEXT NOT NULL,
    sender_id           TEXT NOT NULL DEFAULT '',
    sender_name         TEXT NOT NULL DEFAULT '',
    private             BOOLEAN NOT NULL DEFAULT FALSE,
    content             TEXT NOT NULL DEFAULT '',
    content_type        TEXT NOT NULL DEFAULT 'text',
    channel             TEXT NOT NULL,
    provider_message_id TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    status_history      TEXT NOT NULL DEFAULT '[]',
    error               TEXT NOT NULL DEFAULT '',
    outcome_unknown     BOOLEAN NOT NULL DEFAULT FALSE,
    attachments         TEXT NOT NULL DEFAULT '[]',
    ai_reasoning        TEXT,
    sent_at             BIGINT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX messages_provider_id ON messages (inbox_id, provider_message_id) WHERE provider_message_id <> '';

CREATE TABLE sessions (
    id           UUID PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at   BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
    workspace_id    UUID NOT NULL,
    seq             BIGINT NOT NULL,
    type            TEXT NOT NULL,
    conversation_id UUID,
    audience        TEXT,
    prev_audience   TEXT,
    data            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE audit_log (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, created_at DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE events;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE messages;
DROP TABLE conversation_user_state;
DROP TABLE conversation_tags;
DROP TABLE conversation_visibility;
DROP TABLE conversation_assignees;
DROP TABLE conversations;
DROP TABLE tags;
DROP TABLE contact_identities;
DROP TABLE contacts;
DROP TABLE inboxes;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE members;
DROP TABLE users;
DROP TABLE counters;
DROP TABLE workspaces;
DROP TABLE system_settings;
