package service_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// newProduct creates a product of the fixture's vendor A.
func newProduct(t *testing.T, ctx context.Context, svc *service.Services, name string, price int64) *domain.Product {
	t.Helper()
	return must(svc.Products.CreateProduct(ctx, domain.ProductCreate{Name: name, Unit: "litre", PriceCents: price}))(t)
}

// TestSubscriptionMonthScenarios generates every day from 1 December 2026
// (a Tuesday) to 3 January 2027 the way the server does, one day at a time
// with the clock on that day, and checks each frequency's deliveries
// against counts worked out by hand from the calendar, across the month
// end and around pauses.
func TestSubscriptionMonthScenarios(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 0, 0, 5, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.ACtx
		milk := newProduct(t, ctx, svc, "Buffalo milk", 7000)
		type pause struct {
			from, to string
			cancel   bool
		}
		scenarios := []struct {
			name      string
			in        domain.SubscriptionCreate
			pauses    []pause
			status    domain.SubscriptionStatus // set after creation when not ""
			customer  domain.CustomerStatus     // set after creation when not ""
			want      int
			due, not_ []string
		}{
			{name: "daily", in: domain.SubscriptionCreate{Frequency: "daily"}, want: 34,
				due: []string{"2026-12-01", "2026-12-31", "2027-01-01", "2027-01-03"}},
			{name: "daily ending at the month end", in: domain.SubscriptionCreate{Frequency: "daily", EndsOn: "2026-12-31"}, want: 31,
				due: []string{"2026-12-31"}, not_: []string{"2027-01-01"}},
			{name: "alternate across the month end", in: domain.SubscriptionCreate{Frequency: "alternate"}, want: 17,
				due: []string{"2026-12-01", "2026-12-03", "2026-12-31", "2027-01-02"}, not_: []string{"2026-12-02", "2027-01-01", "2027-01-03"}},
			{name: "weekly on the start's weekday", in: domain.SubscriptionCreate{Frequency: "weekly"}, want: 5,
				due: []string{"2026-12-01", "2026-12-08", "2026-12-29"}, not_: []string{"2026-12-02"}},
			{name: "weekly on sunday", in: domain.SubscriptionCreate{Frequency: "weekly", Days: []string{"sun"}}, want: 5,
				due: []string{"2026-12-06", "2027-01-03"}, not_: []string{"2026-12-01"}},
			{name: "custom mon wed fri", in: domain.SubscriptionCreate{Frequency: "custom", Days: []string{"fri", "mon", "wed"}}, want: 14,
				due: []string{"2026-12-02", "2026-12-04", "2026-12-07", "2027-01-01"}, not_: []string{"2026-12-01", "2026-12-05", "2027-01-03"}},
			{name: "daily with a holiday", in: domain.SubscriptionCreate{Frequency: "daily"}, pauses: []pause{{"2026-12-10", "2026-12-20", false}}, want: 23,
				due: []string{"2026-12-09", "2026-12-21"}, not_: []string{"2026-12-10", "2026-12-15", "2026-12-20"}},
			{name: "daily with a holiday over the month end and a cancelled one", in: domain.SubscriptionCreate{Frequency: "daily"},
				pauses: []pause{{"2026-12-24", "2027-01-01", false}, {"2026-12-05", "2026-12-06", true}}, want: 25,
				due: []string{"2026-12-05", "2026-12-23", "2027-01-02"}, not_: []string{"2026-12-31", "2027-01-01"}},
			{name: "daily starting mid-month", in: domain.SubscriptionCreate{Frequency: "daily", StartsOn: "2026-12-15"}, want: 20,
				due: []string{"2026-12-15"}, not_: []string{"2026-12-14"}},
			{name: "alternate with a pause on an off day and an on day", in: domain.SubscriptionCreate{Frequency: "alternate"},
				pauses: []pause{{"2026-12-02", "2026-12-03", false}}, want: 16, not_: []string{"2026-12-03"}, due: []string{"2026-12-05"}},
			{name: "paused subscription", in: domain.SubscriptionCreate{Frequency: "daily"}, status: domain.SubscriptionPaused, want: 0},
			{name: "ended subscription", in: domain.SubscriptionCreate{Frequency: "daily"}, status: domain.SubscriptionEnded, want: 0},
			{name: "paused customer", in: domain.SubscriptionCreate{Frequency: "daily"}, customer: domain.CustomerPaused, want: 0},
			{name: "inactive customer", in: domain.SubscriptionCreate{Frequency: "daily"}, customer: domain.CustomerInactive, want: 0},
		}
		subs := make([]*domain.Subscription, len(scenarios))
		for i, sc := range scenarios {
			c := newCustomer(t, ctx, svc, fmt.Sprintf("Scenario %02d", i), 0)
			in := sc.in
			in.CustomerID, in.ProductID, in.Quantity, in.Shift = c.ID, milk.ID, 2, domain.ShiftMorning
			sub := must(svc.Subscriptions.CreateSubscription(ctx, in))(t)
			for _, p := range sc.pauses {
				sub = must(svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: p.from, To: p.to}))(t)
				if p.cancel {
					for _, x := range sub.Pauses {
						if x.From == p.from {
							sub = must(svc.Subscriptions.CancelPause(ctx, sub.ID, x.ID))(t)
						}
					}
				}
			}
			if sc.status != "" {
				must(svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{Status: &sc.status}))(t)
			}
			if sc.customer != "" {
				must(svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{Status: &sc.customer}))(t)
			}
			subs[i] = sub
		}
		before := len(allEvents(t, svc))
		total := 0
		for day := time.Date(2026, 12, 1, 0, 0, 5, 0, time.UTC); day.Before(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)); day = day.AddDate(0, 0, 1) {
			clk.Set(day)
			res := must(svc.Rounds.GenerateDeliveries(f.AdminCtx, domain.GenerateRequest{}))(t)
			if res.Date != day.Format(time.DateOnly) || res.Existing != 0 {
				t.Fatalf("generate %s = %+v", day.Format(time.DateOnly), res)
			}
			total += res.Created
			// Generating the day again creates nothing.
			again := must(svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{Date: res.Date}))(t)
			if again.Created != 0 || again.Existing != res.Created {
				t.Fatalf("second generation of %s = %+v, want 0 created, %d existing", res.Date, again, res.Created)
			}
		}
		// One deliveries.generated event per day that created any (one vendor).
		gen := 0
		for _, e := range allEvents(t, svc)[before:] {
			if e.Action == domain.ActionDeliveriesGenerated {
				gen++
			} else if e.Action != domain.ActionDeliveryUpdated {
				t.Errorf("unexpected event %s during generation", e.Action)
			}
		}
		if gen != 34 {
			t.Errorf("deliveries.generated events = %d, want 34 (one a day)", gen)
		}
		sum := 0
		for i, sc := range scenarios {
			list, n := must2(svc.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{CustomerID: subs[i].CustomerID, Page: domain.Page{Limit: 500}}))(t)
			sum += n
			days := map[string]bool{}
			for _, d := range list {
				if d.SubscriptionID != subs[i].ID || d.Shift != domain.ShiftMorning || d.ProductID != milk.ID || d.Quantity != 2 ||
					d.AmountCents != 14000 || d.Items != "Buffalo milk" || d.Status != domain.DeliveryScheduled {
					t.Errorf("%s: delivery %+v", sc.name, d)
				}
				if days[d.ScheduledFor] {
					t.Errorf("%s: two deliveries on %s", sc.name, d.ScheduledFor)
				}
				days[d.ScheduledFor] = true
			}
			if n != sc.want {
				t.Errorf("%s: %d deliveries, want %d", sc.name, n, sc.want)
			}
			for _, d := range sc.due {
				if !days[d] {
					t.Errorf("%s: no delivery on %s", sc.name, d)
				}
			}
			for _, d := range sc.not_ {
				if days[d] {
					t.Errorf("%s: a delivery on %s", sc.name, d)
				}
			}
		}
		if sum != total {
			t.Errorf("deliveries found %d, generation reported %d created", sum, total)
		}
	})
}

