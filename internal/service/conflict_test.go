package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestDeliveryConflictNamesWhoAndWhen: a change recorded offline that meets
// a delivery changed meanwhile by someone else is refused, never applied
// over it, and the error says who made it what when (issue 17): an
// expectedStatus that no longer holds is CONFLICT, a final status re-sent
// is INVALID_TRANSITION; both carry current {status, changedBy, changedAt}
// and a message in the business's time zone. Nothing is charged twice.
func TestDeliveryConflictNamesWhoAndWhen(t *testing.T) {
	t.Parallel()
	ist, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{}
	clk.Set(time.Date(2026, 12, 1, 1, 42, 0, 0, time.UTC)) // 07:12 in Kolkata
	each(t, service.Options{Now: clk.Now, Location: ist}, func(t *testing.T, f *storetest.Fixture) {
		svc, admin, vendor := f.Svc, f.AdminCtx, f.ACtx
		c := newCustomer(t, vendor, svc, "Conflict Customer", 0)
		d := newDelivery(t, vendor, svc, c.ID, 4500)
		must(svc.Deliveries.UpdateDelivery(vendor, d.ID, move(domain.DeliveryOutForDelivery)))(t)
		// The admin marks it delivered meanwhile.
		must(svc.Deliveries.UpdateDelivery(admin, d.ID, move(domain.DeliveryDelivered)))(t)
		balance, _ := ledgerSum(t, f.Svc.DB, c.ID)

		// The vendor's offline "failed", made when it was out for delivery.
		up := move(domain.DeliveryFailed)
		up.ExpectedStatus = status(domain.DeliveryOutForDelivery)
		up.IdempotencyKey = "offline-1"
		_, err := svc.Deliveries.UpdateDelivery(vendor, d.ID, up)
		wantCode(t, err, domain.CodeConflict, "status")
		var de *domain.Error
		errors.As(err, &de)
		want := "already marked delivered by Ada Admin at 07:12"
		if de.Message != want || de.Current == nil || de.Current.Status != domain.DeliveryDelivered ||
			de.Current.ChangedBy != "Ada Admin" || de.Current.ChangedByID != f.Admin.ID || !de.Current.ChangedAt.Equal(clk.Now()) || de.Current.ID != d.ID {
			t.Fatalf("conflict = %q %+v, want %q by admin %d at %v", de.Message, de.Current, want, f.Admin.ID, clk.Now())
		}

		// The vendor's offline "delivered": re-sending a final status.
		_, err = svc.Deliveries.UpdateDelivery(vendor, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered), IdempotencyKey: "offline-2"})
		wantCode(t, err, domain.CodeInvalidTransition, "status")
		errors.As(err, &de)
		if de.Message != want || de.Current == nil || de.Current.ChangedBy != "Ada Admin" {
			t.Fatalf("re-sent final status = %q %+v, want %q", de.Message, de.Current, want)
		}
		if after, _ := ledgerSum(t, f.Svc.DB, c.ID); after != balance {
			t.Fatalf("balance %d -> %d after refused changes", balance, after)
		}

		// In bulk, per id: the id changed meanwhile is refused with current, the other applied.
		d3 := newDelivery(t, vendor, svc, c.ID, 100)
		d4 := newDelivery(t, vendor, svc, c.ID, 100)
		must(svc.Deliveries.UpdateDelivery(admin, d4.ID, move(domain.DeliveryDelivered)))(t)
		res := must(svc.Rounds.UpdateDeliveryStatuses(vendor, domain.BulkStatus{IDs: []int64{d3.ID, d4.ID}, Status: domain.DeliveryDelivered,
			ExpectedStatus: domain.DeliveryScheduled, IdempotencyKey: "offline-3"}))(t)
		if res.Succeeded != 1 || !res.Results[0].OK || res.Results[1].OK || res.Results[1].Error.Code != domain.CodeConflict ||
			res.Results[1].Error.Current == nil || res.Results[1].Error.Current.ChangedBy != "Ada Admin" {
			t.Fatalf("bulk = %s", mustJSON(t, res))
		}

		// A stop only moved forward on the worker's own path (out for
		// delivery by a manager) is no conflict for the worker's outcome:
		// delivered is applied and charged once.
		d5 := newDelivery(t, vendor, svc, c.ID, 700)
		must(svc.Deliveries.UpdateDelivery(admin, d5.ID, move(domain.DeliveryOutForDelivery)))(t)
		before, _ := ledgerSum(t, f.Svc.DB, c.ID)
		up = move(domain.DeliveryDelivered)
		up.ExpectedStatus = status(domain.DeliveryScheduled)
		up.IdempotencyKey = "offline-5"
		got := must(svc.Deliveries.UpdateDelivery(vendor, d5.ID, up))(t)
		if got.Delivery.Status != domain.DeliveryDelivered {
			t.Fatalf("delivered over out for delivery: %s", got.Delivery.Status)
		}
		must(svc.Deliveries.UpdateDelivery(vendor, d5.ID, up))(t) // the retry
		if after, _ := ledgerSum(t, f.Svc.DB, c.ID); after != before+700 {
			t.Fatalf("balance %d -> %d, want one charge of 700", before, after)
		}
		// but a worker's "out for delivery" over another's is still a conflict.
		d6 := newDelivery(t, vendor, svc, c.ID, 100)
		must(svc.Deliveries.UpdateDelivery(admin, d6.ID, move(domain.DeliveryOutForDelivery)))(t)
		up = move(domain.DeliveryOutForDelivery)
		up.ExpectedStatus = status(domain.DeliveryScheduled)
		_, err = svc.Deliveries.UpdateDelivery(vendor, d6.ID, up)
		wantCode(t, err, domain.CodeConflict, "status")

		// An expectedStatus that holds changes nothing about the usual path.
		d2 := newDelivery(t, vendor, svc, c.ID, 100)
		up = move(domain.DeliveryOutForDelivery)
		up.ExpectedStatus = status(domain.DeliveryScheduled)
		must(svc.Deliveries.UpdateDelivery(vendor, d2.ID, up))(t)
		up.ExpectedStatus = status("nonsense")
		_, err = svc.Deliveries.UpdateDelivery(vendor, d2.ID, up)
		wantCode(t, err, domain.CodeInvalid, "expectedStatus")
	})
}
