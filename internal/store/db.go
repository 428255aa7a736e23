// Package store is Livedesk's one SQL implementation, shared by SQLite and
// PostgreSQL through a small Dialect. It owns the schema (embedded,
// versioned migrations), transactions, the durable event log and the
// settings table; the business rules live in package service, which runs
// its queries through the Tx values handed out here.
//
// Performance (issue 20). SQLite (modernc.org/sqlite) parses every query it
// is given: in the application benchmark, before statements were kept,
// about 8% of livedesk serve's CPU went to parsing the same few dozen
// queries again in every transaction. SQLite's connections now keep their
// prepared statements (CacheStatements): BenchmarkPaymentPath/sqlite (the
// database work of one payment, its event and the figures it refreshes)
// used 0.61x the CPU per payment in interleaved runs (3.6-4.0 ms before,
// 2.1-2.5 ms after, on the shared 2-core machine), and parsing fell out of
// the server's profile. PostgreSQL needs no such cache: pgx prepares and
// caches statements per connection by itself (its default exec mode).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// DB is an open Livedesk database: a handle for writes and one for reads
// (the same handle on PostgreSQL; one writer connection and a reader pool on
// SQLite).
type DB struct {
	write   *sql.DB
	read    *sql.DB
	dialect *Dialect
	observe func(kind string, d time.Duration, err error) // see Observe
	loc     atomic.Pointer[time.Location]                 // business time zone, see Location
	epoch   atomic.Pointer[string]                        // event-log epoch, see EventEpoch

	resolveTimeout time.Duration // see SetResolveTimeout
}

// New wraps already configured handles. write and read may be the same.
// Drivers' Open functions call it; they also apply the migrations.
func New(write, read *sql.DB, d Dialect) *DB {
	if read == nil {
		read = write
	}
	return &DB{write: write, read: read, dialect: &d, resolveTimeout: DefaultResolveTimeout}
}

// DefaultResolveTimeout is how long a write waits, by default, to learn the
// outcome of a commit whose answer was lost with its connection.
const DefaultResolveTimeout = 5 * time.Second

// SetResolveTimeout sets how long a write waits to learn the outcome of a
// commit whose answer was lost before it answers CodeOutcomeUnknown. Call it
// before the database is used.
func (db *DB) SetResolveTimeout(d time.Duration) { db.resolveTimeout = d }

// Dialect returns the database's dialect.
func (db *DB) Dialect() *Dialect { return db.dialect }

// Close closes both handles.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers (for readiness probes).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return db.mapErr(fmt.Errorf("failed to ping database: %w", err))
	}
	return nil
}

// WithTx runs fn in a read-write transaction and commits it when fn returns
// nil. Driver errors (busy database, unique violations...) come back as
// *domain.Error where they have a meaning for callers.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	_, err := db.withTx(ctx, db.write, nil, fn)
	return err
}

// WithTxSeq is WithTx that also returns the seq of the last event the
// committed transaction appended (0 when it appended none).
func (db *DB) WithTxSeq(ctx context.Context, fn func(tx *Tx) error) (int64, error) {
	return db.withTx(ctx, db.write, nil, fn)
}

// ReadTx runs fn in a read-only transaction: every query in it sees the
// same snapshot of the database.
func (db *DB) ReadTx(ctx context.Context, fn func(tx *Tx) error) error {
	opts := db.dialect.ReadTx
	_, err := db.withTx(ctx, db.read, &opts, fn)
	return err
}

func (db *DB) withTx(ctx context.Context, h *sql.DB, opts *sql.TxOptions, fn func(tx *Tx) error) (_ int64, err error) {
	if db.observe != nil {
		defer db.observed(opts != nil, time.Now(), &err)
	}
	var stx *sql.Tx
	err = db.waitBusy(ctx, func() (err error) {
		stx, err = h.BeginTx(ctx, opts)
		return err
	})
	if err != nil {
		return 0, db.mapErr(fmt.Errorf("failed to begin transaction: %w", err))
	}
	tx := &Tx{tx: stx, dialect: db.dialect}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return 0, db.mapErr(err)
	}
	var xid string
	if opts == nil && db.dialect.TxID != "" {
		if err := tx.QueryRow(ctx, db.dialect.TxID).Scan(&xid); err != nil {
			_ = stx.Rollback()
			return 0, db.mapErr(fmt.Errorf("failed to read the transaction id: %w", err))
		}
	}
	if err := stx.Commit(); err != nil {
		if err := db.commitFailed(ctx, xid, err); err != nil {
			return 0, err
		}
	}
	return tx.lastSeq, nil
}
