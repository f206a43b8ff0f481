-- +goose Up
-- The contact's open conversation, which every inbound message looks up:
-- an index whose predicate is the query's, so the planner never prefers
-- combining the contact index with a workspace-wide one (it did, on fresh
-- statistics, at 200 buffers a lookup).
CREATE INDEX conversations_contact_open ON conversations (contact_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'abandoned');

-- +goose Down
DROP INDEX conversations_contact_open;
