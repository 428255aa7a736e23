package httpapi

import (
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// publicRoutes need no token.
var publicRoutes = map[string]bool{
	"GET /healthz":           true,
	"GET /readyz":            true,
	"GET /api/openapi.json":  true,
	"POST /api/auth/login":   true,
	"POST /api/auth/refresh": true, // takes its token in the body or the header
}

// adminRoutes refuse vendors.
var adminRoutes = map[string]bool{
	"GET /api/users":        true,
	"POST /api/users":       true,
	"PATCH /api/users/{id}": true,
	"GET /api/ops":          true,
}

// TestEveryRouteAuthorises sweeps every registered route, so a route added
// later is covered without anyone remembering to: no token, a bad token and
// a suspended user's token are refused with 401 and the right code, and
// vendors get 403 from admin routes.
func TestEveryRouteAuthorises(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		for _, pattern := range a.srv.patterns {
			method, path, _ := strings.Cut(pattern, " ")
			path = strings.ReplaceAll(path, "{id}", "{vendorA}")
			body := ""
			if method != "GET" {
				body = `{}`
			}
			type want struct {
				who, code string
				status    int
			}
			var wants []want
			switch {
			case pattern == "POST /api/auth/refresh":
				wants = []want{{"", "AUTH_REQUIRED", 401}, {"algNone", "TOKEN_INVALID", 401}, {"expired", "TOKEN_EXPIRED", 401}, {"suspended", "UNAUTHORIZED", 401}}
			case publicRoutes[pattern]:
				continue
			default:
				wants = []want{{"", "AUTH_REQUIRED", 401}, {"garbage", "TOKEN_INVALID", 401}, {"wrongKey", "TOKEN_INVALID", 401},
					{"algNone", "TOKEN_INVALID", 401}, {"expired", "TOKEN_EXPIRED", 401}, {"suspended", "UNAUTHORIZED", 401}}
				if adminRoutes[pattern] {
					wants = append(wants, want{"vendorA", "FORBIDDEN", 403})
				}
			}
			for _, w := range wants {
				t.Run(pattern+" as "+w.who, func(t *testing.T) {
					a.t = t
					r := a.do(w.who, method, path, body, nil)
					if code, _ := r.err(); r.status != w.status || code != w.code {
						t.Errorf("%s as %q = %d %s, want %d %s", pattern, w.who, r.status, code, w.status, w.code)
					}
				})
			}
		}
	})
}
