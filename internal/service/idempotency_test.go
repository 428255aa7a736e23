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

// keyed returns ctx carrying an idempotency key, and the value that says
// whether the answer was a replay.
func keyed(ctx context.Context, key string) (context.Context, *domain.Idempotency) {
	return domain.WithIdempotency(ctx, key)
}

// TestEveryWriteIsIdempotent sends each write twice with the same key: the
// second answer is the first one replayed (no second event, nothing done
// twice); the key with another request is IDEMPOTENCY_KEY_REUSED.
func TestEveryWriteIsIdempotent(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc := f.Svc
		c := newCustomer(t, f.ACtx, svc, "Keyed", 0)
		d := newDelivery(t, f.ACtx, svc, c.ID, 400)
		must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		role := domain.RoleVendor
		tests := []struct {
			name       string
			ctx        context.Context
			call       func(ctx context.Context, variant int) (any, error)
			wantEvents int
		}{
			{"create customer", f.ACtx, func(ctx context.Context, v int) (any, error) {
				return svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "New " + strings.Repeat("x", v), Phone: "+91 98450 11111"})
			}, 1},
			{"update customer", f.ACtx, func(ctx context.Context, v int) (any, error) {
				return svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{Address: ptr("Street " + strings.Repeat("x", v))})
			}, 1},
			{"create delivery", f.ACtx, func(ctx context.Context, v int) (any, error) {
				return svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-26", Items: "Milk", Quantity: 1 + v, AmountCents: 100})
			}, 1},
			{"deliver", f.ACtx, func(ctx context.Context, v int) (any, error) {
				st := []domain.DeliveryStatus{domain.DeliveryDelivered, domain.DeliveryFailed}[v]
				return svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: &st})
			}, 1},
			{"add payment", f.ACtx, func(ctx context.Context, v int) (any, error) {
				return svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: int64(100 + v), Method: domain.PaymentCash})
			}, 1},
			{"create user", f.AdminCtx, func(ctx context.Context, v int) (any, error) {
				return svc.Users.CreateUser(ctx, domain.UserCreate{Email: "new" + strings.Repeat("x", v) + "@example.com", Role: domain.RoleVendor, Password: "long enough password"})
			}, 1},
			{"update user", f.AdminCtx, func(ctx context.Context, v int) (any, error) {
				return svc.Users.UpdateUser(ctx, f.VendorB.ID, domain.UserUpdate{Name: ptr("Renamed " + strings.Repeat("x", v)), Role: &role})
			}, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := "key-" + strings.ReplaceAll(tt.name, " ", "-")
				before := len(allEvents(t, svc))
				ctx1, first := keyed(tt.ctx, key)
				r1 := must(tt.call(ctx1, 0))(t)
				ctx2, second := keyed(tt.ctx, key)
				r2 := must(tt.call(ctx2, 0))(t)
				if first.Replayed || !second.Replayed {
					t.Fatalf("replayed = %v, %v; want false, true", first.Replayed, second.Replayed)
				}
				if b1, b2 := mustJSON(t, r1), mustJSON(t, r2); b1 != b2 {
					t.Fatalf("replay answered %s, first answer %s", b2, b1)
				}
				if got := len(allEvents(t, svc)) - before; got != tt.wantEvents {
					t.Fatalf("%d events appended, want %d (the replay must do nothing)", got, tt.wantEvents)
				}
				ctx3, _ := keyed(tt.ctx, key)
				_, err := tt.call(ctx3, 1)
				wantCode(t, err, domain.CodeIdempotencyKeyReused, "idempotencyKey")
			})
		}
		bal, sum := ledgerSum(t, svc.DB, c.ID)
		if bal != 400-100 || bal != sum {
			t.Fatalf("balance %d, ledger sum %d, want both %d (delivered once, paid once)", bal, sum, 300)
		}
	})
}

