package httpapi

import (
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestReversalsAPI: corrections over REST, on both databases. Every answer
// is also checked against the OpenAPI document by the harness.
func TestReversalsAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		keep := func(name, path string) func(*testing.T, *response) {
			return func(t *testing.T, r *response) { a.vars[name] = itoa(r.num(path)) }
		}
		runScenarios(t, a, []scenario{
			{name: "payment typed ten times too big", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":45000,"method":"cash"}`,
				header: map[string]string{"Idempotency-Key": "pay-too-big"}, status: 201, check: keep("pay", "payment.id")},
			{name: "vendor cannot reverse", as: "vendorA", method: "POST", path: "/api/payments/{pay}/reversal", body: `{"reason":"typo"}`, status: 403, code: "FORBIDDEN"},
			{name: "reason required", as: "admin", method: "POST", path: "/api/payments/{pay}/reversal", body: `{}`, status: 400, code: "INVALID", field: "reason"},
			{name: "reason without control characters", as: "admin", method: "POST", path: "/api/payments/{pay}/reversal", body: `{"reason":"ty\u0000po"}`, status: 400, code: "INVALID", field: "reason"},
			{name: "unknown payment", as: "admin", method: "POST", path: "/api/payments/999999/reversal", body: `{"reason":"typo"}`, status: 404, code: "NOT_FOUND"},
			{name: "reverse the payment", as: "admin", method: "POST", path: "/api/payments/{pay}/reversal", body: `{"reason":"typed 45,000 for 4,500"}`,
				header: map[string]string{"Idempotency-Key": "rev-pay-1"}, status: 201, check: func(t *testing.T, r *response) {
					if r.num("customer.balanceCents") != 0 || r.num("reversal.amountCents") != 45000 || r.str("payment.reversedAt") == "" ||
						r.str("payment.reversalReason") != "typed 45,000 for 4,500" || r.num("payment.amountCents") != 45000 {
						t.Errorf("reversal answer = %s", r.raw)
					}
				}},
			{name: "retry with the same key replays", as: "admin", method: "POST", path: "/api/payments/{pay}/reversal", body: `{"reason":"typed 45,000 for 4,500"}`,
				header: map[string]string{"Idempotency-Key": "rev-pay-1"}, status: 201, check: func(t *testing.T, r *response) {
					if r.num("customer.balanceCents") != 0 || r.header.Get("Idempotent-Replayed") != "true" {
						t.Errorf("replay = %v %s", r.header, r.raw)
					}
				}},
			{name: "the key with another reason", as: "admin", method: "POST", path: "/api/payments/{pay}/reversal", body: `{"reason":"other"}`,
				header: map[string]string{"Idempotency-Key": "rev-pay-1"}, status: 422, code: "IDEMPOTENCY_KEY_REUSED", field: "idempotencyKey"},
			{name: "second reversal refused", as: "admin", method: "POST", path: "/api/payments/{pay}/reversal", body: `{"reason":"again"}`, status: 409, code: "ALREADY_REVERSED"},
			{name: "vendor sees the payment reversed", as: "vendorA", method: "GET", path: "/api/payments?customerId={cA}", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 1 || it[0].(map[string]any)["reversedAt"] == nil {
					t.Errorf("payments = %s", r.raw)
				}
			}},
			{name: "reversed payment counts nowhere", as: "vendorA", method: "GET", path: "/api/stats", status: 200, check: func(t *testing.T, r *response) {
				if r.num("paymentsToday") != 0 || r.num("paymentsTodayCents") != 0 {
					t.Errorf("stats = %s", r.raw)
				}
			}},
			{name: "ledger shows both entries", as: "vendorA", method: "GET", path: "/api/customers/{cA}/ledger", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 2 {
					t.Fatalf("ledger = %s", r.raw)
				}
				rev, orig := it[0].(map[string]any), it[1].(map[string]any)
				if rev["kind"] != "reversal" || rev["reverses"] == nil || orig["reversedAt"] == nil || orig["reversalReason"] != "typed 45,000 for 4,500" {
					t.Errorf("ledger = %s", r.raw)
				}
			}},

			{name: "deliver", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "delivered", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"delivered"}`, status: 200},
			{name: "vendor cannot reverse a delivery", as: "vendorA", method: "POST", path: "/api/deliveries/{dA}/reversal", body: `{"reason":"mistake"}`, status: 403, code: "FORBIDDEN"},
			{name: "reverse the delivery", as: "admin", method: "POST", path: "/api/deliveries/{dA}/reversal", body: `{"reason":"marked by mistake"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.num("customer.balanceCents") != 0 || r.num("reversal.amountCents") != -4500 || r.str("delivery.status") != "delivered" || r.str("delivery.reversedAt") == "" {
						t.Errorf("reversal answer = %s", r.raw)
					}
				}},
			{name: "second delivery reversal refused", as: "admin", method: "POST", path: "/api/deliveries/{dA}/reversal", body: `{"reason":"again"}`, status: 409, code: "ALREADY_REVERSED"},
			{name: "revenue net of the reversal", as: "admin", method: "GET", path: "/api/stats", status: 200, check: func(t *testing.T, r *response) {
				if r.num("revenueTodayCents") != 0 || r.num("deliveriesToday.reversed") != 1 || r.num("deliveriesToday.delivered") != 0 {
					t.Errorf("stats = %s", r.raw)
				}
			}},
			{name: "an open delivery is cancelled instead", as: "admin", method: "POST", path: "/api/deliveries/{dB}/reversal", body: `{"reason":"customer away"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.body["reversal"] != nil || r.str("delivery.status") != "cancelled" {
						t.Errorf("answer = %s", r.raw)
					}
				}},
			{name: "a cancelled delivery has nothing to reverse", as: "admin", method: "POST", path: "/api/deliveries/{dB}/reversal", body: `{"reason":"again"}`, status: 409, code: "INVALID_TRANSITION", field: "status"},
		})
	})
}
