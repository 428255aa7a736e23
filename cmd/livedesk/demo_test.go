package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/demo"
)

// TestSeedAndDemo seeds a database with `livedesk seed`, refuses to seed it
// twice, then serves it with --demo: the demo login works, the figures are
// those of a real business, and the simulator makes live activity.
func TestSeedAndDemo(t *testing.T) {
	t.Parallel()
	db := dbURL(t, "sqlite")
	out, err := runCmd(t, "seed", "--db", db, "--customers", "40", "--days", "5")
	if err != nil || !strings.Contains(out, demo.AdminEmail) || !strings.Contains(out, demo.Password) {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "seed", "--db", db); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("seed twice = %v, want a not-empty error", err)
	}

	base := startServer(t, "--db", db, "--demo")
	c := &client{t: t, base: base}
	login := c.must(200, "POST", "/api/auth/login", map[string]any{"email": demo.AdminEmail, "password": demo.Password})
	c.token, _ = login["token"].(string)
	stats := c.must(200, "GET", "/api/stats", nil)
	if num(stats, "activeCustomers") < 20 || num(stats, "activeVendors") < 2 {
		t.Errorf("demo stats look empty: %v", stats)
	}
	head := num(stats, "seq")
	deadline := time.Now().Add(20 * time.Second)
	for {
		ev := c.must(200, "GET", fmt.Sprintf("/api/events?after=%d", head), nil)
		if items, _ := ev["items"].([]any); len(items) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the demo simulator made no change within 20s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestServeDemoSeedsEmptyDatabase checks that --demo seeds a new database
// (with the full-size business, which takes a minute under the race
// detector: skipped with -short).
func TestServeDemoSeedsEmptyDatabase(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("seeding the full demo business takes a while")
	}
	base := startServer(t, "--db", dbURL(t, "sqlite"), "--demo")
	c := &client{t: t, base: base}
	login := c.must(200, "POST", "/api/auth/login", map[string]any{"email": demo.AdminEmail, "password": demo.Password})
	c.token, _ = login["token"].(string)
	if stats := c.must(200, "GET", "/api/stats", nil); num(stats, "activeCustomers") < 100 {
		t.Errorf("the full demo business has %d active customers, want over 100", num(stats, "activeCustomers"))
	}
}
