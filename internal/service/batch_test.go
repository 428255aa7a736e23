package service_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func TestBatch(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var commits []int64
			svc := storetest.Services(t, kind, service.Options{Now: runningFrom(testDay), OnCommit: func(s int64) { mu.Lock(); commits = append(commits, s); mu.Unlock() }})
			f := storetest.NewFixture(t, svc)
			var c *domain.Customer
			err := svc.Batch(f.AdminCtx, func(ctx context.Context) error {
				var err error
				if c, err = svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Batched", VendorID: f.VendorA.ID}); err != nil {
					return err
				}
				d, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Items: "Milk", Quantity: 1, AmountCents: 60})
				if err != nil {
					return err
				}
				// Reads inside the batch see its writes.
				if _, err := svc.Deliveries.FindDeliveryByID(ctx, d.ID); err != nil {
					return err
				}
				_, err = svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 60, Method: domain.PaymentCash})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			if len(commits) != 4 || commits[3] != 6 {
				t.Fatalf("OnCommit = %v, want the 3 fixture users then one call with seq 6", commits)
			}
			mu.Unlock()
			// A failing batch leaves nothing behind.
			err = svc.Batch(f.AdminCtx, func(ctx context.Context) error {
				if _, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Ghost", VendorID: f.VendorA.ID}); err != nil {
					return err
				}
				_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 0, Method: domain.PaymentCash})
				return err
			})
			wantCode(t, err, domain.CodeInvalid, "amountCents")
			if _, total := must2(svc.Customers.FindCustomers(f.AdminCtx, domain.CustomerFilter{Search: "Ghost"}))(t); total != 0 {
				t.Fatal("a failed batch committed a customer")
			}
			if last := must(svc.Events.LastSeq(f.AdminCtx))(t); last != 6 {
				t.Fatalf("LastSeq = %d after failed batch, want 6", last)
			}
		})
	}
}

func TestWithNow(t *testing.T) {
	t.Parallel()
	svc := storetest.Services(t, "sqlite", service.Options{})
	f := storetest.NewFixture(t, svc)
	past := time.Date(2026, 9, 1, 7, 30, 0, 0, time.UTC)
	old := svc.WithNow(func() time.Time { return past })
	c := must(old.Customers.CreateCustomer(f.AdminCtx, domain.CustomerCreate{Name: "Old", VendorID: f.VendorA.ID}))(t)
	if !c.CreatedAt.Equal(past) || !old.Now().Equal(past) {
		t.Fatalf("CreatedAt = %v, want %v", c.CreatedAt, past)
	}
	if svc.Location() != time.UTC {
		t.Fatalf("Location = %v, want UTC", svc.Location())
	}
}
