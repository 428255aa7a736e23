package httpapi

import (
	"net/http"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleStats() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, err := s.Stats.Stats(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, st)
	})
}

// maxAnalyticsDays bounds the range of one analytics query, so a typo in a
// year cannot make the server build millions of buckets.
const maxAnalyticsDays = 3 * 366

// handleAnalytics serves ?from&to&interval; the range defaults to the last
// 30 days (the business's today included) and the interval to day.
func (s *server) handleAnalytics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		aq := domain.AnalyticsQuery{From: q.date("from"), To: q.date("to"), Interval: domain.Interval(q.str("interval"))}
		if aq.Interval == "" {
			aq.Interval = domain.IntervalDay
		}
		if !aq.Interval.Valid() {
			q.fail("interval", "interval must be day, week or month")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		// An absent to is the business's today, which the service knows.
		if aq.From != "" && aq.To != "" {
			from, _ := time.Parse(time.DateOnly, aq.From)
			to, _ := time.Parse(time.DateOnly, aq.To)
			switch {
			case from.After(to):
				s.error(w, r, domain.Invalid("from", "from (%s) must not be after to (%s)", aq.From, aq.To))
				return
			case to.Sub(from) > maxAnalyticsDays*24*time.Hour:
				s.error(w, r, domain.Invalid("from", "the range may span at most %d days", maxAnalyticsDays))
				return
			}
		}
		a, err := s.Stats.Analytics(r.Context(), aq)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, a)
	})
}
