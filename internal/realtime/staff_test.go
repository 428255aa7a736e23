package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// staffSaw is an event a staff socket received: its name, the delivery or
// customer it names, and its offset.
type staffSaw struct {
	name             string
	delivery, custID int64
	offset           string
}

func (s staffSaw) String() string {
	return fmt.Sprintf("%s(delivery %d, customer %d)", s.name, s.delivery, s.custID)
}

// drainStaff reads a staff socket's events until it is quiet for quiet.
func drainStaff(t *testing.T, c *rawsocket.Client, quiet time.Duration) []staffSaw {
	t.Helper()
	var out []staffSaw
	for {
		ctx, cancel := context.WithTimeout(context.Background(), quiet)
		p, err := c.Next(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return out
		}
		if err != nil {
			t.Fatalf("staff socket: %v", err)
		}
		if p.Type != '2' {
			continue
		}
		var args []json.RawMessage
		_ = json.Unmarshal(p.Args, &args)
		var body struct {
			Delivery struct {
				ID         int64 `json:"id"`
				CustomerID int64 `json:"customerId"`
			} `json:"delivery"`
			Payment struct {
				CustomerID int64 `json:"customerId"`
			} `json:"payment"`
		}
		s := staffSaw{name: p.Event}
		if len(args) > 0 {
			_ = json.Unmarshal(args[0], &body)
		}
		if len(args) > 1 {
			_ = json.Unmarshal(args[len(args)-1], &s.offset)
		}
		s.delivery, s.custID = body.Delivery.ID, body.Delivery.CustomerID+body.Payment.CustomerID
		out = append(out, s)
	}
}

