package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func TestValidation(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		d := newDelivery(t, ctx, svc, c.ID, 100)
		tests := []struct {
			name  string
			call  func() error
			field string
		}{
			{"customer name required", func() error {
				_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: " ", VendorID: f.VendorA.ID})
				return err
			}, "name"},
			{"customer phone letters", func() error {
				_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X", Phone: "call me", VendorID: f.VendorA.ID})
				return err
			}, "phone"},
			{"customer email", func() error {
				_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X", Email: "nope", VendorID: f.VendorA.ID})
				return err
			}, "email"},
			{"customer status", func() error {
				_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X", Status: "gone", VendorID: f.VendorA.ID})
				return err
			}, "status"},
			{"customer vendor missing", func() error {
				_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X"})
				return err
			}, "vendorId"},
			{"customer vendor is admin", func() error {
				_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X", VendorID: f.Admin.ID})
				return err
			}, "vendorId"},
			{"customer update empty name", func() error {
				_, err := svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{Name: ptr("")})
				return err
			}, "name"},
			{"delivery date", func() error {
				_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "25/11/2026", Items: "Milk", Quantity: 1})
				return err
			}, "scheduledFor"},
			{"delivery items", func() error {
				_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Quantity: 1})
				return err
			}, "items"},
			{"delivery quantity", func() error {
				_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Items: "Milk"})
				return err
			}, "quantity"},
			{"delivery amount", func() error {
				_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Items: "Milk", Quantity: 1, AmountCents: -1})
				return err
			}, "amountCents"},
			{"delivery customer", func() error {
				_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{ScheduledFor: "2026-11-25", Items: "Milk", Quantity: 1})
				return err
			}, "customerId"},
			{"delivery update empty", func() error {
				_, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{})
				return err
			}, "status"},
			{"delivery update unknown status", func() error {
				_, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status("lost")})
				return err
			}, "status"},
			{"payment amount zero", func() error {
				_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, Method: domain.PaymentCash})
				return err
			}, "amountCents"},
			{"payment method", func() error {
				_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 5, Method: "cheque"})
				return err
			}, "method"},
			{"payment customer", func() error {
				_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{AmountCents: 5, Method: domain.PaymentCash})
				return err
			}, "customerId"},
			{"user email", func() error {
				_, err := svc.Users.CreateUser(ctx, domain.UserCreate{Email: "not an email", Role: domain.RoleVendor, Password: "longenough"})
				return err
			}, "email"},
			{"user role", func() error {
				_, err := svc.Users.CreateUser(ctx, domain.UserCreate{Email: "x@example.com", Role: "root", Password: "longenough"})
				return err
			}, "role"},
			{"user password", func() error {
				_, err := svc.Users.CreateUser(ctx, domain.UserCreate{Email: "x@example.com", Role: domain.RoleVendor, Password: "short"})
				return err
			}, "password"},
			{"self suspend", func() error {
				_, err := svc.Users.UpdateUser(ctx, f.Admin.ID, domain.UserUpdate{Status: ptr(domain.UserSuspended)})
				return err
			}, "status"},
			{"analytics interval", func() error {
				_, err := svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: "2026-01-01", To: "2026-01-31", Interval: "year"})
				return err
			}, "interval"},
			{"analytics range", func() error {
				_, err := svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: "2026-02-01", To: "2026-01-31"})
				return err
			}, "to"},
			{"filter status", func() error {
				_, _, err := svc.Customers.FindCustomers(ctx, domain.CustomerFilter{Status: "weird"})
				return err
			}, "status"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, tt.call(), domain.CodeInvalid, tt.field)
			})
		}
		t.Run("duplicate email is a conflict", func(t *testing.T) {
			_, err := svc.Users.CreateUser(ctx, domain.UserCreate{Email: "A@Example.com", Role: domain.RoleVendor, Password: "longenough"})
			wantCode(t, err, domain.CodeConflict, "email")
		})
	})
}

