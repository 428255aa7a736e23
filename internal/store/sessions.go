package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
