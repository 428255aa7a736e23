package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleListUsers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.UserFilter{
			Role:   domain.Role(q.str("role")),
			Status: domain.UserStatus(q.str("status")),
			Search: q.str("search"),
			Page:   q.page(),
		}
		if f.Role != "" && !f.Role.Valid() {
			q.fail("role", "role must be admin or vendor")
		}
		if f.Status != "" && !f.Status.Valid() {
			q.fail("status", "status must be active or suspended")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Users.FindUsers(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, f.Page))
	})
}

func (s *server) handleCreateUser() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.UserCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		u, err := s.Users.CreateUser(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, u)
	})
}

func (s *server) handleUpdateUser() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.UserUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		u, err := s.Users.UpdateUser(r.Context(), id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, u)
	})
}

// handleVendorMetrics returns per-vendor figures, for ?ids=1,2 or for every
// vendor the caller may see.
func (s *server) handleVendorMetrics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ids []int64
		if v := r.URL.Query().Get("ids"); v != "" {
			for _, part := range strings.Split(v, ",") {
				id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
				if err != nil || id <= 0 {
					s.error(w, r, domain.Invalid("ids", "ids must be a comma-separated list of user ids"))
					return
				}
				ids = append(ids, id)
			}
		}
		items, err := s.Users.VendorMetrics(r.Context(), ids)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if items == nil {
			items = []domain.VendorMetrics{}
		}
		s.respond(w, r, http.StatusOK, struct {
			Items []domain.VendorMetrics `json:"items"`
		}{items})
	})
}
