package service_test

import (
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestStatsAndAnalytics builds a known history with a controlled clock and
// checks every figure, for the admin and for a vendor.
func TestStatsAndAnalytics(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			clk.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
			svc := storetest.Services(t, kind, service.Options{Now: clk.Now})
			f := storetest.NewFixture(t, svc)
			ctx := f.AdminCtx
			deliver := func(d *domain.Delivery, to ...domain.DeliveryStatus) {
				for _, s := range to {
					must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(s)}))(t)
				}
			}
			mkDelivery := func(c *domain.Customer, day string, amount int64) *domain.Delivery {
				return must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: day, Items: "Milk 1L", Quantity: 1, AmountCents: amount}))(t)
			}
			c1 := newCustomer(t, ctx, svc, "One", f.VendorA.ID) // created 11-02
			clk.Set(time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC))
			d4 := mkDelivery(c1, "2026-11-03", 500)
			deliver(d4, domain.DeliveryOutForDelivery, domain.DeliveryDelivered)
			clk.Set(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
			c2 := newCustomer(t, ctx, svc, "Two", f.VendorA.ID)
			c3 := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Three", VendorID: f.VendorB.ID}))(t)
			clk.Set(time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC))
			must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c3.ID, AmountCents: 200, Method: domain.PaymentCash}))(t)
			clk.Set(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
			d1 := mkDelivery(c1, "2026-11-25", 1000)
			deliver(d1, domain.DeliveryOutForDelivery, domain.DeliveryDelivered)
			deliver(mkDelivery(c1, "2026-11-25", 50), domain.DeliveryOutForDelivery)
			mkDelivery(c3, "2026-11-25", 70)
			// Paused after its delivery was scheduled: a paused customer gets no new one.
			must(svc.Customers.UpdateCustomer(ctx, c3.ID, domain.CustomerUpdate{Status: ptr(domain.CustomerPaused)}))(t)
			deliver(mkDelivery(c2, "2026-11-25", 90), domain.DeliveryCancelled)
			must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c1.ID, AmountCents: 300, Method: domain.PaymentUPI}))(t)
			_ = c2

			last := must(svc.Events.LastSeq(ctx))(t)
			t.Run("admin stats", func(t *testing.T) {
				got := *must(svc.Stats.Stats(ctx))(t)
				want := domain.Stats{Epoch: must(svc.Events.Epoch(ctx))(t), TimeZone: "UTC", Today: "2026-11-25", ActiveCustomers: 2,
					// Total leaves the cancelled one out, as analytics' deliveries do (3 on 11-25).
					DeliveriesToday:   domain.DeliveryCounts{Total: 3, Scheduled: 1, OutForDelivery: 1, Delivered: 1, Cancelled: 1},
					RevenueTodayCents: 1000, RevenueMonthCents: 1500, PaymentsToday: 1, PaymentsTodayCents: 300,
					OutstandingCents: 1200, ActiveVendors: 2, Seq: last, At: clk.Now()}
				if got != want {
					t.Fatalf("stats\n got %+v\nwant %+v", got, want)
				}
			})
			t.Run("vendor stats", func(t *testing.T) {
				got := *must(svc.Stats.Stats(f.BCtx))(t)
				want := domain.Stats{Epoch: must(svc.Events.Epoch(ctx))(t), TimeZone: "UTC", Today: "2026-11-25", DeliveriesToday: domain.DeliveryCounts{Total: 1, Scheduled: 1}, ActiveVendors: 1, Seq: last, At: clk.Now()}
				if got != want {
					t.Fatalf("stats\n got %+v\nwant %+v", got, want)
				}
			})
			t.Run("daily", func(t *testing.T) {
				a := must(svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: "2026-11-01", To: "2026-11-30", Interval: domain.IntervalDay}))(t)
				if len(a.Series) != 30 || a.Series[0].Period != "2026-11-01" || a.Series[29].Period != "2026-11-30" || a.Seq != last {
					t.Fatalf("daily series has %d points (%v..), seq %d", len(a.Series), a.Series[0].Period, a.Seq)
				}
				want := map[string]domain.AnalyticsPoint{
					"2026-11-02": {Period: "2026-11-02", NewCustomers: 1},
					"2026-11-03": {Period: "2026-11-03", RevenueCents: 500, Deliveries: 1, Delivered: 1},
					"2026-11-10": {Period: "2026-11-10", PaymentsCents: 200},
					"2026-11-25": {Period: "2026-11-25", RevenueCents: 1000, PaymentsCents: 300, NewCustomers: 2, Deliveries: 3, Delivered: 1},
				}
				for _, p := range a.Series {
					w := want[p.Period]
					w.Period = p.Period
					if p := figures(p); p != w {
						t.Errorf("point %+v, want %+v", p, w)
					}
				}
			})
			t.Run("weekly starts on Monday", func(t *testing.T) {
				a := must(svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: "2026-11-01", To: "2026-11-30", Interval: domain.IntervalWeek}))(t)
				want := []domain.AnalyticsPoint{
					{Period: "2026-10-26"},
					{Period: "2026-11-02", RevenueCents: 500, NewCustomers: 1, Deliveries: 1, Delivered: 1},
					{Period: "2026-11-09", PaymentsCents: 200},
					{Period: "2026-11-16"},
					{Period: "2026-11-23", RevenueCents: 1000, PaymentsCents: 300, NewCustomers: 2, Deliveries: 3, Delivered: 1},
					{Period: "2026-11-30"},
				}
				if len(a.Series) != len(want) {
					t.Fatalf("weekly = %+v", a.Series)
				}
				for i := range want {
					if figures(a.Series[i]) != want[i] {
						t.Errorf("week %d = %+v, want %+v", i, a.Series[i], want[i])
					}
				}
			})
			t.Run("monthly", func(t *testing.T) {
				a := must(svc.Stats.Analytics(ctx, domain.AnalyticsQuery{From: "2026-10-15", To: "2026-12-10", Interval: domain.IntervalMonth}))(t)
				want := []domain.AnalyticsPoint{
					{Period: "2026-10-01"},
					{Period: "2026-11-01", RevenueCents: 1500, PaymentsCents: 500, NewCustomers: 3, Deliveries: 4, Delivered: 2},
					{Period: "2026-12-01"},
				}
				if len(a.Series) != len(want) {
					t.Fatalf("monthly = %+v", a.Series)
				}
				for i := range want {
					if figures(a.Series[i]) != want[i] {
						t.Errorf("month %d = %+v, want %+v", i, a.Series[i], want[i])
					}
				}
				wantTop := []domain.VendorRank{
					{VendorID: f.VendorA.ID, Name: "Vendor A", RevenueCents: 1500, Deliveries: 3, Customers: 2},
					{VendorID: f.VendorB.ID, Name: "Vendor B", RevenueCents: 0, Deliveries: 1, Customers: 1},
				}
				if len(a.TopVendors) != 2 || a.TopVendors[0] != wantTop[0] || a.TopVendors[1] != wantTop[1] {
					t.Fatalf("top vendors = %+v, want %+v", a.TopVendors, wantTop)
				}
			})
			t.Run("vendor analytics", func(t *testing.T) {
				a := must(svc.Stats.Analytics(f.BCtx, domain.AnalyticsQuery{From: "2026-11-01", To: "2026-11-30", Interval: domain.IntervalMonth}))(t)
				if len(a.Series) != 1 || figures(a.Series[0]) != (domain.AnalyticsPoint{Period: "2026-11-01", PaymentsCents: 200, NewCustomers: 1, Deliveries: 1}) {
					t.Fatalf("vendor B series = %+v", a.Series)
				}
				if len(a.TopVendors) != 1 || a.TopVendors[0].VendorID != f.VendorB.ID {
					t.Fatalf("vendor B top = %+v", a.TopVendors)
				}
			})
			t.Run("vendor metrics", func(t *testing.T) {
				m := must(svc.Users.VendorMetrics(ctx, nil))(t)
				want := domain.VendorMetrics{VendorID: f.VendorA.ID, Customers: 2, ActiveCustomers: 2, Deliveries30d: 3, Delivered30d: 2, RevenueCents30d: 1500, OutstandingCents: 1200}
				if len(m) != 2 || m[0] != want {
					t.Fatalf("metrics = %+v, want first %+v", m, want)
				}
			})
		})
	}
}

