package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleRound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		rq := domain.RoundQuery{
			Date:     q.date("date"),
			Shift:    domain.Shift(q.str("shift")),
			VendorID: q.int64("vendorId"),
			AreaID:   q.int64("areaId"),
		}
		if rq.Shift != "" && !rq.Shift.Valid() {
			q.fail("shift", "shift must be morning or evening")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		round, err := s.Rounds.Round(r.Context(), rq)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, round)
	})
}

// handleGenerateDeliveries creates a day's deliveries from the
// subscriptions; calling it again creates nothing twice.
func (s *server) handleGenerateDeliveries() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.GenerateRequest
		if err := s.decodeOptional(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		res, err := s.Rounds.GenerateDeliveries(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, res)
	})
}

// handleBulkStatus applies one status change to many deliveries and
// reports each: 200 even when some were refused (see each result's ok).
// The Idempotency-Key header (or the body's idempotencyKey) keys the whole
// call.
func (s *server) handleBulkStatus() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.BulkStatus
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		res, err := s.Rounds.UpdateDeliveryStatuses(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, res)
	})
}
