package httpapi

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestLoginRateLimit guesses passwords from attacker addresses (behind a
// trusted proxy, so the client address comes from X-Forwarded-For): each
// attacker is refused after its own failures, while the account's owner,
// from another address, still logs in with the right password, only slowed
// down once the account has many failures.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		const slow = 400 * time.Millisecond
		a := newTestAPI(t, db, Options{
			LoginPerIP:      auth.NewLimiter(6, time.Hour, nil),
			LoginPerPair:    auth.NewLimiter(3, time.Hour, nil),
			LoginPerAccount: auth.NewLimiter(4, time.Hour, nil),
			LoginSlowdown:   slow,
		})
		proxies, err := clientip.ParseProxies([]string{"192.0.2.0/24"}) // httptest's RemoteAddr
		if err != nil {
			t.Fatal(err)
		}
		a.h = proxies.Handler(a.h)
		login := func(name, from, email, password string, status int, code string) scenario {
			return scenario{name: name, method: "POST", path: "/api/auth/login", header: map[string]string{"X-Forwarded-For": from},
				body: `{"email":"` + email + `","password":"` + password + `"}`, status: status, code: code}
		}
		const attacker, attacker2, owner = "203.0.113.2", "203.0.113.4", "203.0.113.3"
		limited := login("pair limited", attacker, "a@example.com", "guess-guess", 429, "RATE_LIMITED")
		limited.check = func(t *testing.T, r *response) {
			if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 1 {
				t.Errorf("Retry-After = %q, want seconds", r.header.Get("Retry-After"))
			}
		}
		runScenarios(t, a, []scenario{
			// Three failures on one account from one address...
			login("guess 1", attacker, "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 2", attacker, "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 3", attacker, "A@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			// ...and that address is refused on that account...
			limited,
			// ...while the owner, elsewhere, logs in at once...
			login("owner fine", owner, "a@example.com", "password-vendorA", 200, ""),
			// ...and the attacker's other accounts go on, until the address
			// has failed 6 times, on any accounts.
			login("guess 4 (b)", attacker, "b@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 5 (b)", attacker, "b@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 6 (admin)", attacker, "admin@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("address limited", attacker, "admin@example.com", "password-admin", 429, "RATE_LIMITED"),
			login("address limited for every account", attacker, "b@example.com", "password-vendorB", 429, "RATE_LIMITED"),
			// A second attacker takes the account past its budget of 4.
			login("second attacker 1", attacker2, "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("second attacker 2", attacker2, "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			// Other accounts are not slowed.
			login("other account not slowed", owner, "b@example.com", "password-vendorB", 200, ""),
		})
		// The account is now slowed down for everyone, right or wrong, but
		// its owner is never refused.
		for _, tc := range []struct {
			from, password string
			status         int
		}{{owner, "password-vendorA", 200}, {owner, "guess-guess", 401}, {attacker2, "guess-guess", 401}, {owner, "password-vendorA", 200}} {
			a.t = t
			start := time.Now()
			r := a.do("", "POST", "/api/auth/login", `{"email":"a@example.com","password":"`+tc.password+`"}`, map[string]string{"X-Forwarded-For": tc.from})
			if took := time.Since(start); r.status != tc.status || took < slow {
				t.Errorf("from %s with %s: %d after %v, want %d after at least %v", tc.from, tc.password, r.status, took, tc.status, slow)
			}
		}
		a.t = t
		if logs := a.logs.String(); strings.Contains(logs, "guess-guess") || strings.Contains(logs, "password-admin") {
			t.Errorf("a password reached the log:\n%s", logs)
		}
		if logs := a.logs.String(); !strings.Contains(logs, "security: login refused") || !strings.Contains(logs, "remote="+attacker) {
			t.Errorf("no security event naming the attacker's address in the log:\n%s", logs)
		}
	})
}

// TestLoginTakesOnlyJSON: a hostile page can make a browser post
// text/plain or a form anywhere without a preflight; the login refuses
// such bodies with 415 before looking at them.
func TestLoginTakesOnlyJSON(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		body := `{"email":"admin@example.com","password":"password-admin"}`
		runScenarios(t, a, []scenario{
			{name: "text/plain", method: "POST", path: "/api/auth/login", body: body, header: map[string]string{"Content-Type": "text/plain"}, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
			{name: "form", method: "POST", path: "/api/auth/login", body: body, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
			{name: "json look-alike", method: "POST", path: "/api/auth/login", body: body, header: map[string]string{"Content-Type": "application/jsonx"}, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
			{name: "no type", method: "POST", path: "/api/auth/login", body: body, header: map[string]string{"Content-Type": ""}, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
			{name: "json with charset", method: "POST", path: "/api/auth/login", body: body, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}, status: 200},
			{name: "json", method: "POST", path: "/api/auth/login", body: body, status: 200},
		})
	})
}

// TestPaymentIdempotentUnderRace sends the same payment with the same key
// from many goroutines at once: exactly one payment is recorded; every
// request gets either that payment (201, the first answer or its replay)
// or 409 IDEMPOTENCY_KEY_IN_USE while the first is still being processed.
func TestPaymentIdempotentUnderRace(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		const n = 12
		var wg sync.WaitGroup
		results := make([]*response, n)
		for i := range n {
			wg.Go(func() {
				results[i] = a.do("vendorA", "POST", "/api/payments", `{"customerId":{cA},"amountCents":1234,"method":"cash","idempotencyKey":"race-1"}`, nil)
			})
		}
		wg.Wait()
		answered, ids := 0, map[int64]bool{}
		for _, r := range results {
			switch r.status {
			case 201:
				answered++
				ids[r.num("payment.id")] = true
			case 409:
				if code, _ := r.err(); code != "IDEMPOTENCY_KEY_IN_USE" {
					t.Fatalf("409 with code %s: %s", code, r.raw)
				}
			default:
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
		}
		if answered == 0 || len(ids) != 1 {
			t.Errorf("%d answered with %d distinct payments; want at least 1 and 1", answered, len(ids))
		}
		r := a.do("vendorA", "GET", "/api/payments?customerId={cA}", "", nil)
		if r.num("total") != 1 {
			t.Errorf("%d payments recorded, want 1", r.num("total"))
		}
		r = a.do("vendorA", "GET", "/api/customers/{cA}", "", nil)
		if r.num("balanceCents") != -1234 {
			t.Errorf("balance = %d, want -1234", r.num("balanceCents"))
		}
	})
}

// TestRoleChangeTakesEffect checks that the actor comes from the user as
// it is now, not from the token: a demoted admin loses admin rights on its
// next request, with its old token.
func TestRoleChangeTakesEffect(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		r := a.do("admin", "POST", "/api/users", `{"email":"second@example.com","name":"Second","role":"admin","password":"second-admin"}`, nil)
		if r.status != 201 {
			t.Fatalf("create admin: %d %s", r.status, r.raw)
		}
		a.vars["second"] = itoa(r.num("id"))
		r = a.do("", "POST", "/api/auth/login", `{"email":"second@example.com","password":"second-admin"}`, nil)
		a.tok["second"] = r.str("token")
		a.vars["secondRefresh"] = r.str("refreshToken")
		runScenarios(t, a, []scenario{
			{name: "second admin lists users", as: "second", method: "GET", path: "/api/users", status: 200},
			{name: "demote", as: "admin", method: "PATCH", path: "/api/users/{second}", body: `{"role":"vendor"}`, status: 200},
			// A role change ends the user's sessions: neither token works.
			{name: "old admin token refused", as: "second", method: "GET", path: "/api/users", status: 401, code: "SESSION_REVOKED"},
			{name: "old refresh token refused", method: "POST", path: "/api/auth/refresh", body: `{"refreshToken":"{secondRefresh}"}`, status: 401, code: "SESSION_REVOKED"},
			{name: "a new login carries the new role", method: "POST", path: "/api/auth/login", body: `{"email":"second@example.com","password":"second-admin"}`, status: 200, check: func(t *testing.T, r *response) {
				if r.str("user.role") != "vendor" {
					t.Errorf("role = %q, want vendor", r.str("user.role"))
				}
				a.tok["second"] = r.str("token")
			}},
			{name: "the new token is a vendor's", as: "second", method: "GET", path: "/api/ops", status: 403, code: "FORBIDDEN"},
		})
	})
}
