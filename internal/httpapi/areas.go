package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleListAreas() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		vendorID := q.int64("vendorId")
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, err := s.Areas.FindAreas(r.Context(), vendorID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]any{"items": items})
	})
}

func (s *server) handleCreateArea() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.AreaCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		ar, err := s.Areas.CreateArea(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, ar)
	})
}

func (s *server) handleUpdateArea() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.AreaUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		ar, err := s.Areas.UpdateArea(r.Context(), id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, ar)
	})
}
