package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SettingTimeZone is the settings key of the business time zone: an IANA
// name such as "Asia/Kolkata". It is stored once, when the database is
// first used, because every *_on date column holds days of that zone.
const SettingTimeZone = "timezone"

// LegacyTimeZone is the zone of the dates a database holds when it has
// data but no stored zone: every Livedesk before the setting existed wrote
// its dates in UTC.
const LegacyTimeZone = "UTC"

// Location returns the business time zone the store was opened with (or
// set since with SetLocation): the stored zone, UTC when none is stored.
func (db *DB) Location() *time.Location {
	if l := db.loc.Load(); l != nil {
		return l
	}
	return time.UTC
}

// SetLocation makes loc the zone Location returns.
func (db *DB) SetLocation(loc *time.Location) { db.loc.Store(loc) }

// LoadTimeZone reads the stored business time zone, if any, into Location.
// The drivers' Open call it after migrating.
func (db *DB) LoadTimeZone(ctx context.Context) error {
	name, ok, err := db.GetSetting(ctx, SettingTimeZone)
	if err != nil || !ok {
		return err
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return fmt.Errorf("the database's business time zone %q is unknown to this system: %w", name, err)
	}
	db.SetLocation(loc)
	return nil
}

// InitTimeZone stores want as the business time zone unless one is stored
// already, and returns the stored zone's name. A database that has dated
// rows but no zone (written by a Livedesk that predates the setting) gets
// LegacyTimeZone instead of want: its dates are UTC days. Several instances
// starting at once agree on one value.
func (db *DB) InitTimeZone(ctx context.Context, want string) (string, error) {
	var stored string
	err := db.WithTx(ctx, func(tx *Tx) error {
		st, err := tx.LockWrites(ctx)
		if err != nil {
			return err
		}
		if st.TimeZone != "" {
			stored = st.TimeZone
			return nil
		}
		stored = want
		dated, err := hasDatedRows(ctx, tx)
		if err != nil {
			return err
		}
		if dated {
			stored = LegacyTimeZone
		}
		return tx.putSetting(ctx, SettingTimeZone, stored)
	})
	return stored, err
}

// hasDatedRows reports whether any table with a date column has a row.
func hasDatedRows(ctx context.Context, tx *Tx) (bool, error) {
	for _, t := range []string{"customers", "deliveries", "payments"} {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM `+t+` LIMIT 1`).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("failed to look for rows in %s: %w", t, err)
		}
	}
	return false, nil
}

// dateColumns are the date columns derived from a moment (the business day
// of a timestamp column), which a change of zone recomputes. A new *_on
// column derived from a time must be added here. deliveries.scheduled_for
// is not one: it is the calendar day a delivery was booked for, which
// stays the same day whatever the zone.
var dateColumns = []struct{ table, date, at string }{
	{"customers", "created_on", "created_at"},
	{"payments", "created_on", "created_at"},
	{"deliveries", "delivered_on", "delivered_at"},
	{"reversals", "created_on", "created_at"},
}

// TimeZoneChange is what ConvertTimeZone did.
type TimeZoneChange struct {
	From, To string // zone names
	Rows     int    // date cells that moved to another day
}

// ConvertTimeZone makes to the business time zone and recomputes every
// date column derived from a time (see dateColumns) as a day of to, in one
// transaction holding the write lock: a running instance's next write
// finds the new zone and refuses until restarted with it.
func (db *DB) ConvertTimeZone(ctx context.Context, to *time.Location) (TimeZoneChange, error) {
	ch := TimeZoneChange{To: to.String()}
	err := db.WithTx(ctx, func(tx *Tx) error {
		st, err := tx.LockWrites(ctx)
		if err != nil {
			return err
		}
		ch.From = st.TimeZone
		if ch.From == "" {
			ch.From = LegacyTimeZone
		}
		for _, c := range dateColumns {
			n, err := redate(ctx, tx, c.table, c.date, c.at, to)
			if err != nil {
				return err
			}
			ch.Rows += n
		}
		return tx.putSetting(ctx, SettingTimeZone, ch.To)
	})
	if err == nil {
		db.SetLocation(to)
	}
	return ch, err
}

// redate sets table.date to the day of table.at in loc where it differs.
func redate(ctx context.Context, tx *Tx, table, date, at string, loc *time.Location) (int, error) {
	type change struct {
		id  int64
		day string
	}
	rows, err := tx.Query(ctx, `SELECT id, `+at+`, COALESCE(`+date+`, '') FROM `+table+` WHERE `+at+` IS NOT NULL`)
	if err != nil {
		return 0, fmt.Errorf("failed to read %s.%s: %w", table, date, err)
	}
	var changes []change
	for rows.Next() {
		var id, us int64
		var old string
		if err := rows.Scan(&id, &us, &old); err != nil {
			rows.Close()
			return 0, fmt.Errorf("failed to read %s.%s: %w", table, date, err)
		}
		if day := time.UnixMicro(us).In(loc).Format(time.DateOnly); day != old {
			changes = append(changes, change{id, day})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("failed to read %s.%s: %w", table, date, err)
	}
	// Updated after reading: a PostgreSQL connection runs one query at a time.
	for _, c := range changes {
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET `+date+` = ? WHERE id = ?`, c.day, c.id); err != nil {
			return 0, fmt.Errorf("failed to update %s.%s: %w", table, date, err)
		}
	}
	return len(changes), nil
}

// putSetting stores a setting in tx, replacing any previous value.
func (tx *Tx) putSetting(ctx context.Context, key, value string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("failed to store setting %s: %w", key, err)
	}
	return nil
}
