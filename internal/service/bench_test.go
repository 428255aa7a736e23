package service_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// BenchmarkAddPayment measures concurrent payments (one transaction each:
// payment, ledger entry, balance, event) on each database.
func BenchmarkAddPayment(b *testing.B) {
	benchmarkAddPayment(b, false)
}

// BenchmarkAddPaymentKeyed is BenchmarkAddPayment with an idempotency key on
// every payment (as every client sends): the cost of the idempotency record.
func BenchmarkAddPaymentKeyed(b *testing.B) {
	benchmarkAddPayment(b, true)
}

func benchmarkAddPayment(b *testing.B, keyed bool) {
	var n atomic.Int64
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
					in := domain.PaymentCreate{CustomerID: ids[i%len(ids)], AmountCents: 100, Method: domain.PaymentCash}
					if keyed {
						in.IdempotencyKey = fmt.Sprint("bench-", n.Add(1))
					}
					if _, err := svc.Payments.AddPayment(f.AdminCtx, in); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
