package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// commitFailed decides what a failed COMMIT means for the caller; nil means
// the transaction did commit after all.
//
// A commit error is not a reason to retry: when the connection is lost after
// COMMIT was sent, the database may have committed, and a retry without an
// idempotency key would do the work twice (a payment recorded twice). So
// unless the error is the database's own verdict, the
// outcome is asked on another connection by the transaction id read before
// COMMIT: committed is success, aborted is the ordinary retryable error, and
// anything else is CodeOutcomeUnknown, which tells the client that a retry is
// safe only with the same idempotency key.
//
// Dialects without TxID (SQLite) commit in-process: an error from COMMIT is
// the library's own verdict, never a lost answer, and maps as usual.
func (db *DB) commitFailed(ctx context.Context, xid string, err error) error {
	err = fmt.Errorf("failed to commit: %w", err)
	d := db.dialect
	if xid == "" || d.TxStatus == "" || d.CommitAnswered == nil || d.CommitAnswered(err) {
		return db.mapErr(err)
	}
	switch db.commitStatus(ctx, xid) {
	case "committed":
		return nil
	case "aborted":
		return &domain.Error{Code: domain.CodeUnavailable,
			Message: "the database connection was lost before the change was saved; nothing was recorded, please retry"}
	}
	return &domain.Error{Code: domain.CodeOutcomeUnknown,
		Message: "the database connection was lost while the change was being saved, and whether it was saved is not known; " +
			"retrying is safe only with the same Idempotency-Key (otherwise check before retrying)"}
}

// commitStatus asks the database, on a fresh connection, what became of
// transaction xid, waiting while it is still in progress (the server may not
// have read the COMMIT yet, or not yet noticed the closed connection). It
// returns "" when it cannot tell within the resolve timeout.
func (db *DB) commitStatus(ctx context.Context, xid string) string {
	// The request's context may be what was cancelled; the question must
	// still be asked.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), db.resolveTimeout)
	defer cancel()
	q := db.dialect.Rebind(db.dialect.TxStatus)
	delay := 10 * time.Millisecond
	for {
		var st sql.NullString
		err := db.write.QueryRowContext(ctx, q, xid).Scan(&st)
		if err == nil && st.String != "in progress" {
			return st.String // "" when NULL: too old to tell
		}
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(delay):
		}
		delay = min(2*delay, 250*time.Millisecond)
	}
}