// TestIdempotencyKeysAreScopedToTheUser lets two vendors use the same key:
// each gets its own payment, neither sees the other's answer.
func TestIdempotencyKeysAreScopedToTheUser(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc := f.Svc
		ca := newCustomer(t, f.ACtx, svc, "Of A", 0)
		cb := newCustomer(t, f.BCtx, svc, "Of B", 0)
		pa := must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: ca.ID, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: "same-key"}))(t)
		pb := must(svc.Payments.AddPayment(f.BCtx, domain.PaymentCreate{CustomerID: cb.ID, AmountCents: 200, Method: domain.PaymentUPI, IdempotencyKey: "same-key"}))(t)
		if pa.Payment.ID == pb.Payment.ID || !pb.Created || pb.Payment.CustomerID != cb.ID {
			t.Fatalf("vendor B's payment with A's key: %+v", pb.Payment)
		}
		ctxA, _ := keyed(f.ACtx, "customer-key")
		ctxB, _ := keyed(f.BCtx, "customer-key")
		x := must(svc.Customers.CreateCustomer(ctxA, domain.CustomerCreate{Name: "X", Phone: "+91 98450 22222"}))(t)
		y := must(svc.Customers.CreateCustomer(ctxB, domain.CustomerCreate{Name: "X", Phone: "+91 98450 22222"}))(t)
		if x.ID == y.ID || y.VendorID != f.VendorB.ID {
			t.Fatalf("vendor B got customer %+v for A's key", y)
		}
	})
}

// TestIdempotencyRetention: answers are replayed for at least 24 hours,
// pruned after IdempotencyRetention; a payment retried after that still
// finds the payment by its key and is not recorded twice.
func TestIdempotencyRetention(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc := f.Svc
		c := newCustomer(t, f.ACtx, svc, "Kept", 0)
		in := domain.PaymentCreate{CustomerID: c.ID, AmountCents: 700, Method: domain.PaymentCash, IdempotencyKey: "kept-key"}
		first := must(svc.Payments.AddPayment(f.ACtx, in))(t)
		start := clk.Now()

		clk.Set(start.Add(24 * time.Hour))
		ctx, id := keyed(f.ACtx, "")
		again := must(svc.Payments.AddPayment(ctx, in))(t)
		if !id.Replayed || again.Payment.ID != first.Payment.ID {
			t.Fatalf("after 24 h: replayed %v, payment %d; want a replay of %d", id.Replayed, again.Payment.ID, first.Payment.ID)
		}

		clk.Set(start.Add(service.IdempotencyRetention + time.Minute))
		if n := must(svc.PruneIdempotencyKeys(context.Background()))(t); n < 1 {
			t.Fatalf("pruned %d records, want at least 1", n)
		}
		ctx, id = keyed(f.ACtx, "")
		late := must(svc.Payments.AddPayment(ctx, in))(t)
		if id.Replayed || late.Created || late.Payment.ID != first.Payment.ID {
			t.Fatalf("late retry: replayed %v, created %v, payment %d; want payment %d found by its key", id.Replayed, late.Created, late.Payment.ID, first.Payment.ID)
		}
		if bal, sum := ledgerSum(t, svc.DB, c.ID); bal != -700 || sum != -700 {
			t.Fatalf("balance %d, ledger %d; want -700 (paid once)", bal, sum)
		}
	})
}

