-- +goose Up
-- The AI agent: assistants, the knowledge base, the AI state of inboxes
-- and conversations.
CREATE TABLE ai_assistants (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    provider     TEXT NOT NULL DEFAULT 'builtin',
    is_default   BOOLEAN NOT NULL DEFAULT FALSE,
    -- settings: persona, instructions, handoff settings, booking link,
    -- off-hours behaviour, the provider's base URL, model, temperature.
    settings     TEXT NOT NULL DEFAULT '{}',
    -- api_key: sealed like inbox secrets; never returned.
    api_key      BYTEA,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX ai_assistants_workspace ON ai_assistants (workspace_id, name);

-- Knowledge: articles (title, content in Markdown) and question-and-answer
-- pairs (title = question, content = answer).
CREATE TABLE knowledge_entries (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT 'manual',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX knowledge_entries_workspace ON knowledge_entries (workspace_id, updated_at DESC, id DESC);
CREATE INDEX knowledge_entries_fts ON knowledge_entries USING gin (to_tsvector('simple', title || ' ' || content));

-- Feedback on AI replies: thumbs and a proposed better answer that
-- becomes a knowledge entry once an admin approves it.
CREATE TABLE ai_feedback (
    id              UUID PRIMARY KEY,
    workspace_id    UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    message_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    rating          TEXT NOT NULL,
    correction      TEXT NOT NULL DEFAULT '',
    question        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'none',
    knowledge_id    TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    UNIQUE (message_id, user_id)
);
CREATE INDEX ai_feedback_status ON ai_feedback (workspace_id, status, created_at DESC);

-- Business hours: the workspace's (inbox_id '') and per-inbox overrides.
CREATE TABLE business_hours (
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id     TEXT NOT NULL DEFAULT '',
    settings     TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, inbox_id)
);

ALTER TABLE inboxes ADD COLUMN ai_assistant_id TEXT NOT NULL DEFAULT '';
-- ai_assistant_id: the conversation's own choice ('' = the inbox's);
-- ai_memory_from: the reset point (micros), older messages are not context;
-- bot_messages_off: no automatic messages (AI, greeting, away message).
ALTER TABLE conversations ADD COLUMN ai_assistant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN handoff_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN ai_memory_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN bot_messages_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN away_sent BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE conversations DROP COLUMN away_sent;
ALTER TABLE conversations DROP COLUMN bot_messages_off;
ALTER TABLE conversations DROP COLUMN ai_memory_from;
ALTER TABLE conversations DROP COLUMN handoff_reason;
ALTER TABLE conversations DROP COLUMN ai_assistant_id;
ALTER TABLE inboxes DROP COLUMN ai_assistant_id;
DROP TABLE business_hours;
DROP TABLE ai_feedback;
DROP TABLE knowledge_entries;
DROP TABLE ai_assistants;
