package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestEventLog makes one change of every kind and checks that each
// appended exactly one event, in order, with the right vendor, summary and
// payload shape.
func TestEventLog(t *testing.T) {
	t.Parallel()
	var commits []int64
	var mu sync.Mutex
	opts := service.Options{Now: runningFrom(testDay), OnCommit: func(seq int64) { mu.Lock(); commits = append(commits, seq); mu.Unlock() }}
	each(t, opts, func(t *testing.T, f *storetest.Fixture) {
		svc := f.Svc
		start := len(allEvents(t, svc)) // the fixture's three users
		c := must(svc.Customers.CreateCustomer(f.AdminCtx, domain.CustomerCreate{Name: "Asha Rao", VendorID: f.VendorA.ID}))(t)
		must(svc.Customers.UpdateCustomer(f.ACtx, c.ID, domain.CustomerUpdate{Address: ptr("12 MG Road")}))(t)
		d := newDelivery(t, f.ACtx, svc, c.ID, 4500) // before the pause: a paused customer gets no new delivery
		must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		must(svc.Customers.UpdateCustomer(f.ACtx, c.ID, domain.CustomerUpdate{Status: ptr(domain.CustomerPaused)}))(t)
		must(svc.Customers.UpdateCustomer(f.ACtx, c.ID, domain.CustomerUpdate{Status: ptr(domain.CustomerPaused)}))(t) // no-op: no event
		must(svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1250, Method: domain.PaymentCash}))(t)
		u := must(svc.Users.UpdateUser(f.AdminCtx, f.VendorB.ID, domain.UserUpdate{Status: ptr(domain.UserSuspended)}))(t)
		admin2 := must(svc.Users.CreateUser(f.AdminCtx, domain.UserCreate{Email: "second@example.com", Name: "Second", Role: domain.RoleAdmin, Password: "longenough"}))(t)

		evs := allEvents(t, svc)[start:]
		want := []struct {
			action   string
			entityID int64
			vendorID int64
			summary  string
		}{
			{domain.ActionCustomerCreated, c.ID, f.VendorA.ID, "Customer Asha Rao added by Ada Admin"},
			{domain.ActionCustomerUpdated, c.ID, f.VendorA.ID, "Customer Asha Rao updated by Vendor A (address)"},
			{domain.ActionDeliveryCreated, d.ID, f.VendorA.ID, fmt.Sprintf("Delivery #%d (Milk 1L × 2, ₹45.00) scheduled for Asha Rao on 2026-11-25 by Vendor A", d.ID)},
			{domain.ActionDeliveryUpdated, d.ID, f.VendorA.ID, fmt.Sprintf("Delivery #%d for Asha Rao out for delivery, marked by Vendor A", d.ID)},
			{domain.ActionCustomerStatus, c.ID, f.VendorA.ID, "Customer Asha Rao marked paused by Vendor A"},
			{domain.ActionPaymentAdded, 0, f.VendorA.ID, "Payment of ₹12.50 by cash from Asha Rao, recorded by Ada Admin"},
			{domain.ActionUserUpdated, u.ID, 0, "Vendor Vendor B suspended by Ada Admin"}, // account events are for admins only
			{domain.ActionUserCreated, admin2.ID, 0, "Admin Second (second@example.com) added by Ada Admin"},
		}
		if len(evs) != len(want) {
			t.Fatalf("got events %s, want %d", describe(evs), len(want))
		}
		for i, w := range want {
			e := evs[i]
			if i > 0 && e.Seq != evs[i-1].Seq+1 {
				t.Errorf("event %d seq %d after %d", i, e.Seq, evs[i-1].Seq)
			}
			if e.Action != w.action || (w.entityID != 0 && e.EntityID != w.entityID) || e.VendorID != w.vendorID || e.Summary != w.summary {
				t.Errorf("event %d = {%s %d vendor %d %q}, want {%s %d vendor %d %q}", i, e.Action, e.EntityID, e.VendorID, e.Summary,
					w.action, w.entityID, w.vendorID, w.summary)
			}
			if e.At.IsZero() || e.ActorName == "" {
				t.Errorf("event %d lacks time or actor: %+v", i, e)
			}
		}
		// Payload shapes, as documented on domain.Event.
		var cp struct {
			Customer *domain.Customer `json:"customer"`
			Change   string           `json:"change"`
		}
		decode(t, evs[4].Payload, &cp)
		if cp.Customer == nil || cp.Customer.Status != domain.CustomerPaused || cp.Change != "status" {
			t.Errorf("customer.status payload = %s", evs[4].Payload)
		}
		var dp struct {
			Delivery       *domain.Delivery      `json:"delivery"`
			PreviousStatus domain.DeliveryStatus `json:"previousStatus"`
		}
		decode(t, evs[3].Payload, &dp)
		if dp.Delivery == nil || dp.Delivery.Status != domain.DeliveryOutForDelivery || dp.PreviousStatus != domain.DeliveryScheduled {
			t.Errorf("delivery.updated payload = %s", evs[3].Payload)
		}
		var pp struct {
			Payment  *domain.Payment        `json:"payment"`
			Customer domain.CustomerBalance `json:"customer"`
		}
		decode(t, evs[5].Payload, &pp)
		if pp.Payment == nil || pp.Payment.AmountCents != 1250 || pp.Customer.ID != c.ID || pp.Customer.BalanceCents != -1250 {
			t.Errorf("payment.added payload = %s", evs[5].Payload)
		}
		var up struct {
			User            map[string]any `json:"user"`
			SessionsRevoked bool           `json:"sessionsRevoked"`
		}
		decode(t, evs[6].Payload, &up)
		if up.User["status"] != "suspended" || up.User["passwordHash"] != nil || up.User["PasswordHash"] != nil || !up.SessionsRevoked {
			t.Errorf("user.updated payload = %s", evs[6].Payload)
		}
		// Visibility: vendor A sees its own events only; RecentEvents is newest first.
		recent := must(svc.Events.RecentEvents(f.ACtx, 3))(t)
		if len(recent) != 3 || recent[0].Seq <= recent[1].Seq {
			t.Fatalf("recent = %s", describe(recent))
		}
		for _, e := range must(svc.Events.EventsAfter(f.ACtx, 0, 100))(t) {
			if e.VendorID != f.VendorA.ID || !e.VisibleTo(f.VendorA.Actor()) {
				t.Fatalf("vendor A sees event %d of vendor %d", e.Seq, e.VendorID)
			}
		}
		last := must(svc.Events.LastSeq(f.ACtx))(t)
		if last != evs[len(evs)-1].Seq {
			t.Fatalf("LastSeq = %d, want %d", last, evs[len(evs)-1].Seq)
		}
		mu.Lock()
		found := false
		for _, s := range commits {
			found = found || s == last
		}
		mu.Unlock()
		if !found {
			t.Fatalf("OnCommit never reported seq %d", last)
		}
	})
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("bad payload %s: %v", b, err)
	}
}

