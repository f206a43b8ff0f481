-- +goose Up
-- Mine, Pinned and a tag filter start from the caller's assignments, pins
-- or the tag's rows; with the conversation's last activity copied onto
-- those rows, an index hands them over newest first and a page stops
-- after its 50 rows, instead of reading and sorting every assignment (or
-- pin, or tagged conversation) of the set (issue 13). The trigger keeps
-- the copies equal to the conversation's in the same transaction, whatever
-- statement moves it; rows written later take the value as they are
-- inserted (sqlstore). Only pinned rows of conversation_user_state carry it.
ALTER TABLE conversation_assignees ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_tags ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_user_state ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_assignees a SET last_activity_at = c.last_activity_at FROM conversations c WHERE c.id = a.conversation_id;
UPDATE conversation_tags t SET last_activity_at = c.last_activity_at FROM conversations c WHERE c.id = t.conversation_id;
UPDATE conversation_user_state u SET last_activity_at = c.last_activity_at FROM conversations c WHERE c.id = u.conversation_id AND u.pinned;
-- +goose StatementBegin
CREATE FUNCTION conversations_activity_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_assignees SET last_activity_at = NEW.last_activity_at WHERE conversation_id = NEW.id;
    UPDATE conversation_tags SET last_activity_at = NEW.last_activity_at WHERE conversation_id = NEW.id;
    UPDATE conversation_user_state SET last_activity_at = NEW.last_activity_at WHERE conversation_id = NEW.id AND pinned;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER conversations_activity_copies AFTER UPDATE OF last_activity_at ON conversations
    FOR EACH ROW WHEN (OLD.last_activity_at IS DISTINCT FROM NEW.last_activity_at)
    EXECUTE FUNCTION conversations_activity_copies();
-- The statuses of a view that is not closed, written as the list queries
-- write them (a partial index serves a query whose terms imply its own).
CREATE INDEX conversation_assignees_recent ON conversation_assignees (user_id, workspace_id, last_activity_at DESC, conversation_id DESC)
    WHERE status IN ('queued', 'open', 'pending', 'snoozed');
CREATE INDEX conversation_user_state_pins ON conversation_user_state (user_id, last_activity_at DESC, conversation_id DESC) WHERE pinned;
CREATE INDEX conversation_tags_recent ON conversation_tags (tag_id, last_activity_at DESC, conversation_id DESC);
DROP INDEX conversation_tags_tag;
ANALYZE conversation_assignees;
ANALYZE conversation_tags;
ANALYZE conversation_user_state;

-- +goose Down
CREATE INDEX conversation_tags_tag ON conversation_tags (tag_id);
DROP INDEX conversation_tags_recent;
DROP INDEX conversation_user_state_pins;
DROP INDEX conversation_assignees_recent;
DROP TRIGGER conversations_activity_copies ON conversations;
DROP FUNCTION conversations_activity_copies();
ALTER TABLE conversation_user_state DROP COLUMN last_activity_at;
ALTER TABLE conversation_tags DROP COLUMN last_activity_at;
ALTER TABLE conversation_assignees DROP COLUMN last_activity_at;
