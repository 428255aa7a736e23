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

// TestRoundEventsOverSocket: products, areas, subscriptions, rates and a
// generated day reach the owning vendor's sockets and admins, never another
// vendor's; a generated day is one deliveries:generated per vendor, not a
// burst of delivery:updated; deliveries:status works over the socket with
// the REST rules.
func TestRoundEventsOverSocket(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{CommandRate: 1000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	socks := map[string]*rawsocket.Client{}
	for _, who := range []string{"admin", "vendorA", "vendorB"} {
		c, err := l.dial(t, who)
		if err != nil {
			t.Fatalf("%s connect: %v", who, err)
		}
		socks[who] = c
	}
	svc := l.fx.Svc
	today := time.Now().UTC().Format(time.DateOnly)
	// Vendor A's business first, then vendor B's: B's first event of each
	// kind must be its own.
	for _, v := range []struct {
		ctx  context.Context
		cust int64
	}{{l.fx.ACtx, l.custA}, {l.fx.BCtx, l.custB}} {
		p, err := svc.Products.CreateProduct(v.ctx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 5000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Areas.CreateArea(v.ctx, domain.AreaCreate{Name: "North"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Products.SetCustomerRate(v.ctx, v.cust, p.ID, domain.CustomerRateSet{PriceCents: 4500}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Subscriptions.CreateSubscription(v.ctx, domain.SubscriptionCreate{CustomerID: v.cust, ProductID: p.ID, Quantity: 2,
			Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning, StartsOn: today}); err != nil {
			t.Fatal(err)
		}
		if res, err := svc.Rounds.GenerateDeliveries(v.ctx, domain.GenerateRequest{}); err != nil || res.Created != 1 {
			t.Fatalf("generate = %+v, %v", res, err)
		}
	}
	vendorOf := func(p rawsocket.Packet, path ...string) int64 {
		var m map[string]any
		_ = p.Arg(0, &m)
		var v any = m
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		f, _ := v.(float64)
		return int64(f)
	}
	for _, tt := range []struct {
		event string
		path  []string
	}{
		{EventProduct, []string{"product", "vendorId"}},
		{EventArea, []string{"area", "vendorId"}},
		{EventRate, []string{"rate", "vendorId"}},
		{EventSubscription, []string{"subscription", "vendorId"}},
		{EventGenerated, []string{"vendorId"}},
	} {
		for who, want := range map[string]int64{"admin": l.fx.VendorA.ID, "vendorA": l.fx.VendorA.ID, "vendorB": l.fx.VendorB.ID} {
			p, err := socks[who].NextEvent(ctx, tt.event)
			if err != nil {
				t.Fatalf("%s: no %s: %v", who, tt.event, err)
			}
			if got := vendorOf(p, tt.path...); got != want {
				t.Errorf("%s's first %s is vendor %d's, want %d's: %s", who, tt.event, got, want, p.Args)
			}
		}
	}
	var gen GeneratedPayload
	p, err := socks["admin"].NextEvent(ctx, EventGenerated) // vendor B's, the admin's second
	if err != nil || p.Arg(0, &gen) != nil {
		t.Fatal(err)
	}
	if gen.Created != 1 || len(gen.DeliveryIDs) != 1 || gen.Date != today || gen.Seq == 0 {
		t.Fatalf("deliveries:generated = %+v", gen)
	}
	// deliveries:status over the socket: the same rules as REST.
	ack, err := call(ctx, socks["vendorA"], CmdBulkStatus, json.RawMessage(fmt.Sprintf(`{"ids":[%d],"status":"skipped","reason":"not_home"}`, gen.DeliveryIDs[0])))
	if err != nil || !ack.OK {
		t.Fatalf("vendor A skips vendor B's delivery: %v %v", ack, err)
	}
	var res domain.BulkStatusResult
	if err := json.Unmarshal(ack.Data, &res); err != nil || res.Failed != 1 || res.Results[0].Error.Code != domain.CodeNotFound {
		t.Fatalf("result = %+v (%v)", res, err)
	}
	ack, err = call(ctx, socks["vendorB"], CmdBulkStatus, json.RawMessage(fmt.Sprintf(`{"ids":[%d],"status":"skipped","reason":"not_home"}`, gen.DeliveryIDs[0])))
	if err != nil || !ack.OK || json.Unmarshal(ack.Data, &res) != nil || res.Succeeded != 1 {
		t.Fatalf("vendor B skips its delivery: %v %v", ack, err)
	}
	var du DeliveryPayload
	if p, err := socks["vendorB"].NextEvent(ctx, EventDelivery); err != nil || p.Arg(0, &du) != nil || du.PreviousStatus != domain.DeliveryScheduled {
		t.Fatalf("vendor B: delivery:updated %+v %v", du, err)
	}
}

// TestRoundEventsReplayed: a vendor that was away recovers the product,
// area, rate, subscription and generated-day events it missed from the
// event log, in order.
func TestRoundEventsReplayed(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc := l.fx.Svc
	first := l.mustDial(t, "vendorA")
	p, err := svc.Products.CreateProduct(l.fx.ACtx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 5000})
	if err != nil {
		t.Fatal(err)
	}
	offset := nextOffset(ctx, t, first)
	pid := first.PID
	first.Close()
	for l.hub.Ops(ctx).Disconnected == 0 {
		if ctx.Err() != nil {
			t.Fatal("the server never saw the connection close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// While vendor A is away.
	if _, err := svc.Products.UpdateProduct(l.fx.ACtx, p.ID, domain.ProductUpdate{PriceCents: new(int64(5200))}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Areas.CreateArea(l.fx.ACtx, domain.AreaCreate{Name: "North"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Products.SetCustomerRate(l.fx.ACtx, l.custA, p.ID, domain.CustomerRateSet{PriceCents: 4900}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscriptions.CreateSubscription(l.fx.ACtx, domain.SubscriptionCreate{CustomerID: l.custA, ProductID: p.ID, Quantity: 1,
		Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rounds.GenerateDeliveries(l.fx.AdminCtx, domain.GenerateRequest{}); err != nil {
		t.Fatal(err)
	}

	c := l.resume(ctx, t, l.url, "vendorA", pid, offset)
	var last int64
	for _, name := range []string{EventProduct, EventArea, EventRate, EventSubscription, EventGenerated} {
		var m struct {
			Seq int64 `json:"seq"`
		}
		pk, err := c.NextEvent(ctx, name)
		if err != nil || pk.Arg(0, &m) != nil {
			t.Fatalf("%s not replayed: %v", name, err)
		}
		if m.Seq <= last {
			t.Fatalf("%s replayed at seq %d after %d", name, m.Seq, last)
		}
		last = m.Seq
	}
}
