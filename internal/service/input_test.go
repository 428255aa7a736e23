package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestControlCharactersRefused: NUL and other control characters (and
// invalid UTF-8) are refused with INVALID naming the field on both
// databases (PostgreSQL cannot store NUL, which was a 500); notes keep
// their newlines and tabs.
func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		d := newDelivery(t, ctx, svc, c.ID, 100)
		today := svc.Now().Format(time.DateOnly)
		for _, bad := range []string{"a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\u0085b", "a\xffb"} {
			tests := []struct {
				name, field string
				call        func() error
			}{
				{"customer name", "name", func() error {
					_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: bad, VendorID: f.VendorA.ID})
					return err
				}},
				{"customer address", "address", func() error {
					_, err := svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{Address: &bad})
					return err
				}},
				{"customer email", "email", func() error {
					_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X", Email: bad + "@example.com", VendorID: f.VendorA.ID})
					return err
				}},
				{"delivery items", "items", func() error {
					_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: today, Items: bad, Quantity: 1})
					return err
				}},
				{"delivery note", "note", func() error {
					_, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Note: &bad})
					return err
				}},
				{"delivery key", "idempotencyKey", func() error {
					_, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Note: ptr("ok"), IdempotencyKey: bad})
					return err
				}},
				{"payment reference", "reference", func() error {
					_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash, Reference: bad})
					return err
				}},
				{"payment key", "idempotencyKey", func() error {
					_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash, IdempotencyKey: bad})
					return err
				}},
				{"user name", "name", func() error {
					_, err := svc.Users.CreateUser(ctx, domain.UserCreate{Email: "n@example.com", Name: bad, Role: domain.RoleVendor, Password: storetest.Password})
					return err
				}},
				{"user rename", "name", func() error {
					_, err := svc.Users.UpdateUser(ctx, f.VendorA.ID, domain.UserUpdate{Name: &bad})
					return err
				}},
				{"customer search", "search", func() error {
					_, _, err := svc.Customers.FindCustomers(ctx, domain.CustomerFilter{Search: bad})
					return err
				}},
			}
			for _, tt := range tests {
				err := tt.call()
				if domain.ErrorCode(err) != domain.CodeInvalid {
					t.Errorf("%s %q: %v, want INVALID on %s", tt.name, bad, err, tt.field)
					continue
				}
				wantCode(t, err, domain.CodeInvalid, tt.field)
			}
		}
		// Logging in with such an email is a plain refusal, not a 500 (once:
		// each refusal costs a full bcrypt comparison).
		_, err := svc.Users.Authenticate(context.Background(), "a\x00b@example.com", "whatever-password")
		wantCode(t, err, domain.CodeUnauthorized, "")
		// Notes may span lines.
		note := "ring twice\n\tleave at the gate"
		if got := must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Note: &note}))(t); got.Delivery.Note != note {
			t.Fatalf("note = %q, want %q", got.Delivery.Note, note)
		}
		_, err = svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: today, Items: "Milk\n1L", Quantity: 1})
		wantCode(t, err, domain.CodeInvalid, "items")
	})
}

// TestScheduledForWindow: a delivery's day must lie within a year of today
// either way (a year typed as 0202 is refused).
func TestScheduledForWindow(t *testing.T) {
	t.Parallel()
	clk := &clock{}
	clk.Set(time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC))
	each(t, service.Options{Now: clk.Now}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		for day, ok := range map[string]bool{
			"0202-11-25": false, "2025-11-23": false, "2025-11-24": true, "2026-11-25": true,
			"2027-11-26": true, "2027-11-27": false, "9999-01-01": false,
		} {
			_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: day, Items: "Milk", Quantity: 1})
			if ok && err != nil {
				t.Errorf("scheduledFor %s: %v, want accepted", day, err)
			}
			if !ok {
				if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), "2025-11-24") {
					t.Errorf("scheduledFor %s: %v, want INVALID naming the window", day, err)
				}
			}
		}
	})
}

// TestAmountLimits: an amount over the limit is refused with a message that
// says what the limit is.
func TestAmountLimits(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		today := time.Now().UTC().Format(time.DateOnly)
		_, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: today, Items: "Milk", Quantity: 1, AmountCents: 1e11 + 1})
		wantCode(t, err, domain.CodeInvalid, "amountCents")
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, "at most") {
			t.Errorf("delivery amount over the limit: %q, want a message naming the limit", msg)
		}
		_, err = svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1e11 + 1, Method: domain.PaymentCash})
		wantCode(t, err, domain.CodeInvalid, "amountCents")
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, "at most") {
			t.Errorf("payment amount over the limit: %q, want a message naming the limit", msg)
		}
		must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1e11, Method: domain.PaymentCash}))(t)
	})
}

// TestCustomerNotActive: no new delivery and no "delivered" for a paused or
// inactive customer; payments are always accepted.
func TestCustomerNotActive(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		d := newDelivery(t, ctx, svc, c.ID, 100)
		must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		for _, st := range []domain.CustomerStatus{domain.CustomerPaused, domain.CustomerInactive} {
			must(svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{Status: &st}))(t)
			_, err := svc.Deliveries.CreateDelivery(f.ACtx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: svc.Now().Format(time.DateOnly), Items: "Milk", Quantity: 1})
			wantCode(t, err, domain.CodeCustomerNotActive, "customerId")
			_, err = svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)})
			wantCode(t, err, domain.CodeCustomerNotActive, "status")
			must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 50, Method: domain.PaymentCash}))(t)
		}
		// Failing or cancelling stays possible, so the round can be closed.
		must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryFailed)}))(t)
		if bal, sum := ledgerSum(t, svc.DB, c.ID); bal != -100 || sum != bal {
			t.Fatalf("balance %d, ledger sum %d, want -100 (two payments, no charge)", bal, sum)
		}
	})
}
