package service_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// ageStep is one happening of an ageing scenario, at a moment in Kolkata.
type ageStep struct {
	at       string // "2006-01-02 15:04" in Asia/Kolkata
	customer string
	kind     string // "charge", "pay", "reverse" (the step named by ref)
	amount   int64
	ref      int // for "reverse": the index of the step reversed
}

// ageingModel recomputes dues ageing independently of the service: it
// replays the steps in time order, a payment paying the oldest open
// charges first and keeping any excess as credit for later charges, then
// reports the oldest charge still open. Reversed steps (whenever reversed)
// are left out, as every figure leaves them out.
func ageingModel(steps []ageStep, asOf time.Time, loc *time.Location) map[string]domain.AgeingCustomer {
	reversed := map[int]bool{}
	for _, s := range steps {
		if s.kind == "reverse" {
			reversed[s.ref] = true
		}
	}
	type open struct {
		left int64
		day  time.Time
	}
	queues := map[string][]open{}
	credit := map[string]int64{}
	end := time.Date(asOf.Year(), asOf.Month(), asOf.Day()+1, 0, 0, 0, 0, loc)
	for i, s := range steps {
		at, _ := time.ParseInLocation("2006-01-02 15:04", s.at, loc)
		if reversed[i] || !at.Before(end) || s.kind == "reverse" {
			continue
		}
		q := queues[s.customer]
		switch s.kind {
		case "charge":
			q = append(q, open{s.amount, time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)})
		case "pay":
			credit[s.customer] += s.amount
		}
		for len(q) > 0 && credit[s.customer] > 0 {
			n := min(q[0].left, credit[s.customer])
			q[0].left -= n
			credit[s.customer] -= n
			if q[0].left == 0 {
				q = q[1:]
			}
		}
		queues[s.customer] = q
	}
	out := map[string]domain.AgeingCustomer{}
	for name, q := range queues {
		if len(q) == 0 {
			continue
		}
		var bal int64
		for _, o := range q {
			bal += o.left
		}
		days := int(asOf.Sub(q[0].day).Hours() / 24)
		bucket := "90+"
		switch {
		case days <= 30:
			bucket = "0-30"
		case days <= 60:
			bucket = "31-60"
		case days <= 90:
			bucket = "61-90"
		}
		out[name] = domain.AgeingCustomer{Name: name, BalanceCents: bal, OldestUnpaidOn: q[0].day.Format("2006-01-02"), AgeDays: days, Bucket: bucket}
	}
	return out
}

