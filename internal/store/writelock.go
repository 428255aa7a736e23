package store

import (
	"context"
	"fmt"
	"time"
)

// WriteState is what LockWrites learns about the database as it takes the
// write lock.
type WriteState struct {
	// LastAt is the time of the event log's last event (zero when empty).
	LastAt time.Time
	// TimeZone is the business time zone stored in the database ("" when
	// none is stored yet).
	TimeZone string
}

// LockWrites takes the database's write lock for the rest of the
// transaction: the event counter row, which every change's AppendEvent
// takes anyway, here taken first. Writes are therefore serialised from
// their start, on every instance sharing the database, so that the time a
// write takes for itself after LockWrites is never earlier than the time of
// a write that committed before it: event times follow seq. On SQLite the
// single writer connection (BEGIN IMMEDIATE) already serialises writes and
// the statement only reads.
//
// The price on PostgreSQL is that write transactions no longer overlap;
// they are short (a few statements), and every one of them appended to the
// log, which serialised their ends already.
func (tx *Tx) LockWrites(ctx context.Context) (WriteState, error) {
	var at int64
	var st WriteState
	err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT e.at FROM events e WHERE e.seq = c.seq), 0),
			COALESCE((SELECT s.value FROM settings s WHERE s.key = ?), '')
		FROM event_counter c WHERE c.id = 1`+tx.dialect.ForUpdate, SettingTimeZone).Scan(&at, &st.TimeZone)
	if err != nil {
		return st, fmt.Errorf("failed to take the write lock: %w", err)
	}
	if at != 0 {
		st.LastAt = time.UnixMicro(at).UTC()
	}
	tx.lastAt, tx.locked = st.LastAt, true
	return st, nil
}

// LastEventAt returns the time of the last event of the log as this
// transaction knows it (after LockWrites, or its own last AppendEvent).
func (tx *Tx) LastEventAt() time.Time { return tx.lastAt }
