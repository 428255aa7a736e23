package httpapi

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{
			LoginPerIP:      auth.NewLimiter(6, time.Hour, nil),
			LoginPerAccount: auth.NewLimiter(3, time.Hour, nil),
		})
		login := func(name, email, password string, status int, code string) scenario {
			return scenario{name: name, method: "POST", path: "/api/auth/login",
				body: `{"email":"` + email + `","password":"` + password + `"}`, status: status, code: code}
		}
		limited := login("account limited", "a@example.com", "guess-guess", 429, "RATE_LIMITED")
		limited.check = func(t *testing.T, r *response) {
			if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 1 {
				t.Errorf("Retry-After = %q, want seconds", r.header.Get("Retry-After"))
			}
		}
		runScenarios(t, a, []scenario{
			// Three failures on one account (the address has spent 3 of 6)...
			login("guess 1", "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 2", "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 3", "a@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			// ...and the account is held back, even with the right password...
			limited,
			login("account limited even with the right password", "A@example.com", "password-vendorA", 429, "RATE_LIMITED"),
			// ...while other accounts log in from the same address, and
			// successes cost nothing...
			login("other account fine", "b@example.com", "password-vendorB", 200, ""),
			login("successes are free", "b@example.com", "password-vendorB", 200, ""),
			login("admin fine", "admin@example.com", "password-admin", 200, ""),
			// ...until the address has failed 6 times, on any accounts.
			login("guess 4 (b)", "b@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 5 (b)", "b@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("guess 6 (admin)", "admin@example.com", "guess-guess", 401, "UNAUTHORIZED"),
			login("address limited", "admin@example.com", "password-admin", 429, "RATE_LIMITED"),
			login("address limited for every account", "b@example.com", "password-vendorB", 429, "RATE_LIMITED"),
		})
		a.t = t
		if logs := a.logs.String(); strings.Contains(logs, "guess-guess") || strings.Contains(logs, "password-admin") {
			t.Errorf("a password reached the log:\n%s", logs)
		}
	})
}

// TestPaymentIdempotentUnderRace sends the same payment with the same key
// from many goroutines at once: exactly one payment is recorded, exactly
// one request gets 201 and the rest 200 with the same payment.
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
		created, ids := 0, map[int64]bool{}
		for _, r := range results {
			switch r.status {
			case 201:
				created++
			case 200:
			default:
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			ids[r.num("payment.id")] = true
		}
		if created != 1 || len(ids) != 1 {
			t.Errorf("%d created, %d distinct payments; want 1 and 1", created, len(ids))
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
		runScenarios(t, a, []scenario{
			{name: "second admin lists users", as: "second", method: "GET", path: "/api/users", status: 200},
			{name: "demote", as: "admin", method: "PATCH", path: "/api/users/{second}", body: `{"role":"vendor"}`, status: 200},
			{name: "old admin token no longer admin", as: "second", method: "GET", path: "/api/users", status: 403, code: "FORBIDDEN"},
			{name: "refresh carries the new role", as: "second", method: "POST", path: "/api/auth/refresh", status: 200, check: func(t *testing.T, r *response) {
				if r.str("user.role") != "vendor" {
					t.Errorf("role = %q, want vendor", r.str("user.role"))
				}
			}},
		})
	})
}
