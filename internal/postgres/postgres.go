// Package postgres opens Livedesk's PostgreSQL database with pgx, for
// deployments that outgrow one machine (several instances share it).
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	neturl "net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/livedesk/livedesk/internal/store"
)

// DefaultMaxConns is the connection pool size of one instance unless the
// URL sets pool_max_conns.
const DefaultMaxConns = 20

// Open connects to the database at url (postgres://...), applies the
// migrations and returns the store. Parameters unknown to pgx in the URL,
// such as search_path, are sent to the server as run-time settings, except
// pool_max_conns (as in pgxpool), which sizes the connection pool.
func Open(ctx context.Context, url string) (*store.DB, error) {
	url, maxConns, err := poolSize(url)
	if err != nil {
		return nil, err
	}
	// Parsed here for a clear error; sql.Open would only fail on first use.
	if _, err := pgconn.ParseConfig(url); err != nil {
		return nil, fmt.Errorf("failed to parse postgres url: %w", err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("failed to open postgres: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("failed to connect to postgres: %w", err)
	}
	s := store.New(db, db, Dialect())
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("failed to migrate postgres: %w", err)
	}
	if err := s.LoadTimeZone(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// poolSize takes pool_max_conns out of a URL.
func poolSize(raw string) (string, int, error) {
	u, err := neturl.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return raw, DefaultMaxConns, nil // a keyword/value DSN: left to pgconn
	}
	q := u.Query()
	v := q.Get("pool_max_conns")
	if v == "" {
		return raw, DefaultMaxConns, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("postgres url: pool_max_conns must be a positive number, not %q", v)
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}

// Dialect returns the PostgreSQL dialect of the store.
func Dialect() store.Dialect {
	return store.Dialect{
		Name:     "postgres",
		Numbered: true,
		ILike:    "ILIKE",
		// NO KEY UPDATE: we never change keys, and it does not block the
		// KEY SHARE locks that foreign-key checks of concurrent inserts take.
		ForUpdate: " FOR NO KEY UPDATE",
		WeekStart: func(col string) string {
			return "to_char(date_trunc('week', (" + col + ")::date), 'YYYY-MM-DD')"
		},
		Classify:      classify,
		MigrationLock: migrationLock,
		// pg_restore creates the database or the tables anew: new oids.
		LogOrigin: `SELECT (SELECT oid FROM pg_database WHERE datname = current_database())::text || ':' || 'event_counter'::regclass::oid::text`,
		// Repeatable read gives stats one snapshot across their queries.
		ReadTx: sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		// A commit whose answer is lost is resolved by transaction id
		// (PostgreSQL 13+), on another connection.
		TxID:           `SELECT pg_current_xact_id()::text`,
		TxStatus:       `SELECT pg_xact_status(CAST(? AS text)::xid8)`,
		CommitAnswered: commitAnswered,
		// Keyed by schema too, so that databases in different schemas (the
		// tests') never contend.
		TryXactLock: `pg_try_advisory_xact_lock(hashtextextended(current_schema() || ':' || ?, 0))`,
	}
}

// migrationLock takes a session advisory lock keyed by the current schema,
// so instances starting together migrate one after the other (the second
// finds nothing left to do) while tests in separate schemas do not wait on
// each other.
func migrationLock(ctx context.Context, conn *sql.Conn) (func(), error) {
	const q = `SELECT pg_advisory_lock(hashtext('livedesk.migrate.' || current_schema()))`
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return nil, err
	}
	return func() {
		// A fresh context: the unlock must happen even when ctx is done.
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtext('livedesk.migrate.' || current_schema()))`)
	}, nil
}

func classify(err error) (store.ErrKind, string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return store.ErrUnique, pe.ConstraintName
		case "23503": // foreign_key_violation
			return store.ErrForeignKey, pe.ConstraintName
		case "40001", "40P01", // serialization_failure, deadlock_detected
			"55P03",                                                                // lock_not_available
			"57P01", "57P02", "57P03", "53300", "08006", "08003", "08001", "08004": // shutdown, too many connections, connection failures
			return store.ErrBusy, ""
		}
		return store.ErrOther, ""
	}
	var ne net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) || pgconn.SafeToRetry(err) {
		return store.ErrBusy, ""
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return store.ErrBusy, ""
	}
	return store.ErrOther, ""
}

// commitAnswered reports whether a commit error is PostgreSQL's own answer
// (the transaction did not commit). Anything else may have been a lost
// answer and is resolved by transaction id. pgconn.SafeToRetry is no guide
// here: when the connection drops while the COMMIT's answer is awaited, pgx
// reports "conn closed", an error it marks safe to retry although COMMIT had
// reached the server.
func commitAnswered(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe)
}

// The driver registers itself as "pgx"; referencing stdlib keeps the import.
var _ = stdlib.GetDefaultDriver
