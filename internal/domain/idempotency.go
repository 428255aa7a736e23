package domain

import "context"

// IdempotencyKeyMaxLen is the longest idempotency key accepted.
const IdempotencyKeyMaxLen = 255

// Idempotency is the idempotency key a write request carries and, once the
// service has answered it, whether that answer was the stored result of an
// earlier request with the same key (a replay). Transports put it in the
// context (WithIdempotency); every write of the services honours it.
//
// The rules are the same on every transport: a key is 1 to
// IdempotencyKeyMaxLen printable ASCII characters, as a Structured Field
// String allows (a UUID is recommended),
// scoped to the user who sent it; the same key with a different request is
// CodeIdempotencyKeyReused, while the first request with it is still being
// processed CodeIdempotencyKeyInUse; a write that failed stored nothing, so
// its retry runs again.
type Idempotency struct {
	Key      string
	Replayed bool
}

type idempotencyKey struct{}

// WithIdempotency returns a context carrying the request's idempotency key
// (empty for none) and the value the services fill in.
func WithIdempotency(ctx context.Context, key string) (context.Context, *Idempotency) {
	id := &Idempotency{Key: key}
	return context.WithValue(ctx, idempotencyKey{}, id), id
}

// IdempotencyFrom returns the context's idempotency value, or nil.
func IdempotencyFrom(ctx context.Context) *Idempotency {
	id, _ := ctx.Value(idempotencyKey{}).(*Idempotency)
	return id
}

// CheckIdempotencyKey validates the format of a key; field names the input
// it came from ("Idempotency-Key" or "idempotencyKey").
func CheckIdempotencyKey(field, key string) error {
	if key == "" {
		return Invalid(field, "%s must not be empty", field)
	}
	if len(key) > IdempotencyKeyMaxLen {
		return Invalid(field, "%s must be at most %d characters", field, IdempotencyKeyMaxLen)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c > 0x7e {
			return Invalid(field, "%s must be printable ASCII characters (a UUID is recommended)", field)
		}
	}
	return nil
}

// RequirePaymentKey is the rule, shared by every transport, that recording
// a payment needs an idempotency key (the input's or the context's): a
// retried payment must never be recorded twice.
func RequirePaymentKey(ctx context.Context, in PaymentCreate) error {
	if in.IdempotencyKey != "" {
		return nil
	}
	if id := IdempotencyFrom(ctx); id != nil && id.Key != "" {
		return nil
	}
	return &Error{Code: CodeIdempotencyKeyRequired, Field: "idempotencyKey",
		Message: "recording a payment needs an idempotency key (the Idempotency-Key header, or idempotencyKey), so that a retry cannot record it twice"}
}
