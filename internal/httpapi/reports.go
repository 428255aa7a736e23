package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleCreateReport answers POST /api/reports {kind, params} with 202 and
// the queued report ({id, ...}); a runner builds it in the background.
func (s *server) handleCreateReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.ReportCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		rep, err := s.Reports.CreateReport(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		w.Header().Set("Location", fmt.Sprintf("/api/reports/%d", rep.ID))
		s.respond(w, r, http.StatusAccepted, rep)
	})
}

// handleListReports answers GET /api/reports?limit= with {reports}, newest
// first: every report for admins, a vendor's own for a vendor.
func (s *server) handleListReports() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		limit := q.int("limit", 200)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		reps, err := s.Reports.FindReports(r.Context(), limit)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, map[string]any{"reports": reps})
	})
}

func (s *server) handleGetReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		rep, err := s.Reports.FindReport(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, rep)
	})
}

// handleDeleteReport answers DELETE /api/reports/{id}: a queued or running
// report is cancelled, a finished one removed ({id, result}).
func (s *server) handleDeleteReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		out, err := s.Reports.DeleteReport(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, out)
	})
}

// handleReportFile serves a ready report's ZIP (ranges and conditional
// requests through http.ServeContent).
func (s *server) handleReportFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		rep, f, err := s.Reports.OpenReportFile(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, rep.FileName))
		w.Header().Set("Cache-Control", "private, no-store")
		var mod time.Time
		if rep.FinishedAt != nil {
			mod = *rep.FinishedAt
		}
		http.ServeContent(w, r, rep.FileName, mod, f)
	})
}
