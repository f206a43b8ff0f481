-- +goose Up
-- Who deleted a conversation (the admins' list of deleted conversations
-- that can still be restored), found by the newest first.
ALTER TABLE conversations ADD COLUMN deleted_by TEXT;
CREATE INDEX conversations_deleted_list ON conversations (workspace_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
-- The follow-up of a resolved conversation ("continued in #M").
CREATE INDEX conversations_previous ON conversations (previous_id) WHERE previous_id IS NOT NULL;
-- A call record in the history (seed 000): direction, start, duration,
-- recording link and notes, as JSON; the notes are the message's content
-- so search finds them.
ALTER TABLE messages ADD COLUMN call TEXT;

-- +goose Down
ALTER TABLE messages DROP COLUMN call;
DROP INDEX conversations_previous;
DROP INDEX conversations_deleted_list;
ALTER TABLE conversations DROP COLUMN deleted_by;
