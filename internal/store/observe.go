package store

import "time"

// Observe makes the database report the duration of every transaction to
// fn, with its kind ("read" or "write") and its outcome; metrics use it.
// Call it before the database is used.
func (db *DB) Observe(fn func(kind string, d time.Duration, err error)) { db.observe = fn }

// observed reports a transaction that started at start.
func (db *DB) observed(readOnly bool, start time.Time, err *error) {
	kind := "write"
	if readOnly {
		kind = "read"
	}
	db.observe(kind, time.Since(start), *err)
}
