package httpapi

import (
	"strconv"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestAnalyticsRoutes covers dues ageing, the breakdowns by product and
// area, and the vendor comparison over REST on both databases: each
// vendor sees only its own, errors name their field, and every answer
// matches openapi.json (the harness checks each response).
func TestAnalyticsRoutes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		runScenarios(t, a, []scenario{
			{name: "out for delivery", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "delivered", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"delivered"}`, status: 200},
			{name: "part paid", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1000,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "an-1"}, status: 201},
			{name: "vendor A's ageing", as: "vendorA", method: "GET", path: "/api/analytics/ageing", status: 200, check: func(t *testing.T, r *response) {
				c, _ := r.body["customers"].([]any)
				if r.num("totalCents") != 3500 || r.str("asOf") != today || len(c) != 1 || r.num("vendorId") != int64(mustAtoi(a.vars["vendorA"])) {
					t.Errorf("ageing = %s", r.raw)
				}
				if cust, _ := c[0].(map[string]any); cust["bucket"] != "0-30" || cust["oldestUnpaidOn"] != today || cust["ageDays"] != float64(0) {
					t.Errorf("customer = %v", cust)
				}
			}},
			{name: "vendor B owes nothing", as: "vendorB", method: "GET", path: "/api/analytics/ageing", status: 200, check: wantNum("totalCents", 0)},
			{name: "admin ages vendor B", as: "admin", method: "GET", path: "/api/analytics/ageing?vendorId={vendorB}&asOf=" + today, status: 200, check: wantNum("totalCents", 0)},
			{name: "admin ages everyone", as: "admin", method: "GET", path: "/api/analytics/ageing", status: 200, check: wantNum("totalCents", 3500)},
			{name: "vendor asks for another's dues", as: "vendorB", method: "GET", path: "/api/analytics/ageing?vendorId={vendorA}", status: 403, code: "FORBIDDEN", field: "vendorId"},
			{name: "ageing in the future", as: "admin", method: "GET", path: "/api/analytics/ageing?asOf=" + tomorrow, status: 400, code: "INVALID", field: "asOf"},
			{name: "ageing bad day", as: "admin", method: "GET", path: "/api/analytics/ageing?asOf=31/12/2026", status: 400, code: "INVALID", field: "asOf"},
			{name: "ageing bad vendor", as: "admin", method: "GET", path: "/api/analytics/ageing?vendorId=x", status: 400, code: "INVALID", field: "vendorId"},
			{name: "by product", as: "vendorA", method: "GET", path: "/api/analytics/products", status: 200, check: func(t *testing.T, r *response) {
				rows, _ := r.body["rows"].([]any)
				if len(rows) != 1 || r.str("by") != "product" {
					t.Fatalf("products = %s", r.raw)
				}
				if row := rows[0].(map[string]any); row["id"] != nil || row["revenueCents"] != float64(4500) || row["quantity"] != float64(2) {
					t.Errorf("one-off row = %v", row)
				}
			}},
			{name: "by area", as: "admin", method: "GET", path: "/api/analytics/areas?from=" + today + "&to=" + today, status: 200, check: func(t *testing.T, r *response) {
				rows, _ := r.body["rows"].([]any)
				if len(rows) != 1 || rows[0].(map[string]any)["id"] != float64(mustAtoi(a.vars["areaA"])) || rows[0].(map[string]any)["name"] != "Area 1" {
					t.Errorf("areas = %s", r.raw)
				}
			}},
			{name: "vendor B has no area revenue", as: "vendorB", method: "GET", path: "/api/analytics/areas", status: 200, check: func(t *testing.T, r *response) {
				if rows, _ := r.body["rows"].([]any); len(rows) != 0 {
					t.Errorf("vendor B areas = %s", r.raw)
				}
			}},
			{name: "breakdown inverted", as: "admin", method: "GET", path: "/api/analytics/products?from=2026-03-01&to=2026-01-01", status: 400, code: "INVALID", field: "from"},
			{name: "breakdown bad day", as: "admin", method: "GET", path: "/api/analytics/areas?to=tomorrow", status: 400, code: "INVALID", field: "to"},
			{name: "vendors compared", as: "admin", method: "GET", path: "/api/analytics/vendors", status: 200, check: func(t *testing.T, r *response) {
				v, _ := r.body["vendors"].([]any)
				if len(v) != 3 {
					t.Fatalf("vendors = %s", r.raw)
				}
				first := v[0].(map[string]any)
				if first["name"] != "Vendor A" || first["revenueCents"] != float64(4500) || first["paymentsCents"] != float64(1000) || first["collectionRate"] != 0.2222 {
					t.Errorf("first vendor = %v", first)
				}
			}},
			{name: "vendors cannot compare", as: "vendorA", method: "GET", path: "/api/analytics/vendors", status: 403, code: "FORBIDDEN"},
			{name: "comparison bad range", as: "admin", method: "GET", path: "/api/analytics/vendors?from=2000-01-01&to=2026-01-01", status: 400, code: "INVALID", field: "to"},
			{name: "series carry the rate", as: "vendorA", method: "GET", path: "/api/analytics?from=" + today + "&to=" + today, status: 200, check: func(t *testing.T, r *response) {
				s, _ := r.body["series"].([]any)
				if p := s[0].(map[string]any); p["collectionRate"] != 0.2222 || p["activeSubscribers"] != float64(0) {
					t.Errorf("series = %s", r.raw)
				}
			}},
		})
	})
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}
