package domain

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the public interface: REST errors and socket
// acknowledgements carry them verbatim, and clients switch on them.
const (
	CodeInvalid           = "INVALID"            // input failed validation; Field names it
	CodeInvalidTransition = "INVALID_TRANSITION" // delivery status change not allowed
	CodeNotFound          = "NOT_FOUND"          // missing, or not visible to the actor
	CodeConflict          = "CONFLICT"           // e.g. duplicate email, idempotency key reused with other data
	CodeUnauthorized      = "UNAUTHORIZED"       // no or bad credentials
	CodeForbidden         = "FORBIDDEN"          // authenticated, but the role may not do this
	CodeRateLimited       = "RATE_LIMITED"       // too many requests; retry later
	CodeTooLarge          = "PAYLOAD_TOO_LARGE"  // request body over the limit
	CodeUnavailable       = "UNAVAILABLE"        // transient (database busy, shutting down); safe to retry
	CodeInternal          = "INTERNAL"           // a bug or an unexpected failure
)

// Error is the application error every layer returns for expected failures.
// Message is safe to show to a user; Field names the offending input field.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
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
