package httpapi

import (
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestInputRulesAPI: control characters are a 400 naming the field on both
// databases (PostgreSQL answered 500 for NUL), scheduledFor must lie near
// today, and paused customers get no new delivery and no charge but can pay.
func TestInputRulesAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		today := todayUTC()
		runScenarios(t, a, []scenario{
			{name: "NUL in a customer name", as: "admin", method: "POST", path: "/api/customers", body: `{"name":"Asha\u0000Rao","vendorId":{vendorA}}`, status: 400, code: "INVALID", field: "name"},
			{name: "escape in an address", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"address":"12 MG\u001b[31m Road"}`, status: 400, code: "INVALID", field: "address"},
			{name: "NUL in items", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Milk\u0000","quantity":1,"amountCents":100}`, status: 400, code: "INVALID", field: "items"},
			{name: "NUL in a note", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"note":"gate\u0000"}`, status: 400, code: "INVALID", field: "note"},
			{name: "a note may span lines", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"note":"ring twice\n\tgate code 12"}`, status: 200},
			{name: "NUL in a payment reference", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":100,"method":"upi","reference":"UPI\u0000"}`, header: map[string]string{"Idempotency-Key": "input-0"}, status: 400, code: "INVALID", field: "reference"},
			{name: "NUL in a search", as: "vendorA", method: "GET", path: "/api/customers?search=a%00b", status: 400, code: "INVALID", field: "search"},
			{name: "NUL in a login", method: "POST", path: "/api/auth/login", body: `{"email":"a\u0000@example.com","password":"password-vendorA"}`, status: 401, code: "UNAUTHORIZED"},
			{name: "a year typed as 0202", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"0202-12-01","items":"Milk","quantity":1,"amountCents":100}`, status: 400, code: "INVALID", field: "scheduledFor"},
			{name: "an amount over the limit", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":100000000001,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "input-1"}, status: 400, code: "INVALID", field: "amountCents",
				check: func(t *testing.T, r *response) {
					if msg := r.str("error.message"); msg != "amountCents must be at most 100000000000 (1000000000.00)" {
						t.Errorf("message = %q", msg)
					}
				}},
			{name: "an amount beyond any integer", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":100000000000000000000,"method":"cash"}`, status: 400, code: "INVALID", field: "amountCents",
				check: func(t *testing.T, r *response) {
					if msg := r.str("error.message"); msg != "amountCents must be at most 100000000000 (1000000000.00)" {
						t.Errorf("message = %q", msg)
					}
				}},
			{name: "a quantity beyond any integer", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Milk","quantity":99999999999999999999,"amountCents":100}`, status: 400, code: "INVALID", field: "quantity",
				check: func(t *testing.T, r *response) {
					if msg := r.str("error.message"); msg != "quantity is too large" {
						t.Errorf("message = %q", msg)
					}
				}},
			{name: "pause the customer", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"status":"paused"}`, status: 200},
			{name: "no new delivery for a paused customer", as: "vendorA", method: "POST", path: "/api/deliveries", body: `{"customerId":{cA},"scheduledFor":"` + today + `","items":"Milk","quantity":1,"amountCents":100}`, status: 409, code: "CUSTOMER_NOT_ACTIVE", field: "customerId"},
			{name: "out for delivery is still allowed", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "no charge to a paused customer", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"delivered"}`, status: 409, code: "CUSTOMER_NOT_ACTIVE", field: "status"},
			{name: "a paused customer can pay", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":100,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "input-2"}, status: 201},
		})
	})
}
