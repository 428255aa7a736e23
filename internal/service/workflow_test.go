package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

var allStatuses = []domain.DeliveryStatus{domain.DeliveryScheduled, domain.DeliveryOutForDelivery,
	domain.DeliveryDelivered, domain.DeliveryFailed, domain.DeliveryCancelled, domain.DeliverySkipped}

// move is the update that moves a delivery to s, with a reason when s needs one.
func move(s domain.DeliveryStatus) domain.DeliveryUpdate {
	up := domain.DeliveryUpdate{Status: status(s)}
	if s.NeedsReason() {
		up.Reason = ptr(domain.ReasonNotHome)
	}
	return up
}

// pathTo lists the legal steps from scheduled to s.
func pathTo(s domain.DeliveryStatus) []domain.DeliveryStatus {
	switch s {
	case domain.DeliveryOutForDelivery:
		return []domain.DeliveryStatus{domain.DeliveryOutForDelivery}
	case domain.DeliveryDelivered, domain.DeliveryFailed:
		return []domain.DeliveryStatus{domain.DeliveryOutForDelivery, s}
	case domain.DeliveryCancelled, domain.DeliverySkipped:
		return []domain.DeliveryStatus{s}
	}
	return nil
}

// legalMoves is the public workflow (docs/api.md, "Deliveries"), spelled out
// rather than read back from CanTransition so that a change of the rule has
// to change this table too. scheduled → delivered and scheduled → failed are
// the round's one-tap moves: "out for delivery" is an optional step.
var legalMoves = map[domain.DeliveryStatus][]domain.DeliveryStatus{
	domain.DeliveryScheduled: {domain.DeliveryOutForDelivery, domain.DeliveryDelivered, domain.DeliveryFailed,
		domain.DeliverySkipped, domain.DeliveryCancelled},
	domain.DeliveryOutForDelivery: {domain.DeliveryDelivered, domain.DeliveryFailed, domain.DeliverySkipped,
		domain.DeliveryCancelled},
}

func isLegal(from, to domain.DeliveryStatus) bool {
	for _, s := range legalMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// TestDeliveryWorkflow tries every (from, to) pair of statuses: legal moves
// succeed, illegal ones are refused with INVALID_TRANSITION and change
// nothing, and only delivering charges the customer.
func TestDeliveryWorkflow(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.ACtx
		for _, from := range allStatuses {
			for _, to := range allStatuses {
				legal := isLegal(from, to)
				if legal != from.CanTransition(to) {
					t.Errorf("CanTransition(%s -> %s) = %v, the documented workflow says %v", from, to, !legal, legal)
				}
				t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
					c := newCustomer(t, ctx, svc, "Workflow "+string(from)+" "+string(to), 0)
					d := newDelivery(t, ctx, svc, c.ID, 1234)
					for _, step := range pathTo(from) {
						must(svc.Deliveries.UpdateDelivery(ctx, d.ID, move(step)))(t)
					}
					before := len(allEvents(t, svc))
					ch, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, move(to))
					after := len(allEvents(t, svc))
					switch {
					case legal:
						if err != nil {
							t.Fatalf("legal move refused: %v", err)
						}
						if ch.PreviousStatus != from || ch.Delivery.Status != to {
							t.Fatalf("change = %s -> %s, want %s -> %s", ch.PreviousStatus, ch.Delivery.Status, from, to)
						}
						if after != before+1 {
							t.Fatalf("events %d -> %d, want one more", before, after)
						}
					case from == to && !from.Final():
						// Same non-final status: accepted, a no-op without event.
						if err != nil || after != before {
							t.Fatalf("same-status update: err %v, events %d -> %d", err, before, after)
						}
					default:
						wantCode(t, err, domain.CodeInvalidTransition, "status")
						if after != before {
							t.Fatalf("refused move appended an event")
						}
					}
					got := must(svc.Deliveries.FindDeliveryByID(ctx, d.ID))(t)
					final := got.Status
					cust := must(svc.Customers.FindCustomerByID(ctx, c.ID))(t)
					wantBalance := int64(0)
					if final == domain.DeliveryDelivered {
						wantBalance = 1234
						if got.DeliveredAt == nil {
							t.Fatal("delivered without DeliveredAt")
						}
					}
					if cust.BalanceCents != wantBalance {
						t.Fatalf("balance = %d with status %s, want %d", cust.BalanceCents, final, wantBalance)
					}
				})
			}
		}
		t.Run("note only", func(t *testing.T) {
			c := newCustomer(t, ctx, svc, "Note", 0)
			d := newDelivery(t, ctx, svc, c.ID, 10)
			ch := must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Note: ptr("ring twice")}))(t)
			if ch.Delivery.Note != "ring twice" || ch.Delivery.Status != domain.DeliveryScheduled {
				t.Fatalf("note update = %+v", ch.Delivery)
			}
		})
	})
}

