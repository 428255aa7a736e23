package store

import (
	"context"
	"errors"

	"github.com/livedesk/livedesk/internal/domain"
)

// uniqueFields maps unique constraints (SQLite "table.column" and
// PostgreSQL constraint names) to the JSON field a client sent.
var uniqueFields = map[string]string{
	"users.email":                     "email",
	"users_email_key":                 "email",
	"payments.recorded_by":            "idempotencyKey", // SQLite names the first column of payments_recorded_by_client_key
	"payments_recorded_by_client_key": "idempotencyKey",
	"idempotency_keys.user_id":        "idempotencyKey",
	"idempotency_keys_pkey":           "idempotencyKey",
	"settings.key":                    "key",
	"settings_pkey":                   "key",
}

// mapErr turns recognised driver errors into domain errors: transient
// conditions become CodeUnavailable (callers may retry), unique violations
// CodeConflict naming the field. Other errors are returned unchanged, and
// an existing *domain.Error always wins.
func (db *DB) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	// A deadline that expires while the database is locked or slow (a
	// socket command's timeout can be shorter than the busy timeout) is
	// as transient as a busy error, not a server fault.
	if errors.Is(err, context.DeadlineExceeded) {
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the database did not answer in time; please retry"}
	}
	if db.dialect.Classify == nil {
		return err
	}
	kind, constraint := db.dialect.Classify(err)
	switch kind {
	case ErrBusy:
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the database is busy; please retry"}
	case ErrUnique:
		field := uniqueFields[constraint]
		msg := "already exists"
		if field != "" {
			msg = field + " already in use"
		}
		return &domain.Error{Code: domain.CodeConflict, Message: msg, Field: field}
	case ErrForeignKey:
		return &domain.Error{Code: domain.CodeInvalid, Message: "refers to something that does not exist"}
	}
	return err
}

// MapError is mapErr for callers outside a transaction (the drivers' Open).
func (db *DB) MapError(err error) error { return db.mapErr(err) }
