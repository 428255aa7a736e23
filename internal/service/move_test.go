package service_test

import (
	"encoding/json"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestMoveCustomer: an admin moves vendor A's customer to vendor B. The
// open delivery moves with it; from then on A can neither read nor change
// the customer, its deliveries, payments or ledger; B can; A is told.
func TestMoveCustomer(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		done := newDelivery(t, f.ACtx, svc, c.ID, 500)
		deliverNow(t, f, done.ID)
		open := newDelivery(t, f.ACtx, svc, c.ID, 700)
		must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 200, Method: domain.PaymentCash}))(t)

		moved := must(svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{VendorID: &f.VendorB.ID, Name: ptr("Asha R.")}))(t)
		if moved.VendorID != f.VendorB.ID {
			t.Fatalf("vendor after move = %d, want %d", moved.VendorID, f.VendorB.ID)
		}

		// Vendor A: nothing, over every read and write.
		_, err := svc.Customers.FindCustomerByID(f.ACtx, c.ID)
		wantCode(t, err, domain.CodeNotFound, "")
		_, _, err = svc.Customers.CustomerLedger(f.ACtx, c.ID, domain.Page{})
		wantCode(t, err, domain.CodeNotFound, "")
		for _, id := range []int64{done.ID, open.ID} {
			_, err = svc.Deliveries.FindDeliveryByID(f.ACtx, id)
			wantCode(t, err, domain.CodeNotFound, "")
		}
		_, err = svc.Deliveries.UpdateDelivery(f.ACtx, open.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)})
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Deliveries.UpdateDelivery(f.ACtx, done.ID, domain.DeliveryUpdate{Note: ptr("peek")})
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash})
		wantCode(t, err, domain.CodeNotFound, "customerId")
		_, err = svc.Deliveries.CreateDelivery(f.ACtx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Items: "Milk", Quantity: 1})
		wantCode(t, err, domain.CodeNotFound, "customerId")
		if ds, n := must2(svc.Deliveries.FindDeliveries(f.ACtx, domain.DeliveryFilter{}))(t); n != 0 {
			t.Fatalf("vendor A still lists %d deliveries: %+v", n, ds)
		}
		if ps, n := must2(svc.Payments.FindPayments(f.ACtx, domain.PaymentFilter{}))(t); n != 0 {
			t.Fatalf("vendor A still lists %d payments: %+v", n, ps)
		}

		// Vendor B: everything, and it can act on the moved delivery.
		if _, n := must2(svc.Deliveries.FindDeliveries(f.BCtx, domain.DeliveryFilter{CustomerID: c.ID}))(t); n != 2 {
			t.Fatalf("vendor B lists %d deliveries of the customer, want 2", n)
		}
		if _, n := must2(svc.Payments.FindPayments(f.BCtx, domain.PaymentFilter{CustomerID: c.ID}))(t); n != 1 {
			t.Fatalf("vendor B lists %d payments of the customer, want 1", n)
		}
		got := must(svc.Deliveries.FindDeliveryByID(f.BCtx, open.ID))(t)
		if got.VendorID != f.VendorB.ID || got.CustomerName != "Asha R." {
			t.Fatalf("open delivery after the move = %+v, want vendor B's", got)
		}
		if d := must(svc.Deliveries.FindDeliveryByID(f.BCtx, done.ID))(t); d.VendorID != f.VendorA.ID {
			t.Fatalf("delivered delivery's vendor = %d, want A (who delivered it)", d.VendorID)
		}
		for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
			must(svc.Deliveries.UpdateDelivery(f.BCtx, open.ID, domain.DeliveryUpdate{Status: status(s)}))(t)
		}
		must2(svc.Customers.CustomerLedger(f.BCtx, c.ID, domain.Page{}))(t)

		// Per-vendor figures: revenue to the vendor that delivered,
		// outstanding to the customer's current vendor.
		a, b := must(svc.Stats.Stats(f.ACtx))(t), must(svc.Stats.Stats(f.BCtx))(t)
		if a.RevenueTodayCents+b.RevenueTodayCents != must(svc.Stats.Stats(ctx))(t).RevenueTodayCents || b.OutstandingCents != 1000 || a.OutstandingCents != 0 {
			t.Fatalf("stats: A %+v, B %+v; want outstanding 0 and 1000, revenue adding up", a, b)
		}

		// An admin cannot create a delivery for another vendor than the customer's.
		_, err = svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, VendorID: f.VendorA.ID, ScheduledFor: "2026-11-25", Items: "Milk", Quantity: 1})
		wantCode(t, err, domain.CodeInvalid, "vendorId")

		// The log: A got customer.removed (naming only what it knew), B the update.
		var removed, updated *domain.Event
		for _, e := range allEvents(t, svc) {
			switch e.Action {
			case domain.ActionCustomerRemoved:
				removed = e
			case domain.ActionCustomerUpdated:
				updated = e
			}
		}
		if removed == nil || removed.VendorID != f.VendorA.ID || removed.EntityID != c.ID || updated == nil || updated.VendorID != f.VendorB.ID {
			t.Fatalf("events: removed %+v, updated %+v", removed, updated)
		}
		var payload map[string]any
		if err := json.Unmarshal(removed.Payload, &payload); err != nil || len(payload) != 2 || payload["customerId"] != float64(c.ID) || payload["reason"] != "moved" {
			t.Fatalf("customer.removed payload = %s, want only {customerId, reason: moved}", removed.Payload)
		}
		evsA := must(svc.Events.EventsAfter(f.ACtx, updated.Seq, 100))(t)
		if len(evsA) != 0 {
			t.Fatalf("vendor A sees events after the move: %s", describe(evsA))
		}
	})
}
