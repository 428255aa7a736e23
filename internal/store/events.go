package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// AppendEvent assigns the next seq to e and inserts it into the event log.
// Call it as the LAST statement of a write transaction.
//
// Why a counter row and not a sequence: readers (the real-time layer, the
// REST polling fallback, other instances in a scale-out) follow the log with
// "seq > cursor". With a plain sequence or identity column, transaction A
// may take 41, transaction B 42, and B commit first; a reader then sees 42,
// moves its cursor past 41 and never sees A's event. Taking the seq with
// `UPDATE event_counter SET seq = seq + 1 RETURNING seq` row-locks the
// counter until the transaction ends, so the next writer's increment waits
// for this commit (or rollback): seqs are handed out in commit order and
// without gaps, on every instance sharing the database. On SQLite the single
// writer connection already serialises transactions; the same statement
// keeps one implementation. The price is that event appends are serialised,
// which is why this is the last statement before commit: the lock is held
// only for the insert and the commit itself.
func (tx *Tx) AppendEvent(ctx context.Context, e *domain.Event) error {
	var seq int64
	if err := tx.QueryRow(ctx, `UPDATE event_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
		return fmt.Errorf("failed to allocate event seq: %w", err)
	}
	if !tx.locked {
		// Without LockWrites the log's last time is unknown; read it now
		// that the counter row is locked.
		var prev sql.NullInt64
		if err := tx.QueryRow(ctx, `SELECT at FROM events WHERE seq = ?`, seq-1).Scan(&prev); err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("failed to read the last event time: %w", err)
		}
		if prev.Valid {
			tx.lastAt = time.UnixMicro(prev.Int64).UTC()
		}
		tx.locked = true
	}
	// Event times never go back as seq grows, even when clocks of two
	// instances disagree.
	if e.At.Before(tx.lastAt) {
		e.At = tx.lastAt
	}
	payload := string(e.Payload)
	if payload == "" {
		payload = "{}"
	}
	if _, err := tx.Exec(ctx, `INSERT INTO events (seq, at, actor_id, actor_name, action, entity, entity_id, vendor_id, summary, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, e.At.UnixMicro(), e.ActorID, e.ActorName, e.Action, e.Entity, e.EntityID, e.VendorID, e.Summary, payload); err != nil {
		return fmt.Errorf("failed to insert event: %w", err)
	}
	e.Seq = seq
	tx.lastSeq = seq
	tx.lastAt = e.At
	return nil
}

// EventQuery selects events of the log.
type EventQuery struct {
	After    int64 // only seq > After (ignored when Newest)
	VendorID int64 // only this vendor's events when > 0
	Limit    int
	Newest   bool  // newest first instead of oldest first
	Before   int64 // with Newest: only seq < Before when > 0
	// Activity keeps only the entries of the activity feed (see
	// domain.Event.InActivity).
	Activity bool
}

// Events reads events of the log.
func (tx *Tx) Events(ctx context.Context, q EventQuery) ([]*domain.Event, error) {
	query := `SELECT seq, at, actor_id, actor_name, action, entity, entity_id, vendor_id, summary, CAST(payload AS TEXT) FROM events WHERE 1=1`
	var args []any
	if !q.Newest {
		query += ` AND seq > ?`
		args = append(args, q.After)
	}
	if q.Newest && q.Before > 0 {
		query += ` AND seq < ?`
		args = append(args, q.Before)
	}
	if q.VendorID > 0 {
		query += ` AND vendor_id = ?`
		args = append(args, q.VendorID)
	}
	if q.Activity {
		query += ` AND action NOT IN (?, ?)`
		args = append(args, domain.ActionSecurityEvent, domain.ActionReportProgress)
	}
	if q.Newest {
		query += ` ORDER BY seq DESC`
	} else {
		query += ` ORDER BY seq`
	}
	query += ` LIMIT ?`
	args = append(args, q.Limit)
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("failed to query events: %w", err)
	}
	defer rows.Close()
	events := []*domain.Event{}
	for rows.Next() {
		var e domain.Event
		var at int64
		var payload string
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Entity, &e.EntityID, &e.VendorID, &e.Summary, &payload); err != nil {
			return nil, fmt.Errorf("failed to scan event: %w", err)
		}
		e.At = time.UnixMicro(at).UTC()
		e.Payload = []byte(payload)
		events = append(events, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to read events: %w", err)
	}
	return events, nil
}

// LastSeq returns the highest committed seq visible to the transaction.
func (tx *Tx) LastEventSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := tx.QueryRow(ctx, `SELECT seq FROM event_counter WHERE id = 1`).Scan(&seq)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("failed to read last seq: %w", err)
	}
	return seq, nil
}