// TestRoundOneTap: on a round, a scheduled stop is marked delivered (or
// failed) in one step, in bulk as one at a time: charged once, one event,
// previousStatus scheduled, and a retry with the key changes nothing.
func TestRoundOneTap(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.ACtx
		c := newCustomer(t, ctx, svc, "One tap", 0)
		a, b, one := newDelivery(t, ctx, svc, c.ID, 1500), newDelivery(t, ctx, svc, c.ID, 900), newDelivery(t, ctx, svc, c.ID, 400)
		before := len(allEvents(t, svc))
		in := domain.BulkStatus{IDs: []int64{a.ID}, Status: domain.DeliveryDelivered, IdempotencyKey: "tap-a"}
		res := must(svc.Rounds.UpdateDeliveryStatuses(ctx, in))(t)
		if res.Succeeded != 1 || res.Results[0].PreviousStatus != domain.DeliveryScheduled || res.Results[0].Delivery.Status != domain.DeliveryDelivered {
			t.Fatalf("one tap = %+v", res.Results[0])
		}
		must(svc.Rounds.UpdateDeliveryStatuses(ctx, in))(t) // a retry
		failed := must(svc.Rounds.UpdateDeliveryStatuses(ctx, domain.BulkStatus{IDs: []int64{b.ID}, Status: domain.DeliveryFailed,
			Reason: domain.ReasonNotHome, IdempotencyKey: "tap-b"}))(t)
		if d := failed.Results[0].Delivery; failed.Succeeded != 1 || d.Status != domain.DeliveryFailed || d.Reason != domain.ReasonNotHome {
			t.Fatalf("failed from scheduled = %+v", failed.Results[0])
		}
		ch := must(svc.Deliveries.UpdateDelivery(ctx, one.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered), IdempotencyKey: "tap-one"}))(t)
		if ch.PreviousStatus != domain.DeliveryScheduled || ch.Delivery.DeliveredAt == nil {
			t.Fatalf("one at a time = %+v", ch)
		}
		if after := len(allEvents(t, svc)); after != before+3 {
			t.Errorf("events %d -> %d, want 3 more", before, after)
		}
		if bal, sum := ledgerSum(t, f.Svc.DB, c.ID); bal != 1900 || sum != bal {
			t.Errorf("balance %d ledger %d, want 1500+400 charged once", bal, sum)
		}
	})
}

