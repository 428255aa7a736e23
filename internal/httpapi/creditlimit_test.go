package httpapi

import (
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestVendorsSeeTheirOwnCustomersLimits: alerts stay admins' (vendors and
// staff get 403), but a vendor reads its own customers' credit limits and
// the business default (GET /api/settings defaultCreditLimitCents, read-only
// there), which is what its dashboard marks "Over limit" with; never
// another vendor's customer.
func TestVendorsSeeTheirOwnCustomersLimits(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		for _, who := range []string{"admin", "vendorA", "staff"} {
			if r := a.do(who, "GET", "/api/settings", "", nil); r.status != 200 || r.num("defaultCreditLimitCents") != 500_000 {
				t.Fatalf("%s reads the default credit limit: %d %s", who, r.status, r.raw)
			}
		}
		for _, who := range []string{"vendorA", "staff"} {
			for _, path := range []string{"/api/alerts?status=open", "/api/alerts/rules"} {
				if r := a.do(who, "GET", path, "", nil); r.status != 403 {
					t.Fatalf("%s GET %s = %d, want 403", who, path, r.status)
				}
			}
		}
		// Read-only in the settings: it is the alert rules' to change.
		if r := a.do("admin", "PATCH", "/api/settings", `{"defaultCreditLimitCents":100}`, nil); r.status != 400 {
			t.Fatalf("PATCH defaultCreditLimitCents in the settings = %d %s, want 400", r.status, r.raw)
		}
		if r := a.do("admin", "PATCH", "/api/alerts/rules", `{"balance_over_limit":{"defaultCreditLimitCents":2500}}`, nil); r.status != 200 {
			t.Fatalf("admin changes the default: %d %s", r.status, r.raw)
		}
		if r := a.do("vendorB", "GET", "/api/settings", "", nil); r.num("defaultCreditLimitCents") != 2500 {
			t.Fatalf("after the change, a vendor reads %s", r.raw)
		}

		// Each customer's own limit: its vendor reads it, in the list and alone.
		for _, c := range []string{"{cA}", "{cB}"} {
			if r := a.do("admin", "PATCH", "/api/customers/"+c, `{"creditLimitCents":1000}`, nil); r.status != 200 {
				t.Fatalf("admin sets %s's limit: %d %s", c, r.status, r.raw)
			}
		}
		if r := a.do("vendorA", "GET", "/api/customers/{cA}", "", nil); r.status != 200 || r.num("creditLimitCents") != 1000 || r.num("balanceCents") != 0 {
			t.Fatalf("vendor A's own customer: %d %s", r.status, r.raw)
		}
		list := a.do("vendorA", "GET", "/api/customers", "", nil)
		if items := list.items(); len(items) != 1 || items[0].(map[string]any)["creditLimitCents"] != float64(1000) {
			t.Fatalf("vendor A's list: %s", list.raw)
		}
		if r := a.do("vendorA", "GET", "/api/customers/{cB}", "", nil); r.status != 404 && r.status != 403 {
			t.Fatalf("vendor A reads vendor B's customer: %d %s", r.status, r.raw)
		}
	})
}
