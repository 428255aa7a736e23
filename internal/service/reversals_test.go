package service_test

import (
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// deliverNow takes a delivery through the workflow to delivered.
func deliverNow(t *testing.T, f *storetest.Fixture, id int64) {
	t.Helper()
	for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
		must(f.Svc.Deliveries.UpdateDelivery(f.AdminCtx, id, domain.DeliveryUpdate{Status: status(s)}))(t)
	}
}

func TestReversePayment(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		d := newDelivery(t, ctx, svc, c.ID, 4500)
		deliverNow(t, f, d.ID)
		p := must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 45000, Method: domain.PaymentCash}))(t).Payment
		before := must(svc.Stats.Stats(ctx))(t)
		if before.PaymentsTodayCents != 45000 {
			t.Fatalf("paymentsTodayCents before = %d, want 45000", before.PaymentsTodayCents)
		}

		_, err := svc.Reversals.ReversePayment(f.ACtx, p.ID, domain.ReversalCreate{Reason: "typo"})
		wantCode(t, err, domain.CodeForbidden, "")
		_, err = svc.Reversals.ReversePayment(ctx, p.ID, domain.ReversalCreate{Reason: "  "})
		wantCode(t, err, domain.CodeInvalid, "reason")
		_, err = svc.Reversals.ReversePayment(ctx, p.ID+100, domain.ReversalCreate{Reason: "typo"})
		wantCode(t, err, domain.CodeNotFound, "")

		res := must(svc.Reversals.ReversePayment(ctx, p.ID, domain.ReversalCreate{Reason: "typed 45,000 for 4,500", IdempotencyKey: "rev-1"}))(t)
		if !res.Created || res.Reversal == nil || res.Reversal.AmountCents != 45000 || res.Reversal.EntityID != p.ID || res.Reversal.Entity != "payment" {
			t.Fatalf("reversal = %+v (created %v), want a new +45000 reversal of payment %d", res.Reversal, res.Created, p.ID)
		}
		if res.Customer.BalanceCents != 4500 {
			t.Fatalf("balance after reversal = %d, want 4500", res.Customer.BalanceCents)
		}
		if res.Payment.ReversedAt == nil || res.Payment.ReversalReason != "typed 45,000 for 4,500" || res.Payment.AmountCents != 45000 {
			t.Fatalf("payment in result = %+v, want it unchanged and shown as reversed", res.Payment)
		}
		if bal, sum := ledgerSum(t, svc.DB, c.ID); bal != 4500 || sum != bal {
			t.Fatalf("balance %d, ledger sum %d, want both 4500", bal, sum)
		}

		// A retry with the same key replays; another reversal is refused.
		again := must(svc.Reversals.ReversePayment(ctx, p.ID, domain.ReversalCreate{Reason: "typed 45,000 for 4,500", IdempotencyKey: "rev-1"}))(t)
		if mustJSON(t, again) != mustJSON(t, res) {
			t.Fatalf("replay = %s, want the first answer %s", mustJSON(t, again), mustJSON(t, res))
		}
		_, err = svc.Reversals.ReversePayment(ctx, p.ID, domain.ReversalCreate{Reason: "typed 45,000 for 4,500"})
		wantCode(t, err, domain.CodeAlreadyReversed, "")
		_, err = svc.Reversals.ReversePayment(ctx, p.ID, domain.ReversalCreate{Reason: "other", IdempotencyKey: "rev-1"})
		wantCode(t, err, domain.CodeIdempotencyKeyReused, "idempotencyKey")

		// The original reads as reversed everywhere; the ledger shows both.
		list, _ := must2(svc.Payments.FindPayments(ctx, domain.PaymentFilter{CustomerID: c.ID}))(t)
		if len(list) != 1 || list[0].ReversedAt == nil || list[0].AmountCents != 45000 {
			t.Fatalf("payments = %+v, want the one payment, unchanged, reversed", list)
		}
		ledger, _ := must2(svc.Customers.CustomerLedger(ctx, c.ID, domain.Page{}))(t)
		if len(ledger) != 3 {
			t.Fatalf("ledger has %d entries, want 3", len(ledger))
		}
		rev, orig := ledger[0], ledger[1]
		if rev.Kind != "reversal" || rev.AmountCents != 45000 || rev.Reverses == nil || *rev.Reverses != (domain.LedgerRef{Kind: "payment", RefID: p.ID}) || rev.ReversalReason == "" {
			t.Fatalf("reversal entry = %+v, want kind reversal +45000 pointing at payment %d", rev, p.ID)
		}
		if orig.Kind != "payment" || orig.AmountCents != -45000 || orig.ReversedAt == nil || orig.ReversalReason != "typed 45,000 for 4,500" {
			t.Fatalf("original entry = %+v, want the payment entry unchanged and marked reversed", orig)
		}

		// Figures are net of the reversal.
		st := must(svc.Stats.Stats(ctx))(t)
		if st.PaymentsToday != 0 || st.PaymentsTodayCents != 0 || st.OutstandingCents != 4500 {
			t.Fatalf("stats after reversal: payments %d/%d, outstanding %d; want 0/0, 4500", st.PaymentsToday, st.PaymentsTodayCents, st.OutstandingCents)
		}
		today := svc.Now().Format("2006-01-02")
		an := must(svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: today, To: today}))(t)
		if an.Series[0].PaymentsCents != 0 || an.Series[0].RevenueCents != 4500 {
			t.Fatalf("analytics after reversal = %+v, want payments 0, revenue 4500", an.Series[0])
		}

		evs := allEvents(t, svc)
		last := evs[len(evs)-1]
		if last.Action != domain.ActionPaymentReversed || last.EntityID != p.ID || last.VendorID != f.VendorA.ID {
			t.Fatalf("last event = %+v, want payment.reversed of %d for vendor A", last, p.ID)
		}
	})
}

