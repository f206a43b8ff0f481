-- +goose Up
-- Views, filters, saved filters and search.
-- started_by: the agent who started the conversation (New chat); '' when
-- the customer did. The Dialogs view lists the others.
ALTER TABLE conversations ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
-- The Team view (and the teams scope) walks one team's conversations.
CREATE INDEX conversations_team_activity ON conversations (workspace_id, team_id, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL AND team_id IS NOT NULL;
-- Unreplied and the flag views are small slices of the workspace.
CREATE INDEX conversations_unreplied ON conversations (workspace_id, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL AND unreplied_count > 0;
CREATE INDEX conversations_flagged ON conversations (workspace_id, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL AND (handoff OR appointment OR started_by <> '');
CREATE INDEX conversation_user_state_pinned ON conversation_user_state (user_id, conversation_id) WHERE pinned;

-- Saved filters: a name and a filter object, personal (user_id) or shared
-- with the workspace (shared).
CREATE TABLE saved_filters (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      UUID NOT NULL,
    name         TEXT NOT NULL,
    filter       TEXT NOT NULL,
    shared       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX saved_filters_workspace ON saved_filters (workspace_id, user_id);

-- Full-text search: expression indexes, kept by PostgreSQL in the
-- transaction that writes the row. 'simple': no language's stemming, so
-- every language is searched alike.
CREATE INDEX messages_fts ON messages USING gin (to_tsvector('simple', content));
CREATE INDEX contacts_fts ON contacts USING gin (to_tsvector('simple', name || ' ' || company || ' ' || email));

-- +goose Down
DROP INDEX contacts_fts;
DROP INDEX messages_fts;
DROP TABLE saved_filters;
DROP INDEX conversation_user_state_pinned;
DROP INDEX conversations_flagged;
DROP INDEX conversations_unreplied;
DROP INDEX conversations_team_activity;
ALTER TABLE conversations DROP COLUMN started_by;