// TestOnCommit checks OnCommit fires once per committed change, with the
// change's seq, and not for refused changes or reads.
func TestOnCommit(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var seqs []int64
			var mu sync.Mutex
			svc := storetest.Services(t, kind, service.Options{OnCommit: func(s int64) { mu.Lock(); seqs = append(seqs, s); mu.Unlock() }})
			f := storetest.NewFixture(t, svc)
			c := newCustomer(t, f.AdminCtx, svc, "C", f.VendorA.ID)
			_, _ = svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: -1, Method: domain.PaymentCash})
			must(svc.Stats.Stats(f.AdminCtx))(t)
			r := must(svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash, IdempotencyKey: "k"}))(t)
			must(svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentCash, IdempotencyKey: "k"}))(t)
			mu.Lock()
			defer mu.Unlock()
			// 3 users, 1 customer, 1 payment; the replayed payment appends nothing.
			if len(seqs) != 5 || seqs[4] != 5 || seqs[3] != 4 {
				t.Fatalf("OnCommit seqs = %v, want [1 2 3 4 5]", seqs)
			}
			_ = r
		})
	}
}

// TestEventsNoSkippedSeq runs concurrent writers while a reader follows the
// log with EventsAfter, as the real-time layer does. The reader must see
// every seq exactly once, in order: a seq that commits late would be skipped
// by a cursor that already moved past it. On PostgreSQL the writers and
// readers use three separate connection pools on the same schema, like
// three instances.
func TestEventsNoSkippedSeq(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var instances []*service.Services
			if kind == "postgres" {
				url := storetest.PostgresURL(t)
				for range 3 {
					db, err := postgres.Open(context.Background(), url)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { db.Close() })
					instances = append(instances, service.New(db, service.Options{PasswordCost: 4}))
				}
			} else {
				instances = append(instances, storetest.Services(t, kind, service.Options{}))
			}
			f := storetest.NewFixture(t, instances[0])
			var customers []*domain.Customer
			for i := range 4 {
				customers = append(customers, newCustomer(t, f.AdminCtx, instances[0], fmt.Sprintf("Seq %d", i), f.VendorA.ID))
			}
			const writers, perWriter = 8, 30
			var stop atomic.Bool
			// One reader per instance follows the log through that instance.
			seen := make([][]int64, len(instances))
			readerDone := make(chan error, len(instances))
			for r, svc := range instances {
				go func() {
					cursor := int64(0)
					for {
						finished := stop.Load()
						evs, err := svc.Events.EventsAfter(f.AdminCtx, cursor, 50)
						if err != nil {
							readerDone <- err
							return
						}
						for _, e := range evs {
							seen[r] = append(seen[r], e.Seq)
							cursor = e.Seq
						}
						if finished && len(evs) == 0 {
							readerDone <- nil
							return
						}
						time.Sleep(200 * time.Microsecond)
					}
				}()
			}
			var wg sync.WaitGroup
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					svc := instances[w%len(instances)]
					for i := range perWriter {
						c := customers[(w+i)%len(customers)]
						if _, err := svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1, Method: domain.PaymentUPI}); err != nil {
							t.Errorf("writer %d: %v", w, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			stop.Store(true)
			for range instances {
				if err := <-readerDone; err != nil {
					t.Fatal(err)
				}
			}
			last := must(instances[0].Events.LastSeq(f.AdminCtx))(t)
			for r := range instances {
				if int64(len(seen[r])) != last {
					t.Fatalf("reader %d saw %d events, log has %d", r, len(seen[r]), last)
				}
				for i, s := range seen[r] {
					if s != int64(i+1) {
						t.Fatalf("reader %d saw seq %d at position %d (skipped or repeated)", r, s, i)
					}
				}
			}
			t.Logf("%d writers x %d payments over %d instance(s); each of %d readers saw all %d seqs in order", writers, perWriter, len(instances), len(instances), last)
		})
	}
}
