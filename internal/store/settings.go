package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// GetSetting returns the value stored under key and whether there is one.
func (db *DB) GetSetting(ctx context.Context, key string) (string, bool, error) {
	var v string
	var found bool
	err := db.ReadTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to read setting %s: %w", key, err)
		}
		found = true
		return nil
	})
	return v, found, err
}

// SetSettingIfAbsent stores value under key unless the key already has a
// value, and returns the value that is stored now. Several instances
// starting at once all end up with the same value (e.g. a generated JWT
// secret).
func (db *DB) SetSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	var stored string
	err := db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			key, value, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("failed to store setting %s: %w", key, err)
		}
		if err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored); err != nil {
			return fmt.Errorf("failed to read setting %s: %w", key, err)
		}
		return nil
	})
	return stored, err
}

// SetSetting stores value under key, replacing any previous value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			key, value, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("failed to store setting %s: %w", key, err)
		}
		return nil
	})
}

// setting reads a setting in tx.
func (tx *Tx) setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("failed to read setting %s: %w", key, err)
	}
	return v, true, nil
}
