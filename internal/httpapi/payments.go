package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleListPayments() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.PaymentFilter{
			CustomerID: q.int64("customerId"),
			VendorID:   q.int64("vendorId"),
			Method:     domain.PaymentMethod(q.str("method")),
			From:       q.date("from"),
			To:         q.date("to"),
			Page:       q.page(),
		}
		if f.Method != "" && !f.Method.Valid() {
			q.fail("method", "method must be cash, card, bank_transfer, upi or other")
		}
		q.dateRange(f.From, f.To)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Payments.FindPayments(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, f.Page))
	})
}

// handleAddPayment records a payment and answers {payment, customer:
// {id, balanceCents}, created}, the same result the socket's payment:add
// acknowledges: 201 when it is new. An idempotency key is required; a retry
// with it gets the first answer again (201, Idempotent-Replayed: true), and
// one after that answer was pruned gets the payment found by its key (200,
// created false): nothing is credited twice.
func (s *server) handleAddPayment() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.PaymentCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		if err := domain.RequirePaymentKey(r.Context(), in); err != nil {
			s.error(w, r, err)
			return
		}
		res, err := s.Payments.AddPayment(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		status := http.StatusOK
		if res.Created {
			status = http.StatusCreated
		}
		s.respond(w, r, status, res)
	})
}