// TestDuesAgeing runs ageing scenarios with partial payments, reversals of
// payments and deliveries, credit, and charges at 04:30 in Kolkata on the
// 1st of a month (still the previous month in UTC), on both databases,
// and compares the service with explicit expectations and with the
// independent model on several days.
func TestDuesAgeing(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	steps := []ageStep{
		0:  {"2026-06-01 09:00", "Vee", "charge", 800, 0}, // vendor B's customer
		1:  {"2026-08-01 06:00", "Rao", "charge", 2000, 0},
		2:  {"2026-08-10 10:00", "Rao", "pay", 2000, 0}, // bounces: reversed on 11-20
		3:  {"2026-09-01 04:30", "Pai", "charge", 1000, 0},
		4:  {"2026-09-01 05:00", "Cee", "pay", 5000, 0}, // paid ahead: in credit
		5:  {"2026-09-02 06:00", "Cee", "charge", 1000, 0},
		6:  {"2026-09-10 06:00", "Dev", "charge", 3000, 0}, // wrong customer: reversed on 11-21
		7:  {"2026-10-01 04:30", "Pai", "charge", 1000, 0},
		8:  {"2026-10-05 18:00", "Pai", "pay", 1500, 0}, // pays the first charge and half of the second
		9:  {"2026-10-06 06:00", "Zed", "charge", 100, 0},
		10: {"2026-10-07 06:00", "Zed", "pay", 100, 0}, // paid off
		11: {"2026-11-01 06:00", "Dev", "charge", 700, 0},
		12: {"2026-11-02 06:00", "Dev", "pay", 200, 0},
		13: {"2026-11-20 11:00", "", "reverse", 0, 2},
		14: {"2026-11-21 11:00", "", "reverse", 0, 6},
		15: {"2026-11-25 06:00", "Rao", "charge", 500, 0},
	}
	type want struct {
		asOf      string
		customers map[string]string // name → "balance/oldestUnpaidOn/ageDays/bucket"
		buckets   [4]int64
	}
	wants := []want{
		{"2026-11-30", map[string]string{
			"Vee": "800/2026-06-01/182/90+",
			"Rao": "2500/2026-08-01/121/90+", // the payment bounced: the August charge is open
			"Pai": "500/2026-10-01/60/31-60", // 2026-09-30 in UTC would make it 61 days
			"Dev": "500/2026-11-01/29/0-30",  // the reversed September charge counts nowhere
		}, [4]int64{500, 500, 0, 3300}},
		{"2026-10-31", map[string]string{
			"Vee": "800/2026-06-01/152/90+",
			"Rao": "2000/2026-08-01/91/90+",
			"Pai": "500/2026-10-01/30/0-30", // 31 days in UTC
		}, [4]int64{500, 0, 0, 2800}},
		{"2026-08-15", map[string]string{
			"Vee": "800/2026-06-01/75/61-90",
			"Rao": "2000/2026-08-01/14/0-30", // net of the reversal made later
		}, [4]int64{2000, 0, 800, 0}},
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			clk.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, kolkata))
			svc := storetest.Services(t, kind, service.Options{Now: clk.Now, Location: kolkata})
			f := storetest.NewFixture(t, svc)
			ctx := f.AdminCtx
			ids := map[string]int64{}
			names := map[int64]string{}
			for _, s := range steps {
				if _, ok := ids[s.customer]; ok || s.customer == "" {
					continue
				}
				vendor := f.VendorA.ID
				if s.customer == "Vee" {
					vendor = f.VendorB.ID
				}
				c := newCustomer(t, ctx, svc, s.customer, vendor)
				ids[s.customer], names[c.ID] = c.ID, s.customer
			}
			refs := make([]int64, len(steps))
			for i, s := range steps {
				at, err := time.ParseInLocation("2006-01-02 15:04", s.at, kolkata)
				if err != nil {
					t.Fatal(err)
				}
				clk.Set(at)
				switch s.kind {
				case "charge":
					d := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: ids[s.customer], Items: "Milk", Quantity: 1, AmountCents: s.amount}))(t)
					for _, st := range []domain.DeliveryStatus{domain.DeliveryOutForDelivery, domain.DeliveryDelivered} {
						must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(st)}))(t)
					}
					refs[i] = d.ID
				case "pay":
					p := must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: ids[s.customer], AmountCents: s.amount, Method: domain.PaymentCash,
						IdempotencyKey: fmt.Sprintf("age-%d", i)}))(t)
					refs[i] = p.Payment.ID
				case "reverse":
					in := domain.ReversalCreate{Reason: "scenario"}
					if steps[s.ref].kind == "pay" {
						must(svc.Reversals.ReversePayment(ctx, refs[s.ref], in))(t)
					} else {
						must(svc.Reversals.ReverseDelivery(ctx, refs[s.ref], in))(t)
					}
				}
			}
			clk.Set(time.Date(2026, 11, 30, 20, 0, 0, 0, kolkata))
			for _, w := range wants {
				t.Run(w.asOf, func(t *testing.T) {
					got := must(svc.Stats.DuesAgeing(ctx, w.asOf, 0))(t)
					day, _ := time.Parse("2006-01-02", w.asOf)
					model := ageingModel(steps, day, kolkata)
					if len(got.Customers) != len(w.customers) || len(model) != len(w.customers) {
						t.Fatalf("%d customers (model %d), want %d: %+v", len(got.Customers), len(model), len(w.customers), got.Customers)
					}
					var total int64
					for _, c := range got.Customers {
						name := names[c.CustomerID]
						line := fmt.Sprintf("%d/%s/%d/%s", c.BalanceCents, c.OldestUnpaidOn, c.AgeDays, c.Bucket)
						if w.customers[name] != line || c.Name != name {
							t.Errorf("%s: %s, want %s", name, line, w.customers[name])
						}
						m := model[name]
						if m.BalanceCents != c.BalanceCents || m.OldestUnpaidOn != c.OldestUnpaidOn || m.AgeDays != c.AgeDays || m.Bucket != c.Bucket {
							t.Errorf("%s: service %+v, model %+v", name, c, m)
						}
						total += c.BalanceCents
					}
					for i, b := range got.Buckets {
						if b.BalanceCents != w.buckets[i] {
							t.Errorf("bucket %s = %d, want %d", b.Bucket, b.BalanceCents, w.buckets[i])
						}
					}
					if got.TotalCents != total || got.AsOf != w.asOf || got.TimeZone != "Asia/Kolkata" {
						t.Errorf("total %d (want %d), asOf %s, zone %s", got.TotalCents, total, got.AsOf, got.TimeZone)
					}
					if !sort.SliceIsSorted(got.Customers, func(i, j int) bool { return got.Customers[i].AgeDays > got.Customers[j].AgeDays }) {
						t.Errorf("customers not oldest first: %+v", got.Customers)
					}
				})
			}
			t.Run("today's ageing sums the balances", func(t *testing.T) {
				got := must(svc.Stats.DuesAgeing(ctx, "", 0))(t)
				st := must(svc.Stats.Stats(ctx))(t)
				if got.AsOf != "2026-11-30" || got.TotalCents != st.OutstandingCents {
					t.Fatalf("ageing today %s total %d, outstanding %d", got.AsOf, got.TotalCents, st.OutstandingCents)
				}
			})
			t.Run("vendors", func(t *testing.T) {
				b := must(svc.Stats.DuesAgeing(f.BCtx, "2026-11-30", 0))(t)
				if len(b.Customers) != 1 || b.Customers[0].Name != "Vee" || b.VendorID != f.VendorB.ID || b.TotalCents != 800 {
					t.Fatalf("vendor B ageing = %+v", b)
				}
				a := must(svc.Stats.DuesAgeing(ctx, "2026-11-30", f.VendorA.ID))(t)
				if len(a.Customers) != 3 || a.TotalCents != 3500 {
					t.Fatalf("admin ageing of vendor A = %+v", a)
				}
				_, err := svc.Stats.DuesAgeing(f.BCtx, "2026-11-30", f.VendorA.ID)
				wantCode(t, err, domain.CodeForbidden, "vendorId")
			})
			t.Run("bad days", func(t *testing.T) {
				_, err := svc.Stats.DuesAgeing(ctx, "2026-12-01", 0)
				wantCode(t, err, domain.CodeInvalid, "asOf")
				_, err = svc.Stats.DuesAgeing(ctx, "30/11/2026", 0)
				wantCode(t, err, domain.CodeInvalid, "asOf")
				_, err = svc.Stats.DuesAgeing(context.Background(), "", 0)
				wantCode(t, err, domain.CodeUnauthorized, "")
			})
		})
	}
}
