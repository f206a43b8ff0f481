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
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    filter       TEXT NOT NULL,
    shared       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX saved_filters_workspace ON saved_filters (workspace_id, user_id);

-- Full-text search: messages and contacts, kept by triggers in the
-- transaction that writes them.
CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
-- +goose StatementEnd
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE contacts_fts USING fts5(name, company, email, content='contacts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, company, email) VALUES (new.rowid, new.name, new.company, new.email);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, company, email) VALUES ('delete', old.rowid, old.name, old.company, old.email);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, company, email ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, company, email) VALUES ('delete', old.rowid, old.name, old.company, old.email);
    INSERT INTO contacts_fts (rowid, name, company, email) VALUES (new.rowid, new.name, new.company, new.email);
END;
-- +goose StatementEnd
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER contacts_fts_update;
DROP TRIGGER contacts_fts_delete;
DROP TRIGGER contacts_fts_insert;
DROP TABLE contacts_fts;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_insert;
DROP TABLE messages_fts;
DROP TABLE saved_filters;
DROP INDEX conversation_user_state_pinned;
DROP INDEX conversations_flagged;
DROP INDEX conversations_unreplied;
DROP INDEX conversations_team_activity;
ALTER TABLE conversations DROP COLUMN started_by;
