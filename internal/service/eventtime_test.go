package service_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestEventTimesFollowSeq runs concurrent writers (three instances sharing
// PostgreSQL, like a cluster) and checks that event times never go back as
// seq grows: "now" is taken inside the transaction after the write lock, so
// a write that waited for the lock does not carry the time it arrived at.
// The payment's own time is the event's time.
func TestEventTimesFollowSeq(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// One clock on the test's day for every instance: the
			// deliveries' fixed day stays within a year of today.
			now := runningFrom(testDay)
			var instances []*service.Services
			if kind == "postgres" {
				url := storetest.PostgresURL(t)
				for range 3 {
					db, err := postgres.Open(context.Background(), url)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { db.Close() })
					instances = append(instances, service.New(db, service.Options{Now: now, PasswordCost: 4}))
				}
			} else {
				instances = append(instances, storetest.Services(t, kind, service.Options{Now: now}))
			}
			f := storetest.NewFixture(t, instances[0])
			var customers []*domain.Customer
			for i := range 4 {
				customers = append(customers, newCustomer(t, f.AdminCtx, instances[0], fmt.Sprintf("Clock %d", i), f.VendorA.ID))
			}
			const writers, perWriter = 12, 25
			var wg sync.WaitGroup
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					svc := instances[w%len(instances)]
					for i := range perWriter {
						c := customers[(w+i)%len(customers)]
						var err error
						if i%3 == 0 {
							_, err = svc.Deliveries.CreateDelivery(f.AdminCtx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Items: "Milk", Quantity: 1, AmountCents: 5})
						} else {
							_, err = svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentUPI})
						}
						if err != nil {
							t.Errorf("writer %d: %v", w, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			evs := allEvents(t, instances[0])
			back := 0
			for i := 1; i < len(evs); i++ {
				if evs[i].At.Before(evs[i-1].At) {
					if back == 0 {
						t.Errorf("event %d at %s is before event %d at %s", evs[i].Seq, evs[i].At.Format("15:04:05.000000"), evs[i-1].Seq, evs[i-1].At.Format("15:04:05.000000"))
					}
					back++
				}
			}
			if back > 0 {
				t.Fatalf("%d of %d consecutive events go back in time", back, len(evs)-1)
			}
			// The event carries the time of the change it records.
			list, _ := must2(instances[0].Payments.FindPayments(f.AdminCtx, domain.PaymentFilter{Page: domain.Page{Limit: 500}}))(t)
			byID := map[int64]*domain.Payment{}
			for _, p := range list {
				byID[p.ID] = p
			}
			for _, e := range evs {
				if e.Action != domain.ActionPaymentAdded {
					continue
				}
				if p := byID[e.EntityID]; p == nil || !p.CreatedAt.Equal(e.At) {
					t.Fatalf("payment %d: event at %s, payment createdAt %v", e.EntityID, e.At, p)
				}
			}
			t.Logf("%d events by %d writers over %d instance(s), times non-decreasing in seq order", len(evs), writers, len(instances))
		})
	}
}
