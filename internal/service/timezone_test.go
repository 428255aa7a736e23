package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestKolkataMorningRound is the acceptance test of the business's day: a
// dairy in Asia/Kolkata delivers and is paid at 04:30 on 1 December, which
// is still 30 November in UTC. Both count on 1 December and in December,
// in the stats, the stored dates and the analytics, on both databases.
func TestKolkataMorningRound(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, kind)
			if got, err := db.InitTimeZone(ctx, "Asia/Kolkata"); err != nil || got != "Asia/Kolkata" {
				t.Fatalf("InitTimeZone = %q, %v", got, err)
			}
			if err := db.LoadTimeZone(ctx); err != nil {
				t.Fatal(err)
			}
			clk := &clock{}
			clk.Set(time.Date(2026, 11, 20, 10, 0, 0, 0, kolkata))
			// No Options.Location: the services use the database's zone.
			svc := service.New(db, service.Options{Now: clk.Now, PasswordCost: 4})
			f := storetest.NewFixture(t, svc)
			c := newCustomer(t, f.AdminCtx, svc, "Early Riser", f.VendorA.ID)

			round := time.Date(2026, 12, 1, 4, 30, 0, 0, kolkata) // 2026-11-30 23:00 UTC
			clk.Set(round)
			// scheduledFor defaults to the business's today.
			d := must(svc.Deliveries.CreateDelivery(f.AdminCtx, domain.DeliveryCreate{CustomerID: c.ID, Items: "Milk 1L", Quantity: 2, AmountCents: 6000}))(t)
			if d.ScheduledFor != "2026-12-01" {
				t.Errorf("default scheduledFor = %s, want 2026-12-01", d.ScheduledFor)
			}
			for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
				must(svc.Deliveries.UpdateDelivery(f.AdminCtx, d.ID, domain.DeliveryUpdate{Status: status(s)}))(t)
			}
			must(svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 4500, Method: domain.PaymentUPI}))(t)

			st := must(svc.Stats.Stats(f.AdminCtx))(t)
			if st.TimeZone != "Asia/Kolkata" || st.Today != "2026-12-01" {
				t.Errorf("stats zone %q today %q, want Asia/Kolkata 2026-12-01", st.TimeZone, st.Today)
			}
			if st.RevenueTodayCents != 6000 || st.RevenueMonthCents != 6000 || st.PaymentsToday != 1 || st.PaymentsTodayCents != 4500 || st.DeliveriesToday.Delivered != 1 {
				t.Errorf("stats at 04:30 IST = %+v, want the round counted today and this month", st)
			}
			pays, _ := must2(svc.Payments.FindPayments(f.AdminCtx, domain.PaymentFilter{From: "2026-12-01", To: "2026-12-01"}))(t)
			if len(pays) != 1 {
				t.Errorf("payments of 2026-12-01: %d, want 1", len(pays))
			}

			months := must(svc.Stats.Analytics(f.AdminCtx, domain.AnalyticsQuery{From: "2026-11-01", To: "2026-12-31", Interval: domain.IntervalMonth}))(t)
			if months.TimeZone != "Asia/Kolkata" || len(months.Series) != 2 {
				t.Fatalf("analytics zone %q, %d buckets", months.TimeZone, len(months.Series))
			}
			nov, dec := months.Series[0], months.Series[1]
			if nov.PaymentsCents != 0 || nov.RevenueCents != 0 || dec.PaymentsCents != 4500 || dec.RevenueCents != 6000 || dec.Delivered != 1 {
				t.Errorf("November %+v, December %+v: the round belongs to December", nov, dec)
			}
			wantStart, wantEnd := time.Date(2026, 12, 1, 0, 0, 0, 0, kolkata), time.Date(2027, 1, 1, 0, 0, 0, 0, kolkata)
			if !dec.Start.Equal(wantStart) || !dec.End.Equal(wantEnd) || dec.Start.Format(time.RFC3339) != "2026-12-01T00:00:00+05:30" {
				t.Errorf("December runs %s to %s, want %s to %s", dec.Start.Format(time.RFC3339), dec.End.Format(time.RFC3339), wantStart, wantEnd)
			}
			if nov.Partial || !dec.Partial {
				t.Errorf("partial: November %v (over, whole), December %v (not over yet)", nov.Partial, dec.Partial)
			}

			// A range starting mid-week: the first week is clipped to it.
			weeks := must(svc.Stats.Analytics(f.AdminCtx, domain.AnalyticsQuery{From: "2026-11-04", To: "2026-11-22", Interval: domain.IntervalWeek}))(t)
			first, last := weeks.Series[0], weeks.Series[len(weeks.Series)-1]
			if first.Period != "2026-11-02" || !first.Partial || first.Start.Format(time.RFC3339) != "2026-11-04T00:00:00+05:30" {
				t.Errorf("first week %+v: want period 2026-11-02, partial, starting 2026-11-04 00:00 IST", first)
			}
			if last.Period != "2026-11-16" || last.Partial || last.End.Format(time.RFC3339) != "2026-11-23T00:00:00+05:30" {
				t.Errorf("last week %+v: want period 2026-11-16, whole, ending 2026-11-23 00:00 IST", last)
			}

			// The default range ends on the business's today.
			def := must(svc.Stats.Analytics(f.AdminCtx, domain.AnalyticsQuery{}))(t)
			if def.To != "2026-12-01" || def.From != "2026-11-02" || len(def.Series) != 30 {
				t.Errorf("default range %s..%s (%d buckets), want 2026-11-02..2026-12-01", def.From, def.To, len(def.Series))
			}
			if day := def.Series[len(def.Series)-1]; day.PaymentsCents != 4500 || day.RevenueCents != 6000 {
				t.Errorf("today's bucket %+v", day)
			}
		})
	}
}

