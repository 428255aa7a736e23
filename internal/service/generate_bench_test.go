package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// BenchmarkGenerateDay measures generating one day for 1,000 daily
// subscriptions (one transaction: 1,000 inserts and one event), and the
// round of that day (1,000 stops with their counters).
func BenchmarkGenerateDay(b *testing.B) {
	const subs = 1000
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			start := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
			day := start
			svc := storetest.Services(b, kind, service.Options{Now: func() time.Time { return day }})
			f := storetest.NewFixture(b, svc)
			p, err := svc.Products.CreateProduct(f.ACtx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 5000})
			if err != nil {
				b.Fatal(err)
			}
			err = svc.Batch(context.Background(), func(ctx context.Context) error {
				ctx = domain.WithActor(ctx, f.VendorA.Actor())
				for i := range subs {
					c, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: fmt.Sprintf("C%04d", i)})
					if err != nil {
						return err
					}
					if _, err := svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: p.ID, Quantity: 1,
						Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning, StartsOn: "2026-11-01"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("generate", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					day = start.AddDate(0, 0, i%28) // stay within the window around "today"
					res, err := svc.Rounds.GenerateDeliveries(f.ACtx, domain.GenerateRequest{})
					if err != nil {
						b.Fatal(err)
					}
					if res.Created+res.Existing != subs {
						b.Fatalf("created %d + existing %d, want %d", res.Created, res.Existing, subs)
					}
				}
			})
			b.Run("round", func(b *testing.B) {
				day = start
				for b.Loop() {
					r, err := svc.Rounds.Round(f.ACtx, domain.RoundQuery{Shift: domain.ShiftMorning})
					if err != nil || len(r.Stops) != subs {
						b.Fatalf("round: %d stops, %v", len(r.Stops), err)
					}
				}
			})
		})
	}
}
