package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/sqlite"
	"github.com/livedesk/livedesk/internal/store"
)

func TestOpenConfiguresDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.ReadTx(ctx, func(tx *store.Tx) error {
		var mode string
		var fk int
		if err := tx.QueryRow(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			return err
		}
		if mode != "wal" || fk != 1 {
			t.Fatalf("journal_mode %q foreign_keys %d, want wal and 1", mode, fk)
		}
		// Reader connections refuse writes.
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 0)`); err == nil {
			t.Fatal("a read transaction could write")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Reopening finds the schema in place.
	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	db2.Close()
}

// TestBusyIsUnavailable checks that SQLITE_BUSY maps to CodeUnavailable.
func TestBusyIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lockWrites(t, path)
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 0)`)
	if err == nil {
		t.Fatal("write succeeded while another connection held the write lock")
	}
	if got := domain.ErrorCode(db.MapError(err)); got != domain.CodeUnavailable {
		t.Fatalf("busy error %v mapped to %s, want %s", err, got, domain.CodeUnavailable)
	}
}

// lockWrites holds the database's write lock from another connection, as
// a backup tool or a sqlite3 shell would, until the test ends; the
// returned connection can ROLLBACK to release it earlier.
func lockWrites(t *testing.T, path string) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	holder, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })
	hc, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hc.Close() })
	if _, err := hc.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = hc.ExecContext(ctx, `ROLLBACK`) })
	return hc
}
