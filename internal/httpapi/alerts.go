package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleListAlerts answers GET /api/alerts?status=open|acked|resolved&limit=
// with {alerts}, newest first (admins only).
func (s *server) handleListAlerts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.AlertFilter{Status: domain.AlertStatus(q.str("status")), Limit: q.int("limit", 500)}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		alerts, err := s.Alerts.FindAlerts(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]any{"alerts": alerts})
	})
}

// handleAlertRules answers GET /api/alerts/rules with the rule settings.
func (s *server) handleAlertRules() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rules, err := s.Alerts.AlertRules(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, rules)
	})
}

// handleUpdateAlertRules answers PATCH /api/alerts/rules: the body is a
// partial rules document; the answer is the rules now in force.
func (s *server) handleUpdateAlertRules() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var patch json.RawMessage
		if err := s.decode(w, r, &patch); err != nil {
			s.error(w, r, err)
			return
		}
		rules, err := s.Alerts.UpdateAlertRules(r.Context(), patch)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, rules)
	})
}
