package httpapi

import (
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestStaffRound: over REST, vendor A's staff member (area A) reads its
// round, marks a delivery on it and records a UPI payment at the door,
// once; it cannot read area 2's round, touch area 2's or vendor B's
// deliveries and customers, or read analytics. Vendor A manages its own
// staff; vendor B cannot.
func TestStaffRound(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		today := time.Now().UTC().Format(time.DateOnly)
		runScenarios(t, a, []scenario{
			// Vendor A's second area, with a customer and a delivery today.
			{name: "vendor adds area 2", as: "vendorA", method: "POST", path: "/api/areas", body: `{"name":"Area 2"}`, status: 201, check: save(a, "areaA2", "id")},
			{name: "vendor adds a customer in area 2", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"Bala","areaId":{areaA2}}`, status: 201, check: save(a, "cA2", "id")},
			{name: "vendor adds a delivery in area 2", as: "vendorA", method: "POST", path: "/api/deliveries",
				body: `{"customerId":{cA2},"scheduledFor":"` + today + `","items":"Milk","quantity":1,"amountCents":100}`, status: 201, check: save(a, "dA2", "id")},

			{name: "staff reads itself", as: "staff", method: "GET", path: "/api/me", status: 200, check: func(t *testing.T, r *response) {
				if r.str("role") != "staff" || itoa(r.num("vendorId")) != a.vars["vendorA"] {
					t.Errorf("me = %s", r.raw)
				}
			}},
			{name: "staff reads its round", as: "staff", method: "GET", path: "/api/round", status: 200, check: func(t *testing.T, r *response) {
				stops, _ := r.body["stops"].([]any)
				if len(stops) != 1 || itoa(r.num("counters.total")) != "1" {
					t.Fatalf("round = %s, want customer A's delivery only", r.raw)
				}
				d := stops[0].(map[string]any)["delivery"].(map[string]any)
				if itoa(int64(d["id"].(float64))) != a.vars["dA"] {
					t.Errorf("stop = %v, want delivery dA", d)
				}
			}},
			{name: "staff cannot read area 2's round", as: "staff", method: "GET", path: "/api/round?areaId={areaA2}", status: 403, code: "FORBIDDEN", field: "areaId"},
			{name: "staff cannot read yesterday's round", as: "staff", method: "GET", path: "/api/round?date=" + time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly), status: 403, code: "FORBIDDEN", field: "date"},
			{name: "staff sets out", as: "staff", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "staff marks delivered", as: "staff", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"delivered"}`, header: map[string]string{"Idempotency-Key": "staff-d1"}, status: 200,
				check: func(t *testing.T, r *response) {
					if r.str("delivery.status") != "delivered" {
						t.Errorf("change = %s", r.raw)
					}
				}},
			{name: "staff cannot mark area 2's delivery", as: "staff", method: "PATCH", path: "/api/deliveries/{dA2}", body: `{"status":"out_for_delivery"}`, status: 403, code: "FORBIDDEN"},
			{name: "staff cannot mark vendor B's delivery", as: "staff", method: "PATCH", path: "/api/deliveries/{dB}", body: `{"status":"out_for_delivery"}`, status: 403, code: "FORBIDDEN"},
			{name: "staff bulk: off-round ids refused each", as: "staff", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{dA2},{dB}],"status":"skipped","reason":"not_home"}`, status: 200,
				check: func(t *testing.T, r *response) {
					if r.num("succeeded") != 0 || r.num("failed") != 2 {
						t.Errorf("bulk = %s", r.raw)
					}
				}},
			{name: "staff records UPI", as: "staff", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":2000,"method":"upi","reference":"UPI 42"}`,
				header: map[string]string{"Idempotency-Key": "staff-pay-1"}, status: 201, check: func(t *testing.T, r *response) {
					if r.num("customer.balanceCents") != 4500-2000 || itoa(r.num("payment.recordedBy")) != a.vars["staff"] {
						t.Errorf("payment = %s", r.raw)
					}
				}},
			{name: "staff UPI retried", as: "staff", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":2000,"method":"upi","reference":"UPI 42"}`,
				header: map[string]string{"Idempotency-Key": "staff-pay-1"}, status: 201, check: wantNum("customer.balanceCents", 2500)},
			{name: "vendor sees one payment", as: "vendorA", method: "GET", path: "/api/payments?customerId={cA}", status: 200, check: wantNum("total", 1)},
			{name: "staff cannot take a card", as: "staff", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":100,"method":"card"}`,
				header: map[string]string{"Idempotency-Key": "staff-pay-2"}, status: 403, code: "FORBIDDEN", field: "method"},
			{name: "staff cannot take area 2's money", as: "staff", method: "POST", path: "/api/payments", body: `{"customerId":{cA2},"amountCents":100,"method":"cash"}`,
				header: map[string]string{"Idempotency-Key": "staff-pay-3"}, status: 403, code: "FORBIDDEN", field: "customerId"},
			{name: "staff cannot take vendor B's money", as: "staff", method: "POST", path: "/api/payments", body: `{"customerId":{cB},"amountCents":100,"method":"cash"}`,
				header: map[string]string{"Idempotency-Key": "staff-pay-4"}, status: 403, code: "FORBIDDEN", field: "customerId"},
			{name: "staff cannot read analytics", as: "staff", method: "GET", path: "/api/analytics", status: 403, code: "FORBIDDEN"},
			{name: "staff cannot read stats", as: "staff", method: "GET", path: "/api/stats", status: 403, code: "FORBIDDEN"},
			{name: "staff cannot read customers", as: "staff", method: "GET", path: "/api/customers/{cA}", status: 403, code: "FORBIDDEN"},
			{name: "staff cannot read vendor B's customer", as: "staff", method: "GET", path: "/api/customers/{cB}", status: 403, code: "FORBIDDEN"},

			// Staff management.
			{name: "vendor lists its staff", as: "vendorA", method: "GET", path: "/api/users", status: 200, check: wantNum("total", 1)},
			{name: "vendor B cannot suspend A's staff", as: "vendorB", method: "PATCH", path: "/api/users/{staff}", body: `{"status":"suspended"}`, status: 403, code: "FORBIDDEN"},
			{name: "vendor B cannot add staff to A", as: "vendorB", method: "POST", path: "/api/users",
				body: `{"email":"z@example.com","role":"staff","vendorId":{vendorA},"password":"longenough"}`, status: 403, code: "FORBIDDEN", field: "vendorId"},
			{name: "vendor adds staff", as: "vendorA", method: "POST", path: "/api/users",
				body: `{"email":"ravi@example.com","name":"Ravi","role":"staff","areaIds":[{areaA2}],"shifts":["evening"],"password":"longenough"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.str("role") != "staff" || itoa(r.num("vendorId")) != a.vars["vendorA"] {
						t.Errorf("new staff = %s", r.raw)
					}
				}},
			{name: "admin adds staff without a vendor", as: "admin", method: "POST", path: "/api/users",
				body: `{"email":"q@example.com","role":"staff","password":"longenough"}`, status: 400, code: "INVALID", field: "vendorId"},
			{name: "vendor suspends its staff", as: "vendorA", method: "PATCH", path: "/api/users/{staff}", body: `{"status":"suspended"}`, status: 200},
			{name: "suspended staff is out", as: "staff", method: "GET", path: "/api/round", status: 401, code: "UNAUTHORIZED"},
		})
	})
}
