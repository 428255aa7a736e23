package httpapi

import (
	"context"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestAlertsOverHTTP: an alert raised by a large payment is listed by
// status, the rules are read and patched, credit limits are set by admins
// only, and every answer matches the OpenAPI document (do checks it).
func TestAlertsOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		r := a.do("admin", "PATCH", "/api/alerts/rules", `{"large_payment":{"thresholdCents":1000},"balance_over_limit":{"enabled":false}}`, nil)
		if r.status != 200 || r.num("large_payment.thresholdCents") != 1000 || r.num("failure_rate.percent") != 20 {
			t.Fatalf("PATCH rules: %d %s", r.status, r.raw)
		}
		if r := a.do("admin", "PATCH", "/api/alerts/rules", `{"failure_rate":{"percent":101}}`, nil); r.status != 400 {
			t.Fatalf("bad percent: %d %s", r.status, r.raw)
		} else if code, field := r.err(); code != "INVALID" || field != "failure_rate.percent" {
			t.Fatalf("bad percent: %s", r.raw)
		}
		if r := a.do("admin", "GET", "/api/alerts/rules", "", nil); r.status != 200 || r.num("large_payment.thresholdCents") != 1000 {
			t.Fatalf("GET rules: %d %s", r.status, r.raw)
		}
		p := a.do("vendorA", "POST", "/api/payments", `{"customerId":{cA},"amountCents":250000,"method":"cash"}`, map[string]string{"Idempotency-Key": "big-one"})
		if p.status != 201 {
			t.Fatalf("payment: %d %s", p.status, p.raw)
		}
		if err := a.svc.EvaluateAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		list := func(q string) []any {
			r := a.do("admin", "GET", "/api/alerts"+q, "", nil)
			if r.status != 200 {
				t.Fatalf("GET /api/alerts%s: %d %s", q, r.status, r.raw)
			}
			al, _ := r.body["alerts"].([]any)
			return al
		}
		open := list("?status=open")
		if len(open) != 1 || open[0].(map[string]any)["rule"] != "large_payment" {
			t.Fatalf("open alerts: %v", open)
		}
		if n := len(list("?status=resolved")); n != 0 {
			t.Fatalf("%d resolved alerts, want 0", n)
		}
		if r := a.do("admin", "GET", "/api/alerts?status=closed", "", nil); r.status != 400 {
			t.Fatalf("bad status: %d %s", r.status, r.raw)
		}

		// creditLimitCents: admins set it, vendors may not.
		if r := a.do("vendorA", "PATCH", "/api/customers/{cA}", `{"creditLimitCents":100}`, nil); r.status != 403 {
			t.Fatalf("vendor sets a credit limit: %d %s", r.status, r.raw)
		}
		if r := a.do("admin", "PATCH", "/api/customers/{cA}", `{"creditLimitCents":120000}`, nil); r.status != 200 || r.num("creditLimitCents") != 120000 {
			t.Fatalf("admin sets a credit limit: %d %s", r.status, r.raw)
		}
		if r := a.do("admin", "GET", "/api/customers/{cA}", "", nil); r.num("creditLimitCents") != 120000 {
			t.Fatalf("customer after: %s", r.raw)
		}
		if r := a.do("admin", "PATCH", "/api/customers/{cA}", `{"creditLimitCents":-1}`, nil); r.status != 200 || r.body["creditLimitCents"] != nil {
			t.Fatalf("admin clears a credit limit: %d %s", r.status, r.raw)
		}
		if r := a.do("admin", "POST", "/api/customers", `{"name":"Limited","vendorId":{vendorA},"creditLimitCents":-1}`, nil); r.status != 400 {
			t.Fatalf("create with -1: %d %s", r.status, r.raw)
		}
	})
}
