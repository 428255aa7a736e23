package service_test

import (
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// BenchmarkAddPayment measures concurrent payments (one transaction each:
// payment, ledger entry, balance, event) on each database.
func BenchmarkAddPayment(b *testing.B) {
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			svc := storetest.Services(b, kind, service.Options{})
			f := storetest.NewFixture(b, svc)
			var ids []int64
			for i := range 8 {
				c, err := svc.Customers.CreateCustomer(f.AdminCtx, domain.CustomerCreate{Name: "Bench " + string(rune('A'+i)), VendorID: f.VendorA.ID})
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if _, err := svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: ids[i%len(ids)], AmountCents: 100, Method: domain.PaymentCash}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
