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
			LoginPerIP:      auth.NewLimiter(8, time.Hour, nil),
			LoginPerAccount: auth.NewLimiter(3, time.Hour, nil),
		})
		wrong := `{"email":"a@example.com","password":"guess-guess"}`
		var scenarios []scenario
		// Three failures on one account, then the account is held back even
		// with the right password...
		for i := range 3 {
			scenarios = append(scenarios, scenario{name: "guess " + strconv.Itoa(i+1), method: "POST", path: "/api/auth/login", body: wrong, status: 401, code: "UNAUTHORIZED"})
		}
		scenarios = append(scenarios,
			scenario{name: "account limited", method: "POST", path: "/api/auth/login", body: wrong, status: 429, code: "RATE_LIMITED",
				check: func(t *testing.T, r *response) {
					if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 1 {
						t.Errorf("Retry-After = %q, want seconds", r.header.Get("Retry-After"))
					}
				}},
			scenario{name: "account limited even with the right password", method: "POST", path: "/api/auth/login", body: `{"email":"A@example.com","password":"password-vendorA"}`, status: 429, code: "RATE_LIMITED"},
			// ...while other accounts still log in from the same address...
			scenario{name: "other account fine", method: "POST", path: "/api/auth/login", body: `{"email":"b@example.com","password":"password-vendorB"}`, status: 200},
			scenario{name: "successes do not count against the account", method: "POST", path: "/api/auth/login", body: `{"email":"b@example.com","password":"password-vendorB"}`, status: 200},
			// ...until the address has spent its own budget: this is its 8th attempt...
			scenario{name: "admin fine", method: "POST", path: "/api/auth/login", body: `{"email":"admin@example.com","password":"password-admin"}`, status: 200},
			// ...and this its 9th.
			scenario{name: "address limited", method: "POST", path: "/api/auth/login", body: `{"email":"admin@example.com","password":"password-admin"}`, status: 429, code: "RATE_LIMITED"},
		)
		runScenarios(t, a, scenarios)
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
