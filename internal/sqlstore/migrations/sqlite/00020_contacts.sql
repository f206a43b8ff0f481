-- +goose Up
-- Contacts as a screen of their own (issue 16): the orders the list sorts
-- by, merges that leave a forwarding address, per-user marks, attribute
-- definitions, imports, hidden conversations of blocked contacts and
-- external references on conversations.
ALTER TABLE contacts ADD COLUMN merged_into TEXT;
CREATE INDEX contacts_name ON contacts (workspace_id, name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_updated ON contacts (workspace_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX contacts_company ON contacts (workspace_id, company) WHERE deleted_at IS NULL;

-- A conversation opened by a message from a blocked contact: stored (so
-- nothing is lost) but deleted_at is set, so no list, count or view sees
-- it; unblocking brings it back, resolved.
ALTER TABLE conversations ADD COLUMN blocked BOOLEAN NOT NULL DEFAULT FALSE;
-- external_key is "type\x1fid" of external_ref, what ?external_ref_type=&external_ref_id= select by.
ALTER TABLE conversations ADD COLUMN external_key TEXT NOT NULL DEFAULT '';
CREATE INDEX conversations_external_key ON conversations (workspace_id, external_key) WHERE external_key <> '';

CREATE TABLE contact_marks (
    contact_id   TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (contact_id, user_id)
);
CREATE INDEX contact_marks_user ON contact_marks (user_id, workspace_id);

CREATE TABLE contact_attribute_defs (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    label        TEXT NOT NULL,
    type         TEXT NOT NULL,
    options      TEXT NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, key)
);

CREATE TABLE contact_imports (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    total        INTEGER NOT NULL DEFAULT 0,
    processed    INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    errors       TEXT NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX contact_imports_workspace ON contact_imports (workspace_id, created_at DESC);
CREATE INDEX audit_log_object ON audit_log (object_id, created_at DESC);

-- +goose Down
DROP INDEX audit_log_object;
DROP TABLE contact_imports;
DROP TABLE contact_attribute_defs;
DROP TABLE contact_marks;
DROP INDEX conversations_external_key;
ALTER TABLE conversations DROP COLUMN external_key;
ALTER TABLE conversations DROP COLUMN blocked;
DROP INDEX contacts_company;
DROP INDEX contacts_updated;
DROP INDEX contacts_name;
ALTER TABLE contacts DROP COLUMN merged_into;
