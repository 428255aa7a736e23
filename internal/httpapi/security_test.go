package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestSecurityEventsRecordedOverREST drives the real server paths (a
// failed login, a rate-limited login, a forged token, a malformed
// Authorization header, a reused refresh token, a password and role
// change) behind a trusted proxy, and reads them back from
// GET /api/security/events as an admin: each kind once, with the client's
// address, never the password, token or query string; vendors get 403.
func TestSecurityEventsRecordedOverREST(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		proxies, err := clientip.ParseProxies([]string{"192.0.2.0/24"})
		if err != nil {
			t.Fatal(err)
		}
		a.h = proxies.Handler(a.h)
		const from = "203.0.113.77"
		hdr := map[string]string{"X-Forwarded-For": from}
		call := func(who, method, path, body string, status int) *response {
			t.Helper()
			r := a.do(who, method, path, body, hdr)
			if r.status != status {
				t.Fatalf("%s %s = %d, want %d: %s", method, path, r.status, status, r.raw)
			}
			return r
		}
		first := call("admin", "GET", "/api/security/events?limit=1000", "", 200).num("nextAfter")

		const guess = "hunter2-not-it"
		call("", "POST", "/api/auth/login", `{"email":"A@example.com","password":"`+guess+`"}`, 401)
		call("wrongKey", "GET", "/api/customers?secret=q1", "", 401)
		call("algNone", "GET", "/api/customers", "", 401)
		login := call("", "POST", "/api/auth/login", `{"email":"b@example.com","password":"password-vendorB"}`, 200)
		rt := login.str("refreshToken")
		call("", "POST", "/api/auth/refresh", `{"refreshToken":"`+rt+`"}`, 200)
		call("", "POST", "/api/auth/refresh", `{"refreshToken":"`+rt+`"}`, 401) // reuse
		call("admin", "PATCH", "/api/users/{vendorB}", `{"password":"a-brand-new-password"}`, 200)
		call("admin", "PATCH", "/api/users/{suspended}", `{"status":"active"}`, 200)

		r := call("admin", "GET", "/api/security/events?after="+itoa(first), "", 200)
		byKind := map[string][]map[string]any{}
		for _, it := range r.items() {
			e := it.(map[string]any)
			byKind[e["kind"].(string)] = append(byKind[e["kind"].(string)], e)
			if e["address"] != from {
				t.Errorf("event %v: address %v, want %s", e["kind"], e["address"], from)
			}
			if seq, _ := e["seq"].(float64); int64(seq) <= first {
				t.Errorf("event %v: seq %v not after %d", e["kind"], e["seq"], first)
			}
		}
		for _, k := range []string{"login_failed", "token_refused", "refresh_reuse", "password_changed", "status_changed"} {
			if len(byKind[k]) == 0 {
				t.Errorf("no %s event; got %s", k, r.raw)
			}
		}
		if e := byKind["login_failed"]; len(e) > 0 && e[0]["email"] != "a@example.com" {
			t.Errorf("login_failed email = %v", e[0]["email"])
		}
		raw := string(r.raw)
		for _, secret := range []string{guess, rt, a.tok["wrongKey"], "a-brand-new-password", "secret=q1"} {
			if strings.Contains(raw, secret) {
				t.Errorf("a secret or query string is recorded: %q in %s", secret, raw)
			}
		}
		// Filter by kind; vendors are refused; a bad kind names the field.
		only := call("admin", "GET", "/api/security/events?kind=refresh_reuse&after="+itoa(first), "", 200)
		if n := len(only.items()); n != 1 {
			t.Errorf("kind=refresh_reuse gave %d items: %s", n, only.raw)
		}
		call("vendorA", "GET", "/api/security/events", "", 403)
		if code, field := call("admin", "GET", "/api/security/events?kind=bogus", "", 400).err(); code != "INVALID" || field != "kind" {
			t.Errorf("bad kind: %s %s", code, field)
		}
	})
}

// TestLoginRateLimitedIsRecorded: a login refused by the limits is a
// login_rate_limited event.
func TestLoginRateLimitedIsRecorded(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{LoginPerPair: auth.NewLimiter(1, time.Hour, nil)})
		for range 3 {
			a.do("", "POST", "/api/auth/login", `{"email":"a@example.com","password":"wrong-wrong"}`, nil)
		}
		r := a.do("admin", "GET", "/api/security/events?kind=login_rate_limited", "", nil)
		if len(r.items()) != 1 {
			t.Fatalf("login_rate_limited events: %s", r.raw)
		}
	})
}
