package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
)

// Settings keys of the event log's identity.
const (
	// SettingEventEpoch names the event log's epoch: a random id that
	// changes when the database is restored or its log rewinds, so that a
	// cursor (epoch, seq) from before never names an event of the new
	// history (whose seqs start again from the restored head).
	SettingEventEpoch = "event_log_epoch"
	// settingEventOrigin is the database's physical identity when the
	// epoch was taken (PostgreSQL: the database's and the event counter's
	// oids, which a restore with pg_restore renews); empty on SQLite.
	settingEventOrigin = "event_log_origin"
)

// EventEpoch returns the event log's epoch, settling it on first use (see
// InitEventEpoch). It is read once per process and kept.
func (db *DB) EventEpoch(ctx context.Context) (string, error) {
	if e := db.epoch.Load(); e != nil {
		return *e, nil
	}
	return db.InitEventEpoch(ctx)
}

// InitEventEpoch settles the event log's epoch: a new one when none is
// stored, or when the database is not the one the stored epoch was taken
// on (a dump restored into a new database or over the old tables). Several
// instances starting at once agree on one value.
func (db *DB) InitEventEpoch(ctx context.Context) (string, error) {
	return db.settleEpoch(ctx, false)
}

// NewEventEpoch starts a new epoch of the event log: every cursor and
// recovery offset given out before it gets RESYNC_REQUIRED. `livedesk
// backup` calls it on the copy; an operator runs it (livedesk epoch new)
// after restoring a database in a way Livedesk cannot see (a PostgreSQL
// point-in-time recovery, a promoted replica that lagged).
func (db *DB) NewEventEpoch(ctx context.Context) (string, error) {
	return db.settleEpoch(ctx, true)
}

func (db *DB) settleEpoch(ctx context.Context, renew bool) (string, error) {
	var epoch string
	err := db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.LockWrites(ctx); err != nil {
			return err
		}
		stored, _, err := tx.setting(ctx, SettingEventEpoch)
		if err != nil {
			return err
		}
		storedOrigin, _, err := tx.setting(ctx, settingEventOrigin)
		if err != nil {
			return err
		}
		origin := ""
		if q := db.dialect.LogOrigin; q != "" {
			if err := tx.QueryRow(ctx, q).Scan(&origin); err != nil {
				return fmt.Errorf("failed to read the database's identity: %w", err)
			}
		}
		epoch = stored
		if renew || stored == "" || (storedOrigin != "" && origin != storedOrigin) {
			if epoch, err = newEpoch(); err != nil {
				return err
			}
			if err := tx.putSetting(ctx, SettingEventEpoch, epoch); err != nil {
				return err
			}
		}
		if origin != storedOrigin {
			return tx.putSetting(ctx, settingEventOrigin, origin)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	db.epoch.Store(&epoch)
	return epoch, nil
}

// NewEpochID returns a fresh epoch id, for tools that stamp a database
// copy without opening it as a store (livedesk backup).
func NewEpochID() (string, error) { return newEpoch() }

// newEpoch returns a random epoch id: 8 characters of [a-z2-7].
func newEpoch() (string, error) {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("failed to make an event-log epoch: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:])), nil
}
