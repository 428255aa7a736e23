package demo_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/demo"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// checkLedger verifies that every customer's balance equals its ledger sum.
func checkLedger(t *testing.T, db *store.DB) (customers int) {
	t.Helper()
	ctx := context.Background()
	err := db.ReadTx(ctx, func(tx *store.Tx) error {
		var bad int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM customers c WHERE c.balance_cents <>
			(SELECT COALESCE(SUM(l.amount_cents), 0) FROM ledger_entries l WHERE l.customer_id = c.id)`).Scan(&bad); err != nil {
			return err
		}
		if bad != 0 {
			t.Fatalf("%d customers have a balance different from their ledger", bad)
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM customers`).Scan(&customers)
	})
	if err != nil {
		t.Fatal(err)
	}
	return customers
}

// checkLog verifies that the log's seqs are contiguous and times never go back.
func checkLog(t *testing.T, svcs *service.Services) int {
	t.Helper()
	ctx := domain.WithActor(context.Background(), domain.SystemActor())
	var after int64
	var prev time.Time
	n := 0
	for {
		evs, err := svcs.Events.EventsAfter(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return n
		}
		for _, e := range evs {
			if e.Seq != after+1 {
				t.Fatalf("seq %d after %d", e.Seq, after)
			}
			if e.At.Before(prev) {
				t.Fatalf("event %d at %v is before the previous one at %v", e.Seq, e.At, prev)
			}
			after, prev = e.Seq, e.At
			n++
		}
	}
}

func TestSeed(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
			svcs := storetest.Services(t, kind, service.Options{Now: func() time.Time { return now }})
			ctx := context.Background()
			start := time.Now()
			login, err := demo.SeedWith(ctx, svcs, rand.New(rand.NewPCG(1, 2)), demo.Config{Customers: 40, Days: 20})
			if err != nil {
				t.Fatal(err)
			}
			elapsed := time.Since(start)
			if login.Email != demo.AdminEmail || login.Password != demo.Password || len(login.Vendors) != 3 {
				t.Fatalf("login = %+v", login)
			}
			if _, err := demo.Seed(ctx, svcs, rand.New(rand.NewPCG(1, 2))); !errors.Is(err, demo.ErrNotEmpty) {
				t.Fatalf("second Seed: %v, want ErrNotEmpty", err)
			}
			admin, err := svcs.Users.Authenticate(ctx, login.Email, login.Password)
			if err != nil || admin.Role != domain.RoleAdmin {
				t.Fatalf("demo admin login: %v", err)
			}
			vendor, err := svcs.Users.Authenticate(ctx, login.Vendors[0], login.Password)
			if err != nil || vendor.Role != domain.RoleVendor {
				t.Fatalf("demo vendor login: %v", err)
			}
			if n := checkLedger(t, svcs.DB); n != 40 {
				t.Fatalf("%d customers, want 40", n)
			}
			events := checkLog(t, svcs)
			actx := domain.WithActor(ctx, admin.Actor())
			a, err := svcs.Stats.Analytics(actx, domain.AnalyticsQuery{From: "2026-11-05", To: "2026-11-24", Interval: domain.IntervalDay})
			if err != nil {
				t.Fatal(err)
			}
			busy := 0
			for _, p := range a.Series {
				if p.RevenueCents > 0 && p.Deliveries > 0 {
					busy++
				}
			}
			if busy < 18 {
				t.Fatalf("only %d of 20 days have revenue: %+v", busy, a.Series)
			}
			if len(a.TopVendors) != 3 || a.TopVendors[0].RevenueCents == 0 {
				t.Fatalf("top vendors = %+v", a.TopVendors)
			}
			st, err := svcs.Stats.Stats(actx)
			if err != nil {
				t.Fatal(err)
			}
			if st.ActiveCustomers == 0 || st.DeliveriesToday.Total == 0 || st.ActiveVendors != 3 || st.OutstandingCents == 0 {
				t.Fatalf("stats = %+v", st)
			}
			// At 09:30 the morning milk run is done while afternoon groceries wait.
			if st.DeliveriesToday.Delivered == 0 || st.DeliveriesToday.Scheduled == 0 {
				t.Fatalf("today's deliveries = %+v, want some delivered and some scheduled", st.DeliveriesToday)
			}
			_, tomorrow, err := svcs.Deliveries.FindDeliveries(actx, domain.DeliveryFilter{From: "2026-11-26", To: "2026-11-26"})
			if err != nil || tomorrow == 0 {
				t.Fatalf("no deliveries scheduled for tomorrow (err %v)", err)
			}
			_, deliveries, _ := svcs.Deliveries.FindDeliveries(actx, domain.DeliveryFilter{})
			_, payments, _ := svcs.Payments.FindPayments(actx, domain.PaymentFilter{})
			t.Logf("seeded 40 customers x 20 days in %v: %d deliveries, %d payments, %d events", elapsed.Round(time.Millisecond), deliveries, payments, events)
		})
	}
}

