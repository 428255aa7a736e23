package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"time"

	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/domain"
)

// reqInfo is what the access log learns while the request runs: the route
// that served it and who made it. Inner handlers fill it in through the
// pointer kept in the context.
type reqInfo struct {
	id     string
	route  string
	userID int64
}

type reqInfoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	ri, _ := ctx.Value(reqInfoKey{}).(*reqInfo)
	return ri
}

// requestID returns the request's id, or "".
func requestID(ctx context.Context) string {
	if ri := infoFrom(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// middleware wraps the whole API: request id and access log outermost so
// that even a panic is logged with its id, then panic recovery, then CORS.
func (s *server) middleware(h http.Handler) http.Handler {
	return s.accessLog(s.recoverer(s.cors(h)))
}

// statusWriter records what a handler wrote, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog gives every request an id (the client's X-Request-Id when it is
// sane, else a new one), echoes it, and logs one line per request. It logs
// the path without the query and never a header, so no token or password
// reaches the log.
func (s *server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: r.Header.Get("X-Request-Id")}
		if !saneID(ri.id) {
			ri.id = newRequestID()
		}
		w.Header().Set("X-Request-Id", ri.id)
		// Every API answer is JSON; never let a browser sniff it into HTML.
		w.Header().Set("X-Content-Type-Options", "nosniff")
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		if s.Options.Observe != nil {
			s.Options.Observe(ri.route, sw.status, time.Since(start))
		}
		level := slogLevel(sw.status)
		s.Logger.Log(r.Context(), level, "http request",
			"request_id", ri.id, "method", r.Method, "path", r.URL.Path, "route", ri.route,
			"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start),
			"user_id", ri.userID, "remote", clientip.Addr(r))
	})
}

func saneID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// routeName records the route pattern that serves the request.
func routeName(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri := infoFrom(r.Context()); ri != nil {
			ri.route = pattern
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a logged 500 instead of a dropped
// connection, except http.ErrAbortHandler, which means "drop it".
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.Logger.ErrorContext(r.Context(), "panic serving request", "panic", fmt.Sprint(v),
				"request_id", requestID(r.Context()), "stack", string(debug.Stack()))
			s.error(w, r, &domain.Error{Code: domain.CodeInternal, Message: "internal error; the details are in the server log"})
		}()
		next.ServeHTTP(w, r)
	})
}

// cors lets the configured origins call the API from a browser. Requests
// without an Origin, or from the API's own origin, pass untouched.
func (s *server) cors(next http.Handler) http.Handler {
	allowAny := slices.Contains(s.Options.AllowedOrigins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		allowed := allowAny || slices.Contains(s.Options.AllowedOrigins, origin)
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id, Idempotent-Replayed")
		}
		if !preflight {
			next.ServeHTTP(w, r)
			return
		}
		if !allowed {
			s.error(w, r, &domain.Error{Code: domain.CodeForbidden, Message: "origin not allowed"})
			return
		}
		h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, X-Request-Id")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
	})
}

// slogLevel is the access-log level of a response: server failures stand
// out, everything else is routine.
func slogLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
