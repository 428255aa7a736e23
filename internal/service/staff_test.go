package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestStaffWorkTheirRoundOnly: a staff member of vendor A working area 1
// on the morning shift sees and marks that round for the business's today
// and tomorrow (Asia/Kolkata, where it is already the next day), records a
// UPI payment for a customer on it exactly once, and is refused everything
// else: area 2, the evening shift, other days, vendor B, and every other
// service.
func TestStaffWorkTheirRoundOnly(t *testing.T) {
	t.Parallel()
	ist, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 1 December is 01:30 on 2 December in Kolkata.
	eachClockIn(t, time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC), ist, func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc := f.Svc
		a, b := f.ACtx, f.BCtx
		area1 := must(svc.Areas.CreateArea(a, domain.AreaCreate{Name: "Area 1"}))(t)
		area2 := must(svc.Areas.CreateArea(a, domain.AreaCreate{Name: "Area 2"}))(t)
		bArea := must(svc.Areas.CreateArea(b, domain.AreaCreate{Name: "B 1"}))(t)
		c1 := must(svc.Customers.CreateCustomer(a, domain.CustomerCreate{Name: "Asha", Phone: "+91 98450 11111", AreaID: area1.ID}))(t)
		c2 := must(svc.Customers.CreateCustomer(a, domain.CustomerCreate{Name: "Bala", Phone: "+91 98450 22222", AreaID: area2.ID}))(t)
		cb := must(svc.Customers.CreateCustomer(b, domain.CustomerCreate{Name: "Chitra", Phone: "+91 98450 33333", AreaID: bArea.ID}))(t)
		del := func(ctx context.Context, c *domain.Customer, day string, shift domain.Shift) *domain.Delivery {
			return must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: day, Shift: shift,
				Items: "Milk 1L", Quantity: 1, AmountCents: 4500}))(t)
		}
		d1 := del(a, c1, "2026-12-02", domain.ShiftMorning)
		d1Tomorrow := del(a, c1, "2026-12-03", domain.ShiftMorning)
		d1Evening := del(a, c1, "2026-12-02", domain.ShiftEvening)
		d1UTCToday := del(a, c1, "2026-12-01", domain.ShiftMorning) // the UTC date, yesterday in Kolkata
		d1Later := del(a, c1, "2026-12-04", domain.ShiftMorning)
		d2 := del(a, c2, "2026-12-02", domain.ShiftMorning)
		db := del(b, cb, "2026-12-02", domain.ShiftMorning)

		// Vendor A adds its own staff (the vendor id defaults to its own);
		// vendor B cannot add staff to vendor A, nor use A's areas.
		staff := must(svc.Users.CreateUser(a, domain.UserCreate{Email: "priya@example.com", Name: "Priya", Role: domain.RoleStaff,
			Password: storetest.Password, AreaIDs: []int64{area1.ID}, Shifts: []domain.Shift{domain.ShiftMorning}}))(t)
		if staff.VendorID != f.VendorA.ID || len(staff.AreaIDs) != 1 || staff.AreaIDs[0] != area1.ID || len(staff.Shifts) != 1 {
			t.Fatalf("staff = %+v", staff)
		}
		_, err := svc.Users.CreateUser(b, domain.UserCreate{Email: "x@example.com", Role: domain.RoleStaff, Password: storetest.Password, VendorID: f.VendorA.ID})
		wantCode(t, err, domain.CodeForbidden, "vendorId")
		_, err = svc.Users.CreateUser(b, domain.UserCreate{Email: "x@example.com", Role: domain.RoleStaff, Password: storetest.Password, AreaIDs: []int64{area1.ID}})
		wantCode(t, err, domain.CodeInvalid, "areaIds")
		_, err = svc.Users.CreateUser(a, domain.UserCreate{Email: "x@example.com", Role: domain.RoleVendor, Password: storetest.Password})
		wantCode(t, err, domain.CodeForbidden, "")
		s := domain.WithActor(context.Background(), staff.Actor())

		// The round: area 1, morning, today by default; tomorrow on request.
		r := must(svc.Rounds.Round(s, domain.RoundQuery{}))(t)
		if r.Date != "2026-12-02" || len(r.Stops) != 1 || r.Stops[0].Delivery.ID != d1.ID {
			t.Fatalf("staff round = %s %d stops, want 2026-12-02 with d1 only", r.Date, len(r.Stops))
		}
		r = must(svc.Rounds.Round(s, domain.RoundQuery{Date: "2026-12-03", Shift: domain.ShiftMorning, AreaID: area1.ID}))(t)
		if len(r.Stops) != 1 || r.Stops[0].Delivery.ID != d1Tomorrow.ID {
			t.Fatalf("staff round tomorrow = %d stops, want d1Tomorrow", len(r.Stops))
		}
		_, err = svc.Rounds.Round(s, domain.RoundQuery{AreaID: area2.ID})
		wantCode(t, err, domain.CodeForbidden, "areaId")
		_, err = svc.Rounds.Round(s, domain.RoundQuery{AreaID: bArea.ID})
		wantCode(t, err, domain.CodeForbidden, "areaId")
		_, err = svc.Rounds.Round(s, domain.RoundQuery{Shift: domain.ShiftEvening})
		wantCode(t, err, domain.CodeForbidden, "shift")
		_, err = svc.Rounds.Round(s, domain.RoundQuery{Date: "2026-12-01"})
		wantCode(t, err, domain.CodeForbidden, "date")
		_, err = svc.Rounds.Round(s, domain.RoundQuery{Date: "2026-12-04"})
		wantCode(t, err, domain.CodeForbidden, "date")

		// Marking: d1 delivered (charged once, retry included); the rest refused.
		must(svc.Deliveries.UpdateDelivery(s, d1.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		up := domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered), IdempotencyKey: "mark-d1"}
		ch := must(svc.Deliveries.UpdateDelivery(s, d1.ID, up))(t)
		if ch.Delivery.Status != domain.DeliveryDelivered {
			t.Fatalf("d1 = %s", ch.Delivery.Status)
		}
		must(svc.Deliveries.UpdateDelivery(s, d1.ID, up))(t) // a retry
		for _, d := range []*domain.Delivery{d2, db, d1Evening, d1UTCToday, d1Later} {
			_, err = svc.Deliveries.UpdateDelivery(s, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)})
			wantCode(t, err, domain.CodeForbidden, "")
		}
		_, err = svc.Deliveries.UpdateDelivery(s, d1Tomorrow.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryCancelled)})
		wantCode(t, err, domain.CodeForbidden, "status")
		_, err = svc.Deliveries.UpdateDelivery(s, d1Tomorrow.ID, domain.DeliveryUpdate{Note: ptr("back door")})
		wantCode(t, err, domain.CodeForbidden, "note")
		_, err = svc.Deliveries.UpdateDelivery(s, d1Tomorrow.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryFailed)})
		wantCode(t, err, domain.CodeInvalid, "reason")
		res := must(svc.Rounds.UpdateDeliveryStatuses(s, domain.BulkStatus{IDs: []int64{d1Tomorrow.ID, d2.ID, db.ID},
			Status: domain.DeliverySkipped, Reason: domain.ReasonNotHome}))(t)
		if res.Succeeded != 1 || res.Failed != 2 || !res.Results[0].OK ||
			res.Results[1].Error.Code != domain.CodeForbidden || res.Results[2].Error.Code != domain.CodeForbidden {
			t.Fatalf("bulk = %+v", res)
		}
		for _, d := range []*domain.Delivery{d2, db} {
			if got := must(svc.Deliveries.FindDeliveryByID(f.AdminCtx, d.ID))(t); got.Status != domain.DeliveryScheduled {
				t.Errorf("delivery %d off the round = %s, want untouched", d.ID, got.Status)
			}
		}

		// A UPI payment at the door, once even when retried.
		pay := domain.PaymentCreate{CustomerID: c1.ID, AmountCents: 2000, Method: domain.PaymentUPI, Reference: "UPI 123", IdempotencyKey: "pay-1"}
		pr := must(svc.Payments.AddPayment(s, pay))(t)
		if pr.Customer.BalanceCents != 4500-2000 || pr.Payment.RecordedBy != staff.ID || pr.Payment.VendorID != f.VendorA.ID {
			t.Fatalf("payment = %+v balance %d", pr.Payment, pr.Customer.BalanceCents)
		}
		if again := must(svc.Payments.AddPayment(s, pay))(t); again.Payment.ID != pr.Payment.ID {
			t.Fatalf("retried payment made a second one: %d, %d", pr.Payment.ID, again.Payment.ID)
		}
		if _, n := must2(svc.Payments.FindPayments(f.ACtx, domain.PaymentFilter{CustomerID: c1.ID}))(t); n != 1 {
			t.Fatalf("vendor sees %d payments of c1, want 1", n)
		}
		if got := must(svc.Customers.FindCustomerByID(f.ACtx, c1.ID))(t); got.BalanceCents != 2500 {
			t.Errorf("c1 balance = %d, want 2500", got.BalanceCents)
		}
		for _, tt := range []struct {
			in    domain.PaymentCreate
			field string
		}{
			{domain.PaymentCreate{CustomerID: c2.ID, AmountCents: 100, Method: domain.PaymentCash}, "customerId"},
			{domain.PaymentCreate{CustomerID: cb.ID, AmountCents: 100, Method: domain.PaymentCash}, "customerId"},
			{domain.PaymentCreate{CustomerID: c1.ID, AmountCents: 100, Method: domain.PaymentCard}, "method"},
		} {
			_, err = svc.Payments.AddPayment(s, tt.in)
			wantCode(t, err, domain.CodeForbidden, tt.field)
		}
		// Bad input is still a 400 naming the field, for staff too.
		_, err = svc.Payments.AddPayment(s, domain.PaymentCreate{CustomerID: c1.ID, AmountCents: 100, Method: "cheque"})
		wantCode(t, err, domain.CodeInvalid, "method")
		_, err = svc.Deliveries.UpdateDelivery(s, d1Tomorrow.ID, domain.DeliveryUpdate{Status: status("lost")})
		wantCode(t, err, domain.CodeInvalid, "status")

		// Everything else is closed.
		forbidden := map[string]func() error{
			"stats":      func() error { _, err := svc.Stats.Stats(s); return err },
			"analytics":  func() error { _, err := svc.Stats.Analytics(s, domain.AnalyticsQuery{}); return err },
			"customers":  func() error { _, _, err := svc.Customers.FindCustomers(s, domain.CustomerFilter{}); return err },
			"customer":   func() error { _, err := svc.Customers.FindCustomerByID(s, c1.ID); return err },
			"deliveries": func() error { _, _, err := svc.Deliveries.FindDeliveries(s, domain.DeliveryFilter{}); return err },
			"delivery":   func() error { _, err := svc.Deliveries.FindDeliveryByID(s, d1.ID); return err },
			"payments":   func() error { _, _, err := svc.Payments.FindPayments(s, domain.PaymentFilter{}); return err },
			"users":      func() error { _, _, err := svc.Users.FindUsers(s, domain.UserFilter{}); return err },
			"other user": func() error { _, err := svc.Users.FindUserByID(s, f.VendorA.ID); return err },
			"create user": func() error {
				_, err := svc.Users.CreateUser(s, domain.UserCreate{Email: "y@example.com", Role: domain.RoleStaff})
				return err
			},
			"update self": func() error {
				_, err := svc.Users.UpdateUser(s, staff.ID, domain.UserUpdate{Name: ptr("P")})
				return err
			},
			"events":       func() error { _, err := svc.Events.EventsAfter(s, 0, 10); return err },
			"activity":     func() error { _, err := svc.Events.RecentEvents(s, 10); return err },
			"products":     func() error { _, _, err := svc.Products.FindProducts(s, domain.ProductFilter{}); return err },
			"areas":        func() error { _, err := svc.Areas.FindAreas(s, 0); return err },
			"subscription": func() error { _, _, err := svc.Subscriptions.FindSubscriptions(s, c1.ID, domain.Page{}); return err },
			"generate":     func() error { _, err := svc.Rounds.GenerateDeliveries(s, domain.GenerateRequest{}); return err },
			"new delivery": func() error {
				_, err := svc.Deliveries.CreateDelivery(s, domain.DeliveryCreate{CustomerID: c1.ID, Items: "x", Quantity: 1, AmountCents: 1})
				return err
			},
		}
		for name, call := range forbidden {
			if code := domain.ErrorCode(call()); code != domain.CodeForbidden {
				t.Errorf("staff %s = %s, want FORBIDDEN", name, code)
			}
		}
		if me := must(svc.Users.FindUserByID(s, staff.ID))(t); me.VendorID != f.VendorA.ID {
			t.Errorf("staff reads itself: %+v", me)
		}

		// Vendor B cannot suspend A's staff; A can, and the staff member
		// is out at once, in the service too.
		st := domain.UserSuspended
		_, err = svc.Users.UpdateUser(b, staff.ID, domain.UserUpdate{Status: &st})
		wantCode(t, err, domain.CodeForbidden, "")
		_, err = svc.Users.UpdateUser(a, staff.ID, domain.UserUpdate{Role: ptr(domain.RoleVendor)})
		wantCode(t, err, domain.CodeForbidden, "")
		must(svc.Users.UpdateUser(a, staff.ID, domain.UserUpdate{AreaIDs: &[]int64{area1.ID, area2.ID}}))(t)
		if r := must(svc.Rounds.Round(s, domain.RoundQuery{}))(t); len(r.Stops) != 2 {
			t.Errorf("after area 2 was added the round has %d stops, want 2", len(r.Stops))
		}
		// A vendor with active staff stays a vendor.
		vc := must(svc.Users.CreateUser(f.AdminCtx, domain.UserCreate{Email: "c@example.com", Role: domain.RoleVendor, Password: storetest.Password}))(t)
		must(svc.Users.CreateUser(f.AdminCtx, domain.UserCreate{Email: "ravi@example.com", Role: domain.RoleStaff, Password: storetest.Password, VendorID: vc.ID}))(t)
		_, err = svc.Users.UpdateUser(f.AdminCtx, vc.ID, domain.UserUpdate{Role: ptr(domain.RoleAdmin)})
		wantCode(t, err, domain.CodeInvalid, "role")
		if u := must(svc.Users.Authenticate(context.Background(), "priya@example.com", storetest.Password))(t); len(u.AreaIDs) != 2 {
			t.Errorf("login answer areas = %v, want both", u.AreaIDs)
		}
		must(svc.Users.UpdateUser(a, staff.ID, domain.UserUpdate{Status: &st}))(t)
		_, err = svc.Rounds.Round(s, domain.RoundQuery{})
		wantCode(t, err, domain.CodeForbidden, "")
		if _, err := svc.Users.Authenticate(context.Background(), "priya@example.com", storetest.Password); domain.ErrorCode(err) != domain.CodeUnauthorized {
			t.Errorf("suspended staff logs in: %v", err)
		}
	})
}
