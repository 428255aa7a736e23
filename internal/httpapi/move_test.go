package httpapi

import (
	"strconv"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestVendorMoveAPI: vendor A's customer moves to vendor B over REST; from
// then on A gets 404 on the customer, its ledger, its deliveries and its
// payments, and B can act on all of them.
func TestVendorMoveAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		runScenarios(t, a, []scenario{
			{name: "A is paid", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":300,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "move-0"}, status: 201},
			{name: "vendor cannot move", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"vendorId":{vendorB}}`, status: 403, code: "FORBIDDEN"},
			{name: "admin moves A's customer to B", as: "admin", method: "PATCH", path: "/api/customers/{cA}", body: `{"vendorId":{vendorB}}`, status: 200,
				check: wantNum("vendorId", mustInt(a.vars["vendorB"]))},
			{name: "A cannot read the customer", as: "vendorA", method: "GET", path: "/api/customers/{cA}", status: 404, code: "NOT_FOUND"},
			{name: "A cannot change the customer", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"name":"x"}`, status: 404, code: "NOT_FOUND"},
			{name: "A cannot read the ledger", as: "vendorA", method: "GET", path: "/api/customers/{cA}/ledger", status: 404, code: "NOT_FOUND"},
			{name: "A cannot read the open delivery", as: "vendorA", method: "GET", path: "/api/deliveries/{dA}", status: 404, code: "NOT_FOUND"},
			{name: "A cannot deliver it", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 404, code: "NOT_FOUND"},
			{name: "A lists no delivery of it", as: "vendorA", method: "GET", path: "/api/deliveries?customerId={cA}", status: 200, check: wantItems(0)},
			{name: "A lists no payment of it", as: "vendorA", method: "GET", path: "/api/payments?customerId={cA}", status: 200, check: wantItems(0)},
			{name: "A cannot take a payment for it", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "move-1"}, status: 404, code: "NOT_FOUND", field: "customerId"},
			{name: "B reads the moved delivery", as: "vendorB", method: "GET", path: "/api/deliveries/{dA}", status: 200, check: wantNum("vendorId", mustInt(a.vars["vendorB"]))},
			{name: "B sees the payment made before the move", as: "vendorB", method: "GET", path: "/api/payments?customerId={cA}", status: 200, check: wantItems(1)},
			{name: "B delivers it", as: "vendorB", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "B reads the ledger", as: "vendorB", method: "GET", path: "/api/customers/{cA}/ledger", status: 200, check: wantItems(1)},
			{name: "admin cannot deliver for another vendor than the customer's", as: "admin", method: "POST", path: "/api/deliveries",
				body: `{"customerId":{cA},"vendorId":{vendorA},"scheduledFor":"` + todayUTC() + `","items":"Milk","quantity":1,"amountCents":100}`, status: 400, code: "INVALID", field: "vendorId"},
			{name: "A's outstanding no longer holds the customer", as: "vendorA", method: "GET", path: "/api/stats", status: 200, check: wantNum("outstandingCents", 0)},
		})
	})
}

func mustInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

func todayUTC() string { return time.Now().UTC().Format(time.DateOnly) }
