package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
)

// serveErr runs serve with args and returns its error; bounded, because
// serve that does not refuse runs until cancelled.
func serveErr(t *testing.T, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, io.Discard, io.Discard)
}

// TestTimeZoneLifecycle: the first start stores --timezone; a start with
// another zone refuses and says how to change it; `livedesk timezone set`
// changes it; a start without --timezone uses the stored zone.
func TestTimeZoneLifecycle(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			db := dbURL(t, kind)
			if out, err := runCmd(t, "user", "create", "--db", db, "--email", "owner@dairy.test", "--password", "owner-password", "--role", "admin"); err != nil {
				t.Fatalf("user create: %v\n%s", err, out)
			}
			if out, _ := runCmd(t, "timezone", "--db", db); !strings.Contains(out, "No business time zone") {
				t.Errorf("timezone on a new database: %q", out)
			}
			base := startServer(t, "--db", db, "--timezone", "Asia/Kolkata")
			c := &client{t: t, base: base}
			login := c.must(200, "POST", "/api/auth/login", map[string]any{"email": "owner@dairy.test", "password": "owner-password"})
			c.token, _ = login["token"].(string)
			st := c.must(200, "GET", "/api/stats", nil)
			kolkata, _ := time.LoadLocation("Asia/Kolkata")
			if st["timezone"] != "Asia/Kolkata" || st["today"] != time.Now().In(kolkata).Format(time.DateOnly) {
				t.Errorf("stats zone %v today %v", st["timezone"], st["today"])
			}
			a := c.must(200, "GET", "/api/analytics", nil)
			if a["timezone"] != "Asia/Kolkata" || a["to"] != st["today"] {
				t.Errorf("analytics zone %v to %v", a["timezone"], a["to"])
			}

			err := serveErr(t, "--db", db, "--timezone", "Europe/London")
			if err == nil || !strings.Contains(err.Error(), "Asia/Kolkata") || !strings.Contains(err.Error(), "livedesk timezone set Europe/London") {
				t.Fatalf("start with another zone = %v, want a refusal naming both zones and the command", err)
			}
			if err := serveErr(t, "--db", db, "--timezone", "Mars/Olympus"); err == nil || !strings.Contains(err.Error(), "unknown time zone") {
				t.Errorf("unknown zone = %v", err)
			}
			out, err := runCmd(t, "timezone", "set", "Europe/London", "--db", db)
			if err != nil || !strings.Contains(out, "now Europe/London (was Asia/Kolkata)") {
				t.Fatalf("timezone set: %v\n%s", err, out)
			}
			base = startServer(t, "--db", db)
			c.base = base
			if st := c.must(200, "GET", "/api/stats", nil); st["timezone"] != "Europe/London" {
				t.Errorf("after the change, stats zone %v", st["timezone"])
			}
		})
	}
}

// TestTimeZoneOfOlderDatabase: a database written before the zone was
// stored holds UTC days; starting it with another zone refuses.
func TestTimeZoneOfOlderDatabase(t *testing.T) {
	t.Parallel()
	dsn := dbURL(t, "sqlite")
	db, err := openDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db, service.Options{PasswordCost: 4})
	sys := domain.WithActor(context.Background(), domain.SystemActor())
	u, err := svc.Users.CreateUser(sys, domain.UserCreate{Email: "v@old.test", Role: domain.RoleVendor, Password: "vendor-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Customers.CreateCustomer(sys, domain.CustomerCreate{Name: "Old", VendorID: u.ID}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := serveErr(t, "--db", dsn, "--timezone", "Asia/Kolkata"); err == nil || !strings.Contains(err.Error(), "business time zone is UTC") {
		t.Fatalf("older database with --timezone Asia/Kolkata = %v, want a refusal (its dates are UTC days)", err)
	}
}
