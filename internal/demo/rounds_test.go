package demo_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/demo"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestSeedRounds checks that a fresh demo shows a realistic round today:
// products, areas, most customers on subscriptions, today's deliveries
// generated from them in walking order and partly done by mid-morning, and
// that generating the day again (as the server does at startup) creates
// nothing twice.
func TestSeedRounds(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
			svcs := storetest.Services(t, kind, service.Options{Now: func() time.Time { return now }})
			ctx := context.Background()
			login, err := demo.SeedWith(ctx, svcs, rand.New(rand.NewPCG(3, 4)), demo.Config{Customers: 60, Days: 10})
			if err != nil {
				t.Fatal(err)
			}
			admin, err := svcs.Users.Authenticate(ctx, login.Email, login.Password)
			if err != nil {
				t.Fatal(err)
			}
			actx := domain.WithActor(ctx, admin.Actor())
			checkLedger(t, svcs.DB)
			checkLog(t, svcs)
			products, np, err := svcs.Products.FindProducts(actx, domain.ProductFilter{})
			if err != nil || np < 3 {
				t.Fatalf("products = %d (%v)", np, err)
			}
			for _, p := range products {
				if p.PriceCents <= 0 || !p.Active {
					t.Errorf("product %+v", p)
				}
			}
			areas, err := svcs.Areas.FindAreas(actx, 0)
			if err != nil || len(areas) < 6 {
				t.Fatalf("areas = %d (%v)", len(areas), err)
			}
			subs, ns, err := svcs.Subscriptions.FindSubscriptions(actx, 0, domain.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			customers := map[int64]bool{}
			for _, s := range subs {
				customers[s.CustomerID] = true
			}
			if len(customers)*10 < 60*6 {
				t.Errorf("%d of 60 customers on %d subscriptions, want most", len(customers), ns)
			}
			r, err := svcs.Rounds.Round(actx, domain.RoundQuery{Shift: domain.ShiftMorning})
			if err != nil {
				t.Fatal(err)
			}
			generated, inArea := 0, 0
			for _, st := range r.Stops {
				if st.Delivery.SubscriptionID != 0 {
					generated++
				}
				if st.AreaID != 0 {
					inArea++
				}
			}
			c := r.Counters
			if r.Date != "2026-11-25" || generated < 15 || inArea*10 < len(r.Stops)*9 || c.Delivered == 0 || c.Delivered+c.Failed+c.Skipped+c.Out+c.ToDo+c.Cancelled != c.Total {
				t.Errorf("round %s: %d stops, %d generated, %d in an area, counters %+v", r.Date, len(r.Stops), generated, inArea, c)
			}
			res, err := svcs.Rounds.GenerateDeliveries(actx, domain.GenerateRequest{})
			if err != nil || res.Created != 0 || res.Existing < generated {
				t.Errorf("generating today again = %+v (%v), want nothing created", res, err)
			}
		})
	}
}
