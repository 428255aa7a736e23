package service_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestRoundWalkingOrderAndCounters builds a small round over two areas and
// checks its order, the customers' details and the counters as the day's
// deliveries move through their statuses.
func TestRoundWalkingOrderAndCounters(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc, ctx := f.Svc, f.ACtx
		north := must(svc.Areas.CreateArea(ctx, domain.AreaCreate{Name: "North", SortOrder: 20}))(t)
		south := must(svc.Areas.CreateArea(ctx, domain.AreaCreate{Name: "South", SortOrder: 10}))(t)
		_, err := svc.Areas.CreateArea(ctx, domain.AreaCreate{Name: "south"})
		wantCode(t, err, domain.CodeConflict, "name")
		bArea := must(svc.Areas.CreateArea(f.BCtx, domain.AreaCreate{Name: "South"}))(t) // the same name is fine for another vendor
		milk := newProduct(t, ctx, svc, "Milk", 5000)
		curd := must(svc.Products.CreateProduct(ctx, domain.ProductCreate{Name: "Curd", Unit: "kg", PriceCents: 8000}))(t)
		mk := func(name string, area int64, pos int) *domain.Customer {
			return must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: name, Phone: "+91 98450 11111", Address: name + " street",
				AreaID: area, Position: pos, Note: "gate " + name}))(t)
		}
		// Walking order: South (sort 10) by position, then North, then no area.
		cs := []*domain.Customer{mk("Zoya", south.ID, 1), mk("Arun", south.ID, 2), mk("Meena", north.ID, 1), mk("Bala", 0, 0)}
		_, err = svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "X", AreaID: bArea.ID})
		wantCode(t, err, domain.CodeInvalid, "areaId")
		for _, c := range cs {
			must(svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: c.ID, ProductID: milk.ID, Quantity: 2, Frequency: "daily", Shift: "morning"}))(t)
		}
		must(svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: cs[1].ID, ProductID: curd.ID, Quantity: 1, Frequency: "daily", Shift: "evening"}))(t)
		oneOff := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: cs[2].ID, ScheduledFor: "2026-12-01", Items: "Paneer", Quantity: 1, AmountCents: 9000}))(t)
		must(svc.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{}))(t)

		r := must(svc.Rounds.Round(ctx, domain.RoundQuery{Shift: domain.ShiftMorning}))(t)
		var order []string
		for _, s := range r.Stops {
			order = append(order, s.Delivery.CustomerName+"/"+s.Delivery.Items)
		}
		if got, want := strings.Join(order, ","), "Zoya/Milk,Arun/Milk,Meena/Milk,Meena/Paneer,Bala/Milk"; got != want {
			t.Fatalf("morning round = %s, want %s", got, want)
		}
		st := r.Stops[0]
		if st.AreaID != south.ID || st.AreaName != "South" || st.Address != "Zoya street" || st.Phone != "+91 98450 11111" || st.CustomerNote != "gate Zoya" || st.Position != 1 {
			t.Errorf("first stop = %+v", st)
		}
		if r.Date != "2026-12-01" || r.Counters.Total != 5 || r.Counters.ToDo != 5 || r.Seq == 0 {
			t.Errorf("round = %s %+v seq %d", r.Date, r.Counters, r.Seq)
		}
		if q := fmt.Sprint(r.Counters.Quantities); q != fmt.Sprintf("[{%d Milk litre 8} {0 Paneer  1}]", milk.ID) {
			t.Errorf("quantities = %s", q)
		}
		// The evening round has Arun's curd and the shiftless one-off.
		ev := must(svc.Rounds.Round(ctx, domain.RoundQuery{Shift: domain.ShiftEvening}))(t)
		if len(ev.Stops) != 2 || ev.Stops[0].Delivery.Items != "Curd" || ev.Stops[1].Delivery.ID != oneOff.ID {
			t.Errorf("evening round = %+v", ev.Stops)
		}
		area := must(svc.Rounds.Round(ctx, domain.RoundQuery{Shift: domain.ShiftMorning, AreaID: north.ID}))(t)
		if len(area.Stops) != 2 {
			t.Errorf("north round has %d stops, want 2", len(area.Stops))
		}
		_, err = svc.Rounds.Round(ctx, domain.RoundQuery{AreaID: bArea.ID})
		wantCode(t, err, domain.CodeNotFound, "areaId")
		if other := must(svc.Rounds.Round(f.BCtx, domain.RoundQuery{VendorID: f.VendorA.ID}))(t); len(other.Stops) != 0 {
			t.Errorf("vendor B sees %d of vendor A's stops", len(other.Stops))
		}
		if all := must(svc.Rounds.Round(f.AdminCtx, domain.RoundQuery{}))(t); len(all.Stops) != 6 {
			t.Errorf("admin round has %d stops, want 6", len(all.Stops))
		}

		// Bulk: out for delivery for the morning, then a mix.
		ids := make([]int64, 0, len(r.Stops))
		for _, s := range r.Stops {
			ids = append(ids, s.Delivery.ID)
		}
		out := must(svc.Rounds.UpdateDeliveryStatuses(ctx, domain.BulkStatus{IDs: ids, Status: domain.DeliveryOutForDelivery, IdempotencyKey: "start"}))(t)
		if out.Succeeded != 5 || out.Failed != 0 {
			t.Fatalf("start round = %+v", out)
		}
		bDel := newDelivery(t, f.BCtx, svc, must(svc.Customers.CreateCustomer(f.BCtx, domain.CustomerCreate{Name: "B's"}))(t).ID, 100)
		mixed := []int64{ids[0], 999999, bDel.ID, ids[1], ids[0] + 100000}
		res := must(svc.Rounds.UpdateDeliveryStatuses(ctx, domain.BulkStatus{IDs: mixed, Status: domain.DeliveryDelivered, IdempotencyKey: "deliver"}))(t)
		wantCodes := []string{"", domain.CodeNotFound, domain.CodeNotFound, "", domain.CodeNotFound}
		for i, it := range res.Results {
			code := ""
			if it.Error != nil {
				code = it.Error.Code
			}
			if it.ID != mixed[i] || it.OK != (code == "") || code != wantCodes[i] {
				t.Errorf("result %d = %+v, want id %d code %q", i, it, mixed[i], wantCodes[i])
			}
		}
		if res.Succeeded != 2 || res.Failed != 3 {
			t.Errorf("mixed = %d ok %d failed", res.Succeeded, res.Failed)
		}
		// Retried with the same key: the same answers, nothing charged twice.
		again := must(svc.Rounds.UpdateDeliveryStatuses(ctx, domain.BulkStatus{IDs: mixed, Status: domain.DeliveryDelivered, IdempotencyKey: "deliver"}))(t)
		if again.Succeeded != 2 || again.Results[0].Delivery.DeliveredAt == nil || !again.Results[0].Delivery.DeliveredAt.Equal(*res.Results[0].Delivery.DeliveredAt) {
			t.Errorf("retry = %+v", again)
		}
		for _, c := range cs[:2] {
			if bal, sum := ledgerSum(t, f.Svc.DB, c.ID); bal != 10000 || sum != bal {
				t.Errorf("%s balance %d ledger %d, want 10000 once", c.Name, bal, sum)
			}
		}
		// A reason is required for failed and skipped, from the list.
		for _, tt := range []struct {
			in          domain.BulkStatus
			field       string
			description string
		}{
			{domain.BulkStatus{IDs: ids[2:3], Status: domain.DeliveryFailed}, "reason", "failed without reason"},
			{domain.BulkStatus{IDs: ids[2:3], Status: domain.DeliverySkipped, Reason: "lazy"}, "reason", "unknown reason"},
			{domain.BulkStatus{IDs: ids[2:3], Status: domain.DeliverySkipped, Reason: domain.ReasonOther}, "reasonText", "other without text"},
			{domain.BulkStatus{IDs: ids[2:3], Status: domain.DeliveryDelivered, Reason: domain.ReasonRefused}, "reason", "reason with delivered"},
			{domain.BulkStatus{IDs: nil, Status: domain.DeliveryDelivered}, "ids", "no ids"},
			{domain.BulkStatus{IDs: []int64{ids[2], ids[2]}, Status: domain.DeliveryDelivered}, "ids", "repeated id"},
			{domain.BulkStatus{IDs: ids[2:3], Status: "teleported"}, "status", "bad status"},
		} {
			_, err := svc.Rounds.UpdateDeliveryStatuses(ctx, tt.in)
			if domain.ErrorCode(err) != domain.CodeInvalid {
				t.Errorf("%s: %v, want INVALID", tt.description, err)
				continue
			}
			wantField(t, tt.description, err, tt.field)
		}
		must(svc.Rounds.UpdateDeliveryStatuses(ctx, domain.BulkStatus{IDs: ids[2:3], Status: domain.DeliveryFailed, Reason: domain.ReasonNotHome}))(t)
		sk := must(svc.Rounds.UpdateDeliveryStatuses(ctx, domain.BulkStatus{IDs: ids[4:5], Status: domain.DeliverySkipped, Reason: domain.ReasonOther, ReasonText: "dog loose"}))(t)
		if d := sk.Results[0].Delivery; d.Status != domain.DeliverySkipped || d.Reason != domain.ReasonOther || d.ReasonText != "dog loose" {
			t.Errorf("skipped = %+v", d)
		}
		r = must(svc.Rounds.Round(ctx, domain.RoundQuery{Shift: domain.ShiftMorning}))(t)
		c := r.Counters
		if c.Delivered != 2 || c.Failed != 1 || c.Skipped != 1 || c.Out != 1 || c.ToDo != 0 || c.Total != 5 {
			t.Errorf("counters = %+v", c)
		}
		if r.Stops[0].BalanceCents != 10000 {
			t.Errorf("Zoya's balance on the round = %d, want 10000", r.Stops[0].BalanceCents)
		}
		// The activity shows the reason.
		evs := allEvents(t, svc)
		if last := evs[len(evs)-1]; !strings.Contains(last.Summary, "skipped (dog loose)") {
			t.Errorf("last summary = %q", last.Summary)
		}
	})
}
