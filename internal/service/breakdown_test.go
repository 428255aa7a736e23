package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestRicherAnalytics runs one morning of two vendors (subscriptions,
// areas, a one-off, a reversed delivery and a reversed payment) and checks
// revenue and quantity by product and by area, the collection rate and
// active subscribers of the series, and the vendor comparison, on both
// databases, for the admin and each vendor.
func TestRicherAnalytics(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc, ctx, admin := f.Svc, f.ACtx, f.AdminCtx
		south := must(svc.Areas.CreateArea(ctx, domain.AreaCreate{Name: "South"}))(t)
		north := must(svc.Areas.CreateArea(ctx, domain.AreaCreate{Name: "North"}))(t)
		milk := newProduct(t, ctx, svc, "Milk", 5000)
		curd := must(svc.Products.CreateProduct(ctx, domain.ProductCreate{Name: "Curd", Unit: "kg", PriceCents: 8000}))(t)
		mk := func(name string, area int64) *domain.Customer {
			return must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: name, AreaID: area}))(t)
		}
		zoya, arun, meena, bala := mk("Zoya", south.ID), mk("Arun", south.ID), mk("Meena", north.ID), mk("Bala", 0)
		for _, c := range []*domain.Customer{zoya, arun, meena} {
			must(svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: milk.ID, Quantity: 2, Frequency: "daily", Shift: "morning"}))(t)
		}
		must(svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: arun.ID, ProductID: curd.ID, Quantity: 1, Frequency: "daily", Shift: "evening"}))(t)
		paneer := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: bala.ID, Items: "Paneer", Quantity: 1, AmountCents: 9000}))(t)
		// Vendor B: one subscriber whose delivery fails.
		ghee := must(svc.Products.CreateProduct(f.BCtx, domain.ProductCreate{Name: "Ghee", Unit: "bottle", PriceCents: 30000}))(t)
		vee := must(svc.Customers.CreateCustomer(f.BCtx, domain.CustomerCreate{Name: "Vee"}))(t)
		must(svc.Subscriptions.CreateSubscription(f.BCtx, domain.SubscriptionCreate{CustomerID: vee.ID, ProductID: ghee.ID, Quantity: 1, Frequency: "daily", Shift: "morning"}))(t)
		must(svc.Rounds.GenerateDeliveries(admin, domain.GenerateRequest{}))(t)

		all, _ := must2(svc.Deliveries.FindDeliveries(admin, domain.DeliveryFilter{From: "2026-12-01", To: "2026-12-01"}))(t)
		byName := map[string]*domain.Delivery{}
		for _, d := range all {
			byName[fmt.Sprintf("%d/%s", d.CustomerID, d.Items)] = d
		}
		get := func(c *domain.Customer, items string) *domain.Delivery {
			d := byName[fmt.Sprintf("%d/%s", c.ID, items)]
			if d == nil {
				t.Fatalf("no delivery %s for %s among %d", items, c.Name, len(all))
			}
			return d
		}
		to := func(d *domain.Delivery, s ...domain.DeliveryStatus) {
			for _, st := range s {
				in := domain.DeliveryUpdate{Status: status(st)}
				if st == domain.DeliveryFailed {
					in.Reason = ptr(domain.ReasonNotHome)
				}
				must(svc.Deliveries.UpdateDelivery(admin, d.ID, in))(t)
			}
		}
		out, del := domain.DeliveryOutForDelivery, domain.DeliveryDelivered
		to(get(zoya, "Milk"), out, del)
		to(get(arun, "Milk"), out, del)
		to(get(arun, "Curd"), out, del)
		to(get(meena, "Milk"), out, del)
		to(paneer, out, del)
		to(get(vee, "Ghee"), out, domain.DeliveryFailed)
		must(svc.Reversals.ReverseDelivery(admin, get(meena, "Milk").ID, domain.ReversalCreate{Reason: "not hers"}))(t)
		pay := func(c *domain.Customer, amount int64) *domain.PaymentResult {
			return must(svc.Payments.AddPayment(admin, domain.PaymentCreate{CustomerID: c.ID, AmountCents: amount, Method: domain.PaymentCash, IdempotencyKey: fmt.Sprint("p", c.ID, amount)}))(t)
		}
		pay(zoya, 10000)
		pay(bala, 4000)
		must(svc.Reversals.ReversePayment(admin, pay(arun, 3000).Payment.ID, domain.ReversalCreate{Reason: "bounced"}))(t)

		day := domain.AnalyticsQuery{From: "2026-12-01", To: "2026-12-01"}
		row := func(r domain.BreakdownRow) string {
			id := "-"
			if r.ID != nil {
				id = fmt.Sprint(*r.ID)
			}
			return fmt.Sprintf("%s:%s:%s:%d/%d/%d", id, r.Name, r.Unit, r.RevenueCents, r.Quantity, r.Delivered)
		}
		rows := func(b *domain.Breakdown) string {
			s := ""
			for _, r := range b.Rows {
				s += row(r) + " "
			}
			return s
		}
		cases := []struct {
			name, by string
			ctx      context.Context
			want     string
		}{
			{"products, admin", domain.BreakdownProduct, admin, fmt.Sprintf("%d:Milk:litre:20000/4/2 -:::9000/1/1 %d:Curd:kg:8000/1/1 ", milk.ID, curd.ID)},
			{"areas, admin", domain.BreakdownArea, admin, fmt.Sprintf("%d:South::28000/5/3 -:::9000/1/1 ", south.ID)},
			{"products, vendor B", domain.BreakdownProduct, f.BCtx, ""},
		}
		for _, c := range cases {
			b := must(svc.Stats.AnalyticsBreakdown(c.ctx, c.by, day))(t)
			if got := rows(b); got != c.want || b.By != c.by || b.From != day.From {
				t.Errorf("%s = %q, want %q", c.name, got, c.want)
			}
		}
		if a := must(svc.Stats.AnalyticsBreakdown(ctx, domain.BreakdownArea, day))(t); rows(a) != fmt.Sprintf("%d:South::28000/5/3 -:::9000/1/1 ", south.ID) {
			t.Errorf("vendor A areas = %q", rows(a))
		}
		_, err := svc.Stats.AnalyticsBreakdown(admin, "colour", day)
		wantCode(t, err, domain.CodeInvalid, "by")

		rate := func(p *float64) string {
			if p == nil {
				return "nil"
			}
			return fmt.Sprint(*p)
		}
		for _, c := range []struct {
			name     string
			adminCtx bool
			want     string
		}{{"admin", true, "37000/14000/0.3784/3"}, {"vendor B", false, "0/0/nil/1"}} {
			cx := f.BCtx
			if c.adminCtx {
				cx = admin
			}
			a := must(svc.Stats.Analytics(cx, domain.AnalyticsQuery{From: "2026-11-30", To: "2026-12-01"}))(t)
			p := a.Series[1]
			if got := fmt.Sprintf("%d/%d/%s/%d", p.RevenueCents, p.PaymentsCents, rate(p.CollectionRate), p.ActiveSubscribers); got != c.want {
				t.Errorf("%s series on 12-01 = %s, want %s", c.name, got, c.want)
			}
			if q := a.Series[0]; q.CollectionRate != nil || q.ActiveSubscribers != 0 {
				t.Errorf("%s series on 11-30 = %+v, want no rate and no subscribers", c.name, q)
			}
		}

		cmp := must(svc.Stats.VendorComparison(admin, day))(t)
		fig := func(v domain.VendorFigures) string {
			return fmt.Sprintf("%s %s rev %d qty %d pay %d rate %s del %d/%d failed %d subs %d active %d owed %d", v.Name, v.Status, v.RevenueCents, v.Quantity,
				v.PaymentsCents, rate(v.CollectionRate), v.Delivered, v.Deliveries, v.Failed, v.ActiveSubscribers, v.ActiveCustomers, v.OutstandingCents)
		}
		want := []string{
			"Vendor A active rev 37000 qty 6 pay 14000 rate 0.3784 del 4/4 failed 0 subs 2 active 4 owed 23000",
			"Vendor B active rev 0 qty 0 pay 0 rate nil del 0/1 failed 1 subs 1 active 1 owed 0",
		}
		if len(cmp.Vendors) != 2 || fig(cmp.Vendors[0]) != want[0] || fig(cmp.Vendors[1]) != want[1] {
			for _, v := range cmp.Vendors {
				t.Log(fig(v))
			}
			t.Fatalf("vendor comparison, want %q", want)
		}
		_, err = svc.Stats.VendorComparison(ctx, day)
		wantCode(t, err, domain.CodeForbidden, "")
		_, err = svc.Stats.VendorComparison(admin, domain.AnalyticsQuery{From: "2026-12-02", To: "2026-12-01"})
		wantCode(t, err, domain.CodeInvalid, "to")
	})
}

