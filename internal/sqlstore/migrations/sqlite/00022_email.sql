-- +goose Up
-- The email channel: what a mail carries beyond its text (headers,
-- sanitized HTML, sender checks) as JSON on its message, and where each
-- inbox's IMAP polling stands (UIDVALIDITY and the last UID stored), so a
-- restart neither skips nor repeats mail.
ALTER TABLE messages ADD COLUMN email TEXT;
CREATE TABLE email_polls (
    inbox_id     TEXT PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
    uid_validity BIGINT NOT NULL,
    last_uid     BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE email_polls;
ALTER TABLE messages DROP COLUMN email;