// TestSeedDefault seeds the full-size demo business on SQLite, as
// `livedesk serve --demo` does, and reports how long it takes.
func TestSeedDefault(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("full-size demo seed skipped in -short mode and under -race (TestSeed covers the same code at a smaller size)")
	}
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			svcs := storetest.Services(t, kind, service.Options{})
			start := time.Now()
			if _, err := demo.Seed(context.Background(), svcs, rand.New(rand.NewPCG(7, 7))); err != nil {
				t.Fatal(err)
			}
			elapsed := time.Since(start)
			if n := checkLedger(t, svcs.DB); n != 200 {
				t.Fatalf("%d customers, want 200", n)
			}
			events := checkLog(t, svcs)
			t.Logf("default demo seed on %s: %v, %d events", kind, elapsed.Round(time.Millisecond), events)
		})
	}
}

func TestSimulator(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			svcs := storetest.Services(t, kind, service.Options{})
			ctx := context.Background()
			if _, err := demo.SeedWith(ctx, svcs, rand.New(rand.NewPCG(3, 4)), demo.Config{Customers: 30, Days: 5}); err != nil {
				t.Fatal(err)
			}
			sys := domain.WithActor(ctx, domain.SystemActor())
			before, _ := svcs.Events.LastSeq(sys)
			sim := demo.NewSimulator(svcs, rand.New(rand.NewPCG(5, 6)), nil)
			did := map[string]int{}
			for range 60 {
				what, err := sim.Step(ctx)
				if err != nil {
					t.Fatalf("step: %v", err)
				}
				if what != "" {
					did[what[:8]]++
				}
			}
			after, _ := svcs.Events.LastSeq(sys)
			if after-before < 50 {
				t.Fatalf("60 steps appended %d events, want most of 60 (%v)", after-before, did)
			}
			checkLedger(t, svcs.DB)
			checkLog(t, svcs)
			for _, e := range must(svcs.Events.EventsAfter(sys, before, 100)) {
				if e.ActorID != 0 || e.ActorName != "system" {
					t.Fatalf("simulator event %d by %d %q, want the system actor", e.Seq, e.ActorID, e.ActorName)
				}
			}
			// Run makes changes at its pace and stops cleanly when its context ends.
			sim.Interval = 5 * time.Millisecond
			rctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- sim.Run(rctx) }()
			deadline := time.Now().Add(20 * time.Second)
			for {
				if seq, _ := svcs.Events.LastSeq(sys); seq > after {
					break
				}
				if time.Now().After(deadline) {
					cancel()
					t.Fatal("Run made no change in 20s at a 5ms pace")
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Run: %v", err)
			}
			t.Logf("60 steps: %v", did)
		})
	}
}

// seededDemo is the demo business (40 customers, 20 days of history, seed
// 5/6) on services of their own whose clock stands at 09:30 on 3 December
// 2026 in Asia/Kolkata, the business's time zone: November and December
// both have history.
type seededDemo struct {
	svcs      *service.Services
	loc       *time.Location
	ctx, actx context.Context // actx acts as the system
	customers []*domain.Customer
}

// eachSeededDemo runs test in a parallel subtest per database kind, each on
// its own seededDemo (report files in the subtest's temporary folder); it
// skips t where there is no time zone data.
func eachSeededDemo(t *testing.T, test func(t *testing.T, d seededDemo)) {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 12, 3, 9, 30, 0, 0, loc)
			svcs := storetest.Services(t, kind, service.Options{Now: func() time.Time { return now }, Location: loc, ReportsDir: t.TempDir()})
			ctx := context.Background()
			if _, err := demo.SeedWith(ctx, svcs, rand.New(rand.NewPCG(5, 6)), demo.Config{Customers: 40, Days: 20}); err != nil {
				t.Fatal(err)
			}
			actx := domain.WithActor(ctx, domain.SystemActor())
			customers, _, err := svcs.Customers.FindCustomers(actx, domain.CustomerFilter{Page: domain.Page{Limit: 500}})
			if err != nil {
				t.Fatal(err)
			}
			test(t, seededDemo{svcs: svcs, loc: loc, ctx: ctx, actx: actx, customers: customers})
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
