package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// TestVendorMoveOverSocket: vendor A's customer moves to vendor B while both
// are connected. A is told (customer:removed) and can no longer act on the
// customer's delivery or payments; B is told (customer:updated), can act on
// the moved delivery, and receives its events and the reversal events.
func TestVendorMoveOverSocket(t *testing.T) {
	t.Parallel()
	eachLiveHub(t, Options{CommandRate: 1000}, testVendorMoveOverSocket)
}

func testVendorMoveOverSocket(t *testing.T, l *liveHub) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := l.mustDial(t, "vendorA")
	b := l.mustDial(t, "vendorB")
	svc := l.fx.Svc
	if _, err := svc.Customers.UpdateCustomer(l.fx.AdminCtx, l.custA, domain.CustomerUpdate{VendorID: &l.fx.VendorB.ID}); err != nil {
		t.Fatal(err)
	}

	var removed CustomerRemovedPayload
	if p, err := a.NextEvent(ctx, EventCustomerRemoved); err != nil || p.Arg(0, &removed) != nil {
		t.Fatalf("vendor A: no customer:removed: %v", err)
	}
	if removed.CustomerID != l.custA || removed.VendorID != l.fx.VendorA.ID || removed.Reason != "moved" {
		t.Fatalf("customer:removed = %+v", removed)
	}
	var updated struct {
		Customer domain.Customer `json:"customer"`
	}
	// Vendor B may first hear of its own customer, created by the fixture
	// just before it connected; the moved customer's update follows.
	for updated.Customer.ID != l.custA {
		if p, err := b.NextEvent(ctx, EventCustomer); err != nil || p.Arg(0, &updated) != nil {
			t.Fatalf("vendor B: no customer:updated for the moved customer: %v", err)
		}
	}
	if updated.Customer.VendorID != l.fx.VendorB.ID {
		t.Fatalf("customer:updated = %+v", updated.Customer)
	}

	wantAck := func(c *rawsocket.Client, cmd, arg, code string) ackOf {
		t.Helper()
		ack, err := call(ctx, c, cmd, json.RawMessage(arg))
		if err != nil {
			t.Fatal(err)
		}
		if (code == "" && !ack.OK) || (code != "" && (ack.OK || ack.Error.Code != code)) {
			t.Fatalf("%s %s = %v, want %q", cmd, arg, ack, code)
		}
		return ack
	}
	wantAck(a, CmdDelivery, fmt.Sprintf(`{"id":%d,"status":"out_for_delivery"}`, l.delA), domain.CodeNotFound)
	wantAck(a, CmdPayment, fmt.Sprintf(`{"customerId":%d,"amountCents":100,"method":"cash","idempotencyKey":"m1"}`, l.custA), domain.CodeNotFound)
	wantAck(b, CmdDelivery, fmt.Sprintf(`{"id":%d,"status":"out_for_delivery"}`, l.delA), "")
	pay := wantAck(b, CmdPayment, fmt.Sprintf(`{"customerId":%d,"amountCents":100,"method":"cash","idempotencyKey":"m2"}`, l.custA), "")
	if _, err := b.NextEvent(ctx, EventDelivery); err != nil {
		t.Fatalf("vendor B: no delivery:updated for the moved delivery: %v", err)
	}

	// An admin reverses B's payment: B hears payment:reversed.
	var res domain.PaymentResult
	if err := json.Unmarshal(pay.Data, &res); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Reversals.ReversePayment(l.fx.AdminCtx, res.Payment.ID, domain.ReversalCreate{Reason: "wrong customer"}); err != nil {
		t.Fatal(err)
	}
	var rev PaymentReversedPayload
	if p, err := b.NextEvent(ctx, EventPaymentReversed); err != nil || p.Arg(0, &rev) != nil {
		t.Fatalf("vendor B: no payment:reversed: %v", err)
	}
	if rev.Customer.ID != l.custA || rev.Customer.BalanceCents != 0 {
		t.Fatalf("payment:reversed customer = %+v, want balance 0", rev.Customer)
	}

	// Vendor A heard nothing of the customer after the move: the next
	// event it gets is one of its own (a payment to vendor B's customer
	// would have come before it if it leaked).
	if _, err := svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: mustCustomer(t, l, l.fx.VendorA.ID), AmountCents: 5, Method: domain.PaymentCash}); err != nil {
		t.Fatal(err)
	}
	for {
		p, err := a.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p.Type != '2' || p.Event == EventStats || p.Event == EventActivity {
			continue
		}
		var got struct {
			Customer   struct{ ID int64 }         `json:"customer"`
			CustomerID int64                      `json:"customerId"`
			Delivery   struct{ CustomerID int64 } `json:"delivery"`
			Payment    struct{ CustomerID int64 } `json:"payment"`
		}
		if err := p.Arg(0, &got); err != nil {
			t.Fatal(err)
		}
		if got.Customer.ID == l.custA || got.Delivery.CustomerID == l.custA || got.Payment.CustomerID == l.custA {
			t.Fatalf("vendor A received %s %s after the move", p.Event, p.Args)
		}
		if p.Event == EventPayment {
			break
		}
	}
}

