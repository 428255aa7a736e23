-- Offline commands (issue 17): a refused delivery change names who made the
-- delivery what it is now and when ("already marked delivered by Priya at
-- 07:12"), read from the delivery's last event; this index keeps that one
-- lookup from scanning the log.
CREATE INDEX events_entity_seq ON events (entity, entity_id, seq);
