package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleListCustomers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.CustomerFilter{
			Status:   domain.CustomerStatus(q.str("status")),
			VendorID: q.int64("vendorId"),
			Search:   q.str("search"),
			Page:     q.page(),
		}
		if f.Status != "" && !f.Status.Valid() {
			q.fail("status", "status must be active, paused or inactive")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Customers.FindCustomers(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, f.Page))
	})
}

func (s *server) handleCreateCustomer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.CustomerCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		c, err := s.Customers.CreateCustomer(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, c)
	})
}

func (s *server) handleGetCustomer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		c, err := s.Customers.FindCustomerByID(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, c)
	})
}

func (s *server) handleUpdateCustomer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.CustomerUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		c, err := s.Customers.UpdateCustomer(r.Context(), id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, c)
	})
}

func (s *server) handleCustomerLedger() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		q := newQuery(r)
		p := q.page()
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Customers.CustomerLedger(r.Context(), id, p)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, p))
	})
}
