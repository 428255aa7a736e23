package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// ErrKind classifies a driver error so that the store can turn it into a
// domain error without importing any driver.
type ErrKind int

const (
	ErrOther      ErrKind = iota // not a recognised database condition
	ErrBusy                      // transient: locked, busy, connection lost, serialization failure
	ErrUnique                    // unique constraint violated
	ErrForeignKey                // foreign key violated
)

// Dialect is everything that differs between the SQL databases the store
// runs on. The queries themselves are shared: they are written with `?`
// placeholders and only the few constructs below vary.
type Dialect struct {
	// Name is "sqlite" or "postgres"; it also selects the migration set.
	Name string
	// Numbered placeholders ($1, $2, ...) instead of `?`.
	Numbered bool
	// ILike is the case-insensitive LIKE operator.
	ILike string
	// ForUpdate is appended to a SELECT that must lock the rows it reads
	// (empty on SQLite, whose single writer connection already serialises).
	ForUpdate string
	// WeekStart returns an expression giving the Monday (YYYY-MM-DD) of the
	// week of the YYYY-MM-DD text expression col.
	WeekStart func(col string) string
	// Classify recognises driver errors; constraint names the violated
	// constraint ("table.column" on SQLite, the constraint name on
	// PostgreSQL) for ErrUnique.
	Classify func(err error) (kind ErrKind, constraint string)
	// MigrationLock guards the migration runner against other processes
	// migrating at the same time; nil when the database needs no guard.
	MigrationLock func(ctx context.Context, conn *sql.Conn) (unlock func(), err error)
	// LogOrigin is a query giving the database's physical identity, which a
	// restore changes (see InitEventEpoch); empty when the database has none.
	LogOrigin string
	// ReadTx are the options of read-only transactions (a consistent
	// snapshot across several queries).
	ReadTx sql.TxOptions

	// TxID, when set, is a query returning the current transaction's id as
	// text. The store reads it just before COMMIT so that a commit whose
	// answer is lost with the connection can be resolved with TxStatus.
	TxID string
	// TxStatus is a query taking a transaction id (from TxID) and returning
	// "committed", "aborted", "in progress", or NULL when it is too old to
	// tell. It runs on another connection.
	TxStatus string
	// CommitAnswered reports whether a commit error is the database's own
	// verdict (the transaction did not commit), as opposed to a lost
	// connection, after which the outcome is unknown until TxStatus says.
	CommitAnswered func(err error) bool
	// TryXactLock, when set, is an expression taking one text argument (one
	// `?`) and giving whether it took a lock on that name, held until the
	// transaction ends. Empty when writers are serialised anyway (SQLite's
	// single writer connection).
	TryXactLock string
	// BusyWait, when set, is how long beginning a write waits for a lock
	// another connection holds. The store retries the begin itself until
	// the wait or the caller's context ends, because the driver's own
	// busy wait (SQLite's busy_timeout) cannot be cut short by a context;
	// the driver's busy timeout is then kept to a few milliseconds. Zero
	// leaves the waiting to the driver (PostgreSQL's lock waits end with
	// the context).
	BusyWait time.Duration
}

// Rebind rewrites the `?` placeholders of q for the dialect. Question marks
// inside string literals are left alone.
func (d *Dialect) Rebind(q string) string {
	if !d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// MonthStart returns an expression giving the first day (YYYY-MM-DD) of the
// month of the YYYY-MM-DD text expression col; it is the same on every
// database the store supports.
func (d *Dialect) MonthStart(col string) string {
	return "substr(" + col + ", 1, 7) || '-01'"
}
