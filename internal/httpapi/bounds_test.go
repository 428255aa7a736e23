package httpapi

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestListParameterBounds: an over-long search or too many ids is a 400
// naming the parameter, answered at once (a 60,000-character search used
// to be a 500; 40,000 ids took 1.9 s), and repeated ids count once.
func TestListParameterBounds(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		long := strings.Repeat("a", 60000)
		ids := func(n int) string {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = strconv.Itoa(i + 1)
			}
			return strings.Join(parts, ",")
		}
		start := time.Now()
		runScenarios(t, a, []scenario{
			{name: "customers: 60,000-char search", as: "vendorA", method: "GET", path: "/api/customers?search=" + long, status: 400, code: "INVALID", field: "search"},
			{name: "customers: 201-char search", as: "admin", method: "GET", path: "/api/customers?search=" + strings.Repeat("é", 201), status: 400, code: "INVALID", field: "search"},
			{name: "customers: 200-char search", as: "admin", method: "GET", path: "/api/customers?search=" + strings.Repeat("é", 200), status: 200},
			{name: "users: 60,000-char search", as: "admin", method: "GET", path: "/api/users?search=" + long, status: 400, code: "INVALID", field: "search"},
			{name: "metrics: 40,000 ids", as: "admin", method: "GET", path: "/api/vendors/metrics?ids=" + ids(40000), status: 400, code: "INVALID", field: "ids"},
			{name: "metrics: 501 ids", as: "admin", method: "GET", path: "/api/vendors/metrics?ids=" + ids(501), status: 400, code: "INVALID", field: "ids"},
			{name: "metrics: 500 ids", as: "admin", method: "GET", path: "/api/vendors/metrics?ids=" + ids(500), status: 200},
			{name: "metrics: repeated ids count once", as: "admin", method: "GET", path: "/api/vendors/metrics?ids={vendorA},{vendorA},{vendorA}", status: 200,
				check: func(t *testing.T, r *response) {
					if n := len(r.items()); n != 1 {
						t.Errorf("%d items for one vendor repeated, want 1", n)
					}
				}},
		})
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("the bounded requests took %v", took)
		}
	})
}
