package httpapi

import (
	"net/http"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
)

// Idempotency over HTTP follows the IETF draft "The Idempotency-Key HTTP
// Header Field": the key is a Structured Field String
// (Idempotency-Key: "8e03978e-..."; a bare token is accepted too), at most
// one per request; it is honoured on every write (POST and PATCH) and the
// services keep the rules (see domain.Idempotency and package service):
// missing where required 400 IDEMPOTENCY_KEY_REQUIRED, reused with another
// request 422 IDEMPOTENCY_KEY_REUSED, still in flight 409
// IDEMPOTENCY_KEY_IN_USE, a replay answered with the first answer's status
// and body plus Idempotent-Replayed: true.

// headerIdempotencyKey is the request header carrying the key.
const headerIdempotencyKey = "Idempotency-Key"

// headerReplayed marks an answer that is the stored answer of an earlier
// request with the same key.
const headerReplayed = "Idempotent-Replayed"

// withIdempotency reads the Idempotency-Key header of a write and puts it in
// the context for the services; a malformed key is refused before anything
// else happens. It wraps every authenticated route (a read ignores it).
func (s *server) withIdempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodPatch {
			next.ServeHTTP(w, r)
			return
		}
		key, err := headerKey(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		ctx, _ := domain.WithIdempotency(r.Context(), key)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// headerKey returns the request's Idempotency-Key ("" when absent).
func headerKey(r *http.Request) (string, error) {
	vals := r.Header.Values(headerIdempotencyKey)
	switch len(vals) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", domain.Invalid(headerIdempotencyKey, "send one Idempotency-Key header, not %d", len(vals))
	}
	v := strings.TrimSpace(vals[0])
	if strings.HasPrefix(v, `"`) {
		var ok bool
		if v, ok = sfString(v); !ok {
			return "", domain.Invalid(headerIdempotencyKey, `Idempotency-Key must be a quoted string such as "8e03978e-40d5-43e8-bc93-6894a57f9324"`)
		}
	}
	if err := domain.CheckIdempotencyKey(headerIdempotencyKey, v); err != nil {
		return "", err
	}
	return v, nil
}

// sfString parses a Structured Field String (RFC 8941 §3.3.3): printable
// ASCII in double quotes, with \" and \\ as the only escapes.
func sfString(v string) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(v)-1; i++ {
		c := v[i]
		switch {
		case c == '\\':
			i++
			if i >= len(v)-1 || (v[i] != '"' && v[i] != '\\') {
				return "", false
			}
			b.WriteByte(v[i])
		case c == '"' || c < 0x20 || c > 0x7e:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// markReplay sets Idempotent-Replayed on an answer the services replayed.
func markReplay(w http.ResponseWriter, r *http.Request) {
	if id := domain.IdempotencyFrom(r.Context()); id != nil && id.Replayed {
		w.Header().Set(headerReplayed, "true")
	}
}
