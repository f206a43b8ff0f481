-- +goose Up
-- Notifications: one row per user and thing worth telling them, kept
-- whatever the delivery (in-app items are never dropped). push_state and
-- email_state track the other channels: '' (not wanted), 'pending',
-- 'held' (quiet hours: summarised when the window ends) or 'sent'.
CREATE TABLE notifications (
    id              UUID PRIMARY KEY,
    workspace_id    UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    conversation_id UUID,
    message_id      UUID,
    inbox_id        UUID,
    actor           TEXT NOT NULL DEFAULT '{}',
    text            TEXT NOT NULL,
    push_state      TEXT NOT NULL DEFAULT '',
    email_state     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    read_at         BIGINT
);
CREATE INDEX notifications_user ON notifications (workspace_id, user_id, id);
CREATE INDEX notifications_unread ON notifications (workspace_id, user_id) WHERE read_at IS NULL;

-- How far the notification worker has read each workspace's events.
-- Existing workspaces start at their current event number (no
-- notifications about the past); a new workspace starts at 0.
CREATE TABLE notification_cursors (
    workspace_id UUID PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL
);
INSERT INTO notification_cursors (workspace_id, seq)
    SELECT workspace_id, value FROM counters WHERE name = 'event_seq';

CREATE TABLE notification_preferences (
    workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    prefs        TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

-- Web Push subscriptions, one per browser or installed app.
CREATE TABLE push_subscriptions (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- +goose Down
DROP TABLE push_subscriptions;
DROP TABLE notification_preferences;
DROP TABLE notification_cursors;
DROP TABLE notifications;
