package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestGenerateConcurrentInstances runs two service instances, each with its
// own connection pool, on one PostgreSQL database, and has them generate
// the same day at the same moment, several times: each due delivery exists
// exactly once, the instances' created counts add up to it, and the log
// holds one deliveries.generated event per delivery batch created.
func TestGenerateConcurrentInstances(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	open := func() *service.Services {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return service.New(db, service.Options{Now: func() time.Time { return time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC) }})
	}
	one, two := open(), open()
	f := storetest.NewFixture(t, one)
	const customers = 60
	milkA := newProduct(t, f.ACtx, one, "Milk", 5000)
	milkB := must(one.Products.CreateProduct(f.BCtx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 4800}))(t)
	for i := range customers {
		ctx, p := f.ACtx, milkA
		if i%2 == 1 {
			ctx, p = f.BCtx, milkB
		}
		c := newCustomer(t, ctx, one, fmt.Sprintf("C%02d", i), 0)
		for _, sh := range []domain.Shift{domain.ShiftMorning, domain.ShiftEvening} {
			must(one.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: p.ID, Quantity: 1 + i%3,
				Frequency: domain.FrequencyDaily, Shift: sh}))(t)
		}
	}
	want := customers * 2
	for round := range 3 {
		day := fmt.Sprintf("2026-12-%02d", round+1)
		var wg sync.WaitGroup
		results := make([]*domain.GenerateResult, 4)
		errs := make([]error, 4)
		start := make(chan struct{})
		for i := range 4 {
			svc, ctx := one, f.AdminCtx
			if i%2 == 1 {
				svc = two
			}
			if i >= 2 {
				ctx = domain.WithActor(context.Background(), domain.SystemActor())
			}
			wg.Go(func() {
				<-start
				results[i], errs[i] = svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{Date: day})
			})
		}
		close(start)
		wg.Wait()
		created := 0
		for i := range 4 {
			if errs[i] != nil {
				t.Fatalf("%s generator %d: %v", day, i, errs[i])
			}
			if results[i].Created+results[i].Existing != want {
				t.Errorf("%s generator %d: %+v, want created+existing = %d", day, i, results[i], want)
			}
			created += results[i].Created
		}
		if created != want {
			t.Errorf("%s: the generators created %d in all, want %d", day, created, want)
		}
		list, n := must2(one.Deliveries.FindDeliveries(f.AdminCtx, domain.DeliveryFilter{From: day, To: day, Page: domain.Page{Limit: 500}}))(t)
		if n != want {
			t.Fatalf("%s: %d deliveries in the database, want %d", day, n, want)
		}
		seen := map[string]bool{}
		for _, d := range list {
			k := fmt.Sprint(d.SubscriptionID, d.Shift)
			if seen[k] {
				t.Fatalf("%s: subscription %d has two %s deliveries", day, d.SubscriptionID, d.Shift)
			}
			seen[k] = true
		}
	}
	// Every created delivery is named by exactly one deliveries.generated
	// event of its own vendor.
	named := map[int64]int{}
	for _, e := range allEvents(t, one) {
		if e.Action != domain.ActionDeliveriesGenerated {
			continue
		}
		var p struct{ Generated domain.DeliveriesGenerated }
		mustDecode(t, e.Payload, &p)
		if p.Generated.VendorID != e.VendorID || p.Generated.Created != len(p.Generated.DeliveryIDs) {
			t.Errorf("event %d: %+v (vendor %d)", e.Seq, p.Generated, e.VendorID)
		}
		for _, id := range p.Generated.DeliveryIDs {
			named[id]++
		}
	}
	if len(named) != 3*want {
		t.Errorf("events name %d deliveries, want %d", len(named), 3*want)
	}
	for id, n := range named {
		if n != 1 {
			t.Errorf("delivery %d named by %d events", id, n)
		}
	}
}

