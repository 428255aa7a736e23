package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
)

// Codes the API adds to the domain's.
const (
	codeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	codeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE" // a body that is not application/json where only JSON is taken
	codeRequestTimeout       = "REQUEST_TIMEOUT"        // the request body did not arrive within --read-timeout
)

// statusOutcomeUnknown is the status of domain.CodeOutcomeUnknown.
const statusOutcomeUnknown = http.StatusInternalServerError

// errorBody is the shape of every error response:
// {"error": {"code", "message", "field"?}}.
type errorBody struct {
	Error *domain.Error `json:"error"`
}

// statusOf maps an error code to its HTTP status.
func statusOf(code string) int {
	switch code {
	case domain.CodeInvalid, domain.CodeIdempotencyKeyRequired:
		return http.StatusBadRequest
	case domain.CodeIdempotencyKeyReused, domain.CodeImportInvalid:
		return http.StatusUnprocessableEntity
	case domain.CodeIdempotencyKeyInUse:
		return http.StatusConflict
	case domain.CodeOutcomeUnknown:
		// Not 503: that invites a blind retry, which is safe only with
		// the same idempotency key.
		return statusOutcomeUnknown
	case domain.CodeConflict, domain.CodeInvalidTransition, domain.CodeAlreadyReversed, domain.CodeCustomerNotActive, domain.CodeResyncRequired:
		return http.StatusConflict
	case domain.CodeNotFound:
		return http.StatusNotFound
	case domain.CodeUnauthorized, auth.CodeAuthRequired, auth.CodeTokenExpired, auth.CodeTokenInvalid, auth.CodeSessionRevoked:
		return http.StatusUnauthorized
	case domain.CodeForbidden:
		return http.StatusForbidden
	case codeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case codeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case codeRequestTimeout:
		return http.StatusRequestTimeout
	case domain.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.CodeRateLimited:
		return http.StatusTooManyRequests
	case domain.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// error writes err as the response. It is the one place errors become
// HTTP: domain errors keep their code, message and field; anything else is
// logged in full and shown as a bare INTERNAL error, because its text may
// hold SQL, paths or other details that are nobody's business.
func (s *server) error(w http.ResponseWriter, r *http.Request, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		s.Logger.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()))
		de = &domain.Error{Code: domain.CodeInternal, Message: "internal error; the details are in the server log"}
	}
	status := statusOf(de.Code)
	if de.Code == domain.CodeOutcomeUnknown {
		s.Logger.WarnContext(r.Context(), "write outcome unknown", "err", err, "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()))
	} else if status == http.StatusInternalServerError && de.Code != domain.CodeInternal {
		// An unknown code from a lower layer is still a bug, not a client error.
		s.Logger.ErrorContext(r.Context(), "unmapped error code", "err", err, "request_id", requestID(r.Context()))
	}
	h := w.Header()
	switch status {
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer realm="livedesk"`)
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", "1")
		}
	}
	s.respond(w, r, status, errorBody{Error: de})
}

// retryAfter sets the Retry-After header to d rounded up to whole seconds
// (at least one: "0" would invite an immediate retry).
func retryAfter(w http.ResponseWriter, d time.Duration) {
	n := max(1, int((d+time.Second-1)/time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(n))
}

func errNotFound(msg string) error {
	return &domain.Error{Code: domain.CodeNotFound, Message: msg}
}