func TestAuthorization(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc := f.Svc
		ca := newCustomer(t, f.ACtx, svc, "Customer of A", 0)
		if ca.VendorID != f.VendorA.ID {
			t.Fatalf("vendor-created customer has vendor %d, want %d", ca.VendorID, f.VendorA.ID)
		}
		da := newDelivery(t, f.ACtx, svc, ca.ID, 500)
		pa := must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: ca.ID, AmountCents: 100, Method: domain.PaymentUPI, IdempotencyKey: "a-1"}))(t)
		b := f.BCtx
		none := context.Background()
		tests := []struct {
			name string
			call func() error
			code string
		}{
			{"B reads A's customer", func() error { _, err := svc.Customers.FindCustomerByID(b, ca.ID); return err }, domain.CodeNotFound},
			{"B updates A's customer", func() error {
				_, err := svc.Customers.UpdateCustomer(b, ca.ID, domain.CustomerUpdate{Name: ptr("mine")})
				return err
			}, domain.CodeNotFound},
			{"B reads A's ledger", func() error { _, _, err := svc.Customers.CustomerLedger(b, ca.ID, domain.Page{}); return err }, domain.CodeNotFound},
			{"B reads A's delivery", func() error { _, err := svc.Deliveries.FindDeliveryByID(b, da.ID); return err }, domain.CodeNotFound},
			{"B updates A's delivery", func() error {
				_, err := svc.Deliveries.UpdateDelivery(b, da.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryCancelled)})
				return err
			}, domain.CodeNotFound},
			{"B delivers to A's customer", func() error {
				_, err := svc.Deliveries.CreateDelivery(b, domain.DeliveryCreate{CustomerID: ca.ID, ScheduledFor: "2026-11-25", Items: "x", Quantity: 1})
				return err
			}, domain.CodeNotFound},
			{"B records payment for A's customer", func() error {
				_, err := svc.Payments.AddPayment(b, domain.PaymentCreate{CustomerID: ca.ID, AmountCents: 1, Method: domain.PaymentCash})
				return err
			}, domain.CodeNotFound},
			{"B reuses A's payment key", func() error {
				_, err := svc.Payments.AddPayment(b, domain.PaymentCreate{CustomerID: ca.ID, AmountCents: 100, Method: domain.PaymentUPI, IdempotencyKey: "a-1"})
				return err
			}, domain.CodeNotFound},
			{"A moves its customer to B", func() error {
				_, err := svc.Customers.UpdateCustomer(f.ACtx, ca.ID, domain.CustomerUpdate{VendorID: &f.VendorB.ID})
				return err
			}, domain.CodeForbidden},
			{"vendor adds staff of another vendor", func() error {
				_, err := svc.Users.CreateUser(b, domain.UserCreate{Email: "z@example.com", Role: domain.RoleStaff, Password: "longenough", VendorID: f.VendorA.ID})
				return err
			}, domain.CodeForbidden},
			{"vendor creates user", func() error {
				_, err := svc.Users.CreateUser(b, domain.UserCreate{Email: "z@example.com", Role: domain.RoleAdmin, Password: "longenough"})
				return err
			}, domain.CodeForbidden},
			{"vendor updates user", func() error {
				_, err := svc.Users.UpdateUser(b, f.VendorB.ID, domain.UserUpdate{Role: ptr(domain.RoleAdmin)})
				return err
			}, domain.CodeForbidden},
			{"vendor reads other user", func() error { _, err := svc.Users.FindUserByID(b, f.Admin.ID); return err }, domain.CodeForbidden},
			{"no actor lists customers", func() error { _, _, err := svc.Customers.FindCustomers(none, domain.CustomerFilter{}); return err }, domain.CodeUnauthorized},
			{"no actor adds payment", func() error {
				_, err := svc.Payments.AddPayment(none, domain.PaymentCreate{CustomerID: ca.ID, AmountCents: 1, Method: domain.PaymentCash})
				return err
			}, domain.CodeUnauthorized},
			{"no actor reads events", func() error { _, err := svc.Events.EventsAfter(none, 0, 10); return err }, domain.CodeUnauthorized},
			{"no actor stats", func() error { _, err := svc.Stats.Stats(none); return err }, domain.CodeUnauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), tt.code, "") })
		}
		// Lists and figures are scoped, whatever the filter says.
		t.Run("lists are scoped", func(t *testing.T) {
			// A vendor lists its own staff only: vendor B has none.
			if us, n := must2(svc.Users.FindUsers(b, domain.UserFilter{}))(t); n != 0 || len(us) != 0 {
				t.Errorf("vendor B lists %d users, want none (its own staff only)", n)
			}
			if _, n := must2(svc.Customers.FindCustomers(b, domain.CustomerFilter{VendorID: f.VendorA.ID}))(t); n != 0 {
				t.Fatalf("B sees %d of A's customers", n)
			}
			if _, n := must2(svc.Deliveries.FindDeliveries(b, domain.DeliveryFilter{}))(t); n != 0 {
				t.Fatalf("B sees %d deliveries", n)
			}
			if _, n := must2(svc.Payments.FindPayments(b, domain.PaymentFilter{}))(t); n != 0 {
				t.Fatalf("B sees %d payments", n)
			}
			if evs := must(svc.Events.EventsAfter(b, 0, 100))(t); len(evs) != 0 {
				t.Fatalf("B sees events %s, want none (account events are for admins only)", describe(evs))
			}
			if _, n := must2(svc.Payments.FindPayments(f.ACtx, domain.PaymentFilter{}))(t); n != 1 {
				t.Fatalf("A sees %d payments, want 1", n)
			}
			if st := must(svc.Stats.Stats(b))(t); st.ActiveCustomers != 0 || st.ActiveVendors != 1 {
				t.Fatalf("B stats = %+v", st)
			}
			if m := must(svc.Users.VendorMetrics(b, []int64{f.VendorA.ID}))(t); len(m) != 0 {
				t.Fatalf("B gets A's metrics: %+v", m)
			}
			if u := must(svc.Users.FindUserByID(b, f.VendorB.ID))(t); u.ID != f.VendorB.ID {
				t.Fatalf("B reads itself: %+v", u)
			}
			_ = pa
		})
	})
}