// TestGeneratePricesAndRules checks what a generated delivery carries and
// who may generate what.
func TestGeneratePricesAndRules(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.ACtx
		milk := newProduct(t, ctx, svc, "Cow milk", 6000)
		curd := must(svc.Products.CreateProduct(ctx, domain.ProductCreate{Name: "Curd", Unit: "kg", PriceCents: 9000}))(t)
		asha := newCustomer(t, ctx, svc, "Asha", 0)
		ravi := newCustomer(t, ctx, svc, "Ravi", 0)
		bina := newCustomer(t, f.BCtx, svc, "Bina", 0)
		bMilk := must(svc.Products.CreateProduct(f.BCtx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 5500}))(t)
		sub := func(ctx context.Context, c *domain.Customer, p *domain.Product, q int, sh domain.Shift) *domain.Subscription {
			return must(svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: p.ID, Quantity: q, Frequency: "daily", Shift: sh}))(t)
		}
		sAsha := sub(ctx, asha, milk, 2, domain.ShiftMorning)
		sub(ctx, asha, curd, 1, domain.ShiftEvening)
		sub(ctx, ravi, milk, 1, domain.ShiftMorning)
		sub(f.BCtx, bina, bMilk, 3, domain.ShiftMorning)
		// Asha pays her own rate for milk; a price change afterwards does
		// not touch it, and Ravi pays the new list price.
		must(svc.Products.SetCustomerRate(ctx, asha.ID, milk.ID, domain.CustomerRateSet{PriceCents: 5500}))(t)
		must(svc.Products.UpdateProduct(ctx, milk.ID, domain.ProductUpdate{PriceCents: ptr(int64(6200))}))(t)
		_, err := svc.Products.SetCustomerRate(ctx, asha.ID, bMilk.ID, domain.CustomerRateSet{PriceCents: 1})
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Products.SetCustomerRate(f.AdminCtx, asha.ID, bMilk.ID, domain.CustomerRateSet{PriceCents: 1})
		wantCode(t, err, domain.CodeInvalid, "productId")

		// A vendor generates its own only, whatever it asks.
		_, err = svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{VendorID: f.VendorB.ID})
		wantCode(t, err, domain.CodeForbidden, "")
		res := must(svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{Shift: domain.ShiftMorning}))(t)
		if res.Created != 2 || res.Existing != 0 || res.Date != "2026-12-01" {
			t.Fatalf("vendor A morning = %+v, want 2 created", res)
		}
		res = must(svc.Rounds.GenerateDeliveries(f.AdminCtx, domain.GenerateRequest{}))(t)
		if res.Created != 2 || res.Existing != 2 {
			t.Fatalf("admin, both shifts = %+v, want 2 created (curd, Bina) and 2 existing", res)
		}
		amounts := map[string]int64{}
		list, _ := must2(svc.Deliveries.FindDeliveries(f.AdminCtx, domain.DeliveryFilter{Page: domain.Page{Limit: 100}}))(t)
		for _, d := range list {
			amounts[fmt.Sprintf("%s/%s/%s", d.CustomerName, d.Items, d.Shift)] = d.AmountCents
		}
		for k, want := range map[string]int64{"Asha/Cow milk/morning": 11000, "Asha/Curd/evening": 9000, "Ravi/Cow milk/morning": 6200, "Bina/Milk/morning": 16500} {
			if amounts[k] != want {
				t.Errorf("%s amount = %d, want %d (all: %v)", k, amounts[k], want, amounts)
			}
		}
		// Dates: bad, and outside the window around today.
		for _, d := range []string{"2026-13-01", "0202-12-01", "2027-01-05", "2026-10-30"} {
			_, err := svc.Rounds.GenerateDeliveries(f.AdminCtx, domain.GenerateRequest{Date: d})
			wantCode(t, err, domain.CodeInvalid, "date")
		}
		_, err = svc.Rounds.GenerateDeliveries(f.AdminCtx, domain.GenerateRequest{Shift: "night"})
		wantCode(t, err, domain.CodeInvalid, "shift")

		// Pausing over days already generated cancels their scheduled
		// deliveries, with a delivery event each; cancelling the pause does
		// not bring them back, and generating again creates nothing.
		tomorrow := "2026-12-02"
		clk.Set(time.Date(2026, 12, 2, 0, 0, 1, 0, time.UTC))
		must(svc.Rounds.GenerateDeliveries(f.AdminCtx, domain.GenerateRequest{}))(t)
		withPause := must(svc.Subscriptions.AddPause(ctx, sAsha.ID, domain.PauseCreate{From: tomorrow, To: "2026-12-05"}))(t)
		got, _ := must2(svc.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{CustomerID: asha.ID, From: tomorrow, To: tomorrow}))(t)
		for _, d := range got {
			want := domain.DeliveryScheduled
			if d.SubscriptionID == sAsha.ID {
				want = domain.DeliveryCancelled
			}
			if d.Status != want {
				t.Errorf("%s on %s: %s, want %s", d.Items, tomorrow, d.Status, want)
			}
		}
		must(svc.Subscriptions.CancelPause(ctx, sAsha.ID, withPause.Pauses[0].ID))(t)
		if res := must(svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{}))(t); res.Created != 0 {
			t.Errorf("regenerating after a cancelled pause created %d", res.Created)
		}
		// Changing a subscription reconciles what it already generated from
		// today on: a new shift moves the delivery (regenerating adds no
		// second one); days that no longer include today cancel it.
		curdSubs, _ := must2(svc.Subscriptions.FindSubscriptions(ctx, asha.ID, domain.Page{}))(t)
		var curdSub *domain.Subscription
		for _, s := range curdSubs {
			if s.ProductID == curd.ID {
				curdSub = s
			}
		}
		must(svc.Subscriptions.UpdateSubscription(ctx, curdSub.ID, domain.SubscriptionUpdate{Shift: ptr(domain.ShiftMorning)}))(t)
		if res := must(svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{}))(t); res.Created != 0 {
			t.Errorf("regenerating after a shift change created %d", res.Created)
		}
		curdToday := func() *domain.Delivery {
			list, _ := must2(svc.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{CustomerID: asha.ID, From: tomorrow, To: tomorrow}))(t)
			for _, d := range list {
				if d.SubscriptionID == curdSub.ID {
					return d
				}
			}
			t.Fatal("no curd delivery today")
			return nil
		}
		if d := curdToday(); d.Shift != domain.ShiftMorning || d.Status != domain.DeliveryScheduled {
			t.Errorf("curd today after the shift change: %s %s", d.Shift, d.Status)
		}
		notToday := []string{"mon"} // 2026-12-02 is a Wednesday
		must(svc.Subscriptions.UpdateSubscription(ctx, curdSub.ID, domain.SubscriptionUpdate{Frequency: ptr(domain.FrequencyCustom), Days: &notToday}))(t)
		if d := curdToday(); d.Status != domain.DeliveryCancelled {
			t.Errorf("curd today after leaving Wednesday out: %s", d.Status)
		}
		// Ending a subscription cancels what it generated from today on.
		binaSubs, _ := must2(svc.Subscriptions.FindSubscriptions(f.BCtx, bina.ID, domain.Page{}))(t)
		must(svc.Subscriptions.UpdateSubscription(f.BCtx, binaSubs[0].ID, domain.SubscriptionUpdate{Status: ptr(domain.SubscriptionEnded)}))(t)
		got, _ = must2(svc.Deliveries.FindDeliveries(f.BCtx, domain.DeliveryFilter{CustomerID: bina.ID}))(t)
		for _, d := range got {
			want := domain.DeliveryScheduled
			if d.ScheduledFor >= tomorrow {
				want = domain.DeliveryCancelled
			}
			if d.Status != want {
				t.Errorf("Bina on %s: %s, want %s", d.ScheduledFor, d.Status, want)
			}
		}
		// Moving a customer to another vendor ends its subscriptions, and
		// neither vendor reads them any more (the old one lost the
		// customer, the new one never had them); the old rates go quiet.
		must(svc.Products.SetCustomerRate(ctx, ravi.ID, milk.ID, domain.CustomerRateSet{PriceCents: 100}))(t)
		raviOld, _ := must2(svc.Subscriptions.FindSubscriptions(ctx, ravi.ID, domain.Page{}))(t)
		must(svc.Customers.UpdateCustomer(f.AdminCtx, ravi.ID, domain.CustomerUpdate{VendorID: &f.VendorB.ID}))(t)
		_, err = svc.Subscriptions.FindSubscriptionByID(ctx, raviOld[0].ID)
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Subscriptions.FindSubscriptionByID(f.BCtx, raviOld[0].ID)
		wantCode(t, err, domain.CodeNotFound, "")
		if _, n := must2(svc.Subscriptions.FindSubscriptions(f.BCtx, ravi.ID, domain.Page{}))(t); n != 0 {
			t.Errorf("the new vendor lists %d of the old vendor's subscriptions", n)
		}
		if _, n := must2(svc.Subscriptions.FindSubscriptions(ctx, 0, domain.Page{}))(t); n != 2 {
			t.Errorf("the old vendor lists %d subscriptions, want its 2 of Asha", n)
		}
		if rates := must(svc.Products.CustomerRates(f.BCtx, ravi.ID))(t); len(rates) != 0 {
			t.Errorf("the new vendor sees the old vendor's rates: %+v", rates)
		}
		// Admins are told each subscription ended; no vendor is.
		evs := allEvents(t, svc)
		ended := 0
		for _, e := range evs {
			if e.Action == domain.ActionSubscriptionUpdated && e.EntityID == raviOld[0].ID {
				ended++
				var p struct{ Subscription domain.Subscription }
				mustDecode(t, e.Payload, &p)
				if e.VendorID != 0 || p.Subscription.Status != domain.SubscriptionEnded {
					t.Errorf("end event %+v %s", e, e.Payload)
				}
			}
		}
		if ended != 1 {
			t.Errorf("%d events for the moved customer's subscription, want 1", ended)
		}
		raviSubs, _ := must2(svc.Subscriptions.FindSubscriptions(f.AdminCtx, ravi.ID, domain.Page{}))(t)
		for _, s := range raviSubs {
			if s.Status != domain.SubscriptionEnded {
				t.Errorf("moved customer's subscription is %s, want ended", s.Status)
			}
		}
	})
}

