-- +goose Up
-- A voice message recorded in the app (Opus remuxed to Ogg on upload) is
-- sent as a voice note on the channels that have them (WhatsApp, Telegram).
ALTER TABLE uploads ADD COLUMN voice BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE uploads DROP COLUMN voice;
