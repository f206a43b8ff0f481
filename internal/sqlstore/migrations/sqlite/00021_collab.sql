-- +goose Up
-- Teamwork inside a conversation (issue 15): canned replies, mentions kept
-- on notes, participants added with a comment, and internal chats between
-- members of a workspace.

-- Canned replies: owner_id '' is shared with the workspace, a user id is
-- that user's own. A short code is unique among the shared replies and
-- among each user's own.
CREATE TABLE canned_replies (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    owner_id     TEXT NOT NULL DEFAULT '',
    short_code   TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    category     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX canned_replies_code ON canned_replies (workspace_id, owner_id, short_code);

-- Mentions of a note: a JSON list of {id, name}.
ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';

-- Participants: colleagues added to a conversation with a comment; they
-- list it under Participating and are notified without being assignees.
CREATE TABLE conversation_participants (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    workspace_id    TEXT NOT NULL,
    added_by        TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user ON conversation_participants (workspace_id, user_id, created_at DESC, conversation_id DESC);

-- Internal chats: one to one (user_a <= user_b), or with oneself
-- (user_a = user_b). No group chats.
CREATE TABLE internal_chats (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_a          TEXT NOT NULL,
    user_b          TEXT NOT NULL,
    last_message_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX internal_chats_pair ON internal_chats (workspace_id, user_a, user_b);
CREATE INDEX internal_chats_user_b ON internal_chats (workspace_id, user_b);

CREATE TABLE internal_chat_messages (
    id           TEXT PRIMARY KEY,
    chat_id      TEXT NOT NULL REFERENCES internal_chats(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    sender_id    TEXT NOT NULL,
    sender_name  TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL DEFAULT '',
    attachments  TEXT NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL
);
CREATE INDEX internal_chat_messages_chat ON internal_chat_messages (chat_id, created_at DESC, id DESC);

-- What each member has read: the keyset position of the last message read.
CREATE TABLE internal_chat_reads (
    chat_id    TEXT NOT NULL REFERENCES internal_chats(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    read_at    INTEGER NOT NULL,
    read_id    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (chat_id, user_id)
);

-- Tasks (seed 001 "Important", seed 000 "Task Overdue"): attached to a
-- contact and optionally one of its conversations. An open task puts the
-- contact's conversations in the Important view until it is done.
CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    contact_id      TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
    title           TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    due_at          INTEGER,
    assignee_id     TEXT,
    done            BOOLEAN NOT NULL DEFAULT FALSE,
    done_at         INTEGER,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX tasks_assignee ON tasks (workspace_id, assignee_id, done, due_at);
CREATE INDEX tasks_contact_open ON tasks (contact_id) WHERE NOT done;

-- Per-member read preferences: whether opening a conversation marks it
-- read (seed 001 reads nothing automatically; the default, as Chatwoot's,
-- is on). No row means the default.
CREATE TABLE read_preferences (
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL,
    mark_read_on_open BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (workspace_id, user_id)
);

-- +goose Down
DROP TABLE read_preferences;
DROP TABLE tasks;
DROP TABLE internal_chat_reads;
DROP TABLE internal_chat_messages;
DROP TABLE internal_chats;
DROP TABLE conversation_participants;
ALTER TABLE messages DROP COLUMN mentions;
DROP TABLE canned_replies;
