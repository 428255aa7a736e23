package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleReverse answers POST /api/payments/{id}/reversal and POST
// /api/deliveries/{id}/reversal with {reversal, customer, payment |
// delivery, created}: 201 when a reversal was made, 200 when a delivery
// that was not delivered was cancelled instead (reversal null). A retry with
// the same idempotency key (Idempotency-Key header or body idempotencyKey)
// gets the first answer again, with its status.
func (s *server) handleReverse(reverse func(r *http.Request, id int64, in domain.ReversalCreate) (*domain.ReversalResult, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.ReversalCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		res, err := reverse(r, id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		status := http.StatusOK
		if res.Created && res.Reversal != nil {
			status = http.StatusCreated
		}
		s.respond(w, r, status, res)
	})
}

func (s *server) handleReversePayment() http.Handler {
	return s.handleReverse(func(r *http.Request, id int64, in domain.ReversalCreate) (*domain.ReversalResult, error) {
		return s.Reversals.ReversePayment(r.Context(), id, in)
	})
}

func (s *server) handleReverseDelivery() http.Handler {
	return s.handleReverse(func(r *http.Request, id int64, in domain.ReversalCreate) (*domain.ReversalResult, error) {
		return s.Reversals.ReverseDelivery(r.Context(), id, in)
	})
}
