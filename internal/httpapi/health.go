package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

func (s *server) handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.respond(w, r, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// handleReadyz reports whether the server can serve: 200 when the
// readiness check passes, 503 with the reason otherwise.
func (s *server) handleReadyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Ready != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
			defer cancel()
			if err := s.Ready(ctx); err != nil {
				s.Logger.WarnContext(ctx, "not ready", "err", err)
				w.Header().Set("Retry-After", "5")
				s.error(w, r, &domain.Error{Code: domain.CodeUnavailable, Message: "not ready: " + domain.ErrorMessage(err)})
				return
			}
		}
		s.respond(w, r, http.StatusOK, map[string]string{"status": "ready"})
	})
}

// handleOps serves the live operations figures (admins only).
func (s *server) handleOps() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v any = map[string]any{}
		if s.Ops != nil {
			v = s.Ops(r.Context())
		}
		s.respond(w, r, http.StatusOK, v)
	})
}

// handleNoRoute answers paths under /api/ that no route serves: 405 with
// Allow when the path exists for other methods, 404 otherwise.
func (s *server) handleNoRoute() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			s.error(w, r, errNotFound("no such endpoint"))
			return
		}
		for _, m := range allow {
			w.Header().Add("Allow", m)
		}
		s.error(w, r, &domain.Error{Code: codeMethodNotAllowed, Message: r.Method + " is not allowed here"})
	})
}
