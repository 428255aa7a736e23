package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleImportCustomers takes a customers CSV as the request body and
// answers the preview, or with ?confirm=true applies it (see
// domain.CustomerImportInput and docs/api.md, "Importing customers").
func (s *server) handleImportCustomers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		in := domain.CustomerImportInput{VendorID: q.int64("vendorId")}
		switch q.str("confirm") {
		case "", "false":
		case "true":
			in.Confirm = true
		default:
			q.fail("confirm", "confirm must be true or false")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		// The body is the file, whatever its Content-Type says (browsers
		// label .csv files in several ways); the token, not a cookie,
		// authenticates, so a form posted from another site cannot import.
		if r.Body == nil {
			r.Body = http.NoBody
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, domain.MaxImportBytes))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			s.error(w, r, &domain.Error{Code: domain.CodeTooLarge, Field: "file",
				Message: fmt.Sprintf("the file is larger than %d bytes (1 MiB): split it", domain.MaxImportBytes)})
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			s.error(w, r, &domain.Error{Code: codeRequestTimeout, Message: "the file took too long to arrive"})
			return
		case err != nil:
			s.error(w, r, domain.Invalid("file", "the file could not be read: %v", err))
			return
		}
		in.CSV = b
		res, err := s.Customers.ImportCustomers(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, res)
	})
}
