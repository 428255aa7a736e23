-- 0006: every write can carry an idempotency key, scoped to the user who
-- sent it (two users may use the same key). idempotency_keys keeps, for each
-- (user, key), what was asked (operation and a fingerprint of the input, to
-- refuse the key with another request) and the result, written in the same
-- transaction as the write itself. Rows are pruned after the retention
-- period documented in docs/api.md (service.IdempotencyRetention).
CREATE TABLE idempotency_keys (
	user_id         BIGINT NOT NULL,
	idempotency_key TEXT   NOT NULL,
	operation       TEXT   NOT NULL,
	fingerprint     TEXT   NOT NULL,
	result          TEXT   NOT NULL,
	created_at      BIGINT NOT NULL,
	PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- A payment keeps its key for good (a very late retry still finds it), now
-- per recorder: client_key replaces idempotency_key, whose UNIQUE was
-- global (SQLite cannot drop a UNIQUE column, so it stays, always NULL).
ALTER TABLE payments ADD COLUMN client_key TEXT;
UPDATE payments SET client_key = idempotency_key, idempotency_key = NULL WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX payments_recorded_by_client_key ON payments (recorded_by, client_key);

-- Delivery updates are remembered in idempotency_keys now, and so are
-- reversals (reversals.idempotency_key stays NULL from now on: a reversal
-- is unique per original anyway, so a very late retry is ALREADY_REVERSED).
DROP TABLE delivery_updates;
