package store

import (
	"context"
	"database/sql"
	"time"
)

// Tx is a transaction whose queries are written with `?` placeholders and
// rebound for the dialect.
type Tx struct {
	tx      *sql.Tx
	dialect *Dialect
	lastSeq int64
	lastAt  time.Time // time of the log's last event, once known (see LockWrites)
	locked  bool      // LockWrites ran
}

// Dialect returns the transaction's dialect (for the few dialect-specific
// fragments a query needs).
func (tx *Tx) Dialect() *Dialect { return tx.dialect }

// Exec runs a statement.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.dialect.Rebind(q), args...)
}

// Query runs a query returning rows.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.dialect.Rebind(q), args...)
}

// QueryRow runs a query returning at most one row.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.dialect.Rebind(q), args...)
}

// LastSeq returns the seq of the last event appended in this transaction,
// or 0.
func (tx *Tx) LastSeq() int64 { return tx.lastSeq }
