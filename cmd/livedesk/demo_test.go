package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/demo"
	"github.com/livedesk/livedesk/internal/service"
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
	if stats["timezone"] != "Asia/Kolkata" {
		t.Errorf("the demo business runs in %v, want Asia/Kolkata", stats["timezone"])
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

// TestDemoSeedsEmptyDatabase checks what serve --demo does at start: an
// empty database is seeded and the login printed; a database with data is
// left alone; either way the simulator runs until stopped.
func TestDemoSeedsEmptyDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := openDB(ctx, dbURL(t, "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db, service.Options{})
	cfg := config.Default()
	cfg.Demo = true
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	size := demo.Config{Customers: 15, Days: 2}

	var out strings.Builder
	stop, err := startDemoSized(ctx, cfg, size, svc, &out, logger)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	stop() // safe twice
	if !strings.Contains(out.String(), "Demo login: "+demo.AdminEmail+" / "+demo.Password) {
		t.Errorf("no demo login printed:\n%s", out.String())
	}
	if _, err := svc.Users.Authenticate(ctx, demo.AdminEmail, demo.Password); err != nil {
		t.Errorf("the demo admin cannot log in: %v", err)
	}

	out.Reset()
	stop, err = startDemoSized(ctx, cfg, size, svc, &out, logger)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if !strings.Contains(out.String(), "already has data") {
		t.Errorf("a second start did not say it left the data alone:\n%s", out.String())
	}

	cfg.Demo = false
	out.Reset()
	stop, err = startDemoSized(ctx, cfg, size, service.New(db, service.Options{}), &out, logger)
	if err != nil || out.Len() != 0 {
		t.Fatalf("without --demo: %v, printed %q", err, out.String())
	}
	stop()
}

// TestDemoRefusesRealData: serve --demo on a database that has data but was
// not seeded as a demo refuses to start (the simulator would change real
// customers' deliveries and balances), naming the way out.
func TestDemoRefusesRealData(t *testing.T) {
	t.Parallel()
	db := dbURL(t, "sqlite")
	if out, err := runCmd(t, "user", "create", "--db", db, "--email", "owner@dairy.test", "--password", "owner-password", "--role", "admin"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	// Bounded: without the refusal, serve would run until cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out strings.Builder
	err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo"}, func(string) string { return "" }, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not seeded as a demo") {
		t.Fatalf("serve --demo on real data = %v, want a refusal\n%s", err, out.String())
	}
}
