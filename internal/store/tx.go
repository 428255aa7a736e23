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
	lastAt  time.Time            // time of the log's last event, once known (see LockWrites)
	locked  bool                 // LockWrites ran
	stmts   map[string]*sql.Stmt // prepared statements, when the dialect caches them
}

// Dialect returns the transaction's dialect (for the few dialect-specific
// fragments a query needs).
func (tx *Tx) Dialect() *Dialect { return tx.dialect }

// Exec runs a statement.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, tx.dialect.Rebind(q), args...)
}

// Query runs a query returning rows.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, tx.dialect.Rebind(q), args...)
}

// QueryRow runs a query returning at most one row.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.dialect.Rebind(q), args...)
}

// stmt returns the transaction's prepared statement for q, or nil when the
// dialect does not cache statements. SQLite spends most of a small query's
// time parsing it, so a long transaction (a Batch) gains from preparing
// each query once; the statements close with the transaction. PostgreSQL's
// driver already caches prepared statements per connection.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if !tx.dialect.CacheStatements {
		return nil
	}
	if st, ok := tx.stmts[q]; ok {
		return st
	}
	st, err := tx.tx.PrepareContext(ctx, tx.dialect.Rebind(q))
	if err != nil {
		return nil // run it unprepared and let that report the error
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = st
	return st
}

// LastSeq returns the seq of the last event appended in this transaction,
// or 0.
func (tx *Tx) LastSeq() int64 { return tx.lastSeq }