// TestTimeZoneConversion: converting a database from UTC to Asia/Kolkata
// moves the dates derived from times (a payment at 23:00 UTC is on the next
// day in India) and keeps the days deliveries were booked for; a server
// still running in the old zone refuses to write until restarted.
func TestTimeZoneConversion(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, kind)
			if _, err := db.InitTimeZone(ctx, "UTC"); err != nil {
				t.Fatal(err)
			}
			clk := &clock{}
			clk.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
			old := service.New(db, service.Options{Now: clk.Now, PasswordCost: 4, Location: time.UTC})
			f := storetest.NewFixture(t, old)
			c := newCustomer(t, f.AdminCtx, old, "Night Owl", f.VendorA.ID)
			d := must(old.Deliveries.CreateDelivery(f.AdminCtx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-30", Items: "Water 20L", Quantity: 1, AmountCents: 900}))(t)
			for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
				must(old.Deliveries.UpdateDelivery(f.AdminCtx, d.ID, domain.DeliveryUpdate{Status: status(s)}))(t)
			}
			must(old.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 900, Method: domain.PaymentCash}))(t)
			if st := must(old.Stats.Stats(f.AdminCtx))(t); st.Today != "2026-11-30" || st.PaymentsToday != 1 {
				t.Fatalf("before: today %s, %d payments", st.Today, st.PaymentsToday)
			}

			ch, err := db.ConvertTimeZone(ctx, kolkata)
			if err != nil {
				t.Fatal(err)
			}
			// The customer's creation, the payment and the delivery moved.
			if ch.From != "UTC" || ch.To != "Asia/Kolkata" || ch.Rows != 3 {
				t.Errorf("change = %+v, want UTC → Asia/Kolkata, 3 dates", ch)
			}
			svc := service.New(db, service.Options{Now: clk.Now, PasswordCost: 4})
			st := must(svc.Stats.Stats(f.AdminCtx))(t)
			if st.TimeZone != "Asia/Kolkata" || st.Today != "2026-12-01" || st.PaymentsToday != 1 || st.RevenueTodayCents != 900 || st.RevenueMonthCents != 900 {
				t.Errorf("after: %+v", st)
			}
			if got := must(svc.Deliveries.FindDeliveryByID(f.AdminCtx, d.ID))(t); got.ScheduledFor != "2026-11-30" {
				t.Errorf("scheduledFor became %s; a booked day does not move", got.ScheduledFor)
			}
			// The server still running in UTC may not write UTC days.
			_, err = old.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 100, Method: domain.PaymentCash})
			wantCode(t, err, domain.CodeUnavailable, "")
			must(svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 100, Method: domain.PaymentCash}))(t)
		})
	}
}

// TestThirtyDaysAcrossSummerTime: vendor metrics' 30 days are 30 calendar
// days of the business zone, also when summer time began in between (30
// days back from 30 March 00:30 in London is 1 March, not 28 February).
func TestThirtyDaysAcrossSummerTime(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	eachClockIn(t, time.Date(2026, 2, 28, 12, 0, 0, 0, london), london, func(t *testing.T, f *storetest.Fixture, clk *clock) {
		thirtyDays(t, clk, london, f)
	})
}

func thirtyDays(t *testing.T, clk *clock, london *time.Location, f *storetest.Fixture) {
	c := newCustomer(t, f.AdminCtx, f.Svc, "Feb", f.VendorA.ID)
	d := must(f.Svc.Deliveries.CreateDelivery(f.AdminCtx, domain.DeliveryCreate{CustomerID: c.ID, Items: "Milk", Quantity: 1, AmountCents: 700}))(t)
	for _, s := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
		must(f.Svc.Deliveries.UpdateDelivery(f.AdminCtx, d.ID, domain.DeliveryUpdate{Status: status(s)}))(t)
	}
	clk.Set(time.Date(2026, 3, 30, 0, 30, 0, 0, london))
	m := must(f.Svc.Users.VendorMetrics(f.AdminCtx, []int64{f.VendorA.ID}))(t)
	if len(m) != 1 || m[0].RevenueCents30d != 0 || m[0].Deliveries30d != 0 {
		t.Fatalf("metrics on 30 March = %+v: 28 February is not among the last 30 days", m)
	}
}