// TestIdempotencyKeyInUseAcrossInstances runs two service instances on one
// PostgreSQL database: while one is processing a key (its transaction
// open), the other is told the key is in use instead of doing the work.
func TestIdempotencyKeyInUseAcrossInstances(t *testing.T) {
	t.Parallel()
	one := storetest.Services(t, "postgres", service.Options{})
	f := storetest.NewFixture(t, one)
	two := service.New(one.DB, service.Options{})
	c := newCustomer(t, f.ACtx, one, "Busy", 0)
	in := domain.PaymentCreate{CustomerID: c.ID, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: "busy-key"}
	err := one.Batch(f.ACtx, func(ctx context.Context) error {
		if _, err := one.Payments.AddPayment(ctx, in); err != nil {
			return err
		}
		_, err := two.Payments.AddPayment(f.ACtx, in)
		wantCode(t, err, domain.CodeIdempotencyKeyInUse, "idempotencyKey")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := must(two.Payments.AddPayment(f.ACtx, in))(t)
	if _, total := must2(two.Payments.FindPayments(f.ACtx, domain.PaymentFilter{CustomerID: c.ID}))(t); total != 1 || r.Payment.CustomerID != c.ID {
		t.Fatalf("%d payments, want 1", total)
	}
}

// TestIdempotencyKeyFormat refuses keys that are too long or not printable
// ASCII.
func TestIdempotencyKeyFormat(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		c := newCustomer(t, f.ACtx, f.Svc, "Fmt", 0)
		for _, key := range []string{"tab\tkey", strings.Repeat("k", domain.IdempotencyKeyMaxLen+1), "ключ"} {
			_, err := f.Svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash, IdempotencyKey: key})
			wantCode(t, err, domain.CodeInvalid, "idempotencyKey")
		}
		ok := strings.Repeat("k", domain.IdempotencyKeyMaxLen)
		must(f.Svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash, IdempotencyKey: ok}))(t)
	})
}

// TestIdempotencyKeyInUseInProcess: two requests with one key while the
// first cannot finish (SQLite's writer is held by a batch): the second is
// told at once that the key is in use, instead of queueing behind it; once
// the writer is free, the first completes.
func TestIdempotencyKeyInUseInProcess(t *testing.T) {
	t.Parallel()
	svc := storetest.Services(t, "sqlite", service.Options{})
	f := storetest.NewFixture(t, svc)
	c := newCustomer(t, f.ACtx, svc, "Queued", 0)
	in := domain.PaymentCreate{CustomerID: c.ID, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: "queued-key"}
	results := make(chan error, 2)
	err := svc.Batch(f.AdminCtx, func(ctx context.Context) error {
		for range 2 {
			go func() {
				_, err := svc.Payments.AddPayment(f.ACtx, in)
				results <- err
			}()
		}
		select {
		case err := <-results:
			wantCode(t, err, domain.CodeIdempotencyKeyInUse, "idempotencyKey")
		case <-time.After(10 * time.Second):
			t.Error("neither request was told the key is in use")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-results; err != nil {
		t.Fatalf("the first request, once the writer was free: %v", err)
	}
	if _, total := must2(svc.Payments.FindPayments(f.ACtx, domain.PaymentFilter{CustomerID: c.ID}))(t); total != 1 {
		t.Fatalf("%d payments, want 1", total)
	}
}

// TestExpiredKeyIsFreeAgain: a record past IdempotencyRetention that was
// not pruned yet (pruning does not run inside a batch) is ignored and
// replaced: the key starts a new request.
func TestExpiredKeyIsFreeAgain(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc := f.Svc
		ctx, _ := keyed(f.ACtx, "old-key")
		first := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "First", Phone: "+91 98450 33333"}))(t)
		start := clk.Now()
		clk.Set(start.Add(service.IdempotencyRetention + time.Hour))
		var second *domain.Customer
		var id *domain.Idempotency
		if err := svc.Batch(f.ACtx, func(bctx context.Context) error {
			var ctx context.Context
			ctx, id = keyed(bctx, "old-key")
			var err error
			second, err = svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Second", Phone: "+91 98450 44444"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if id.Replayed || second.ID == first.ID || second.Name != "Second" {
			t.Fatalf("after expiry: replayed %v, customer %+v; want a new customer", id.Replayed, second)
		}
		// And the new record replays from now on.
		ctx, id = keyed(f.ACtx, "old-key")
		again := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Second", Phone: "+91 98450 44444"}))(t)
		if !id.Replayed || again.ID != second.ID {
			t.Fatalf("retry of the new request: replayed %v, customer %d; want %d", id.Replayed, again.ID, second.ID)
		}
	})
}
