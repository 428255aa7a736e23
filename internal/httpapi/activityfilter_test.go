package httpapi

import (
	"context"
	"fmt"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestActivityLeavesOutSecurityHappenings: failed logins are security
// events, not business: GET /api/activity (newest, before and after pages)
// leaves them out, while GET /api/events (the socket's REST fallback) and
// GET /api/security/events keep them. An account change stays in the feed.
func TestActivityLeavesOutSecurityHappenings(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		if r := a.do("admin", "POST", "/api/users", `{"email":"new@example.com","name":"New Vendor","role":"vendor","password":"a-long-password"}`, nil); r.status != 201 {
			t.Fatalf("create user: %d %s", r.status, r.raw)
		}
		for i := range 5 {
			if err := a.svc.Security.RecordSecurityEvent(context.Background(), &domain.SecurityEvent{
				Kind: domain.SecurityLoginFailed, Email: "x@example.com", Address: fmt.Sprintf("203.0.113.%d", i+1)}); err != nil {
				t.Fatal(err)
			}
		}
		actions := func(path string) []string {
			t.Helper()
			r := a.do("admin", "GET", path, "", nil)
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
			}
			var out []string
			for _, it := range r.body["items"].([]any) {
				out = append(out, it.(map[string]any)["action"].(string))
			}
			return out
		}
		count := func(list []string, action string) (n int) {
			for _, a := range list {
				if a == action {
					n++
				}
			}
			return n
		}
		for _, path := range []string{"/api/activity", "/api/activity?limit=2", "/api/activity?before=1000000", "/api/activity?after=0", "/api/activity?after=0&limit=1"} {
			got := actions(path)
			if count(got, domain.ActionSecurityEvent) != 0 || len(got) == 0 {
				t.Errorf("GET %s = %v: want entries, none of them security.event", path, got)
			}
		}
		// The failed logins came after the account change: the feed ends
		// with it.
		all := actions("/api/activity?after=0")
		if all[len(all)-1] != domain.ActionUserCreated {
			t.Fatalf("the feed's last entry is %s, want user.created", all[len(all)-1])
		}
		if n := count(actions("/api/events"), domain.ActionSecurityEvent); n != 5 {
			t.Errorf("GET /api/events holds %d security.event, want 5", n)
		}
		if r := a.do("admin", "GET", "/api/security/events?kind=login_failed", "", nil); r.status != 200 || len(r.body["items"].([]any)) != 5 {
			t.Errorf("security events: %d %s", r.status, r.raw)
		}
	})
}
