package httpapi

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// scenario is one request and the answer it must get. Scenarios of a table
// run in order on one database, so later ones may rely on earlier changes.
type scenario struct {
	name   string
	as     string // who calls: a key of testAPI.tok, or "" for no token
	method string
	path   string // {cA}, {dB}, {vendorA}... expand to seeded ids
	body   string
	header map[string]string
	status int
	code   string // error code, when an error is expected
	field  string // error field, when one is expected
	check  func(t *testing.T, r *response)
}

func runScenarios(t *testing.T, a *testAPI, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			a.t = t
			r := a.do(sc.as, sc.method, sc.path, sc.body, sc.header)
			if r.status != sc.status {
				t.Fatalf("%s %s as %q = %d, want %d\n%s", sc.method, a.expand(sc.path), sc.as, r.status, sc.status, r.raw)
			}
			code, field := r.err()
			if code != sc.code || field != sc.field {
				t.Errorf("error = %q field %q, want %q field %q\n%s", code, field, sc.code, sc.field, r.raw)
			}
			if sc.check != nil {
				sc.check(t, r)
			}
		})
	}
}

func wantNum(path string, want int64) func(*testing.T, *response) {
	return func(t *testing.T, r *response) {
		t.Helper()
		if got := r.num(path); got != want {
			t.Errorf("%s = %d, want %d\n%s", path, got, want, r.raw)
		}
	}
}

