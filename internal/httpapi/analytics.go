package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

// The analytics beyond the series of GET /api/analytics, under the same
// prefix and with the same ?from&to range (defaults: the 30 days up to the
// business's today).

// handleDuesAgeing serves GET /api/analytics/ageing?asOf=&vendorId=.
func (s *server) handleDuesAgeing() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		asOf, vendorID := q.date("asOf"), q.int64("vendorId")
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		out, err := s.Stats.DuesAgeing(r.Context(), asOf, vendorID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, out)
	})
}

// handleBreakdown serves GET /api/analytics/products and /areas?from&to.
func (s *server) handleBreakdown(by string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		aq := domain.AnalyticsQuery{From: q.date("from"), To: q.date("to")}
		q.dateRange(aq.From, aq.To)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		out, err := s.Stats.AnalyticsBreakdown(r.Context(), by, aq)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, out)
	})
}

// handleVendorComparison serves GET /api/analytics/vendors?from&to (admins).
func (s *server) handleVendorComparison() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		aq := domain.AnalyticsQuery{From: q.date("from"), To: q.date("to")}
		q.dateRange(aq.From, aq.To)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		out, err := s.Stats.VendorComparison(r.Context(), aq)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, out)
	})
}