func TestSubscriptionValidation(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc, ctx := f.Svc, f.ACtx
		milk := newProduct(t, ctx, svc, "Milk", 5000)
		old := newProduct(t, ctx, svc, "Old milk", 5000)
		must(svc.Products.UpdateProduct(ctx, old.ID, domain.ProductUpdate{Active: ptr(false)}))(t)
		otherMilk := must(svc.Products.CreateProduct(f.BCtx, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 4000}))(t)
		c := newCustomer(t, ctx, svc, "Asha", 0)
		cB := newCustomer(t, f.BCtx, svc, "Bina", 0)
		ok := domain.SubscriptionCreate{CustomerID: c.ID, ProductID: milk.ID, Quantity: 1, Frequency: "daily", Shift: "morning"}
		with := func(fn func(*domain.SubscriptionCreate)) domain.SubscriptionCreate { in := ok; fn(&in); return in }
		for _, tt := range []struct {
			name        string
			ctx         context.Context
			in          domain.SubscriptionCreate
			code, field string
		}{
			{"no customer", ctx, with(func(in *domain.SubscriptionCreate) { in.CustomerID = 0 }), domain.CodeInvalid, "customerId"},
			{"another vendor's customer", ctx, with(func(in *domain.SubscriptionCreate) { in.CustomerID = cB.ID }), domain.CodeNotFound, "customerId"},
			{"another vendor's product", ctx, with(func(in *domain.SubscriptionCreate) { in.ProductID = otherMilk.ID }), domain.CodeInvalid, "productId"},
			{"admin: product of another vendor than the customer's", f.AdminCtx, with(func(in *domain.SubscriptionCreate) { in.ProductID = otherMilk.ID }), domain.CodeInvalid, "productId"},
			{"inactive product", ctx, with(func(in *domain.SubscriptionCreate) { in.ProductID = old.ID }), domain.CodeInvalid, "productId"},
			{"zero quantity", ctx, with(func(in *domain.SubscriptionCreate) { in.Quantity = 0 }), domain.CodeInvalid, "quantity"},
			{"bad frequency", ctx, with(func(in *domain.SubscriptionCreate) { in.Frequency = "hourly" }), domain.CodeInvalid, "frequency"},
			{"days on daily", ctx, with(func(in *domain.SubscriptionCreate) { in.Days = []string{"mon"} }), domain.CodeInvalid, "days"},
			{"custom without days", ctx, with(func(in *domain.SubscriptionCreate) { in.Frequency = "custom" }), domain.CodeInvalid, "days"},
			{"weekly on two days", ctx, with(func(in *domain.SubscriptionCreate) { in.Frequency, in.Days = "weekly", []string{"mon", "tue"} }), domain.CodeInvalid, "days"},
			{"unknown day", ctx, with(func(in *domain.SubscriptionCreate) { in.Frequency, in.Days = "custom", []string{"funday"} }), domain.CodeInvalid, "days"},
			{"bad shift", ctx, with(func(in *domain.SubscriptionCreate) { in.Shift = "night" }), domain.CodeInvalid, "shift"},
			{"bad start", ctx, with(func(in *domain.SubscriptionCreate) { in.StartsOn = "01/12/2026" }), domain.CodeInvalid, "startsOn"},
			{"end before start", ctx, with(func(in *domain.SubscriptionCreate) { in.StartsOn, in.EndsOn = "2026-12-10", "2026-12-09" }), domain.CodeInvalid, "endsOn"},
		} {
			_, err := svc.Subscriptions.CreateSubscription(tt.ctx, tt.in)
			if domain.ErrorCode(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
				continue
			}
			wantField(t, tt.name, err, tt.field)
		}
		sub := must(svc.Subscriptions.CreateSubscription(ctx, ok))(t)
		if sub.StartsOn != "2026-12-01" || sub.Status != domain.SubscriptionActive || len(sub.Days) != 0 {
			t.Fatalf("created = %+v", sub)
		}
		// Another vendor neither sees nor changes it.
		_, err := svc.Subscriptions.FindSubscriptionByID(f.BCtx, sub.ID)
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Subscriptions.UpdateSubscription(f.BCtx, sub.ID, domain.SubscriptionUpdate{Quantity: ptr(3)})
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Subscriptions.AddPause(f.BCtx, sub.ID, domain.PauseCreate{From: "2026-12-05", To: "2026-12-06"})
		wantCode(t, err, domain.CodeNotFound, "")
		if _, n := must2(svc.Subscriptions.FindSubscriptions(f.BCtx, 0, domain.Page{}))(t); n != 0 {
			t.Fatalf("vendor B lists %d subscriptions, want 0", n)
		}
		_, _, err = svc.Subscriptions.FindSubscriptions(f.BCtx, c.ID, domain.Page{})
		wantCode(t, err, domain.CodeNotFound, "customerId")
		// Pauses: order, overlap, length, already over.
		_, err = svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: "2026-12-10", To: "2026-12-09"})
		wantCode(t, err, domain.CodeInvalid, "to")
		_, err = svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: "2026-11-01", To: "2026-11-30"})
		wantCode(t, err, domain.CodeInvalid, "to")
		_, err = svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: "2026-12-01", To: "2028-01-01"})
		wantCode(t, err, domain.CodeInvalid, "to")
		sub = must(svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: "2026-12-10", To: "2026-12-12"}))(t)
		_, err = svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: "2026-12-12", To: "2026-12-14"})
		wantCode(t, err, domain.CodeConflict, "from")
		_, err = svc.Subscriptions.CancelPause(ctx, sub.ID, 999999)
		wantCode(t, err, domain.CodeNotFound, "")
		// Updates: days follow the frequency; an ended subscription is closed.
		sub = must(svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{Frequency: ptr(domain.FrequencyCustom), Days: &[]string{"sat", "mon"}}))(t)
		if fmt.Sprint(sub.Days) != "[mon sat]" {
			t.Fatalf("days = %v, want [mon sat]", sub.Days)
		}
		_, err = svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{Days: &[]string{}})
		wantCode(t, err, domain.CodeInvalid, "days")
		sub = must(svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{Frequency: ptr(domain.FrequencyDaily)}))(t)
		if len(sub.Days) != 0 {
			t.Fatalf("daily keeps days %v", sub.Days)
		}
		must(svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{Status: ptr(domain.SubscriptionEnded)}))(t)
		_, err = svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{Status: ptr(domain.SubscriptionActive)})
		wantCode(t, err, domain.CodeInvalidTransition, "status")
	})
}

