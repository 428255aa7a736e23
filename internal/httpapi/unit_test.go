package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
)

func newRecorder(h http.Handler, method, path string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func errorOf(t *testing.T, rec *httptest.ResponseRecorder) *domain.Error {
	t.Helper()
	var b struct {
		Error *domain.Error `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || b.Error == nil {
		t.Fatalf("body %q is not an error body: %v", rec.Body.String(), err)
	}
	return b.Error
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestErrorStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{domain.Invalid("name", "name is required"), 400, "INVALID"},
		{domain.Errorf(domain.CodeConflict, "dup"), 409, "CONFLICT"},
		{domain.Errorf(domain.CodeInvalidTransition, "no"), 409, "INVALID_TRANSITION"},
		{domain.Errorf(domain.CodeNotFound, "gone"), 404, "NOT_FOUND"},
		{domain.Errorf(domain.CodeUnauthorized, "who"), 401, "UNAUTHORIZED"},
		{domain.Errorf("AUTH_REQUIRED", "who"), 401, "AUTH_REQUIRED"},
		{domain.Errorf("TOKEN_EXPIRED", "old"), 401, "TOKEN_EXPIRED"},
		{domain.Errorf("TOKEN_INVALID", "bad"), 401, "TOKEN_INVALID"},
		{domain.Errorf(domain.CodeForbidden, "no"), 403, "FORBIDDEN"},
		{domain.Errorf(domain.CodeTooLarge, "big"), 413, "PAYLOAD_TOO_LARGE"},
		{domain.Errorf(domain.CodeRateLimited, "slow"), 429, "RATE_LIMITED"},
		{domain.Errorf(domain.CodeUnavailable, "busy"), 503, "UNAVAILABLE"},
		{errors.New("pq: relation users does not exist at /var/lib/secret"), 500, "INTERNAL"},
		{domain.Errorf("SOMETHING_NEW", "?"), 500, "SOMETHING_NEW"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			logs := &syncBuffer{}
			s := newServer(Deps{Logger: slog.New(slog.NewTextHandler(logs, nil))})
			rec := httptest.NewRecorder()
			s.error(rec, httptest.NewRequest("GET", "/x", nil), tt.err)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			e := errorOf(t, rec)
			if e.Code != tt.code {
				t.Errorf("code = %s, want %s", e.Code, tt.code)
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("internal details leaked: %s", rec.Body.String())
			}
			if tt.status == 500 && !strings.Contains(logs.String(), "error") {
				t.Errorf("a 500 was not logged")
			}
			if (tt.status == 503 || tt.status == 429) && rec.Header().Get("Retry-After") == "" {
				t.Errorf("no Retry-After on %d", tt.status)
			}
			if tt.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("no WWW-Authenticate on 401")
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	type in struct {
		Name   string `json:"name"`
		Amount int64  `json:"amountCents"`
		Nested struct {
			Qty int `json:"qty"`
		} `json:"nested"`
	}
	tests := []struct {
		body, code, field string
	}{
		{`{"name":"a","amountCents":5}`, "", ""},
		{`{"name":"a","bogus":1}`, "INVALID", "bogus"},
		{`{"amountCents":"5"}`, "INVALID", "amountCents"},
		{`{"amountCents":1.5}`, "INVALID", "amountCents"},
		{`{"nested":{"qty":"x"}}`, "INVALID", "nested.qty"},
		{`{"nested":{"other":1}}`, "INVALID", "other"},
		{`[1,2]`, "INVALID", ""},
		{`{"name":`, "INVALID", ""},
		{`{"name":"a"} {"name":"b"}`, "INVALID", ""},
		{`{"name":"a"} x`, "INVALID", ""},
		{``, "INVALID", ""},
		{`nonsense`, "INVALID", ""},
		{`{"name":"` + strings.Repeat("x", 100) + `"}`, "PAYLOAD_TOO_LARGE", ""},
		{`{"name":"a"}` + strings.Repeat(" ", 100), "PAYLOAD_TOO_LARGE", ""},
	}
	s := newServer(Deps{Options: Options{BodyLimit: 64}})
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			var v in
			err := s.decode(rec, httptest.NewRequest("POST", "/", strings.NewReader(tt.body)), &v)
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			var de *domain.Error
			if errors.As(err, &de) && de.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", de.Field, tt.field, err)
			}
		})
	}
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	s := newServer(Deps{
		Logger:  slog.New(slog.NewTextHandler(logs, nil)),
		Options: Options{AllowedOrigins: []string{"https://admin.example"}},
		Ready:   func(context.Context) error { return errors.New("database unreachable") },
	})
	s.mux.HandleFunc("GET /api/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := s.middleware(s.mux)

	rec := newRecorder(h, "GET", "/api/panic", nil, http.Header{"X-Request-Id": {"req-123"}})
	if rec.Code != 500 || errorOf(t, rec).Code != "INTERNAL" {
		t.Errorf("panic: %d %s, want 500 INTERNAL", rec.Code, rec.Body)
	}
	if rec.Header().Get("X-Request-Id") != "req-123" {
		t.Errorf("X-Request-Id = %q, want the client's", rec.Header().Get("X-Request-Id"))
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "req-123") {
		t.Errorf("panic not logged with its request id:\n%s", logs)
	}

	rec = newRecorder(h, "GET", "/healthz", nil, http.Header{"X-Request-Id": {"bad id with spaces"}})
	if id := rec.Header().Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
		t.Errorf("insane request id echoed or none made: %q", id)
	}

	rec = newRecorder(h, "GET", "/readyz", nil, nil)
	if rec.Code != 503 || errorOf(t, rec).Code != "UNAVAILABLE" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("readyz when not ready = %d %s", rec.Code, rec.Body)
	}

	rec = newRecorder(h, "OPTIONS", "/api/customers", nil, http.Header{"Origin": {"https://admin.example"}, "Access-Control-Request-Method": {"POST"}})
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://admin.example" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("allowed preflight = %d %v", rec.Code, rec.Header())
	}
	rec = newRecorder(h, "OPTIONS", "/api/customers", nil, http.Header{"Origin": {"https://evil.example"}, "Access-Control-Request-Method": {"POST"}})
	if rec.Code != 403 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("refused preflight = %d %v", rec.Code, rec.Header())
	}
	rec = newRecorder(h, "GET", "/healthz", nil, http.Header{"Origin": {"https://evil.example"}})
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS granted to a foreign origin")
	}

	rec = newRecorder(h, "DELETE", "/api/customers/1", nil, nil)
	if rec.Code != 405 || errorOf(t, rec).Code != "METHOD_NOT_ALLOWED" || !strings.Contains(strings.Join(rec.Header().Values("Allow"), ","), "PATCH") {
		t.Errorf("DELETE /api/customers/1 = %d %s %v", rec.Code, rec.Body, rec.Header())
	}
	rec = newRecorder(h, "GET", "/api/nothing-here", nil, nil)
	if rec.Code != 404 || errorOf(t, rec).Code != "NOT_FOUND" {
		t.Errorf("GET /api/nothing-here = %d %s", rec.Code, rec.Body)
	}
	rec = newRecorder(h, "GET", "/api/customers", nil, nil)
	if rec.Code != 401 || errorOf(t, rec).Code != "AUTH_REQUIRED" {
		t.Errorf("no token = %d %s", rec.Code, rec.Body)
	}
	rec = newRecorder(h, "GET", "/api/customers", nil, http.Header{"Authorization": {"Basic YWRtaW46cHc="}})
	if rec.Code != 401 || errorOf(t, rec).Code != "TOKEN_INVALID" {
		t.Errorf("basic auth = %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(logs.String(), "YWRtaW46cHc") {
		t.Errorf("a credential reached the log")
	}
}
