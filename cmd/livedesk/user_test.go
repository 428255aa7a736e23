package main

import (
	"context"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"golang.org/x/crypto/bcrypt"
)

// TestUserPasswordAndCustomersOf: `user password` lets someone sign in as an
// existing vendor; `user create --role vendor --customers-of` hands an
// existing vendor's customers to a new vendor login, all or nothing.
func TestUserPasswordAndCustomersOf(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			db := dbURL(t, kind)
			if out, err := runCmd(t, "user", "create", "--db", db, "--email", "round@dairy.test", "--password", "first-password", "--role", "vendor", "--name", "Morning Round"); err != nil {
				t.Fatalf("create vendor: %v\n%s", err, out)
			}
			// Two customers on the existing vendor's round.
			st, err := openDB(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc := service.New(st, service.Options{PasswordCost: bcrypt.MinCost})
			ctx := domain.WithActor(context.Background(), domain.SystemActor())
			old, err := svc.Users.Authenticate(ctx, "round@dairy.test", "first-password")
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"Asha", "Ravi"} {
				if _, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: name, Status: domain.CustomerActive, VendorID: old.ID}); err != nil {
					t.Fatal(err)
				}
			}

			// Sign in as the existing vendor: a new password.
			if out, err := runCmd(t, "user", "password", "--db", db, "--email", "ROUND@dairy.test", "--password", "second-password"); err != nil || !strings.Contains(out, "Morning Round") {
				t.Fatalf("user password: %v\n%s", err, out)
			}
			if _, err := svc.Users.Authenticate(ctx, "round@dairy.test", "first-password"); err == nil {
				t.Error("the old password still works")
			}
			if _, err := svc.Users.Authenticate(ctx, "round@dairy.test", "second-password"); err != nil {
				t.Errorf("the new password: %v", err)
			}
			if _, err := runCmd(t, "user", "password", "--db", db, "--email", "nobody@dairy.test", "--password", "second-password"); err == nil || !strings.Contains(err.Error(), "no user") {
				t.Errorf("unknown email = %v", err)
			}
			if _, err := runCmd(t, "user", "password", "--db", db, "--email", "round@dairy.test", "--password", "short"); err == nil || !strings.Contains(err.Error(), "--password") {
				t.Errorf("short password = %v, want an error naming --password", err)
			}

			// Refused hand-overs change nothing.
			if _, err := runCmd(t, "user", "create", "--db", db, "--email", "boss@dairy.test", "--password", "boss-password", "--role", "admin", "--customers-of", "round@dairy.test"); err == nil || !strings.Contains(err.Error(), "--customers-of") {
				t.Errorf("admin with --customers-of = %v", err)
			}
			if _, err := runCmd(t, "user", "create", "--db", db, "--email", "new@dairy.test", "--password", "x", "--role", "vendor", "--customers-of", "round@dairy.test"); err == nil {
				t.Error("a refused vendor was created")
			}
			// The hand-over.
			out, err := runCmd(t, "user", "create", "--db", db, "--email", "new@dairy.test", "--password", "new-vendor-pw", "--role", "vendor", "--customers-of", "round@dairy.test")
			if err != nil || !strings.Contains(out, "Moved 2 customers of Morning Round") {
				t.Fatalf("hand-over: %v\n%s", err, out)
			}
			nu, err := svc.Users.Authenticate(ctx, "new@dairy.test", "new-vendor-pw")
			if err != nil {
				t.Fatal(err)
			}
			for vendor, want := range map[int64]int{old.ID: 0, nu.ID: 2} {
				if _, n, err := svc.Customers.FindCustomers(ctx, domain.CustomerFilter{VendorID: vendor}); err != nil || n != want {
					t.Errorf("vendor %d has %d customers (%v), want %d", vendor, n, err, want)
				}
			}
		})
	}
}
