-- +goose Up
-- The composer's message constructor: an unfinished constructor message
-- is kept per user and conversation (apart from the text draft: sending a
-- plain reply does not throw it away), and a link sent as a card
-- (Messenger) keeps its card for the delivery worker.
CREATE TABLE constructor_drafts (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         UUID NOT NULL,
    workspace_id    UUID NOT NULL,
    blocks          TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX constructor_drafts_user ON constructor_drafts (user_id, workspace_id);

CREATE TABLE message_cards (
    message_id   UUID PRIMARY KEY,
    workspace_id UUID NOT NULL,
    cards        TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE message_cards;
DROP INDEX constructor_drafts_user;
DROP TABLE constructor_drafts;
