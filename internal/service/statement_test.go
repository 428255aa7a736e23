package service_test

import (
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestStatementMonthInBusinessZone: a delivery at 23:30 on 30 November in
// Asia/Kolkata belongs to November and a payment at 00:10 on 1 December to
// December, although both are 30 November in UTC; a reversal is a line of
// its own; each month closes at the balance it had at its end.
func TestStatementMonthInBusinessZone(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	eachClockIn(t, time.Date(2026, 11, 30, 20, 0, 0, 0, loc), loc, func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.ACtx
		c := newCustomer(t, ctx, svc, "Asha", 0)
		d := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-30", Items: "Milk", Quantity: 2, AmountCents: 9000}))(t)
		must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		clk.Set(time.Date(2026, 11, 30, 23, 30, 0, 0, loc))
		must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)}))(t)
		clk.Set(time.Date(2026, 12, 1, 0, 10, 0, 0, loc))
		pay := must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 9000, Method: domain.PaymentUPI, Reference: "=HYPERLINK()", IdempotencyKey: "p1"}))(t)
		clk.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, loc))
		must(svc.Reversals.ReversePayment(f.AdminCtx, pay.Payment.ID, domain.ReversalCreate{Reason: "bounced"}))(t)

		nov := must(svc.Statements.CustomerStatement(ctx, c.ID, "2026-11"))(t)
		if nov.OpeningBalanceCents != 0 || nov.ClosingBalanceCents != 9000 || len(nov.Lines) != 1 || nov.Lines[0].Date != "2026-11-30" ||
			nov.Lines[0].Kind != "delivery" || nov.From != "2026-11-01" || nov.To != "2026-11-30" || nov.Timezone != "Asia/Kolkata" {
			t.Fatalf("November = %+v", nov)
		}
		if want := "Delivery #1: Milk × 2 (for 30 Nov 2026)"; nov.Lines[0].Description != want {
			t.Errorf("delivery line reads %q, want %q (a readable date, never 2026-11-30)", nov.Lines[0].Description, want)
		}
		dec := must(svc.Statements.CustomerStatement(ctx, c.ID, "2026-12"))(t)
		if dec.OpeningBalanceCents != 9000 || dec.ClosingBalanceCents != 9000 || len(dec.Lines) != 2 || dec.ChargesCents != 9000 || dec.CreditsCents != 9000 {
			t.Fatalf("December = %+v", dec)
		}
		if l := dec.Lines[0]; l.Kind != "payment" || l.Date != "2026-12-01" || l.AmountCents != -9000 || l.BalanceCents != 0 {
			t.Errorf("payment line = %+v", l)
		}
		if l := dec.Lines[1]; l.Kind != "reversal" || l.AmountCents != 9000 || l.BalanceCents != 9000 || l.Description != "Reversal of payment #1: bounced" {
			t.Errorf("reversal line = %+v", l)
		}
		if cur := must(svc.Customers.FindCustomerByID(ctx, c.ID))(t); cur.BalanceCents != dec.ClosingBalanceCents {
			t.Errorf("balance %d, December closes at %d", cur.BalanceCents, dec.ClosingBalanceCents)
		}
		if oct := must(svc.Statements.CustomerStatement(ctx, c.ID, "2026-10"))(t); len(oct.Lines) != 0 || oct.ClosingBalanceCents != 0 {
			t.Errorf("October = %+v", oct)
		}
		_, err := svc.Statements.CustomerStatement(f.BCtx, c.ID, "2026-11")
		wantCode(t, err, domain.CodeNotFound, "")
		for _, m := range []string{"2026-13", "2026-1", "11-2026", ""} {
			_, err := svc.Statements.CustomerStatement(ctx, c.ID, m)
			wantCode(t, err, domain.CodeInvalid, "month")
		}
	})
}
