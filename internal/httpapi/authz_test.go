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
	"POST /api/auth/refresh": true, // takes its refresh token in the body or the cookie
	"POST /api/auth/logout":  true, // takes its token in the header (even expired) or the body
}

// adminRoutes refuse vendors. (The user routes are not among them: a
// vendor lists, adds and changes its own staff; TestStaffRound.)
var adminRoutes = map[string]bool{
	"GET /api/ops":                       true,
	"GET /api/alerts":                    true,
	"GET /api/alerts/rules":              true,
	"PATCH /api/alerts/rules":            true,
	"PATCH /api/settings":                true,
	"POST /api/payments/{id}/reversal":   true,
	"POST /api/deliveries/{id}/reversal": true,
	"GET /api/security/events":           true,
	"GET /api/analytics/vendors":         true,
}

// staffRoutes are the routes staff may call (on their own round only, see
// TestStaffRound); every other route refuses them with 403 FORBIDDEN.
var staffRoutes = map[string]bool{
	"GET /api/me":                 true,
	"GET /api/round":              true,
	"PATCH /api/deliveries/{id}":  true,
	"POST /api/deliveries/status": true,
	"POST /api/payments":          true,
	"GET /api/settings":           true, // the payment confirmation threshold
	// Their own notifications and devices (TestPushRoutes).
	"GET /api/me/notifications":      true,
	"PATCH /api/me/notifications":    true,
	"GET /api/push/key":              true,
	"POST /api/push/subscriptions":   true,
	"DELETE /api/push/subscriptions": true,
}

// TestEveryRouteAuthorises sweeps every registered route, so a route added
// later is covered without anyone remembering to: no token, a bad token and
// a suspended user's token are refused with 401 and the right code,
// vendors get 403 from admin routes, and staff 403 from every route but
// those of their round.
func TestEveryRouteAuthorises(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		for _, pattern := range a.srv.patterns {
			method, path, _ := strings.Cut(pattern, " ")
			path = strings.NewReplacer("{id}", "{vendorA}", "{productId}", "{vendorA}", "{pauseId}", "{vendorA}").Replace(path)
			if pattern == "GET /api/customers/{id}/statement" {
				path += "?month=2026-01" // the one query a statement needs
			}
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
				// Only a refresh token: any access token is refused.
				wants = []want{{"", "AUTH_REQUIRED", 401}, {"algNone", "TOKEN_INVALID", 401}, {"expired", "TOKEN_INVALID", 401},
					{"suspended", "TOKEN_INVALID", 401}, {"admin", "TOKEN_INVALID", 401}}
			case pattern == "POST /api/auth/logout":
				// An expired token may log out (see TestLogout); forged ones may not.
				wants = []want{{"", "AUTH_REQUIRED", 401}, {"garbage", "TOKEN_INVALID", 401}, {"wrongKey", "TOKEN_INVALID", 401},
					{"algNone", "TOKEN_INVALID", 401}}
			case publicRoutes[pattern]:
				continue
			default:
				wants = []want{{"", "AUTH_REQUIRED", 401}, {"garbage", "TOKEN_INVALID", 401}, {"wrongKey", "TOKEN_INVALID", 401},
					{"algNone", "TOKEN_INVALID", 401}, {"expired", "TOKEN_EXPIRED", 401}, {"suspended", "UNAUTHORIZED", 401}}
				if adminRoutes[pattern] {
					wants = append(wants, want{"vendorA", "FORBIDDEN", 403})
				}
				if !staffRoutes[pattern] {
					wants = append(wants, want{"staff", "FORBIDDEN", 403})
				}
			}
			if (method == "POST" || method == "PATCH") && !publicRoutes[pattern] {
				// Every write reads its Idempotency-Key: a malformed one is
				// refused, naming the header, before anything is done.
				who := "vendorA"
				if adminRoutes[pattern] {
					who = "admin"
				}
				t.Run(pattern+" with a malformed Idempotency-Key", func(t *testing.T) {
					a.t = t
					r := a.do(who, method, path, body, map[string]string{"Idempotency-Key": `"unterminated`})
					if code, field := r.err(); r.status != 400 || code != "INVALID" || field != "Idempotency-Key" {
						t.Errorf("%s as %s with a malformed key = %d %s %s, want 400 INVALID Idempotency-Key", pattern, who, r.status, code, field)
					}
				})
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
