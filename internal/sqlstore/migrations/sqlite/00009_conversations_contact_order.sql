-- +goose Up
-- The contact's newest conversation, in the order the inbound path asks
-- for it (created_at, then id): the index alone answers, without a sort.
CREATE INDEX conversations_contact_newest ON conversations (contact_id, created_at DESC, id DESC);
DROP INDEX conversations_contact;

-- +goose Down
CREATE INDEX conversations_contact ON conversations (contact_id, created_at DESC);
DROP INDEX conversations_contact_newest;
