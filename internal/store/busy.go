package store

import (
	"context"
	"fmt"
	"time"
)

// busyPauseMax is the longest pause between two attempts of a busy begin.
const busyPauseMax = 50 * time.Millisecond

// waitBusy runs op and, while it fails because another connection holds a
// lock, runs it again after a short pause (1 ms doubling to busyPauseMax),
// for at most the dialect's BusyWait and never past ctx (see
// Dialect.BusyWait). An error that is not busy ends the wait at once.
func (db *DB) waitBusy(ctx context.Context, op func() error) error {
	err := op()
	if err == nil || db.dialect.BusyWait <= 0 || !db.busy(err) {
		return err
	}
	until := time.Now().Add(db.dialect.BusyWait)
	pause := time.Millisecond
	t := time.NewTimer(pause)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// Both stay visible: a deadline answers "did not answer in
			// time", a caller gone away still reads as busy.
			return fmt.Errorf("%w (gave up waiting: %w)", err, ctx.Err())
		case <-t.C:
		}
		if err = op(); err == nil || !db.busy(err) || !time.Now().Before(until) {
			return err
		}
		pause = min(2*pause, busyPauseMax)
		t.Reset(pause)
	}
}

// busy reports whether err is the dialect's busy or locked condition.
func (db *DB) busy(err error) bool {
	if db.dialect.Classify == nil {
		return false
	}
	kind, _ := db.dialect.Classify(err)
	return kind == ErrBusy
}
