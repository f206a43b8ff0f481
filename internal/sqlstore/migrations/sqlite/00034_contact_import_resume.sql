-- +goose Up
-- A background contact import is a durable job (kind contact.import) that
-- reads its file from contact_import_files. done_line is the CSV line of the
-- last row written, committed with that row's batch: a node that takes the
-- job over after a crash resumes after it, so no row is written twice.
-- options gains the importing user's id (the job acts as them).
ALTER TABLE contact_import_files ADD COLUMN done_line INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE contact_import_files DROP COLUMN done_line;
