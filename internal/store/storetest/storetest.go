// Package storetest gives tests a ready, migrated, empty database on SQLite
// or PostgreSQL, so the same test suite runs against both.
//
// PostgreSQL is found through LIVEDESK_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). Each test gets a
// fresh schema, dropped when the test ends. When PostgreSQL is unreachable
// the PostgreSQL variant is skipped with a loud message, or fails when
// LIVEDESK_REQUIRE_SERVICES=1 (CI).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for schema setup
	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/sqlite"
	"github.com/livedesk/livedesk/internal/store"
)

// DefaultPostgresURL is the test database on a developer machine and in CI.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Kinds are the databases the suite runs on.
var Kinds = []string{"sqlite", "postgres"}

// Run runs fn as one subtest per database kind, each with a fresh database.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			fn(t, Open(t, kind))
		})
	}
}

// Open returns a fresh, migrated database of the given kind ("sqlite" or
// "postgres"), closed (and for PostgreSQL dropped) when the test ends.
func Open(t testing.TB, kind string) *store.DB {
	t.Helper()
	switch kind {
	case "sqlite":
		return OpenSQLite(t)
	case "postgres":
		return OpenPostgres(t)
	}
	t.Fatalf("storetest: unknown database kind %q", kind)
	return nil
}

// OpenSQLite returns a fresh SQLite database in a temporary file.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "livedesk.db"))
	if err != nil {
		t.Fatalf("storetest: failed to open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL returns a URL of a fresh schema in the test database, dropped
// when the test ends. It skips (or fails under LIVEDESK_REQUIRE_SERVICES=1)
// when PostgreSQL is unreachable.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("LIVEDESK_TEST_POSTGRES")
	if base == "" {
		base = DefaultPostgresURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		msg := "\n*** POSTGRESQL UNREACHABLE at " + base + ": " + err.Error() + "\n*** PostgreSQL tests are NOT running. Set LIVEDESK_REQUIRE_SERVICES=1 to make this fatal."
		if os.Getenv("LIVEDESK_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: failed to create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("storetest: failed to drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: bad postgres url: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Tests of many packages run at once against one server: keep each
	// test's pool small so that together they stay under max_connections.
	if q.Get("pool_max_conns") == "" {
		q.Set("pool_max_conns", "8")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres returns a fresh PostgreSQL database (a new schema).
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	u := PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatalf("storetest: failed to open postgres: %v", err)
	}
	// Registered after PostgresURL's cleanup, so it runs before the drop.
	t.Cleanup(func() { db.Close() })
	return db
}
