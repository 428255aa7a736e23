package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SaveSocketSession stores the recovery session body of a disconnected
// socket under its private id, replacing any previous one, and forgets
// sessions disconnected before expireBefore.
func (db *DB) SaveSocketSession(ctx context.Context, pid string, body []byte, at, expireBefore time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM socket_sessions WHERE disconnected_at < ?`, expireBefore.UnixMicro()); err != nil {
			return fmt.Errorf("failed to expire socket sessions: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO socket_sessions (pid, body, disconnected_at) VALUES (?, ?, ?)
			ON CONFLICT (pid) DO UPDATE SET body = excluded.body, disconnected_at = excluded.disconnected_at`,
			pid, string(body), at.UnixMicro()); err != nil {
			return fmt.Errorf("failed to save socket session: %w", err)
		}
		return nil
	})
}

// TakeSocketSession returns and deletes the session stored under pid, so
// that a session is resumed at most once.
func (db *DB) TakeSocketSession(ctx context.Context, pid string) ([]byte, bool, error) {
	var body string
	found := false
	err := db.WithTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `DELETE FROM socket_sessions WHERE pid = ? RETURNING body`, pid).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to take socket session: %w", err)
		}
		found = true
		return nil
	})
	return []byte(body), found, err
}

// sessionBatch is the most rows one statement of SaveSocketSessions or
// TakeSocketSessions names (SQLite allows 32,766 parameters).
const sessionBatch = 500

// SaveSocketSessions stores many sessions (bodies by pid, all disconnected
// at at) in one transaction, replacing previous ones, and forgets sessions
// disconnected before expireBefore: a shutdown saves thousands of sessions
// with a few statements instead of a transaction each.
func (db *DB) SaveSocketSessions(ctx context.Context, bodies map[string][]byte, at, expireBefore time.Time) error {
	if len(bodies) == 0 {
		return nil
	}
	pids := make([]string, 0, len(bodies))
	for pid := range bodies {
		pids = append(pids, pid)
	}
	slices.Sort(pids) // the same lock order in every writer (PostgreSQL)
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM socket_sessions WHERE disconnected_at < ?`, expireBefore.UnixMicro()); err != nil {
			return fmt.Errorf("failed to expire socket sessions: %w", err)
		}
		for chunk := range slices.Chunk(pids, sessionBatch) {
			var q strings.Builder
			q.WriteString(`INSERT INTO socket_sessions (pid, body, disconnected_at) VALUES `)
			args := make([]any, 0, 3*len(chunk))
			for i, pid := range chunk {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?)")
				args = append(args, pid, string(bodies[pid]), at.UnixMicro())
			}
			q.WriteString(` ON CONFLICT (pid) DO UPDATE SET body = excluded.body, disconnected_at = excluded.disconnected_at`)
			if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("failed to save socket sessions: %w", err)
			}
		}
		return nil
	})
}

// TakeSocketSessions returns and deletes the sessions stored under pids, in
// one transaction: the bodies found, by pid.
func (db *DB) TakeSocketSessions(ctx context.Context, pids []string) (map[string][]byte, error) {
	got := make(map[string][]byte, len(pids))
	err := db.WithTx(ctx, func(tx *Tx) error {
		clear(got) // a retried transaction starts over
		for chunk := range slices.Chunk(pids, sessionBatch) {
			q := `DELETE FROM socket_sessions WHERE pid IN (?` + strings.Repeat(", ?", len(chunk)-1) + `) RETURNING pid, body`
			args := make([]any, len(chunk))
			for i, pid := range chunk {
				args[i] = pid
			}
			rows, err := tx.Query(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("failed to take socket sessions: %w", err)
			}
			for rows.Next() {
				var pid, body string
				if err := rows.Scan(&pid, &body); err != nil {
					rows.Close()
					return fmt.Errorf("failed to read a socket session: %w", err)
				}
				got[pid] = []byte(body)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("failed to take socket sessions: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return got, nil
}
