package httpapi

import (
	"net/http"
	"strconv"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleListProducts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.ProductFilter{VendorID: q.int64("vendorId"), Page: q.page()}
		switch q.str("active") {
		case "":
		case "true":
			f.Active = new(bool)
			*f.Active = true
		case "false":
			f.Active = new(bool)
		default:
			q.fail("active", "active must be true or false")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Products.FindProducts(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, f.Page))
	})
}

func (s *server) handleCreateProduct() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.ProductCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		p, err := s.Products.CreateProduct(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, p)
	})
}

func (s *server) handleUpdateProduct() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.ProductUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		p, err := s.Products.UpdateProduct(r.Context(), id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, p)
	})
}

// pathIDs reads {id} and a second id path value (e.g. {productId}).
func pathIDs(r *http.Request, second string) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	n, err := strconv.ParseInt(r.PathValue(second), 10, 64)
	if err != nil || n <= 0 {
		return 0, 0, errNotFound("no such resource")
	}
	return id, n, nil
}

func (s *server) handleCustomerRates() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		items, err := s.Products.CustomerRates(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]any{"items": items})
	})
}

func (s *server) handleSetCustomerRate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, productID, err := pathIDs(r, "productId")
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.CustomerRateSet
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		rate, err := s.Products.SetCustomerRate(r.Context(), id, productID, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, rate)
	})
}

func (s *server) handleRemoveCustomerRate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, productID, err := pathIDs(r, "productId")
		if err != nil {
			s.error(w, r, err)
			return
		}
		if err := s.Products.RemoveCustomerRate(r.Context(), id, productID); err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]any{"removed": true})
	})
}
