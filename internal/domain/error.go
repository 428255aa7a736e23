package domain

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. They are part of the public interface: REST errors and socket
// acknowledgements carry them verbatim, and clients switch on them.
const (
	CodeInvalid           = "INVALID"             // input failed validation; Field names it
	CodeInvalidTransition = "INVALID_TRANSITION"  // delivery status change not allowed
	CodeNotFound          = "NOT_FOUND"           // missing, or not visible to the actor
	CodeConflict          = "CONFLICT"            // e.g. duplicate email, idempotency key reused with other data
	CodeUnauthorized      = "UNAUTHORIZED"        // no or bad credentials
	CodeForbidden         = "FORBIDDEN"           // authenticated, but the role may not do this
	CodeRateLimited       = "RATE_LIMITED"        // too many requests; retry later
	CodeAlreadyReversed   = "ALREADY_REVERSED"    // the payment or delivery was reversed before
	CodeCustomerNotActive = "CUSTOMER_NOT_ACTIVE" // deliveries need an active customer
	CodeTooLarge          = "PAYLOAD_TOO_LARGE"   // request body over the limit
	CodeResyncRequired    = "RESYNC_REQUIRED"     // an event-log cursor of another epoch or beyond the head: reload the data
	CodeUnavailable       = "UNAVAILABLE"         // transient (database busy, shutting down); safe to retry
	CodeInternal          = "INTERNAL"            // a bug or an unexpected failure

	// CodeOutcomeUnknown: the database connection was lost after the
	// change was sent to be committed and the server could not find out
	// whether it was saved. A retry is safe only with the same idempotency
	// key (it then either replays the saved answer or does the work once).
	CodeOutcomeUnknown = "OUTCOME_UNKNOWN"
	// Idempotency-Key errors (see Idempotency).
	CodeIdempotencyKeyRequired = "IDEMPOTENCY_KEY_REQUIRED" // the operation needs a key and none was sent
	CodeIdempotencyKeyReused   = "IDEMPOTENCY_KEY_REUSED"   // the key was used for a different request
	CodeIdempotencyKeyInUse    = "IDEMPOTENCY_KEY_IN_USE"   // a request with the key is still being processed
)

// Error is the application error every layer returns for expected failures.
// Message is safe to show to a user; Field names the offending input field.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Current is set when a delivery change was refused because of the
	// delivery's present status (INVALID_TRANSITION, or CONFLICT when
	// expectedStatus no longer holds): the status now and the change that
	// made it so, for a client to show instead of overwriting it.
	Current *DeliveryState `json:"current,omitempty"`
}

// DeliveryState is a delivery's status and its last change: who (the
// actor's name as it was then) and when.
type DeliveryState struct {
	ID          int64          `json:"id"`
	Status      DeliveryStatus `json:"status"`
	ChangedByID int64          `json:"changedById"`
	ChangedBy   string         `json:"changedBy"`
	ChangedAt   time.Time      `json:"changedAt"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error naming the offending field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...), Field: field}
}

// ErrorCode returns the code of an *Error in err's chain, or CodeInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of an *Error in err's chain, or
// a generic message for anything else (internal details are logged, not shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
