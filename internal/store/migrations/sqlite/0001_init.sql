-- Livedesk schema, SQLite flavour. Times are BIGINT Unix microseconds (UTC);
-- *_on and scheduled_for columns are business-local dates as 'YYYY-MM-DD'
-- text, fixed when the row is written, so that analytics can group by them.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL,
	role          TEXT    NOT NULL CHECK (role IN ('admin', 'vendor')),
	status        TEXT    NOT NULL CHECK (status IN ('active', 'suspended')),
	password_hash TEXT    NOT NULL,
	last_seen_at  BIGINT,
	created_at    BIGINT  NOT NULL,
	updated_at    BIGINT  NOT NULL
);
CREATE INDEX users_role_status ON users (role, status);
CREATE INDEX users_name ON users (name);

CREATE TABLE customers (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL,
	phone         TEXT    NOT NULL DEFAULT '',
	email         TEXT    NOT NULL DEFAULT '',
	address       TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'inactive')),
	vendor_id     BIGINT  NOT NULL REFERENCES users (id),
	balance_cents BIGINT  NOT NULL DEFAULT 0,
	created_on    TEXT    NOT NULL,
	created_at    BIGINT  NOT NULL,
	updated_at    BIGINT  NOT NULL
);
CREATE INDEX customers_vendor_status ON customers (vendor_id, status, name);
CREATE INDEX customers_status_name ON customers (status, name);
CREATE INDEX customers_name ON customers (name COLLATE NOCASE);
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_created_on ON customers (created_on);

CREATE TABLE deliveries (
	id            INTEGER PRIMARY KEY,
	customer_id   BIGINT  NOT NULL REFERENCES customers (id),
	vendor_id     BIGINT  NOT NULL REFERENCES users (id),
	scheduled_for TEXT    NOT NULL,
	items         TEXT    NOT NULL,
	quantity      INTEGER NOT NULL,
	amount_cents  BIGINT  NOT NULL CHECK (amount_cents >= 0),
	status        TEXT    NOT NULL CHECK (status IN ('scheduled', 'out_for_delivery', 'delivered', 'failed', 'cancelled')),
	note          TEXT    NOT NULL DEFAULT '',
	delivered_at  BIGINT,
	delivered_on  TEXT,
	created_at    BIGINT  NOT NULL,
	updated_at    BIGINT  NOT NULL
);
CREATE INDEX deliveries_customer ON deliveries (customer_id, scheduled_for);
CREATE INDEX deliveries_vendor ON deliveries (vendor_id, scheduled_for);
CREATE INDEX deliveries_status ON deliveries (status, scheduled_for);
CREATE INDEX deliveries_scheduled_for ON deliveries (scheduled_for);
CREATE INDEX deliveries_delivered_on ON deliveries (delivered_on);

-- delivery_updates remembers idempotent UpdateDelivery calls: the key, what
-- was asked (to refuse a reused key with other data) and the result.
CREATE TABLE delivery_updates (
	idempotency_key TEXT   PRIMARY KEY,
	delivery_id     BIGINT NOT NULL REFERENCES deliveries (id),
	request         TEXT   NOT NULL,
	result          TEXT   NOT NULL,
	created_at      BIGINT NOT NULL
);

CREATE TABLE payments (
	id              INTEGER PRIMARY KEY,
	customer_id     BIGINT  NOT NULL REFERENCES customers (id),
	vendor_id       BIGINT  NOT NULL REFERENCES users (id),
	amount_cents    BIGINT  NOT NULL CHECK (amount_cents > 0),
	method          TEXT    NOT NULL,
	reference       TEXT    NOT NULL DEFAULT '',
	idempotency_key TEXT    UNIQUE,
	recorded_by     BIGINT  NOT NULL,
	created_on      TEXT    NOT NULL,
	created_at      BIGINT  NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id, created_at);
CREATE INDEX payments_vendor ON payments (vendor_id, created_on);
CREATE INDEX payments_created_on ON payments (created_on);

-- ledger_entries: one row per balance movement; customers.balance_cents is
-- kept equal to the sum of a customer's entries, in the same transaction.
CREATE TABLE ledger_entries (
	id            INTEGER PRIMARY KEY,
	customer_id   BIGINT  NOT NULL REFERENCES customers (id),
	kind          TEXT    NOT NULL CHECK (kind IN ('delivery', 'payment')),
	ref_id        BIGINT  NOT NULL,
	amount_cents  BIGINT  NOT NULL,
	balance_cents BIGINT  NOT NULL,
	created_at    BIGINT  NOT NULL,
	UNIQUE (kind, ref_id)
);
CREATE INDEX ledger_entries_customer ON ledger_entries (customer_id, id);

CREATE TABLE events (
	seq        BIGINT  PRIMARY KEY,
	at         BIGINT  NOT NULL,
	actor_id   BIGINT  NOT NULL,
	actor_name TEXT    NOT NULL,
	action     TEXT    NOT NULL,
	entity     TEXT    NOT NULL,
	entity_id  BIGINT  NOT NULL,
	vendor_id  BIGINT  NOT NULL DEFAULT 0,
	summary    TEXT    NOT NULL,
	payload    TEXT    NOT NULL
);
CREATE INDEX events_vendor_seq ON events (vendor_id, seq);

-- event_counter hands out event seqs in commit order (see store.AppendEvent).
CREATE TABLE event_counter (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT  NOT NULL
);
INSERT INTO event_counter (id, seq) VALUES (1, 0);

CREATE TABLE settings (
	key        TEXT   PRIMARY KEY,
	value      TEXT   NOT NULL,
	updated_at BIGINT NOT NULL
);