// TestBreakdownAfterAMove checks that a delivery counts for an area only
// when the area is the delivering vendor's: after a customer moves to
// vendor B's area, vendor A's past revenue from it shows under no area,
// and A never reads B's area name; B's new delivery counts in B's area.
func TestBreakdownAfterAMove(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc, admin := f.Svc, f.AdminCtx
		aArea := must(svc.Areas.CreateArea(f.ACtx, domain.AreaCreate{Name: "A side"}))(t)
		bArea := must(svc.Areas.CreateArea(f.BCtx, domain.AreaCreate{Name: "B secret"}))(t)
		c := must(svc.Customers.CreateCustomer(f.ACtx, domain.CustomerCreate{Name: "Mover", AreaID: aArea.ID}))(t)
		deliver := func(amount int64) {
			d := must(svc.Deliveries.CreateDelivery(admin, domain.DeliveryCreate{CustomerID: c.ID, Items: "Milk", Quantity: 1, AmountCents: amount}))(t)
			must(svc.Deliveries.UpdateDelivery(admin, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)}))(t)
		}
		deliver(700)
		must(svc.Customers.UpdateCustomer(admin, c.ID, domain.CustomerUpdate{VendorID: &f.VendorB.ID, AreaID: &bArea.ID}))(t)
		deliver(300)
		day := domain.AnalyticsQuery{From: "2026-12-01", To: "2026-12-01"}
		names := func(ctx context.Context) string {
			s := ""
			for _, r := range must(svc.Stats.AnalyticsBreakdown(ctx, domain.BreakdownArea, day))(t).Rows {
				s += fmt.Sprintf("%q:%d ", r.Name, r.RevenueCents)
			}
			return s
		}
		if got := names(f.ACtx); got != `"":700 ` {
			t.Errorf("vendor A's areas = %s, want its 700 under no area", got)
		}
		if got := names(f.BCtx); got != `"B secret":300 ` {
			t.Errorf("vendor B's areas = %s", got)
		}
		if got := names(admin); got != `"":700 "B secret":300 ` {
			t.Errorf("admin's areas = %s", got)
		}
	})
}