// TestStaffReceiveTheirRoundOnly: a staff member's socket is sent the
// changes of its round (its area's deliveries and payments) and nothing of
// its vendor's other area, of another vendor, nor any figures or activity,
// while the vendor's socket gets everything; the staff member's own
// command is acknowledged and its change sent like any other.
func TestStaffReceiveTheirRoundOnly(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{CommandRate: 1000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	staff, err := l.dial(t, "staff")
	if err != nil {
		t.Fatalf("staff connect: %v", err)
	}
	vendor, err := l.dial(t, "vendorA")
	if err != nil {
		t.Fatalf("vendor connect: %v", err)
	}
	actx := domain.WithActor(ctx, l.fx.VendorA.Actor())
	out := domain.DeliveryOutForDelivery
	for _, id := range []int64{l.delA, l.delA2} {
		if _, err := l.svc.Deliveries.UpdateDelivery(actx, id, domain.DeliveryUpdate{Status: &out}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.svc.Payments.AddPayment(actx, domain.PaymentCreate{CustomerID: l.custA2, AmountCents: 700, Method: domain.PaymentCash}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Payments.AddPayment(actx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 800, Method: domain.PaymentUPI}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Deliveries.UpdateDelivery(l.fx.BCtx, l.delB, domain.DeliveryUpdate{Status: &out}); err != nil {
		t.Fatal(err)
	}
	a, err := call(ctx, staff, CmdDelivery, []byte(`{"id":`+strconv.FormatInt(l.delA, 10)+`,"status":"delivered","idempotencyKey":"st-1"}`))
	if err != nil || !a.OK {
		t.Fatalf("staff marks its delivery: %v %v", a, err)
	}
	for _, name := range []string{EventDelivery, EventDelivery, EventPayment, EventPayment, EventDelivery} {
		if _, err := vendor.NextEvent(ctx, name); err != nil {
			t.Fatalf("vendor waits for %s: %v", name, err)
		}
	}
	got := drainStaff(t, staff, 700*time.Millisecond)
	want := []staffSaw{{name: EventDelivery, delivery: l.delA, custID: l.custA}, {name: EventPayment, custID: l.custA},
		{name: EventDelivery, delivery: l.delA, custID: l.custA}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("staff received %v, want %v", got, want)
	}
}

// TestStaffReplayFiltered: a staff socket that reconnects with its offset
// is replayed what it missed of its round, and nothing else.
func TestStaffReplayFiltered(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := l.dial(t, "staff")
	if err != nil {
		t.Fatal(err)
	}
	actx := domain.WithActor(ctx, l.fx.VendorA.Actor())
	out := domain.DeliveryOutForDelivery
	if _, err := l.svc.Deliveries.UpdateDelivery(actx, l.delA, domain.DeliveryUpdate{Status: &out}); err != nil {
		t.Fatal(err)
	}
	seen := drainStaff(t, first, 500*time.Millisecond)
	if len(seen) != 1 || seen[0].offset == "" {
		t.Fatalf("staff saw %v before disconnecting, want its delivery with an offset", seen)
	}
	pid := first.PID
	first.Close()
	for l.hub.Ops(ctx).Disconnected == 0 {
		if ctx.Err() != nil {
			t.Fatal("the server never saw the connection close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// While away: the other area, vendor B, and its own area.
	if _, err := l.svc.Deliveries.UpdateDelivery(actx, l.delA2, domain.DeliveryUpdate{Status: &out}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Payments.AddPayment(actx, domain.PaymentCreate{CustomerID: l.custA2, AmountCents: 700, Method: domain.PaymentCash}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Deliveries.UpdateDelivery(l.fx.BCtx, l.delB, domain.DeliveryUpdate{Status: &out}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Payments.AddPayment(actx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 900, Method: domain.PaymentCash}); err != nil {
		t.Fatal(err)
	}
	c, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Connect(ctx, map[string]string{"token": l.tok["staff"], "pid": pid, "offset": seen[0].offset}); err != nil {
		t.Fatal(err)
	}
	got := drainStaff(t, c, 700*time.Millisecond)
	want := []staffSaw{{name: EventPayment, custID: l.custA}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("staff was replayed %v, want %v", got, want)
	}
}

// TestStaffGeneratedAndSubscriptions: a staff member is told of the
// subscriptions of customers on its round, and of a generation run with
// only the deliveries on its round listed.
func TestStaffGeneratedAndSubscriptions(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	staff, err := l.dial(t, "staff")
	if err != nil {
		t.Fatal(err)
	}
	svc := l.fx.Svc
	p, err := svc.Products.CreateProduct(l.fx.ACtx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 5000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []int64{l.custA, l.custA2} {
		if _, err := svc.Subscriptions.CreateSubscription(l.fx.ACtx, domain.SubscriptionCreate{CustomerID: c, ProductID: p.ID, Quantity: 1,
			Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Rounds.GenerateDeliveries(l.fx.AdminCtx, domain.GenerateRequest{}); err != nil {
		t.Fatal(err)
	}
	var sub struct {
		Subscription struct {
			CustomerID int64 `json:"customerId"`
		} `json:"subscription"`
	}
	pk, err := staff.NextEvent(ctx, EventSubscription)
	if err != nil || pk.Arg(0, &sub) != nil || sub.Subscription.CustomerID != l.custA {
		t.Fatalf("subscription:updated = %s %v, want customer %d's", pk.Args, err, l.custA)
	}
	var g GeneratedPayload
	pk, err = staff.NextEvent(ctx, EventGenerated)
	if err != nil || pk.Arg(0, &g) != nil {
		t.Fatalf("deliveries:generated: %v", err)
	}
	round, err := svc.Rounds.Round(domain.WithActor(ctx, l.fx.VendorA.Actor()), domain.RoundQuery{Date: g.Date, AreaID: l.areaA})
	if err != nil {
		t.Fatal(err)
	}
	var mine []int64
	for _, s := range round.Stops {
		if s.Delivery.SubscriptionID != 0 {
			mine = append(mine, s.Delivery.ID)
		}
	}
	if g.Created != 1 || fmt.Sprint(g.DeliveryIDs) != fmt.Sprint(mine) {
		t.Fatalf("deliveries:generated = %+v, want only %v (the staff member's area)", g, mine)
	}
	for _, s := range drainStaff(t, staff, 500*time.Millisecond) {
		t.Errorf("staff also received %v", s)
	}
}
