// Package sqlite opens Livedesk's embedded SQLite database (the default
// storage) with the pure-Go modernc.org/sqlite driver, so the binary stays
// static.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Open opens (creating it if needed) the database file at path and applies
// the migrations. SQLite allows one writer at a time, so writes go through a
// single connection (transactions queue in the Go pool instead of failing
// with SQLITE_BUSY) while reads use a pool of read-only connections; WAL
// lets those readers run concurrently with the writer.
func Open(ctx context.Context, path string) (*store.DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	params := url.Values{}
	// The writer's own busy wait is a few milliseconds: the store waits
	// out a lock held elsewhere (Dialect.BusyWait) in steps that end with
	// the caller's context, which SQLite's busy handler cannot.
	params.Add("_pragma", "busy_timeout(10)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(1)")
	// NORMAL in WAL mode: a crash of the process never loses a commit; a
	// power loss may lose the last few, which the WAL keeps consistent.
	params.Add("_pragma", "synchronous(NORMAL)")
	// BEGIN IMMEDIATE takes the write lock up front, so a transaction never
	// fails half-way when upgrading from read to write (for example when a
	// CLI command writes while the server runs).
	writeDSN := "file:" + path + "?" + params.Encode() + "&_txlock=immediate"
	write, err := openCached(writeDSN)
	if err != nil {
		return nil, fmt.Errorf("failed to open sqlite database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	// Create the file and switch it to WAL through the writer before the
	// readers connect.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("failed to open sqlite database %s: %w", path, err)
	}

	readParams := url.Values{}
	readParams.Add("_pragma", "busy_timeout(10000)")
	readParams.Add("_pragma", "foreign_keys(1)")
	readParams.Add("_pragma", "query_only(1)")
	read, err := openCached("file:" + path + "?" + readParams.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("failed to open sqlite database %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	db := store.New(write, read, Dialect())
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("failed to migrate sqlite database %s: %w", path, err)
	}
	if err := db.LoadTimeZone(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// stmtCacheSize is how many prepared statements each connection keeps (see
// store.CacheStatements): SQLite parses every query it is given, and
// parsing a small query costs about as much as running it. The hot paths
// use a few dozen distinct queries.
const stmtCacheSize = 256

// openCached opens a handle whose connections keep their prepared
// statements.
func openCached(dsn string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(store.CacheStatements(c, stmtCacheSize)), nil
}

// busyWait is how long a write waits for the write lock another process
// holds (a CLI command, a backup tool, a sqlite3 shell) before it is
// refused as busy (UNAVAILABLE, retry later).
const busyWait = 10 * time.Second

// Dialect returns the SQLite dialect of the store.
func Dialect() store.Dialect {
	return store.Dialect{
		Name:      "sqlite",
		ILike:     "LIKE", // ASCII case-insensitive by default in SQLite
		ForUpdate: "",     // the single writer connection serialises writes
		WeekStart: func(col string) string {
			// strftime('%w') is 0 for Sunday; step back to Monday.
			return "date(" + col + ", '-' || ((CAST(strftime('%w', " + col + ") AS INTEGER) + 6) % 7) || ' days')"
		},
		Classify: classify,
		BusyWait: busyWait,
	}
}

func classify(err error) (store.ErrKind, string) {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return store.ErrOther, ""
	}
	code := se.Code()
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return store.ErrBusy, ""
	}
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		// "constraint failed: UNIQUE constraint failed: users.email (2067)"
		msg := se.Error()
		if i := strings.LastIndex(msg, "failed: "); i >= 0 {
			col, _, _ := strings.Cut(msg[i+len("failed: "):], " ")
			col, _, _ = strings.Cut(col, ",")
			return store.ErrUnique, col
		}
		return store.ErrUnique, ""
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return store.ErrForeignKey, ""
	}
	return store.ErrOther, ""
}
