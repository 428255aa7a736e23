package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// BenchmarkEvaluateAlertsIdle measures one evaluation of every rule when
// nothing changes (the usual case after a commit): read transactions only.
// 200 customers, 50 of them over their limit with their alerts raised.
func BenchmarkEvaluateAlertsIdle(b *testing.B) {
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			svc := storetest.Services(b, kind, service.Options{})
			f := storetest.NewFixture(b, svc)
			ctx := f.AdminCtx
			if _, err := svc.Alerts.UpdateAlertRules(ctx, []byte(`{"balance_over_limit":{"defaultCreditLimitCents":1000}}`)); err != nil {
				b.Fatal(err)
			}
			err := svc.Batch(ctx, func(ctx context.Context) error {
				for i := range 200 {
					c, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: fmt.Sprint("C", i), VendorID: f.VendorA.ID})
					if err != nil {
						return err
					}
					if i%4 == 0 {
						d, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, Items: "Milk", Quantity: 1, AmountCents: 5000})
						if err != nil {
							return err
						}
						for _, st := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
							if _, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: &st}); err != nil {
								return err
							}
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				b.Fatal(err)
			}
			open, err := svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen})
			if err != nil || len(open) != 50 {
				b.Fatalf("%d open alerts (%v), want 50", len(open), err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := svc.EvaluateAlerts(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