func TestReverseDelivery(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		today := time.Now().UTC().Format("2006-01-02")
		d := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: today, Items: "Milk", Quantity: 1, AmountCents: 700}))(t)
		deliverNow(t, f, d.ID)

		_, err := svc.Reversals.ReverseDelivery(f.ACtx, d.ID, domain.ReversalCreate{Reason: "not delivered"})
		wantCode(t, err, domain.CodeForbidden, "")
		res := must(svc.Reversals.ReverseDelivery(ctx, d.ID, domain.ReversalCreate{Reason: "marked by mistake"}))(t)
		if res.Reversal == nil || res.Reversal.AmountCents != -700 || res.Customer.BalanceCents != 0 || res.Delivery.ReversedAt == nil ||
			res.Delivery.Status != domain.DeliveryDelivered {
			t.Fatalf("result = %+v / %+v, want a -700 reversal, balance 0, the delivery still delivered and reversed", res.Reversal, res.Delivery)
		}
		got := must(svc.Deliveries.FindDeliveryByID(f.ACtx, d.ID))(t)
		if got.ReversedAt == nil || got.ReversalReason != "marked by mistake" || got.AmountCents != 700 {
			t.Fatalf("delivery = %+v, want it shown as reversed", got)
		}
		_, err = svc.Reversals.ReverseDelivery(ctx, d.ID, domain.ReversalCreate{Reason: "again"})
		wantCode(t, err, domain.CodeAlreadyReversed, "")
		if bal, sum := ledgerSum(t, svc.DB, c.ID); bal != 0 || sum != 0 {
			t.Fatalf("balance %d, ledger sum %d, want 0", bal, sum)
		}
		st := must(svc.Stats.Stats(ctx))(t)
		if st.RevenueTodayCents != 0 || st.RevenueMonthCents != 0 || st.DeliveriesToday != (domain.DeliveryCounts{Reversed: 1}) {
			t.Fatalf("stats after reversal: revenue %d/%d, deliveries %+v; want 0, 0 and one reversed", st.RevenueTodayCents, st.RevenueMonthCents, st.DeliveriesToday)
		}
		an := must(svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: today, To: today}))(t)
		if p := an.Series[0]; p.RevenueCents != 0 || p.Delivered != 0 || p.Deliveries != 0 || an.TopVendors[0].RevenueCents != 0 {
			t.Fatalf("analytics after reversal = %+v %+v, want no revenue or deliveries", p, an.TopVendors)
		}
		vm := must(svc.Users.VendorMetrics(ctx, []int64{f.VendorA.ID}))(t)
		if vm[0].RevenueCents30d != 0 || vm[0].Delivered30d != 0 {
			t.Fatalf("vendor metrics = %+v, want no revenue", vm[0])
		}

		// A delivery that was not delivered is cancelled instead.
		open := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: today, Items: "Milk", Quantity: 1, AmountCents: 700}))(t)
		res = must(svc.Reversals.ReverseDelivery(ctx, open.ID, domain.ReversalCreate{Reason: "customer away"}))(t)
		if res.Reversal != nil || res.Delivery.Status != domain.DeliveryCancelled || res.Customer.BalanceCents != 0 {
			t.Fatalf("reversal of an open delivery = %+v / %+v, want it cancelled, no reversal", res.Reversal, res.Delivery)
		}
		_, err = svc.Reversals.ReverseDelivery(ctx, open.ID, domain.ReversalCreate{Reason: "customer away"})
		wantCode(t, err, domain.CodeInvalidTransition, "status")
	})
}

// TestConcurrentReversals: many admins reverse the same payment at once;
// exactly one reversal lands and the balance equals the ledger.
func TestConcurrentReversals(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Asha Rao", f.VendorA.ID)
		p := must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 900, Method: domain.PaymentCash}))(t).Payment
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, already := 0, 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Reversals.ReversePayment(ctx, p.ID, domain.ReversalCreate{Reason: "duplicate"})
				mu.Lock()
				defer mu.Unlock()
				switch domain.ErrorCode(err) {
				case "":
					ok++
				case domain.CodeAlreadyReversed:
					already++
				default:
					t.Errorf("reversal: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || already != 7 {
			t.Fatalf("%d reversals landed, %d refused; want 1 and 7", ok, already)
		}
		if bal, sum := ledgerSum(t, svc.DB, c.ID); bal != 0 || sum != 0 {
			t.Fatalf("balance %d, ledger sum %d, want 0", bal, sum)
		}
	})
}