func wantField(t *testing.T, name string, err error, field string) {
	t.Helper()
	if field == "" {
		return
	}
	if de, ok := err.(*domain.Error); !ok || de.Field != field {
		t.Errorf("%s: %v, want field %q", name, err, field)
	}
}

// TestSubscriptionSummariesReadableDates: the feed's summaries of a
// subscription, its pauses and its end name days as people read them
// ("2 Dec 2026"), never as ISO dates.
func TestSubscriptionSummariesReadableDates(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc, ctx := f.Svc, f.ACtx
		milk := newProduct(t, ctx, svc, "Milk", 5000)
		c := newCustomer(t, ctx, svc, "Asha", 0)
		before := len(allEvents(t, svc))
		sub := must(svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: milk.ID, Quantity: 1,
			Frequency: "daily", Shift: "morning", StartsOn: "2026-12-02"}))(t)
		sub = must(svc.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: "2026-12-10", To: "2026-12-12"}))(t)
		must(svc.Subscriptions.CancelPause(ctx, sub.ID, sub.Pauses[0].ID))(t)
		must(svc.Subscriptions.UpdateSubscription(ctx, sub.ID, domain.SubscriptionUpdate{EndsOn: ptr("2027-01-31")}))(t)
		evs := allEvents(t, svc)[before:]
		wants := []string{"from 2 Dec 2026", "paused from 10 Dec 2026 to 12 Dec 2026", "pause from 10 Dec 2026 to 12 Dec 2026 cancelled", "ends 31 Jan 2027"}
		var summaries []string
		for _, e := range evs {
			if e.Entity == domain.EntitySubscription {
				summaries = append(summaries, e.Summary)
			}
		}
		if len(summaries) != len(wants) {
			t.Fatalf("subscription events = %q", summaries)
		}
		for i, want := range wants {
			if !strings.Contains(summaries[i], want) || isoDay.MatchString(summaries[i]) {
				t.Errorf("summary %d = %q, want it to say %q and no ISO date", i, summaries[i], want)
			}
		}
	})
}

var isoDay = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
