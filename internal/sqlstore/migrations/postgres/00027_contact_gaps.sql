-- +goose Up
-- The rest of issues 12 and 16: substring contact search that uses an
-- index (trigrams), per-contact presets for new conversations, notes about
-- the person, and CSV imports kept in the database so the background job
-- that runs them survives a restart.

-- Trigram indexes answer LIKE '%…%' on each searched column; the list ORs
-- them (a bitmap OR), so a search at a million contacts reads only matches.
-- The extension goes where it already is (or public); its operator class
-- is named with that schema, as the search_path may not hold it. Without
-- fastupdate a bulk import cannot leave a long pending list that every
-- search would read (a second per search at 200k contacts).
-- +goose StatementBegin
DO $$
DECLARE s text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION WHEN unique_violation THEN
        NULL; -- another migration created it at the same moment
    END;
    SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX contacts_name_trgm ON contacts USING gin (LOWER(name) %I.gin_trgm_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL', s);
    EXECUTE format('CREATE INDEX contacts_email_trgm ON contacts USING gin (email %I.gin_trgm_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL', s);
    EXECUTE format('CREATE INDEX contacts_company_trgm ON contacts USING gin (LOWER(company) %I.gin_trgm_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL', s);
    EXECUTE format('CREATE INDEX contacts_phone_trgm ON contacts USING gin (phone %I.gin_trgm_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL', s);
END $$;
-- +goose StatementEnd

-- Presets applied to every new conversation of the contact: assignee_ids
-- a JSON list of user ids, visible_to a JSON list (NULL: everyone).
CREATE TABLE contact_presets (
    contact_id   UUID PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    assignee_ids TEXT NOT NULL DEFAULT '[]',
    visible_to   TEXT,
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL
);

-- Notes about the person (not about one conversation).
CREATE TABLE contact_notes (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    contact_id   UUID NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    author_id    TEXT NOT NULL DEFAULT '',
    author_name  TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, created_at DESC);

-- The file and options of a background import, read again by its job
-- after a restart; deleted when the import finishes.
CREATE TABLE contact_import_files (
    import_id    UUID PRIMARY KEY REFERENCES contact_imports(id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL,
    options      TEXT NOT NULL DEFAULT '{}',
    body         BYTEA NOT NULL
);

-- +goose Down
DROP TABLE contact_import_files;
DROP TABLE contact_notes;
DROP TABLE contact_presets;
DROP INDEX contacts_phone_trgm;
DROP INDEX contacts_company_trgm;
DROP INDEX contacts_email_trgm;
DROP INDEX contacts_name_trgm;
