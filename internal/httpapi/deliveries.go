package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleListDeliveries() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.DeliveryFilter{
			CustomerID: q.int64("customerId"),
			VendorID:   q.int64("vendorId"),
			Status:     domain.DeliveryStatus(q.str("status")),
			From:       q.date("from"),
			To:         q.date("to"),
			Page:       q.page(),
		}
		if f.Status != "" && !f.Status.Valid() {
			q.fail("status", "status must be scheduled, out_for_delivery, delivered, failed or cancelled")
		}
		q.dateRange(f.From, f.To)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Deliveries.FindDeliveries(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, f.Page))
	})
}

func (s *server) handleCreateDelivery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.DeliveryCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		d, err := s.Deliveries.CreateDelivery(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, d)
	})
}

func (s *server) handleGetDelivery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		d, err := s.Deliveries.FindDeliveryByID(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, d)
	})
}

// handleUpdateDelivery changes a delivery's status and/or note and answers
// {delivery, previousStatus}, the same result the socket's delivery:update
// acknowledges. A retry with the same idempotency key (Idempotency-Key
// header or body idempotencyKey) is applied once and answered alike.
func (s *server) handleUpdateDelivery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.DeliveryUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		ch, err := s.Deliveries.UpdateDelivery(r.Context(), id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, ch)
	})
}
