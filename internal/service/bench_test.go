package service_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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

// BenchmarkPaymentPath is the database work of one payment in the
// application benchmark (issue 20), one call after the other as on the
// server's one core, in the proportions of that scenario (20 payments/s,
// GET /api/stats 10 times a second, stats:updated at most every 300 ms to
// the admins and to the vendor): the POST's session check and keyed
// payment and the real-time layer's read of the new event every time; a
// GET's session check and admin figures every second payment; the figures
// of both audiences every sixth.
func BenchmarkPaymentPath(b *testing.B) {
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			svc := storetest.Services(b, kind, service.Options{})
			f := storetest.NewFixture(b, svc)
			var ids []int64
			for i := range 20 {
				c, err := svc.Customers.CreateCustomer(f.AdminCtx, domain.CustomerCreate{Name: fmt.Sprint("Bench ", i), VendorID: f.VendorA.ID})
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			grant, err := svc.Sessions.StartSession(f.AdminCtx, f.Admin.ID, domain.SessionMeta{})
			if err != nil {
				b.Fatal(err)
			}
			sys := domain.WithActor(context.Background(), domain.SystemActor())
			cursor, err := svc.Events.LastSeq(sys)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU(b)
			for i := range b.N {
				if _, _, err := svc.Sessions.SessionUser(sys, grant.Session.ID, f.Admin.ID); err != nil {
					b.Fatal(err)
				}
				in := domain.PaymentCreate{CustomerID: ids[i%len(ids)], AmountCents: int64(100 + i), Method: domain.PaymentCash,
					IdempotencyKey: fmt.Sprint("bench-path-", i)}
				if _, err := svc.Payments.AddPayment(f.AdminCtx, in); err != nil {
					b.Fatal(err)
				}
				evs, err := svc.Events.EventsAfter(sys, cursor, 500)
				if err != nil || len(evs) != 1 {
					b.Fatalf("events after %d: %d, %v", cursor, len(evs), err)
				}
				cursor = evs[0].Seq
				if i%2 == 0 {
					if _, _, err := svc.Sessions.SessionUser(sys, grant.Session.ID, f.Admin.ID); err != nil {
						b.Fatal(err)
					}
					if _, err := svc.Stats.Stats(f.AdminCtx); err != nil {
						b.Fatal(err)
					}
				}
				if i%6 == 0 {
					for _, ctx := range []context.Context{sys, f.ACtx} {
						if _, err := svc.Stats.Stats(ctx); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			// The machine the benchmarks run on is shared: CPU time is
			// steadier than the wall time (on SQLite it is all of the work;
			// on PostgreSQL the server's is not in it).
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
