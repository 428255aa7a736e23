package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
)

// TestUpgradeKeepsDeliveries upgrades a database that holds deliveries, a
// table referring to them and ledger entries to the migration that
// rebuilds the deliveries table: every row keeps its id and values, the
// foreign keys still hold, and the new constraints work.
func TestUpgradeKeepsDeliveries(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := store.Migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	const rebuild = 13
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= rebuild {
			break
		}
		if _, err := raw.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("migration %s: %v", m.Name, err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO users (id, email, name, role, status, password_hash, created_at, updated_at) VALUES (2, 'v@x', 'V', 'vendor', 'active', 'x', 1, 1)`,
		`INSERT INTO customers (id, name, status, vendor_id, balance_cents, created_on, created_at, updated_at) VALUES (7, 'Asha', 'active', 2, 4500, '2026-11-01', 1, 1)`,
		`INSERT INTO deliveries (id, customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note, delivered_at, delivered_on, created_at, updated_at)
			VALUES (41, 7, 2, '2026-11-02', 'Milk 1L', 2, 4500, 'delivered', 'ring twice', 100, '2026-11-02', 10, 100)`,
		`INSERT INTO deliveries (id, customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note, created_at, updated_at)
			VALUES (42, 7, 2, '2026-11-03', 'Milk 1L', 1, 2250, 'scheduled', '', 20, 20)`,
		// A table that refers to deliveries (delivery_updates did until
		// migration 0006; another may again).
		`CREATE TABLE delivery_refs (delivery_id BIGINT NOT NULL REFERENCES deliveries (id))`,
		`INSERT INTO delivery_refs (delivery_id) VALUES (41)`,
		`INSERT INTO ledger_entries (customer_id, kind, ref_id, amount_cents, balance_cents, created_at) VALUES (7, 'delivery', 41, 4500, 4500, 100)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path) // applies the rest
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer db.Close()
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		var n int
		var note, status string
		var deliveredAt int64
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries`).Scan(&n); err != nil || n != 2 {
			t.Errorf("deliveries = %d (%v), want 2", n, err)
		}
		if err := tx.QueryRow(ctx, `SELECT note, status, delivered_at FROM deliveries WHERE id = 41`).Scan(&note, &status, &deliveredAt); err != nil ||
			note != "ring twice" || status != "delivered" || deliveredAt != 100 {
			t.Errorf("delivery 41 = %q %q %d (%v)", note, status, deliveredAt, err)
		}
		rows, err := tx.Query(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return err
		}
		for rows.Next() {
			t.Error("a foreign key is broken after the upgrade")
		}
		rows.Close()
		// The new status and the one-delivery-per-subscription-day rule.
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'skipped', reason = 'not_home' WHERE id = 42`); err != nil {
			t.Errorf("skipped refused: %v", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'lost' WHERE id = 42`); err == nil {
			t.Error("an unknown status was accepted")
		}
		// A delivery referred to by another table still cannot vanish.
		if _, err := tx.Exec(ctx, `DELETE FROM deliveries WHERE id = 41`); err == nil {
			t.Error("deleting a referenced delivery was accepted: foreign keys are off")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
