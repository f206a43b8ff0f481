-- +goose Up
-- The composer's message constructor: an unfinished constructor message
-- is kept per user and conversation (apart from the text draft: sending a
-- plain reply does not throw it away), and a link sent as a card
-- (Messenger) keeps its card for the delivery worker.
CREATE TABLE constructor_drafts (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    workspace_id    TEXT NOT NULL,
    blocks          TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX constructor_drafts_user ON constructor_drafts (user_id, workspace_id);

CREATE TABLE message_cards (
    message_id   TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    cards        TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE message_cards;
DROP INDEX constructor_drafts_user;
DROP TABLE constructor_drafts;
