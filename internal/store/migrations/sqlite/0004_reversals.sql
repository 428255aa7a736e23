-- reversals: a correction of a payment or a delivered delivery. The
-- original row is never edited or deleted; it reads as reversed through
-- this table (one reversal per original, UNIQUE (entity, entity_id)), and
-- the balance moves back through a ledger entry of kind 'reversal' whose
-- ref_id is the reversal's id. amount_cents is that ledger movement (minus
-- the delivery's charge, plus the payment's amount). vendor_id is the
-- original's vendor, so that per-vendor figures net it where they counted it.
CREATE TABLE reversals (
	id              INTEGER PRIMARY KEY,
	entity          TEXT    NOT NULL CHECK (entity IN ('payment', 'delivery')),
	entity_id       BIGINT  NOT NULL,
	customer_id     BIGINT  NOT NULL REFERENCES customers (id),
	vendor_id       BIGINT  NOT NULL REFERENCES users (id),
	amount_cents    BIGINT  NOT NULL,
	reason          TEXT    NOT NULL,
	idempotency_key TEXT    UNIQUE,
	reversed_by     BIGINT  NOT NULL,
	created_on      TEXT    NOT NULL,
	created_at      BIGINT  NOT NULL,
	UNIQUE (entity, entity_id)
);
CREATE INDEX reversals_customer ON reversals (customer_id, id);

-- The ledger learns the kind 'reversal'. SQLite cannot alter a CHECK
-- constraint, so the table is rebuilt with the same rows and ids.
CREATE TABLE ledger_entries_new (
	id            INTEGER PRIMARY KEY,
	customer_id   BIGINT  NOT NULL REFERENCES customers (id),
	kind          TEXT    NOT NULL CHECK (kind IN ('delivery', 'payment', 'reversal')),
	ref_id        BIGINT  NOT NULL,
	amount_cents  BIGINT  NOT NULL,
	balance_cents BIGINT  NOT NULL,
	created_at    BIGINT  NOT NULL,
	UNIQUE (kind, ref_id)
);
INSERT INTO ledger_entries_new (id, customer_id, kind, ref_id, amount_cents, balance_cents, created_at)
	SELECT id, customer_id, kind, ref_id, amount_cents, balance_cents, created_at FROM ledger_entries;
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
CREATE INDEX ledger_entries_customer ON ledger_entries (customer_id, id);