// TestBusinessTimeZone checks that "today" follows Options.Location.
func TestBusinessTimeZone(t *testing.T) {
	t.Parallel()
	ist := time.FixedZone("IST", 5*3600+1800)
	clk := &clock{}
	// 20:00 UTC is already the next day in India.
	clk.Set(time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC))
	each(t, service.Options{Now: clk.Now, Location: ist}, func(t *testing.T, f *storetest.Fixture) {
		c := newCustomer(t, f.AdminCtx, f.Svc, "Late", f.VendorA.ID)
		must(f.Svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 10, Method: domain.PaymentCash}))(t)
		if st := must(f.Svc.Stats.Stats(f.AdminCtx))(t); st.PaymentsToday != 1 {
			t.Fatalf("PaymentsToday = %d, want 1", st.PaymentsToday)
		}
		a := must(f.Svc.Stats.Analytics(f.AdminCtx, domain.AnalyticsQuery{From: "2026-11-26", To: "2026-11-26"}))(t)
		if a.Series[0].PaymentsCents != 10 || a.Series[0].NewCustomers != 1 {
			t.Fatalf("2026-11-26 (IST) = %+v", a.Series[0])
		}
	})
}

// figures returns p without the moments it covers (TestKolkataMorningRound
// checks those) and its collection rate (a pointer; TestRicherAnalytics
// checks it), for comparing figures alone.
func figures(p domain.AnalyticsPoint) domain.AnalyticsPoint {
	p.Start, p.End, p.Partial, p.CollectionRate = time.Time{}, time.Time{}, false, nil
	return p
}
