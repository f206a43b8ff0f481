-- +goose Up
-- The id an app-wide provider webhook routes by (a WhatsApp
-- phone_number_id, a Messenger page_id), unique among live inboxes of a
-- channel: the database, not a check before the insert, keeps two inboxes
-- from claiming the same number or page.
ALTER TABLE inboxes ADD COLUMN route_key TEXT;
UPDATE inboxes SET route_key = NULLIF(json_extract(config, '$.phone_number_id'), '')
 WHERE channel = 'whatsapp' AND deleted_at IS NULL;
UPDATE inboxes SET route_key = NULLIF(json_extract(config, '$.page_id'), '')
 WHERE channel = 'messenger' AND deleted_at IS NULL;
-- Existing duplicates (possible before this index): the oldest inbox keeps
-- the route; the others keep their settings but receive nothing until an
-- admin saves them again (which proves ownership and claims the id).
UPDATE inboxes SET route_key = NULL
 WHERE route_key IS NOT NULL AND EXISTS (
   SELECT 1 FROM inboxes o
    WHERE o.channel = inboxes.channel AND o.route_key = inboxes.route_key AND o.deleted_at IS NULL
      AND (o.created_at < inboxes.created_at OR (o.created_at = inboxes.created_at AND o.id < inboxes.id)));
CREATE UNIQUE INDEX inboxes_route_key ON inboxes (channel, route_key)
 WHERE route_key IS NOT NULL AND deleted_at IS NULL;

-- +goose Down
DROP INDEX inboxes_route_key;
ALTER TABLE inboxes DROP COLUMN route_key;
