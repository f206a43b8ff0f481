-- +goose Up
-- A count under a channel or inbox filter (the inbox's filtered total, a
-- saved filter's count in the sidebar) scanned every conversation of the
-- workspace: 1.5–3 s at a million. This index holds what such a count
-- tests — the inbox, the status, and the columns of the access rule — so
-- it is answered from the index, over the filtered inboxes alone.
-- deleted_at is a column too: SQLite reads the row for a column the
-- partial index's WHERE names unless the index holds it.
CREATE INDEX conversations_inbox ON conversations (workspace_id, inbox_id, status, team_id, restricted, id, deleted_at) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX conversations_inbox;
