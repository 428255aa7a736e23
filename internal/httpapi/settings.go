package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleSettings returns the business settings the dashboard needs (the
// payment confirmation threshold).
func (s *server) handleSettings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, err := s.Settings.Settings(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, st)
	})
}

func (s *server) handleUpdateSettings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.SettingsUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		st, err := s.Settings.UpdateSettings(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, st)
	})
}