// must2 unwraps a (list, total, err) result.
func must2[T any](v T, n int, err error) func(*testing.T) (T, int) {
	return func(t *testing.T) (T, int) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v, n
	}
}

func TestUsersAndAuthenticate(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		u := must(svc.Users.Authenticate(context.Background(), " A@example.com ", storetest.Password))(t)
		if u.ID != f.VendorA.ID {
			t.Fatalf("Authenticate returned user %d, want %d", u.ID, f.VendorA.ID)
		}
		_, err := svc.Users.Authenticate(context.Background(), "a@example.com", "wrong password")
		wantCode(t, err, domain.CodeUnauthorized, "")
		_, err = svc.Users.Authenticate(context.Background(), "nobody@example.com", storetest.Password)
		wantCode(t, err, domain.CodeUnauthorized, "")

		must(svc.Users.UpdateUser(ctx, f.VendorA.ID, domain.UserUpdate{Status: ptr(domain.UserSuspended)}))(t)
		_, err = svc.Users.Authenticate(context.Background(), "a@example.com", storetest.Password)
		wantCode(t, err, domain.CodeUnauthorized, "")
		must(svc.Users.UpdateUser(ctx, f.VendorA.ID, domain.UserUpdate{Status: ptr(domain.UserActive), Password: ptr("a new password")}))(t)
		must(svc.Users.Authenticate(context.Background(), "a@example.com", "a new password"))(t)

		users, total := must2(svc.Users.FindUsers(ctx, domain.UserFilter{Role: domain.RoleVendor, Page: domain.Page{Limit: 1}}))(t)
		if total != 2 || len(users) != 1 {
			t.Fatalf("FindUsers vendors = %d items, total %d; want 1 of 2", len(users), total)
		}
		if _, total := must2(svc.Users.FindUsers(ctx, domain.UserFilter{Search: "vendor b"}))(t); total != 1 {
			t.Fatalf("search 'vendor b' total = %d, want 1", total)
		}
		if err := svc.Users.TouchLastSeen(f.ACtx, f.VendorA.ID); err != nil {
			t.Fatal(err)
		}
		if u := must(svc.Users.FindUserByID(f.ACtx, f.VendorA.ID))(t); u.LastSeenAt == nil {
			t.Fatal("LastSeenAt not set after TouchLastSeen")
		}
		wantCode(t, svc.Users.TouchLastSeen(f.ACtx, f.VendorB.ID), domain.CodeForbidden, "")
	})
}

func TestCustomersListAndSearch(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		names := []string{"Asha Rao", "Ravi Kumar", "Meera Nair", "John O'Neil", "100% Juice Co"}
		for i, n := range names {
			vendor := f.VendorA.ID
			if i%2 == 1 {
				vendor = f.VendorB.ID
			}
			must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: n, Phone: "98450 0000" + string(rune('0'+i)), VendorID: vendor}))(t)
		}
		tests := []struct {
			name   string
			filter domain.CustomerFilter
			want   int
		}{
			{"all", domain.CustomerFilter{}, 5},
			{"case-insensitive name", domain.CustomerFilter{Search: "rAo"}, 1},
			{"phone substring", domain.CustomerFilter{Search: "00003"}, 1},
			{"phone digits without separators", domain.CustomerFilter{Search: "9845000003"}, 1},
			{"phone with other separators", domain.CustomerFilter{Search: "98450-00003"}, 1},
			{"percent is literal", domain.CustomerFilter{Search: "100%"}, 1},
			{"vendor filter", domain.CustomerFilter{VendorID: f.VendorB.ID}, 2},
			{"status filter", domain.CustomerFilter{Status: domain.CustomerPaused}, 0},
			{"no match", domain.CustomerFilter{Search: "zzz"}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total := must2(svc.Customers.FindCustomers(ctx, tt.filter))(t)
				if total != tt.want || len(list) != tt.want {
					t.Fatalf("got %d items, total %d; want %d", len(list), total, tt.want)
				}
			})
		}
		page, total := must2(svc.Customers.FindCustomers(ctx, domain.CustomerFilter{Page: domain.Page{Limit: 2, Offset: 2}}))(t)
		if total != 5 || len(page) != 2 || page[0].Name != "John O'Neil" {
			t.Fatalf("page 2 = %d items (first %q), total %d", len(page), page[0].Name, total)
		}
	})
}

// TestUnknownEmailTakesAsLong checks that a login for an unknown email still
// runs a bcrypt comparison (at the default cost), like a known one does.
func TestUnknownEmailTakesAsLong(t *testing.T) {
	t.Parallel()
	svc := storetest.Services(t, "sqlite", service.Options{PasswordCost: 10})
	storetest.NewFixture(t, svc)
	// The fastest of a few tries: other load on the machine only ever adds time.
	measure := func(email string) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 5 {
			start := time.Now()
			_, _ = svc.Users.Authenticate(context.Background(), email, "wrong password")
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := measure("a@example.com"), measure("nobody@example.com")
	if unknown < known/3 {
		t.Fatalf("unknown email answered in %v, known in %v: the difference reveals which accounts exist", unknown, known)
	}
}