func TestDueOnMonthEnds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		freq  domain.Frequency
		start string
		days  []string
		due   []string
		not   []string
	}{
		{"alternate", "2027-01-31", nil, []string{"2027-01-31", "2027-02-02", "2027-02-28", "2027-03-02"}, []string{"2027-02-01", "2027-03-01"}},
		{"alternate", "2028-02-28", nil, []string{"2028-03-01", "2028-03-03"}, []string{"2028-02-29", "2028-03-02"}},
		{"weekly", "2027-02-28", nil, []string{"2027-03-07"}, []string{"2027-03-01", "2027-02-27"}},
		{"custom", "2027-01-01", []string{"sun"}, []string{"2027-02-28", "2027-01-31"}, []string{"2027-03-01"}},
		{"daily", "2027-02-28", nil, []string{"2027-02-28", "2027-03-01"}, []string{"2027-02-27", "2027-02-30"}},
	} {
		s := &domain.Subscription{Frequency: tt.freq, StartsOn: tt.start, Days: tt.days, Status: domain.SubscriptionActive}
		for _, d := range tt.due {
			if !s.DueOn(d) {
				t.Errorf("%s from %s %v: not due on %s", tt.freq, tt.start, tt.days, d)
			}
		}
		for _, d := range tt.not {
			if s.DueOn(d) {
				t.Errorf("%s from %s %v: due on %s", tt.freq, tt.start, tt.days, d)
			}
		}
	}
}

func mustDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// TestRunDailyGeneration runs the daily job on a clock one second before
// midnight in Asia/Kolkata: it generates the day at once (the startup
// catch-up) and the next day when the business day starts.
func TestRunDailyGeneration(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// The clock stands at 23:59:55 while the test sets up (slow under
	// -race on a busy machine) and runs from the moment the job starts.
	base := time.Date(2026, 12, 1, 23, 59, 55, 0, loc)
	var mu sync.Mutex
	var real time.Time
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if real.IsZero() {
			return base
		}
		return base.Add(time.Since(real))
	}
	svc := storetest.Services(t, "sqlite", service.Options{Now: now, Location: loc})
	f := storetest.NewFixture(t, svc)
	milk := newProduct(t, f.ACtx, svc, "Milk", 5000)
	c := newCustomer(t, f.ACtx, svc, "Asha", 0)
	must(svc.Subscriptions.CreateSubscription(f.ACtx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: milk.ID, Quantity: 1,
		Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning, StartsOn: "2026-11-01"}))(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	mu.Lock()
	real = time.Now()
	mu.Unlock()
	go func() {
		defer close(done)
		svc.RunDailyGeneration(ctx, slog.New(slog.DiscardHandler))
	}()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	for _, day := range []string{"2026-12-01", "2026-12-02"} {
		for {
			_, n := must2(svc.Deliveries.FindDeliveries(f.ACtx, domain.DeliveryFilter{From: day, To: day}))(t)
			if n == 1 {
				break
			}
			if n > 1 || time.Now().After(deadline) {
				t.Fatalf("%s: %d deliveries, want 1 (now %v)", day, n, now())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
