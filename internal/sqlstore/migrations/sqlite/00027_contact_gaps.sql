-- +goose Up
-- The rest of issues 12 and 16: substring contact search that uses an
-- index (an FTS5 trigram table), per-contact presets for new
-- conversations, notes about the person, and CSV imports kept in the
-- database so the background job that runs them survives a restart.

-- A trigram table answers a substring of three characters or more in any
-- searched column without reading every contact.
CREATE VIRTUAL TABLE contacts_trgm USING fts5(name, email, company, phone, content='contacts', content_rowid='rowid', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER contacts_trgm_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_trgm (rowid, name, email, company, phone) VALUES (new.rowid, new.name, new.email, new.company, new.phone);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_trgm_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_trgm (contacts_trgm, rowid, name, email, company, phone) VALUES ('delete', old.rowid, old.name, old.email, old.company, old.phone);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_trgm_update AFTER UPDATE OF name, email, company, phone ON contacts BEGIN
    INSERT INTO contacts_trgm (contacts_trgm, rowid, name, email, company, phone) VALUES ('delete', old.rowid, old.name, old.email, old.company, old.phone);
    INSERT INTO contacts_trgm (rowid, name, email, company, phone) VALUES (new.rowid, new.name, new.email, new.company, new.phone);
END;
-- +goose StatementEnd
INSERT INTO contacts_trgm (contacts_trgm) VALUES ('rebuild');

-- Presets applied to every new conversation of the contact: assignee_ids
-- a JSON list of user ids, visible_to a JSON list (NULL: everyone).
CREATE TABLE contact_presets (
    contact_id   TEXT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    assignee_ids TEXT NOT NULL DEFAULT '[]',
    visible_to   TEXT,
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);

-- Notes about the person (not about one conversation).
CREATE TABLE contact_notes (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    contact_id   TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    author_id    TEXT NOT NULL DEFAULT '',
    author_name  TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, created_at DESC);

-- The file and options of a background import, read again by its job
-- after a restart; deleted when the import finishes.
CREATE TABLE contact_import_files (
    import_id    TEXT PRIMARY KEY REFERENCES contact_imports(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    options      TEXT NOT NULL DEFAULT '{}',
    body         BLOB NOT NULL
);

-- +goose Down
DROP TABLE contact_import_files;
DROP TABLE contact_notes;
DROP TABLE contact_presets;
DROP TRIGGER contacts_trgm_update;
DROP TRIGGER contacts_trgm_delete;
DROP TRIGGER contacts_trgm_insert;
DROP TABLE contacts_trgm;
