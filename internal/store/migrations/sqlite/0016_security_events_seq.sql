-- Security monitoring (issue 18): every security event is also appended to
-- the event log (action security.event, admins only), and seq is that
-- entry's seq: the cursor of GET /api/security/events and security:event.
-- Rows recorded before this migration have no seq and are not listed.
ALTER TABLE security_events ADD COLUMN seq BIGINT;
ALTER TABLE security_events ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE INDEX security_events_seq ON security_events (seq);
CREATE INDEX security_events_kind_seq ON security_events (kind, seq);
UPDATE security_events SET kind = 'refresh_reuse' WHERE kind = 'refresh_token_reused';
