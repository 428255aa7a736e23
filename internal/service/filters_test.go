package service_test

import (
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func TestDeliveryAndPaymentFilters(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		ca := newCustomer(t, ctx, svc, "Filter A", f.VendorA.ID)
		cb := newCustomer(t, ctx, svc, "Filter B", f.VendorB.ID)
		for i, day := range []string{"2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21"} {
			for _, c := range []*domain.Customer{ca, cb} {
				d := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: day, Items: "Water can 20L", Quantity: 1, AmountCents: 9000}))(t)
				if i%2 == 0 {
					must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryCancelled)}))(t)
				}
			}
		}
		deliveryTests := []struct {
			name   string
			filter domain.DeliveryFilter
			want   int
		}{
			{"all", domain.DeliveryFilter{}, 8},
			{"customer", domain.DeliveryFilter{CustomerID: ca.ID}, 4},
			{"vendor", domain.DeliveryFilter{VendorID: f.VendorB.ID}, 4},
			{"status", domain.DeliveryFilter{Status: domain.DeliveryCancelled}, 4},
			{"from", domain.DeliveryFilter{From: "2026-11-20"}, 4},
			{"to", domain.DeliveryFilter{To: "2026-11-18"}, 2},
			{"range and status", domain.DeliveryFilter{From: "2026-11-19", To: "2026-11-20", Status: domain.DeliveryScheduled}, 2},
		}
		for _, tt := range deliveryTests {
			t.Run("deliveries "+tt.name, func(t *testing.T) {
				list, total := must2(svc.Deliveries.FindDeliveries(ctx, tt.filter))(t)
				if total != tt.want || len(list) != tt.want {
					t.Fatalf("got %d items, total %d; want %d", len(list), total, tt.want)
				}
			})
		}
		list, total := must2(svc.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{Page: domain.Page{Limit: 3}}))(t)
		if total != 8 || len(list) != 3 || list[0].ScheduledFor != "2026-11-21" || list[0].CustomerName == "" {
			t.Fatalf("first page: %d items of %d, first %+v", len(list), total, list[0])
		}
		_, _, err := svc.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{From: "yesterday"})
		wantCode(t, err, domain.CodeInvalid, "from")

		for _, day := range []int{18, 19, 20} {
			clk.Set(time.Date(2026, 11, day, 12, 0, 0, 0, time.UTC))
			must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: ca.ID, AmountCents: 100, Method: domain.PaymentCash}))(t)
			must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: cb.ID, AmountCents: 100, Method: domain.PaymentUPI}))(t)
		}
		paymentTests := []struct {
			name   string
			filter domain.PaymentFilter
			want   int
		}{
			{"all", domain.PaymentFilter{}, 6},
			{"customer", domain.PaymentFilter{CustomerID: cb.ID}, 3},
			{"vendor", domain.PaymentFilter{VendorID: f.VendorA.ID}, 3},
			{"method", domain.PaymentFilter{Method: domain.PaymentUPI}, 3},
			{"day", domain.PaymentFilter{From: "2026-11-19", To: "2026-11-19"}, 2},
		}
		for _, tt := range paymentTests {
			t.Run("payments "+tt.name, func(t *testing.T) {
				list, total := must2(svc.Payments.FindPayments(ctx, tt.filter))(t)
				if total != tt.want || len(list) != tt.want {
					t.Fatalf("got %d items, total %d; want %d", len(list), total, tt.want)
				}
			})
		}
		pays, _ := must2(svc.Payments.FindPayments(ctx, domain.PaymentFilter{}))(t)
		if !pays[0].CreatedAt.After(pays[len(pays)-1].CreatedAt) {
			t.Fatal("payments are not newest first")
		}
	})
}
