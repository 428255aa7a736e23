package httpapi

import (
	"net/http/httptest"
	"testing"

	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestForwardedProtoMarksCookieSecure: behind a TLS-terminating proxy in
// --trusted-proxies, X-Forwarded-Proto: https makes the refresh cookie
// Secure; the same header from anyone else is ignored.
func TestForwardedProtoMarksCookieSecure(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		for _, tc := range []struct {
			trusted []string
			secure  bool
		}{{[]string{"192.0.2.0/24"}, true}, {nil, false}} {
			proxies, err := clientip.ParseProxies(tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			r := cookieReq("POST", "/api/auth/login", `{"email":"a@example.com","password":"password-vendorA"}`, "http://desk.example", "")
			r.Header.Set("X-Forwarded-Proto", "https") // httptest's peer is 192.0.2.1
			rec := httptest.NewRecorder()
			proxies.Handler(a.h).ServeHTTP(rec, r)
			c := refreshCookieOf(t, rec)
			if rec.Code != 200 || c == nil || c.Secure != tc.secure {
				t.Errorf("trusted %v: %d, cookie %+v; want Secure %v", tc.trusted, rec.Code, c, tc.secure)
			}
		}
	})
}
