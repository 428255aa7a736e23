-- Products, areas, subscriptions (standing orders) and the day's round.
--
-- products: what a vendor sells, priced per unit in cents. customer_rates
-- overrides a product's price for one customer. areas order a vendor's
-- customers into rounds; customers.area_id and customers.position place a
-- customer in walking order, customers.note is shown on the round.
CREATE TABLE products (
	id          INTEGER PRIMARY KEY,
	vendor_id   BIGINT  NOT NULL REFERENCES users (id),
	name        TEXT    NOT NULL,
	unit        TEXT    NOT NULL,
	price_cents BIGINT  NOT NULL CHECK (price_cents >= 0),
	active      INTEGER NOT NULL DEFAULT 1,
	created_at  BIGINT  NOT NULL,
	updated_at  BIGINT  NOT NULL,
	UNIQUE (vendor_id, name)
);

CREATE TABLE customer_rates (
	customer_id BIGINT NOT NULL REFERENCES customers (id),
	product_id  BIGINT NOT NULL REFERENCES products (id),
	price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
	updated_at  BIGINT NOT NULL,
	PRIMARY KEY (customer_id, product_id)
);

CREATE TABLE areas (
	id         INTEGER PRIMARY KEY,
	vendor_id  BIGINT  NOT NULL REFERENCES users (id),
	name       TEXT    NOT NULL,
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT  NOT NULL,
	updated_at BIGINT  NOT NULL,
	UNIQUE (vendor_id, name)
);

ALTER TABLE customers ADD COLUMN area_id BIGINT REFERENCES areas (id);
ALTER TABLE customers ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_area ON customers (area_id, position);

-- subscriptions: days is a comma-separated list of weekdays ("mon,thu"),
-- empty when the frequency needs none; ends_on is NULL for open-ended.
CREATE TABLE subscriptions (
	id          INTEGER PRIMARY KEY,
	customer_id BIGINT  NOT NULL REFERENCES customers (id),
	vendor_id   BIGINT  NOT NULL REFERENCES users (id),
	product_id  BIGINT  NOT NULL REFERENCES products (id),
	quantity    INTEGER NOT NULL CHECK (quantity > 0),
	frequency   TEXT    NOT NULL CHECK (frequency IN ('daily', 'alternate', 'weekly', 'custom')),
	days        TEXT    NOT NULL DEFAULT '',
	shift       TEXT    NOT NULL CHECK (shift IN ('morning', 'evening')),
	starts_on   TEXT    NOT NULL,
	ends_on     TEXT,
	status      TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'ended')),
	created_at  BIGINT  NOT NULL,
	updated_at  BIGINT  NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions (customer_id, id);
CREATE INDEX subscriptions_vendor_status ON subscriptions (vendor_id, status);

-- subscription_pauses: a customer's holiday, inclusive dates. A cancelled
-- pause keeps its row (cancelled_at set) so the history stays readable.
CREATE TABLE subscription_pauses (
	id              INTEGER PRIMARY KEY,
	subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
	from_on         TEXT   NOT NULL,
	to_on           TEXT   NOT NULL,
	created_at      BIGINT NOT NULL,
	cancelled_at    BIGINT
);
CREATE INDEX subscription_pauses_subscription ON subscription_pauses (subscription_id, from_on);

-- Deliveries learn where they came from (subscription_id, shift,
-- product_id), why they failed or were skipped (reason, reason_text), and
-- the status 'skipped'. SQLite cannot alter a CHECK constraint, so the table
-- is rebuilt with the same rows and ids. Tables may refer to it (delivery_updates
-- did until 0006) and foreign keys cannot be switched off inside the
-- migration's transaction:
-- with them deferred, dropping the table counts the references it breaks,
-- and inserting the same rows into the new table (created under the final
-- name, so that the references point at it) counts them resolved again
-- before the commit checks.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE deliveries_copy AS SELECT * FROM deliveries;
DROP TABLE deliveries;
CREATE TABLE deliveries (
	id              INTEGER PRIMARY KEY,
	customer_id     BIGINT  NOT NULL REFERENCES customers (id),
	vendor_id       BIGINT  NOT NULL REFERENCES users (id),
	scheduled_for   TEXT    NOT NULL,
	items           TEXT    NOT NULL,
	quantity        INTEGER NOT NULL,
	amount_cents    BIGINT  NOT NULL CHECK (amount_cents >= 0),
	status          TEXT    NOT NULL CHECK (status IN ('scheduled', 'out_for_delivery', 'delivered', 'failed', 'cancelled', 'skipped')),
	note            TEXT    NOT NULL DEFAULT '',
	delivered_at    BIGINT,
	delivered_on    TEXT,
	created_at      BIGINT  NOT NULL,
	updated_at      BIGINT  NOT NULL,
	subscription_id BIGINT  REFERENCES subscriptions (id),
	shift           TEXT    CHECK (shift IN ('morning', 'evening')),
	product_id      BIGINT  REFERENCES products (id),
	reason          TEXT    NOT NULL DEFAULT '',
	reason_text     TEXT    NOT NULL DEFAULT ''
);
INSERT INTO deliveries (id, customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note, delivered_at, delivered_on, created_at, updated_at)
	SELECT id, customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note, delivered_at, delivered_on, created_at, updated_at FROM deliveries_copy;
DROP TABLE deliveries_copy;
CREATE INDEX deliveries_customer ON deliveries (customer_id, scheduled_for);
CREATE INDEX deliveries_vendor ON deliveries (vendor_id, scheduled_for);
CREATE INDEX deliveries_status ON deliveries (status, scheduled_for);
CREATE INDEX deliveries_scheduled_for ON deliveries (scheduled_for);
CREATE INDEX deliveries_delivered_on ON deliveries (delivered_on);
-- One delivery per subscription, day and shift, however many instances
-- generate the day at once (one-off deliveries have no subscription and are
-- not constrained: NULLs are distinct).
CREATE UNIQUE INDEX deliveries_subscription_day ON deliveries (subscription_id, scheduled_for, shift);