func TestDeliveryUpdateIdempotent(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.ACtx
		c := newCustomer(t, ctx, svc, "Idem", 0)
		d := newDelivery(t, ctx, svc, c.ID, 700)
		must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		up := domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered), IdempotencyKey: "deliver-1"}
		// Concurrent retries: each either gets the one result or is told
		// the key is in use (409); the change is applied once.
		const n = 12
		var wg sync.WaitGroup
		results := make([]*domain.DeliveryChange, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = svc.Deliveries.UpdateDelivery(ctx, d.ID, up)
			}()
		}
		wg.Wait()
		var first []byte
		for i := range n {
			if errs[i] != nil {
				wantCode(t, errs[i], domain.CodeIdempotencyKeyInUse, "idempotencyKey")
				results[i] = must(svc.Deliveries.UpdateDelivery(ctx, d.ID, up))(t) // its retry replays
			}
			b, _ := json.Marshal(results[i])
			if first == nil {
				first = b
			}
			if string(b) != string(first) {
				t.Fatalf("retry %d result %s, want %s", i, b, first)
			}
		}
		results[0] = must(svc.Deliveries.UpdateDelivery(ctx, d.ID, up))(t)
		if results[0].PreviousStatus != domain.DeliveryOutForDelivery || results[0].Delivery.Status != domain.DeliveryDelivered {
			t.Fatalf("result = %+v", results[0])
		}
		if got := must(svc.Customers.FindCustomerByID(ctx, c.ID))(t).BalanceCents; got != 700 {
			t.Fatalf("balance = %d, want 700 (charged once)", got)
		}
		updates := 0
		for _, e := range allEvents(t, svc) {
			if e.Action == domain.ActionDeliveryUpdated && e.EntityID == d.ID {
				updates++
			}
		}
		if updates != 2 {
			t.Fatalf("delivery.updated events = %d, want 2", updates)
		}
		// Same key with another change is refused.
		_, err := svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryFailed), IdempotencyKey: "deliver-1"})
		wantCode(t, err, domain.CodeIdempotencyKeyReused, "idempotencyKey")
		// Another vendor cannot replay or probe the key.
		_, err = svc.Deliveries.UpdateDelivery(f.BCtx, d.ID, up)
		wantCode(t, err, domain.CodeNotFound, "")
		// A refused change does not burn its key.
		d2 := newDelivery(t, ctx, svc, c.ID, 5)
		must(svc.Deliveries.UpdateDelivery(ctx, d2.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		_, err = svc.Deliveries.UpdateDelivery(ctx, d2.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryScheduled), IdempotencyKey: "k2"})
		wantCode(t, err, domain.CodeInvalidTransition, "status")
		must(svc.Deliveries.UpdateDelivery(ctx, d2.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryCancelled), IdempotencyKey: "k2"}))(t)
	})
}

func TestPaymentIdempotent(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		c := newCustomer(t, ctx, svc, "Payer", f.VendorA.ID)
		in := domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1250, Method: domain.PaymentCash, IdempotencyKey: "pay-1"}
		t.Run("sequential", func(t *testing.T) {
			r1 := must(svc.Payments.AddPayment(ctx, in))(t)
			rctx, replay := domain.WithIdempotency(ctx, "")
			r2 := must(svc.Payments.AddPayment(rctx, in))(t)
			// The retry gets the first answer again, byte for byte.
			if b1, b2 := mustJSON(t, r1), mustJSON(t, r2); b1 != b2 || !replay.Replayed {
				t.Fatalf("retry answered %s (replayed %v), first answer %s", b2, replay.Replayed, b1)
			}
			if r1.Payment.ID != r2.Payment.ID || r2.Customer.BalanceCents != -1250 || r1.Customer.BalanceCents != -1250 {
				t.Fatalf("results differ: %+v / %+v", r1, r2)
			}
			if r2.Payment.VendorID != f.VendorA.ID || r2.Payment.RecordedBy != f.Admin.ID || r2.Payment.IdempotencyKey != "pay-1" {
				t.Fatalf("payment = %+v", r2.Payment)
			}
		})
		t.Run("same key, other data", func(t *testing.T) {
			other := in
			other.AmountCents = 999
			_, err := svc.Payments.AddPayment(ctx, other)
			wantCode(t, err, domain.CodeIdempotencyKeyReused, "idempotencyKey")
		})
		t.Run("no key makes a new payment each time", func(t *testing.T) {
			plain := domain.PaymentCreate{CustomerID: c.ID, AmountCents: 50, Method: domain.PaymentUPI}
			a := must(svc.Payments.AddPayment(ctx, plain))(t)
			b := must(svc.Payments.AddPayment(ctx, plain))(t)
			if a.Payment.ID == b.Payment.ID || !a.Created || !b.Created {
				t.Fatal("payments without key were merged")
			}
		})
		t.Run("concurrent retries", func(t *testing.T) {
			const n = 16
			ck := domain.PaymentCreate{CustomerID: c.ID, AmountCents: 300, Method: domain.PaymentCard, IdempotencyKey: "pay-concurrent"}
			var wg sync.WaitGroup
			res := make([]*domain.PaymentResult, n)
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res[i], errs[i] = svc.Payments.AddPayment(ctx, ck)
				}()
			}
			wg.Wait()
			// Each either gets the payment or is told the key is in use.
			var id int64
			for i := range n {
				if errs[i] != nil {
					wantCode(t, errs[i], domain.CodeIdempotencyKeyInUse, "idempotencyKey")
					continue
				}
				if id == 0 {
					id = res[i].Payment.ID
				}
				if res[i].Payment.ID != id {
					t.Fatalf("retry %d got payment %d, want %d", i, res[i].Payment.ID, id)
				}
			}
			if r := must(svc.Payments.AddPayment(ctx, ck))(t); id != 0 && r.Payment.ID != id {
				t.Fatalf("a later retry got payment %d, want %d", r.Payment.ID, id)
			}
			_, total := must2(svc.Payments.FindPayments(ctx, domain.PaymentFilter{CustomerID: c.ID, Method: domain.PaymentCard}))(t)
			if total != 1 {
				t.Fatalf("%d card payments stored, want 1", total)
			}
		})
		bal, sum := ledgerSum(t, svc.DB, c.ID)
		if bal != -(1250+100+300) || bal != sum {
			t.Fatalf("balance %d, ledger sum %d, want both %d", bal, sum, -(1250 + 100 + 300))
		}
		ledger, total := must2(svc.Customers.CustomerLedger(ctx, c.ID, domain.Page{}))(t)
		if total != 4 || ledger[0].BalanceCents != bal || ledger[0].Kind != "payment" {
			t.Fatalf("ledger = %d entries, newest %+v", total, ledger[0])
		}
	})
}