// mustCustomer creates a customer of vendorID and returns its id.
func mustCustomer(t *testing.T, l *liveHub, vendorID int64) int64 {
	t.Helper()
	c, err := l.fx.Svc.Customers.CreateCustomer(l.fx.AdminCtx, domain.CustomerCreate{Name: "Another", VendorID: vendorID})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestCorrectionsReplayed: a client that was away recovers the reversal and
// the move it missed from the event log, like every other event.
func TestCorrectionsReplayed(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, admin := l.fx.Svc, l.fx.AdminCtx
	// Vendor A is connected, gets one event, and loses its connection.
	first := l.mustDial(t, "vendorA")
	if _, err := svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 100, Method: domain.PaymentCash}); err != nil {
		t.Fatal(err)
	}
	offset := nextOffset(ctx, t, first)
	_, seen, _, err := ParseOffset(offset)
	if err != nil {
		t.Fatal(err)
	}
	pid := first.PID
	first.Close()
	// Reconnect only once the server has seen the connection go (and kept
	// its session), as a real client's backoff would.
	for l.hub.Ops(ctx).Disconnected == 0 {
		if ctx.Err() != nil {
			t.Fatal("the server never saw the connection close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// While vendor A is away: its delivery is delivered and reversed, then
	// its customer moves to vendor B.
	for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
		if _, err := svc.Deliveries.UpdateDelivery(admin, l.delA, domain.DeliveryUpdate{Status: &s}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Reversals.ReverseDelivery(admin, l.delA, domain.ReversalCreate{Reason: "marked by mistake"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Customers.UpdateCustomer(admin, l.custA, domain.CustomerUpdate{VendorID: &l.fx.VendorB.ID}); err != nil {
		t.Fatal(err)
	}

	c := l.resume(ctx, t, l.url, "vendorA", pid, offset)
	var rev DeliveryReversedPayload
	if p, err := c.NextEvent(ctx, EventDeliveryReversed); err != nil || p.Arg(0, &rev) != nil {
		t.Fatalf("delivery:reversed not replayed: %v", err)
	}
	if rev.Seq <= seen || rev.Customer.ID != l.custA || rev.Customer.BalanceCents != -100 { // the payment stays, the charge is refunded
		t.Fatalf("replayed delivery:reversed = %+v", rev)
	}
	var removed CustomerRemovedPayload
	if p, err := c.NextEvent(ctx, EventCustomerRemoved); err != nil || p.Arg(0, &removed) != nil {
		t.Fatalf("customer:removed not replayed: %v", err)
	}
	if removed.CustomerID != l.custA || removed.Seq <= rev.Seq {
		t.Fatalf("replayed customer:removed = %+v", removed)
	}
}

// TestReversalRefreshesTheDeliveringVendor: after a move, reversing a
// delivery the old vendor delivered changes that vendor's revenue, and its
// dashboard hears it (stats:updated), though the event itself goes to the
// customer's new vendor.
func TestReversalRefreshesTheDeliveringVendor(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, admin := l.fx.Svc, l.fx.AdminCtx
	for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
		if _, err := svc.Deliveries.UpdateDelivery(l.fx.ACtx, l.delA, domain.DeliveryUpdate{Status: &s}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Customers.UpdateCustomer(admin, l.custA, domain.CustomerUpdate{VendorID: &l.fx.VendorB.ID}); err != nil {
		t.Fatal(err)
	}
	a := l.mustDial(t, "vendorA")
	// The vendor's figures are published once it has asked for them.
	if ack, err := call(ctx, a, CmdStats, nil); err != nil || !ack.OK {
		t.Fatalf("stats:request: %v %v", ack, err)
	}
	next := func() *domain.Stats {
		t.Helper()
		p, err := a.NextEvent(ctx, EventStats)
		if err != nil {
			t.Fatalf("vendor A heard no stats:updated: %v", err)
		}
		var st StatsPayload
		if err := p.Arg(0, &st); err != nil {
			t.Fatal(err)
		}
		return st.Stats
	}
	// A payment of vendor A's own: its figures are published, revenue
	// still holds the delivery.
	if _, err := svc.Payments.AddPayment(admin, domain.PaymentCreate{CustomerID: mustCustomer(t, l, l.fx.VendorA.ID), AmountCents: 5, Method: domain.PaymentCash}); err != nil {
		t.Fatal(err)
	}
	for st := next(); st.PaymentsToday != 1; st = next() {
	}
	if _, err := svc.Reversals.ReverseDelivery(admin, l.delA, domain.ReversalCreate{Reason: "not delivered"}); err != nil {
		t.Fatal(err)
	}
	wait, cancelWait := context.WithTimeout(ctx, 3*time.Second)
	defer cancelWait()
	for {
		p, err := a.NextEvent(wait, EventStats)
		if err != nil {
			t.Fatalf("vendor A never heard its revenue change: %v", err)
		}
		var st StatsPayload
		if err := p.Arg(0, &st); err != nil {
			t.Fatal(err)
		}
		if st.Stats.RevenueTodayCents == 0 {
			return
		}
	}
}
