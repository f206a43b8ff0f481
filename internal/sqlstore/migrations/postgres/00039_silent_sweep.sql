-- +goose Up
-- The lifecycle sweep asks, every run, for the workspace's conversations
-- silent since a time (auto-resolve, abandon). It read them in id order,
-- testing every conversation: at a million, 4.7 s a batch on PostgreSQL,
-- and a whole scan each run even with nothing to close. Each kind now has
-- its own index, oldest silence first, holding only the conversations of
-- that kind; its predicate is written as LockSilent writes it (a partial
-- index serves a query whose terms imply its own). The old index keyed on
-- last_inbound_at alone, which no query uses since silence counts from
-- creation too.
DROP INDEX conversations_silence;
CREATE INDEX conversations_resolvable ON conversations (workspace_id, (COALESCE(last_inbound_at, created_at)), id)
    WHERE deleted_at IS NULL AND status IN ('open', 'pending') AND unreplied_count = 0;
CREATE INDEX conversations_abandonable ON conversations (workspace_id, (COALESCE(last_inbound_at, created_at)), id)
    WHERE deleted_at IS NULL AND (status = 'queued' OR (status IN ('open', 'pending') AND first_reply_at IS NULL));

-- +goose Down
DROP INDEX conversations_abandonable;
DROP INDEX conversations_resolvable;
CREATE INDEX conversations_silence ON conversations (last_inbound_at) WHERE deleted_at IS NULL AND status IN ('queued', 'open', 'pending');
