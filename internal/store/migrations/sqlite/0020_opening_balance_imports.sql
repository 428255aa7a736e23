-- 0020: customer imports (issue 16). The ledger learns the kind
-- 'opening_balance': a balance brought over from before Livedesk, its
-- ref_id the customer's id (UNIQUE (kind, ref_id): at most one each).
-- Widening the kind check changes no stored row, which is the case SQLite
-- documents writable_schema for (as 0019 does for users' roles); the RESET
-- reloads the schema so that this connection sees the new check.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'CHECK (kind IN (''delivery'', ''payment'', ''reversal''))', 'CHECK (kind IN (''delivery'', ''payment'', ''reversal'', ''opening_balance''))')
WHERE type = 'table' AND name = 'ledger_entries';
PRAGMA writable_schema = RESET;

-- customer_imports: one row per vendor and applied import, the entity of
-- its customers.imported event: who imported which file and what it did.
CREATE TABLE customer_imports (
	id                    INTEGER PRIMARY KEY,
	vendor_id             BIGINT  NOT NULL REFERENCES users (id),
	file_sha256           TEXT    NOT NULL,
	created               INTEGER NOT NULL,
	existing              INTEGER NOT NULL,
	subscriptions         INTEGER NOT NULL,
	opening_balance_cents BIGINT  NOT NULL,
	imported_by           BIGINT  NOT NULL,
	created_at            BIGINT  NOT NULL
);
CREATE INDEX customer_imports_vendor ON customer_imports (vendor_id, id);