// TestBalanceInvariantConcurrent races payments and deliveries on a few
// customers from many goroutines; at the end every balance equals both the
// ledger's sum and the expected total.
func TestBalanceInvariantConcurrent(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc := f.Svc
		const customers, workers, opsPerWorker = 4, 16, 25
		var cs []*domain.Customer
		for i := range customers {
			ctx := f.ACtx
			if i%2 == 1 {
				ctx = f.BCtx
			}
			cs = append(cs, newCustomer(t, ctx, svc, fmt.Sprintf("Race %d", i), 0))
		}
		expected := make([]int64, customers)
		var mu sync.Mutex
		var wg sync.WaitGroup
		errs := make(chan error, workers*opsPerWorker)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := f.AdminCtx
				for op := range opsPerWorker {
					ci := (w + op) % customers
					c := cs[ci]
					if op%2 == 0 {
						amt := int64(100 + w*10 + op)
						_, err := svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: amt, Method: domain.PaymentCash,
							IdempotencyKey: fmt.Sprintf("race-%d-%d", w, op)})
						if err != nil {
							errs <- err
							continue
						}
						mu.Lock()
						expected[ci] -= amt
						mu.Unlock()
						continue
					}
					amt := int64(250 + op)
					d, err := svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25", Items: "Water can 20L", Quantity: 1, AmountCents: amt})
					if err == nil {
						_, err = svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)})
					}
					if err == nil {
						_, err = svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)})
					}
					if err != nil {
						errs <- err
						continue
					}
					mu.Lock()
					expected[ci] += amt
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent op failed: %v", err)
		}
		for i, c := range cs {
			bal, sum := ledgerSum(t, svc.DB, c.ID)
			if bal != sum || bal != expected[i] {
				t.Fatalf("customer %d: balance %d, ledger sum %d, expected %d", c.ID, bal, sum, expected[i])
			}
		}
		evs := allEvents(t, svc)
		for i := 1; i < len(evs); i++ {
			if evs[i].Seq != evs[i-1].Seq+1 {
				t.Fatalf("event seqs not contiguous at %d: %d then %d", i, evs[i-1].Seq, evs[i].Seq)
			}
		}
		t.Logf("%d workers x %d ops on %d customers; %d events", workers, opsPerWorker, customers, len(evs))
	})
}

var _ = context.Background