func wantItems(n int) func(*testing.T, *response) {
	return func(t *testing.T, r *response) {
		t.Helper()
		if got := len(r.items()); got != n {
			t.Errorf("%d items, want %d\n%s", got, n, r.raw)
		}
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		today := time.Now().UTC().Format(time.DateOnly)
		big := `{"name":"` + strings.Repeat("x", 70<<10) + `","vendorId":{vendorA}}`
		runScenarios(t, a, []scenario{
			// Probes.
			{name: "healthz", method: "GET", path: "/healthz", status: 200},
			{name: "readyz", method: "GET", path: "/readyz", status: 200},

			// Login and tokens.
			{name: "login", method: "POST", path: "/api/auth/login", body: `{"email":"admin@example.com","password":"password-admin"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("token") == "" || r.str("refreshToken") == "" || r.str("user.email") != "admin@example.com" || r.str("expiresAt") == "" {
						t.Errorf("login body = %s", r.raw)
					}
					if strings.Contains(string(r.raw), "password") {
						t.Errorf("login answer mentions the password: %s", r.raw)
					}
					a.tok["login"] = r.str("token")
					a.vars["refreshToken"] = r.str("refreshToken")
				}},
			{name: "login with the new token", as: "login", method: "GET", path: "/api/me", status: 200, check: wantNum("id", 1)},
			{name: "login email is case-insensitive", method: "POST", path: "/api/auth/login", body: `{"email":"Admin@Example.com","password":"password-admin"}`, status: 200},
			{name: "login wrong password", method: "POST", path: "/api/auth/login", body: `{"email":"admin@example.com","password":"nope-nope"}`, status: 401, code: "UNAUTHORIZED"},
			{name: "login unknown user", method: "POST", path: "/api/auth/login", body: `{"email":"who@example.com","password":"nope-nope"}`, status: 401, code: "UNAUTHORIZED"},
			{name: "login suspended", method: "POST", path: "/api/auth/login", body: `{"email":"s@example.com","password":"password-suspended"}`, status: 401, code: "UNAUTHORIZED"},
			{name: "login missing email", method: "POST", path: "/api/auth/login", body: `{"password":"x"}`, status: 400, code: "INVALID", field: "email"},
			{name: "login missing password", method: "POST", path: "/api/auth/login", body: `{"email":"admin@example.com"}`, status: 400, code: "INVALID", field: "password"},
			{name: "login unknown field", method: "POST", path: "/api/auth/login", body: `{"email":"a@b.c","password":"x","remember":true}`, status: 400, code: "INVALID", field: "remember"},
			{name: "login wrong type", method: "POST", path: "/api/auth/login", body: `{"email":42,"password":"x"}`, status: 400, code: "INVALID", field: "email"},
			{name: "login malformed", method: "POST", path: "/api/auth/login", body: `{"email":`, status: 400, code: "INVALID"},
			{name: "login oversized", method: "POST", path: "/api/auth/login", body: `{"email":"` + strings.Repeat("a", 70<<10) + `","password":"x"}`, status: 413, code: "PAYLOAD_TOO_LARGE"},
			{name: "refresh with refresh token", method: "POST", path: "/api/auth/refresh", body: `{"refreshToken":"` + "{refreshToken}" + `"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("token") == "" || r.str("user.role") != "admin" || r.str("refreshToken") == "" || r.str("refreshToken") == a.vars["refreshToken"] {
						t.Errorf("refresh body = %s", r.raw)
					}
				}},
			// Only a refresh token renews a session: an access token, valid,
			// expired or a suspended user's, is refused.
			{name: "refresh with bearer", as: "vendorA", method: "POST", path: "/api/auth/refresh", status: 401, code: "TOKEN_INVALID"},
			{name: "refresh with an empty object and bearer", as: "vendorB", method: "POST", path: "/api/auth/refresh", body: `{}`, status: 401, code: "TOKEN_INVALID"},
			{name: "refresh with nothing", method: "POST", path: "/api/auth/refresh", status: 401, code: "AUTH_REQUIRED"},
			{name: "refresh with expired bearer", as: "expired", method: "POST", path: "/api/auth/refresh", status: 401, code: "TOKEN_INVALID"},
			{name: "refresh with access token as refresh token", method: "POST", path: "/api/auth/refresh", body: `{"refreshToken":"{adminToken}"}`, status: 401, code: "TOKEN_INVALID"},
			{name: "refresh suspended", as: "suspended", method: "POST", path: "/api/auth/refresh", status: 401, code: "TOKEN_INVALID"},
			{name: "refresh unknown field", method: "POST", path: "/api/auth/refresh", body: `{"token":"x"}`, status: 400, code: "INVALID", field: "token"},
			{name: "me admin", as: "admin", method: "GET", path: "/api/me", status: 200, check: func(t *testing.T, r *response) {
				if r.str("role") != "admin" || r.str("email") != "admin@example.com" || r.str("lastSeenAt") == "" {
					t.Errorf("me = %s", r.raw)
				}
			}},
			{name: "me vendor", as: "vendorA", method: "GET", path: "/api/me", status: 200, check: wantNum("id", 2)},
			{name: "no token", method: "GET", path: "/api/me", status: 401, code: "AUTH_REQUIRED"},
			{name: "expired token", as: "expired", method: "GET", path: "/api/customers", status: 401, code: "TOKEN_EXPIRED"},
			{name: "token signed with another key", as: "wrongKey", method: "GET", path: "/api/customers", status: 401, code: "TOKEN_INVALID"},
			{name: "alg none token", as: "algNone", method: "GET", path: "/api/customers", status: 401, code: "TOKEN_INVALID"},
			{name: "garbage token", as: "garbage", method: "GET", path: "/api/customers", status: 401, code: "TOKEN_INVALID"},
			{name: "suspended user's token", as: "suspended", method: "GET", path: "/api/customers", status: 401, code: "UNAUTHORIZED"},

			// Customers.
			{name: "admin lists customers", as: "admin", method: "GET", path: "/api/customers", status: 200, check: wantNum("total", 2)},
			{name: "vendor lists only its customers", as: "vendorA", method: "GET", path: "/api/customers", status: 200, check: wantNum("total", 1)},
			{name: "vendor cannot widen the filter", as: "vendorA", method: "GET", path: "/api/customers?vendorId={vendorB}", status: 200, check: wantNum("total", 1)},
			{name: "admin filters by vendor", as: "admin", method: "GET", path: "/api/customers?vendorId={vendorB}", status: 200, check: wantNum("total", 1)},
			{name: "search by name", as: "admin", method: "GET", path: "/api/customers?search=customer%20a", status: 200, check: wantNum("total", 1)},
			{name: "filter by status", as: "admin", method: "GET", path: "/api/customers?status=paused", status: 200, check: wantNum("total", 0)},
			{name: "bad status filter", as: "admin", method: "GET", path: "/api/customers?status=gone", status: 400, code: "INVALID", field: "status"},
			{name: "bad limit", as: "admin", method: "GET", path: "/api/customers?limit=-1", status: 400, code: "INVALID", field: "limit"},
			{name: "limit too big", as: "admin", method: "GET", path: "/api/customers?limit=501", status: 400, code: "INVALID", field: "limit"},
			{name: "paging", as: "admin", method: "GET", path: "/api/customers?limit=1", status: 200, check: func(t *testing.T, r *response) {
				if len(r.items()) != 1 || r.str("nextCursor") != "1" || r.num("total") != 2 {
					t.Errorf("page 1 = %s", r.raw)
				}
			}},
			{name: "paging cursor", as: "admin", method: "GET", path: "/api/customers?limit=1&cursor=1", status: 200, check: func(t *testing.T, r *response) {
				if len(r.items()) != 1 || r.str("nextCursor") != "" {
					t.Errorf("page 2 = %s", r.raw)
				}
			}},
			{name: "vendor creates a customer", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"Ravi","phone":"+91 98450 11111","email":"ravi@example.com","address":"1 Main St"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.str("name") != "Ravi" || r.str("status") != "active" || r.num("balanceCents") != 0 {
						t.Errorf("created = %s", r.raw)
					}
					a.vars["cRavi"] = itoa(r.num("id"))
				}},
			{name: "created customer is the vendor's", as: "vendorA", method: "GET", path: "/api/customers/{cRavi}", status: 200, check: wantNum("vendorId", 2)},
			{name: "admin creates a customer", as: "admin", method: "POST", path: "/api/customers", body: `{"name":"Meera","vendorId":{vendorB}}`, status: 201, check: wantNum("vendorId", 3)},
			{name: "create without name", as: "admin", method: "POST", path: "/api/customers", body: `{"vendorId":{vendorB}}`, status: 400, code: "INVALID", field: "name"},
			{name: "create with bad email", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"X","email":"not-an-email"}`, status: 400, code: "INVALID", field: "email"},
			{name: "create with bad status", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"X","status":"vip"}`, status: 400, code: "INVALID", field: "status"},
			{name: "create with balance", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"X","balanceCents":-100}`, status: 400, code: "INVALID", field: "balanceCents"},
			{name: "create with wrong type", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":["X"]}`, status: 400, code: "INVALID", field: "name"},
			{name: "create oversized", as: "admin", method: "POST", path: "/api/customers", body: big, status: 413, code: "PAYLOAD_TOO_LARGE"},
			{name: "create SQL-looking name kept verbatim", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"Robert'); DROP TABLE customers;--"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.str("name") != "Robert'); DROP TABLE customers;--" {
						t.Errorf("name = %q", r.str("name"))
					}
				}},
			{name: "get own customer", as: "vendorA", method: "GET", path: "/api/customers/{cA}", status: 200, check: wantNum("balanceCents", 0)},
			{name: "vendor A cannot read vendor B's customer", as: "vendorA", method: "GET", path: "/api/customers/{cB}", status: 404, code: "NOT_FOUND"},
			{name: "missing customer", as: "admin", method: "GET", path: "/api/customers/999999", status: 404, code: "NOT_FOUND"},
			{name: "non-numeric id", as: "admin", method: "GET", path: "/api/customers/abc", status: 404, code: "NOT_FOUND"},
			{name: "patch own customer", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"address":"2 New Road","status":"paused"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("address") != "2 New Road" || r.str("status") != "paused" || r.str("name") != "Customer A" {
						t.Errorf("patched = %s", r.raw)
					}
				}},
			{name: "vendor A cannot change vendor B's customer", as: "vendorA", method: "PATCH", path: "/api/customers/{cB}", body: `{"name":"Mine now"}`, status: 404, code: "NOT_FOUND"},
			{name: "vendor B's customer unchanged", as: "admin", method: "GET", path: "/api/customers/{cB}", status: 200, check: func(t *testing.T, r *response) {
				if r.str("name") != "Customer B" {
					t.Errorf("name = %q", r.str("name"))
				}
			}},
			{name: "vendor cannot move a customer to another vendor", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"vendorId":{vendorB}}`, status: 403, code: "FORBIDDEN"},
			{name: "patch bad status", as: "admin", method: "PATCH", path: "/api/customers/{cA}", body: `{"status":"gone"}`, status: 400, code: "INVALID", field: "status"},
			{name: "patch unknown field", as: "admin", method: "PATCH", path: "/api/customers/{cA}", body: `{"nickname":"x"}`, status: 400, code: "INVALID", field: "nickname"},
			{name: "patch back to active", as: "admin", method: "PATCH", path: "/api/customers/{cA}", body: `{"status":"active"}`, status: 200},

			// Deliveries.
			{name: "admin lists deliveries", as: "admin", method: "GET", path: "/api/deliveries", status: 200, check: wantNum("total", 2)},
			{name: "vendor lists its deliveries", as: "vendorB", method: "GET", path: "/api/deliveries", status: 200, check: wantNum("total", 1)},
			{name: "deliveries filtered", as: "admin", method: "GET", path: "/api/deliveries?customerId={cA}&status=scheduled&from=" + today + "&to=" + today, status: 200, check: wantNum("total", 1)},
			{name: "deliveries bad date", as: "admin", method: "GET", path: "/api/deliveries?from=yesterday", status: 400, code: "INVALID", field: "from"},
			{name: "deliveries inverted range", as: "admin", method: "GET", path: "/api/deliveries?from=2026-02-01&to=2026-01-01", status: 400, code: "INVALID", field: "from"},
			{name: "deliveries bad status", as: "admin", method: "GET", path: "/api/deliveries?status=lost", status: 400, code: "INVALID", field: "status"},
			{name: "create delivery", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Curd 500g","quantity":1,"amountCents":3000,"note":"ring twice"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.str("status") != "scheduled" || r.num("vendorId") != 2 || r.num("amountCents") != 3000 {
						t.Errorf("created = %s", r.raw)
					}
					a.vars["dNew"] = itoa(r.num("id"))
				}},
			{name: "create delivery for another vendor's customer", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cB},"scheduledFor":"` + today + `","items":"Milk","quantity":1,"amountCents":100}`, status: 404, code: "NOT_FOUND", field: "customerId"},
			{name: "create delivery bad date", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"tomorrow","items":"Milk","quantity":1,"amountCents":100}`, status: 400, code: "INVALID", field: "scheduledFor"},
			{name: "create delivery zero quantity", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Milk","quantity":0,"amountCents":100}`, status: 400, code: "INVALID", field: "quantity"},
			{name: "create delivery quantity as string", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Milk","quantity":"1","amountCents":100}`, status: 400, code: "INVALID", field: "quantity"},
			{name: "create delivery with status", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Milk","quantity":1,"amountCents":100,"status":"delivered"}`, status: 400, code: "INVALID", field: "status"},
			{name: "get delivery", as: "vendorA", method: "GET", path: "/api/deliveries/{dNew}", status: 200, check: wantNum("amountCents", 3000)},
			{name: "vendor B cannot read vendor A's delivery", as: "vendorB", method: "GET", path: "/api/deliveries/{dA}", status: 404, code: "NOT_FOUND"},
			{name: "vendor B cannot change vendor A's delivery", as: "vendorB", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"cancelled"}`, status: 404, code: "NOT_FOUND"},
			{name: "unknown status", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"teleported"}`, status: 400, code: "INVALID", field: "status"},
			{name: "empty patch", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{}`, status: 400, code: "INVALID", field: "status"},
			{name: "out for delivery", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"out_for_delivery"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("delivery.status") != "out_for_delivery" || r.str("previousStatus") != "scheduled" {
						t.Errorf("patched = %s", r.raw)
					}
				}},
			{name: "illegal transition out_for_delivery→scheduled", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"scheduled"}`, status: 409, code: "INVALID_TRANSITION", field: "status"},
			{name: "delivered (idempotency key header)", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"delivered"}`, header: map[string]string{"Idempotency-Key": "deliver-1"}, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("delivery.status") != "delivered" || r.str("previousStatus") != "out_for_delivery" || r.str("delivery.deliveredAt") == "" {
						t.Errorf("patched = %s", r.raw)
					}
				}},
			{name: "delivered retried with the same key", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"delivered","idempotencyKey":"deliver-1"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("delivery.status") != "delivered" || r.str("previousStatus") != "out_for_delivery" {
						t.Errorf("replayed = %s", r.raw)
					}
				}},
			{name: "header and body keys differ", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"delivered","idempotencyKey":"a"}`, header: map[string]string{"Idempotency-Key": "b"}, status: 400, code: "INVALID", field: "idempotencyKey"},
			{name: "delivered charged the customer once", as: "vendorA", method: "GET", path: "/api/customers/{cA}", status: 200, check: wantNum("balanceCents", 3000)},
			{name: "illegal transition out of delivered", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dNew}", body: `{"status":"cancelled"}`, status: 409, code: "INVALID_TRANSITION", field: "status"},
			{name: "cancel a scheduled delivery", as: "admin", method: "PATCH", path: "/api/deliveries/{dB}", body: `{"status":"cancelled","note":"customer away"}`, status: 200},
			{name: "ledger", as: "vendorA", method: "GET", path: "/api/customers/{cA}/ledger", status: 200, check: func(t *testing.T, r *response) {
				if r.num("total") != 1 || len(r.items()) != 1 {
					t.Errorf("ledger = %s", r.raw)
				}
			}},
			{name: "vendor B cannot read vendor A's ledger", as: "vendorB", method: "GET", path: "/api/customers/{cA}/ledger", status: 404, code: "NOT_FOUND"},

			// Payments.
			{name: "add payment", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1000,"method":"upi","reference":"UPI-1","idempotencyKey":"pay-1"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.num("customer.balanceCents") != 2000 || r.num("customer.id") == 0 || r.num("payment.recordedBy") != 2 || r.str("payment.method") != "upi" || r.body["created"] != true {
						t.Errorf("payment = %s", r.raw)
					}
					a.vars["p1"] = itoa(r.num("payment.id"))
				}},
			{name: "same payment again: the first answer replayed", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1000,"method":"upi","reference":"UPI-1"}`, header: map[string]string{"Idempotency-Key": `"pay-1"`}, status: 201,
				check: func(t *testing.T, r *response) {
					if itoa(r.num("payment.id")) != a.vars["p1"] || r.num("customer.balanceCents") != 2000 || r.body["created"] != true || r.header.Get("Idempotent-Replayed") != "true" {
						t.Errorf("replay = %s %v, want payment %s and balance 2000, marked replayed", r.raw, r.header, a.vars["p1"])
					}
				}},
			{name: "key reused for another amount", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":999,"method":"upi","idempotencyKey":"pay-1"}`, status: 422, code: "IDEMPOTENCY_KEY_REUSED", field: "idempotencyKey"},
			{name: "payment without a key", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1000,"method":"upi"}`, status: 400, code: "IDEMPOTENCY_KEY_REQUIRED", field: "idempotencyKey"},
			{name: "malformed key", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1000,"method":"upi"}`, header: map[string]string{"Idempotency-Key": `"unterminated`}, status: 400, code: "INVALID", field: "Idempotency-Key"},
			{name: "key not ASCII", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"Spacey"}`, header: map[string]string{"Idempotency-Key": `"ключ"`}, status: 400, code: "INVALID", field: "Idempotency-Key"},
			{name: "balance after the retries", as: "vendorA", method: "GET", path: "/api/customers/{cA}", status: 200, check: wantNum("balanceCents", 2000)},
			{name: "one payment listed", as: "vendorA", method: "GET", path: "/api/payments?customerId={cA}", status: 200, check: wantNum("total", 1)},
			{name: "payment zero amount", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":0,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "k-0"}, status: 400, code: "INVALID", field: "amountCents"},
			{name: "payment negative amount", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":-5,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "k-1"}, status: 400, code: "INVALID", field: "amountCents"},
			{name: "payment bad method", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":5,"method":"barter"}`, header: map[string]string{"Idempotency-Key": "k-2"}, status: 400, code: "INVALID", field: "method"},
			{name: "payment amount as float", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":5.5,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "k-3"}, status: 400, code: "INVALID", field: "amountCents"},
			{name: "payment unknown field", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":5,"method":"cash","currency":"EUR"}`, header: map[string]string{"Idempotency-Key": "k-4"}, status: 400, code: "INVALID", field: "currency"},
			{name: "payment for another vendor's customer", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cB},"amountCents":5,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "k-5"}, status: 404, code: "NOT_FOUND", field: "customerId"},
			{name: "payment oversized", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":5,"method":"cash","reference":"` + strings.Repeat("r", 70<<10) + `"}`, header: map[string]string{"Idempotency-Key": "k-6"}, status: 413, code: "PAYLOAD_TOO_LARGE"},
			{name: "admin pays for vendor B's customer", as: "admin", method: "POST", path: "/api/payments", body: `{"customerId":{cB},"amountCents":700,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "k-7"}, status: 201, check: wantNum("customer.balanceCents", -700)},
			{name: "vendor B sees only its payments", as: "vendorB", method: "GET", path: "/api/payments", status: 200, check: wantNum("total", 1)},
			{name: "payments filtered", as: "admin", method: "GET", path: "/api/payments?method=cash&from=" + today + "&to=" + today + "&vendorId={vendorB}", status: 200, check: wantNum("total", 1)},
			{name: "payments bad method filter", as: "admin", method: "GET", path: "/api/payments?method=gold", status: 400, code: "INVALID", field: "method"},
			{name: "payments bad customer filter", as: "admin", method: "GET", path: "/api/payments?customerId=x", status: 400, code: "INVALID", field: "customerId"},

			// Users.
			{name: "admin lists users", as: "admin", method: "GET", path: "/api/users", status: 200, check: wantNum("total", 5)}, // with vendor A's staff member
			{name: "admin filters vendors", as: "admin", method: "GET", path: "/api/users?role=vendor&status=active", status: 200, check: wantNum("total", 2)},
			{name: "vendor lists its own staff only", as: "vendorA", method: "GET", path: "/api/users", status: 200, check: wantNum("total", 1)},
			{name: "another vendor lists no staff", as: "vendorB", method: "GET", path: "/api/users", status: 200, check: wantNum("total", 0)},
			{name: "vendor cannot create users", as: "vendorA", method: "POST", path: "/api/users", body: `{"email":"x@example.com","role":"admin","password":"longenough"}`, status: 403, code: "FORBIDDEN"},
			{name: "vendor cannot change users", as: "vendorA", method: "PATCH", path: "/api/users/{vendorA}", body: `{"role":"admin"}`, status: 403, code: "FORBIDDEN"},
			{name: "no token cannot list users", method: "GET", path: "/api/users", status: 401, code: "AUTH_REQUIRED"},
			{name: "admin creates a vendor", as: "admin", method: "POST", path: "/api/users", body: `{"email":"new@example.com","name":"New Vendor","role":"vendor","password":"new-vendor-pw"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.str("email") != "new@example.com" || r.str("status") != "active" || strings.Contains(string(r.raw), "new-vendor-pw") {
						t.Errorf("created = %s", r.raw)
					}
					a.vars["vNew"] = itoa(r.num("id"))
				}},
			{name: "new vendor logs in", method: "POST", path: "/api/auth/login", body: `{"email":"new@example.com","password":"new-vendor-pw"}`, status: 200,
				check: func(t *testing.T, r *response) {
					a.tok["vNew"], a.vars["vNewRefresh"] = r.str("token"), r.str("refreshToken")
				}},
			{name: "duplicate email", as: "admin", method: "POST", path: "/api/users", body: `{"email":"NEW@example.com","role":"vendor","password":"new-vendor-pw"}`, status: 409, code: "CONFLICT", field: "email"},
			{name: "short password", as: "admin", method: "POST", path: "/api/users", body: `{"email":"p@example.com","role":"vendor","password":"short"}`, status: 400, code: "INVALID", field: "password"},
			{name: "bad role", as: "admin", method: "POST", path: "/api/users", body: `{"email":"p@example.com","role":"owner","password":"longenough"}`, status: 400, code: "INVALID", field: "role"},
			{name: "bad email", as: "admin", method: "POST", path: "/api/users", body: `{"email":"nope","role":"vendor","password":"longenough"}`, status: 400, code: "INVALID", field: "email"},
			{name: "new vendor works", as: "vNew", method: "GET", path: "/api/me", status: 200},
			{name: "suspend the new vendor", as: "admin", method: "PATCH", path: "/api/users/{vNew}", body: `{"status":"suspended"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("status") != "suspended" {
						t.Errorf("patched = %s", r.raw)
					}
				}},
			{name: "suspended vendor's live token refused at once", as: "vNew", method: "GET", path: "/api/me", status: 401, code: "UNAUTHORIZED"},
			{name: "suspended vendor cannot refresh", method: "POST", path: "/api/auth/refresh", body: `{"refreshToken":"{vNewRefresh}"}`, status: 401, code: "UNAUTHORIZED"},
			{name: "admin cannot suspend itself", as: "admin", method: "PATCH", path: "/api/users/{admin}", body: `{"status":"suspended"}`, status: 400, code: "INVALID", field: "status"},
			{name: "patch missing user", as: "admin", method: "PATCH", path: "/api/users/99999", body: `{"name":"x"}`, status: 404, code: "NOT_FOUND"},
			{name: "patch user unknown field", as: "admin", method: "PATCH", path: "/api/users/{vendorA}", body: `{"email":"x@y.z"}`, status: 400, code: "INVALID", field: "email"},
			{name: "vendor metrics (admin)", as: "admin", method: "GET", path: "/api/vendors/metrics", status: 200, check: wantItems(4)},
			{name: "vendor metrics (some)", as: "admin", method: "GET", path: "/api/vendors/metrics?ids={vendorA},{vendorB}", status: 200, check: wantItems(2)},
			{name: "vendor metrics (vendor sees itself)", as: "vendorA", method: "GET", path: "/api/vendors/metrics", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 1 || it[0].(map[string]any)["vendorId"].(float64) != 2 {
					t.Errorf("metrics = %s", r.raw)
				}
			}},
			{name: "vendor metrics bad ids", as: "admin", method: "GET", path: "/api/vendors/metrics?ids=1,x", status: 400, code: "INVALID", field: "ids"},

			// Figures and the log.
			{name: "stats (admin)", as: "admin", method: "GET", path: "/api/stats", status: 200, check: func(t *testing.T, r *response) {
				if r.str("timezone") != "UTC" || r.str("today") != today {
					t.Errorf("stats zone %q today %q, want UTC %s", r.str("timezone"), r.str("today"), today)
				}
				if r.num("revenueTodayCents") != 3000 || r.num("paymentsTodayCents") != 1700 || r.num("paymentsToday") != 2 || r.num("seq") == 0 {
					t.Errorf("stats = %s", r.raw)
				}
			}},
			{name: "stats (vendor B)", as: "vendorB", method: "GET", path: "/api/stats", status: 200, check: func(t *testing.T, r *response) {
				if r.num("revenueTodayCents") != 0 || r.num("paymentsTodayCents") != 700 {
					t.Errorf("stats = %s", r.raw)
				}
			}},
			{name: "analytics defaults", as: "admin", method: "GET", path: "/api/analytics", status: 200, check: func(t *testing.T, r *response) {
				series, _ := r.body["series"].([]any)
				if len(series) != 30 || r.str("interval") != "day" || r.str("to") != today || r.str("timezone") != "UTC" {
					t.Errorf("analytics: %d buckets, interval %q, to %q", len(series), r.str("interval"), r.str("to"))
				}
			}},
			{name: "analytics by month", as: "vendorA", method: "GET", path: "/api/analytics?from=2026-01-01&to=2026-03-31&interval=month", status: 200, check: func(t *testing.T, r *response) {
				if series, _ := r.body["series"].([]any); len(series) != 3 {
					t.Errorf("%d buckets, want 3", len(series))
				}
			}},
			{name: "analytics bad interval", as: "admin", method: "GET", path: "/api/analytics?interval=hour", status: 400, code: "INVALID", field: "interval"},
			{name: "analytics bad date", as: "admin", method: "GET", path: "/api/analytics?from=01/01/2026", status: 400, code: "INVALID", field: "from"},
			{name: "analytics inverted", as: "admin", method: "GET", path: "/api/analytics?from=2026-03-01&to=2026-01-01", status: 400, code: "INVALID", field: "from"},
			{name: "analytics too long", as: "admin", method: "GET", path: "/api/analytics?from=2000-01-01&to=2026-01-01", status: 400, code: "INVALID", field: "from"},
			{name: "activity newest first", as: "admin", method: "GET", path: "/api/activity?limit=3", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 3 || it[0].(map[string]any)["seq"].(float64) <= it[1].(map[string]any)["seq"].(float64) {
					t.Errorf("activity = %s", r.raw)
				}
				// Each entry carries its payload, for the dashboard to write it in its own formats.
				for _, e := range it {
					if p, ok := e.(map[string]any)["payload"].(map[string]any); !ok || len(p) == 0 {
						t.Errorf("activity entry without its payload: %v", e)
					}
				}
				a.vars["actSeq"] = itoa(int64(it[0].(map[string]any)["seq"].(float64)))
			}},
			{name: "activity before", as: "admin", method: "GET", path: "/api/activity?before={actSeq}&limit=2", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				top, _ := strconv.ParseInt(a.vars["actSeq"], 10, 64)
				if len(it) != 2 || int64(it[0].(map[string]any)["seq"].(float64)) != top-1 || int64(it[1].(map[string]any)["seq"].(float64)) != top-2 {
					t.Errorf("activity before %d = %s, want %d and %d", top, r.raw, top-1, top-2)
				}
			}},
			{name: "activity before the first", as: "admin", method: "GET", path: "/api/activity?before=1", status: 200, check: func(t *testing.T, r *response) {
				if len(r.items()) != 0 {
					t.Errorf("activity before 1 = %s, want none", r.raw)
				}
			}},
			{name: "activity vendor B before", as: "vendorB", method: "GET", path: "/api/activity?before={actSeq}&limit=1000", status: 200, check: func(t *testing.T, r *response) {
				for _, e := range r.items() {
					if v := e.(map[string]any)["vendorId"].(float64); itoa(int64(v)) != a.vars["vendorB"] {
						t.Errorf("vendor B sees an event of vendor %v", v)
					}
				}
			}},
			{name: "activity before and after", as: "admin", method: "GET", path: "/api/activity?before=5&after=1", status: 400, code: "INVALID", field: "before"},
			{name: "activity bad before", as: "admin", method: "GET", path: "/api/activity?before=0", status: 400, code: "INVALID", field: "before"},
			{name: "activity after", as: "admin", method: "GET", path: "/api/activity?after=1&limit=2", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 2 || it[0].(map[string]any)["seq"].(float64) != 2 {
					t.Errorf("activity = %s", r.raw)
				}
			}},
			{name: "activity vendor B sees only its own", as: "vendorB", method: "GET", path: "/api/activity?limit=1000", status: 200, check: func(t *testing.T, r *response) {
				for _, e := range r.items() {
					if v := e.(map[string]any)["vendorId"].(float64); itoa(int64(v)) != a.vars["vendorB"] {
						t.Errorf("vendor B sees an event of vendor %v", v)
					}
				}
			}},
			{name: "activity bad after", as: "admin", method: "GET", path: "/api/activity?after=-4", status: 400, code: "INVALID", field: "after"},
			{name: "events oldest first", as: "admin", method: "GET", path: "/api/events?after=0&limit=2", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 2 || it[0].(map[string]any)["seq"].(float64) != 1 || r.num("lastSeq") != 2 {
					t.Errorf("events = %s", r.raw)
				}
				if _, ok := it[0].(map[string]any)["payload"]; !ok {
					t.Errorf("events carry no payload")
				}
			}},
			{name: "events cursor moves to the head for a vendor", as: "vendorB", method: "GET", path: "/api/events?after=0", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				last := int64(it[len(it)-1].(map[string]any)["seq"].(float64))
				if r.num("lastSeq") < last {
					t.Errorf("lastSeq %d behind the last item %d", r.num("lastSeq"), last)
				}
			}},
			{name: "events bad limit", as: "admin", method: "GET", path: "/api/events?limit=1001", status: 400, code: "INVALID", field: "limit"},
			{name: "events cursor carries the epoch", as: "admin", method: "GET", path: "/api/events?after=1", status: 200, check: func(t *testing.T, r *response) {
				if e := r.str("epoch"); e == "" || r.str("cursor") != fmt.Sprintf("%s:%d", e, int64(r.num("lastSeq"))) {
					t.Errorf("epoch %q cursor %q lastSeq %v", e, r.str("cursor"), r.num("lastSeq"))
				}
			}},
			{name: "events cursor of another epoch", as: "admin", method: "GET", path: "/api/events?after=zzzzzzzz:1", status: 409, code: "RESYNC_REQUIRED", field: "after"},
			{name: "events cursor beyond the head", as: "vendorA", method: "GET", path: "/api/events?after=1000000", status: 409, code: "RESYNC_REQUIRED", field: "after"},
			{name: "events bad cursor", as: "admin", method: "GET", path: "/api/events?after=:5", status: 400, code: "INVALID", field: "after"},
			{name: "ops (admin)", as: "admin", method: "GET", path: "/api/ops", status: 200},
			{name: "ops (vendor)", as: "vendorA", method: "GET", path: "/api/ops", status: 403, code: "FORBIDDEN"},
			{name: "unknown endpoint", as: "admin", method: "GET", path: "/api/nope", status: 404, code: "NOT_FOUND"},
			{name: "wrong method", as: "admin", method: "DELETE", path: "/api/payments", status: 405, code: "METHOD_NOT_ALLOWED"},
		})
		a.t = t
		logs := a.logs.String()
		for _, secret := range []string{a.tok["admin"], a.tok["vendorA"], a.vars["refreshToken"], "password-admin", "new-vendor-pw"} {
			if secret != "" && strings.Contains(logs, secret) {
				t.Errorf("a token or password reached the log: %.20s...", secret)
			}
		}
		if !strings.Contains(logs, `route="POST /api/payments"`) || !strings.Contains(logs, "request_id=") {
			t.Errorf("access log lines lack the route or the request id:\n%.2000s", logs)
		}
	})
}
