package httpapi

import (
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestSettings: every signed-in user reads the payment confirmation
// threshold (default 10,000.00); only admins change it, within bounds, and
// the change is what everyone reads next.
func TestSettings(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		if r := a.do("vendorA", "GET", "/api/settings", "", nil); r.status != 200 || r.num("confirmAboveCents") != 1_000_000 {
			t.Fatalf("default settings = %d %s", r.status, r.raw)
		}
		if r := a.do("vendorA", "PATCH", "/api/settings", `{"confirmAboveCents":5}`, nil); r.status != 403 {
			t.Errorf("vendor PATCH = %d %s, want 403", r.status, r.raw)
		}
		for _, body := range []string{`{"confirmAboveCents":-1}`, `{"confirmAboveCents":1000000001}`, `{"confirmAboveCents":"x"}`, `{"confirmAbove":5}`} {
			r := a.do("admin", "PATCH", "/api/settings", body, nil)
			if code, field := r.err(); r.status != 400 || code != "INVALID" || field == "" {
				t.Errorf("PATCH %s = %d %s %s, want 400 INVALID naming the field", body, r.status, code, r.raw)
			}
		}
		if r := a.do("admin", "PATCH", "/api/settings", `{"confirmAboveCents":500000}`, nil); r.status != 200 || r.num("confirmAboveCents") != 500_000 {
			t.Fatalf("admin PATCH = %d %s", r.status, r.raw)
		}
		if r := a.do("vendorB", "GET", "/api/settings", "", nil); r.num("confirmAboveCents") != 500_000 {
			t.Errorf("after the change = %s, want 500000", r.raw)
		}
		if r := a.do("admin", "PATCH", "/api/settings", `{}`, nil); r.num("confirmAboveCents") != 500_000 {
			t.Errorf("empty PATCH changed the settings: %s", r.raw)
		}
		// The change is in the log, for admins only: who set what.
		r := a.do("admin", "GET", "/api/activity?limit=5", "", nil)
		var found []map[string]any
		for _, e := range r.items() {
			if m := e.(map[string]any); m["action"] == "settings.updated" {
				found = append(found, m)
			}
		}
		if len(found) != 1 || found[0]["entity"] != "settings" || found[0]["summary"] != "Payments above ₹5,000.00 now ask for a confirmation (set by Ada Admin)" {
			t.Fatalf("settings.updated entries = %v (want one: the empty PATCH changes nothing)", found)
		}
		if p, _ := found[0]["payload"].(map[string]any); p == nil || p["settings"].(map[string]any)["confirmAboveCents"] != float64(500_000) {
			t.Errorf("settings.updated payload = %v", found[0]["payload"])
		}
		for _, e := range a.do("vendorA", "GET", "/api/activity?limit=1000", "", nil).items() {
			if e.(map[string]any)["action"] == "settings.updated" {
				t.Errorf("a vendor sees the settings change: %v", e)
			}
		}
	})
}
