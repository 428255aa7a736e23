package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// alertActions returns the alert events of the log, in order.
func alertActions(t *testing.T, svc *service.Services) []string {
	t.Helper()
	var out []string
	for _, e := range allEvents(t, svc) {
		if e.Entity == domain.EntityAlert && e.Action != domain.ActionAlertRulesUpdated {
			if e.VendorID != 0 {
				t.Errorf("alert event %d has vendorId %d, want 0 (admins only)", e.Seq, e.VendorID)
			}
			out = append(out, e.Action)
		}
	}
	return out
}

func TestLargePaymentAlert(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"large_payment":{"thresholdCents":10000}}`)))(t)
		c := newCustomer(t, ctx, svc, "Asha", f.VendorA.ID)
		must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 10000, Method: domain.PaymentCash, IdempotencyKey: "k1"}))(t)
		big := must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 1000000, Method: domain.PaymentCash, IdempotencyKey: "k2"}))(t)
		for range 3 { // evaluating again changes nothing
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		open := must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t)
		if len(open) != 1 || open[0].Rule != domain.RuleLargePayment || open[0].Subject != (domain.AlertSubject{Entity: "payment", ID: big.Payment.ID}) ||
			open[0].Severity != domain.SeverityWarning || !strings.Contains(open[0].Message, "₹10,000.00") {
			t.Fatalf("open alerts = %s, want one large_payment on payment %d", mustJSON(t, open), big.Payment.ID)
		}
		// The database refuses a second active alert for the same subject.
		err := svc.DB.WithTx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `INSERT INTO alerts (rule, severity, status, subject_entity, subject_id, message, raised_at, updated_at)
				VALUES ('large_payment', 'warning', 'open', 'payment', ?, 'dup', 1, 1)`, big.Payment.ID)
			return err
		})
		if err == nil {
			t.Fatal("a second open alert for the same (rule, subject) was stored")
		}
		// Vendors see nothing and may do nothing.
		_, err = svc.Alerts.FindAlerts(f.ACtx, domain.AlertFilter{})
		wantCode(t, err, domain.CodeForbidden, "")
		_, err = svc.Alerts.AckAlert(f.ACtx, domain.AlertAck{ID: open[0].ID})
		wantCode(t, err, domain.CodeForbidden, "")

		acked := must(svc.Alerts.AckAlert(ctx, domain.AlertAck{ID: open[0].ID, Note: " calling the vendor "}))(t)
		if acked.Status != domain.AlertAcked || acked.AckedBy == nil || *acked.AckedBy != f.Admin.ID || acked.AckedByName != f.Admin.Name ||
			acked.AckNote != "calling the vendor" || acked.AckedAt == nil {
			t.Fatalf("acked = %s", mustJSON(t, acked))
		}
		again := must(svc.Alerts.AckAlert(ctx, domain.AlertAck{ID: open[0].ID}))(t)
		if again.AckNote != "calling the vendor" {
			t.Fatalf("second ack changed the alert: %s", mustJSON(t, again))
		}
		_, err = svc.Alerts.AckAlert(ctx, domain.AlertAck{ID: 999999})
		wantCode(t, err, domain.CodeNotFound, "")
		_, err = svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: "closed"})
		wantCode(t, err, domain.CodeInvalid, "status")

		// Reversing the payment ends the condition: resolved at once.
		must(svc.Reversals.ReversePayment(ctx, big.Payment.ID, domain.ReversalCreate{Reason: "typo"}))(t)
		if err := svc.EvaluateAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		res := must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertResolved}))(t)
		if len(res) != 1 || res[0].ResolvedAt == nil || res[0].AckedByName != f.Admin.Name {
			t.Fatalf("resolved = %s", mustJSON(t, res))
		}
		_, err = svc.Alerts.AckAlert(ctx, domain.AlertAck{ID: res[0].ID})
		wantCode(t, err, domain.CodeConflict, "")
		if got, want := strings.Join(alertActions(t, svc), " "), "alert.raised alert.updated alert.resolved"; got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
	})
}

func TestAlertRulesSettings(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		def := must(svc.Alerts.AlertRules(ctx))(t)
		if *def != domain.DefaultAlertRules() {
			t.Fatalf("rules = %+v, want the defaults", def)
		}
		got := must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"failure_rate":{"percent":35}}`)))(t)
		if got.FailureRate.Percent != 35 || got.FailureRate.MinAttempts != def.FailureRate.MinAttempts || !got.FailureRate.Enabled {
			t.Fatalf("patched rules = %+v: the patch must change percent only", got)
		}
		if again := must(svc.Alerts.AlertRules(ctx))(t); *again != *got {
			t.Fatalf("stored rules = %+v, want %+v", again, got)
		}
		for body, field := range map[string]string{
			`{"failure_rate":{"percent":0}}`:          "failure_rate.percent",
			`{"large_payment":{"thresholdCents":-1}}`: "large_payment.thresholdCents",
			`{"nope":1}`:                               "nope",
			`{"minDurationSeconds":"x"}`:               "minDurationSeconds",
			`{"failure_rate":{"minAttempts":1000000}}`: "failure_rate.minAttempts",
		} {
			_, err := svc.Alerts.UpdateAlertRules(ctx, []byte(body))
			wantCode(t, err, domain.CodeInvalid, field)
		}
		_, err := svc.Alerts.UpdateAlertRules(f.ACtx, []byte(`{}`))
		wantCode(t, err, domain.CodeForbidden, "")
		_, err = svc.Alerts.AlertRules(f.BCtx)
		wantCode(t, err, domain.CodeForbidden, "")
	})
}

// TestFailureRateAlert: raised only after the condition held for the
// minimum duration, updated while it lasts, resolved only after it has
// been gone that long; a flicker shorter than that raises nothing.
func TestFailureRateAlert(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"minDurationSeconds":60,"failure_rate":{"percent":50,"minAttempts":2}}`)))(t)
		c := newCustomer(t, ctx, svc, "Asha", f.VendorA.ID)
		mark := func(st domain.DeliveryStatus) {
			d := newDelivery(t, ctx, svc, c.ID, 100)
			must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
			must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(st)}))(t)
		}
		eval := func(at time.Duration) {
			t.Helper()
			clk.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC).Add(at))
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		active := func() []*domain.Alert {
			all := must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{}))(t)
			var out []*domain.Alert
			for _, a := range all {
				if a.Status != domain.AlertResolved {
					out = append(out, a)
				}
			}
			return out
		}
		mark(domain.DeliveryFailed)
		mark(domain.DeliveryFailed)
		eval(0)
		if n := len(active()); n != 0 {
			t.Fatalf("%d alerts raised at once; the condition must last 60s first", n)
		}
		eval(61 * time.Second)
		a := active()
		if len(a) != 1 || a[0].Subject != (domain.AlertSubject{Entity: "vendor", ID: f.VendorA.ID}) || !strings.Contains(a[0].Message, "2 of 2") {
			t.Fatalf("active = %s, want one failure_rate alert on vendor A", mustJSON(t, a))
		}
		mark(domain.DeliveryFailed) // 3 of 3: updated
		eval(70 * time.Second)
		// Recovering to 3 of 7 (43%): off, but not for long enough yet.
		for range 4 {
			mark(domain.DeliveryDelivered)
		}
		eval(80 * time.Second)
		mark(domain.DeliveryFailed) // 4 of 8 = 50%: not above 50%
		eval(100 * time.Second)
		mark(domain.DeliveryFailed) // 5 of 9: back on before resolving
		eval(120 * time.Second)
		if a := active(); len(a) != 1 {
			t.Fatalf("a flicker resolved or re-raised the alert: %s", mustJSON(t, a))
		}
		for range 3 {
			mark(domain.DeliveryDelivered) // 5 of 12
		}
		eval(130 * time.Second)
		eval(150 * time.Second)
		if a := active(); len(a) != 1 {
			t.Fatalf("resolved after 20s off, want after 60s: %s", mustJSON(t, a))
		}
		eval(191 * time.Second)
		if a := active(); len(a) != 0 {
			t.Fatalf("still active after 61s off: %s", mustJSON(t, a))
		}
		want := "alert.raised alert.updated alert.updated alert.resolved"
		if got := strings.Join(alertActions(t, svc), " "); got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
	})
}

func TestBalanceOverLimitAlert(t *testing.T) {
	t.Parallel()
	each(t, service.Options{Now: runningFrom(testDay)}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"balance_over_limit":{"defaultCreditLimitCents":1000}}`)))(t)
		c := newCustomer(t, ctx, svc, "Asha", f.VendorA.ID)
		other := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Ravi", VendorID: f.VendorA.ID, CreditLimitCents: ptr(int64(5000))}))(t)
		if other.CreditLimitCents == nil || *other.CreditLimitCents != 5000 || c.CreditLimitCents != nil {
			t.Fatalf("credit limits: %v and %v", other.CreditLimitCents, c.CreditLimitCents)
		}
		deliver := func(customerID, amount int64) {
			d := newDelivery(t, ctx, svc, customerID, amount)
			must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
			must(svc.Deliveries.UpdateDelivery(f.ACtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)}))(t)
		}
		eval := func() {
			t.Helper()
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		deliver(c.ID, 1500)     // 15.00 owed, default limit 10.00: over
		deliver(other.ID, 1500) // 15.00 owed, own limit 50.00: fine
		eval()
		open := must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t)
		if len(open) != 1 || open[0].Subject != (domain.AlertSubject{Entity: "customer", ID: c.ID}) || !strings.Contains(open[0].Message, "15.00") {
			t.Fatalf("open = %s, want one balance_over_limit on customer %d", mustJSON(t, open), c.ID)
		}
		deliver(c.ID, 500) // more owed: updated
		eval()
		// A vendor may not change credit limits; an admin may, -1 clears.
		_, err := svc.Customers.UpdateCustomer(f.ACtx, c.ID, domain.CustomerUpdate{CreditLimitCents: ptr(int64(100000))})
		wantCode(t, err, domain.CodeForbidden, "")
		_, err = svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{CreditLimitCents: ptr(int64(-5))})
		wantCode(t, err, domain.CodeInvalid, "creditLimitCents")
		up := must(svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{CreditLimitCents: ptr(int64(100000))}))(t)
		if up.CreditLimitCents == nil || *up.CreditLimitCents != 100000 {
			t.Fatalf("credit limit after update: %v", up.CreditLimitCents)
		}
		eval()
		if open := must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t); len(open) != 0 {
			t.Fatalf("still open after the limit was raised: %s", mustJSON(t, open))
		}
		cleared := must(svc.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{CreditLimitCents: ptr(int64(-1))}))(t)
		if cleared.CreditLimitCents != nil {
			t.Fatalf("credit limit after clearing: %v", *cleared.CreditLimitCents)
		}
		eval() // back on the default: raised again, as a new alert
		want := "alert.raised alert.updated alert.resolved alert.raised"
		if got := strings.Join(alertActions(t, svc), " "); got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
	})
}

// TestDependencyDownAlert: a readiness check failing for the minimum
// duration raises a critical alert; a check that flickers raises nothing;
// recovery resolves it after the minimum duration.
func TestDependencyDownAlert(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	eachClock(t, start, func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"minDurationSeconds":30}`)))(t)
		down := errors.New("redis unreachable")
		eval := func(at time.Duration, redis error) {
			t.Helper()
			clk.Set(start.Add(at))
			if err := svc.EvaluateAlerts(context.Background(),
				service.DependencyStatus{ID: service.DependencyDatabase, Name: "The database"},
				service.DependencyStatus{ID: service.DependencyRedis, Name: "Redis", Err: redis}); err != nil {
				t.Fatal(err)
			}
		}
		open := func() []*domain.Alert {
			return must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t)
		}
		eval(0, down)
		eval(10*time.Second, nil) // a flicker
		eval(20*time.Second, down)
		eval(40*time.Second, down) // 20s since it came back: not yet
		if n := len(open()); n != 0 {
			t.Fatalf("%d alerts raised before 30s of failure", n)
		}
		eval(51*time.Second, down)
		a := open()
		if len(a) != 1 || a[0].Rule != domain.RuleDependencyDown || a[0].Severity != domain.SeverityCritical ||
			a[0].Subject != (domain.AlertSubject{Entity: "dependency", ID: service.DependencyRedis}) || a[0].Message != "Redis is not ready" {
			t.Fatalf("open = %s", mustJSON(t, a))
		}
		eval(60*time.Second, nil)
		eval(70*time.Second, down) // back before resolving: the alert lasts
		eval(80*time.Second, nil)
		eval(100*time.Second, nil)
		if n := len(open()); n != 1 {
			t.Fatalf("resolved after 20s of recovery, want 30s")
		}
		eval(111*time.Second, nil)
		if n := len(open()); n != 0 {
			t.Fatalf("still open after 31s of recovery")
		}
		if got, want := strings.Join(alertActions(t, svc), " "), "alert.raised alert.resolved"; got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
	})
}

// TestAlertsEvaluatedConcurrently: several instances (services on the same
// database) evaluating at once raise one alert, not one each.
func TestAlertsEvaluatedConcurrently(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"large_payment":{"thresholdCents":1000}}`)))(t)
		c := newCustomer(t, ctx, svc, "Asha", f.VendorA.ID)
		must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 500000, Method: domain.PaymentCash, IdempotencyKey: "big"}))(t)
		instances := []*service.Services{svc, service.New(svc.DB, service.Options{}), service.New(svc.DB, service.Options{})}
		errs := make(chan error, 3*len(instances))
		for _, in := range instances {
			for range 3 {
				go func() { errs <- in.EvaluateAlerts(context.Background()) }()
			}
		}
		for range 3 * len(instances) {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Join(alertActions(t, svc), " "); got != "alert.raised" {
			t.Fatalf("alert events = %q, want one alert.raised", got)
		}
	})
}

// TestShiftCutoffAlert: deliveries of a shift still scheduled after its
// cut-off raise one alert per vendor, updated as they go out and resolved
// when the last one is out.
func TestShiftCutoffAlert(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	eachClock(t, day.Add(5*time.Hour), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"shift_cutoff":{"morningCutoff":"07:00"}}`)))(t)
		_, err := svc.Alerts.UpdateAlertRules(ctx, []byte(`{"shift_cutoff":{"eveningCutoff":"25:00"}}`))
		wantCode(t, err, domain.CodeInvalid, "shift_cutoff.eveningCutoff")
		c := newCustomer(t, ctx, svc, "Asha", f.VendorA.ID)
		var ids []int64
		for range 2 {
			d := must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: "2026-11-25",
				Items: "Milk 1L", Quantity: 1, AmountCents: 100, Shift: domain.ShiftMorning}))(t)
			ids = append(ids, d.ID)
		}
		newDelivery(t, ctx, svc, c.ID, 100) // no shift: not counted
		eval := func(at time.Duration) []*domain.Alert {
			t.Helper()
			clk.Set(day.Add(at))
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
			return must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t)
		}
		if a := eval(6*time.Hour + 59*time.Minute); len(a) != 0 {
			t.Fatalf("raised before the cut-off: %s", mustJSON(t, a))
		}
		a := eval(7*time.Hour + time.Minute)
		if len(a) != 1 || a[0].Rule != domain.RuleShiftCutoff || a[0].Subject != (domain.AlertSubject{Entity: "vendor", ID: f.VendorA.ID}) ||
			a[0].Message != "Vendor A: 2 morning deliveries not out after the 07:00 cut-off" {
			t.Fatalf("open = %s", mustJSON(t, a))
		}
		must(svc.Deliveries.UpdateDelivery(f.ACtx, ids[0], domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		if a := eval(7*time.Hour + 2*time.Minute); len(a) != 1 || !strings.HasPrefix(a[0].Message, "Vendor A: 1 morning") {
			t.Fatalf("after one went out: %s", mustJSON(t, a))
		}
		must(svc.Deliveries.UpdateDelivery(f.ACtx, ids[1], domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		if a := eval(7*time.Hour + 3*time.Minute); len(a) != 0 {
			t.Fatalf("after all went out: %s", mustJSON(t, a))
		}
		if got, want := strings.Join(alertActions(t, svc), " "), "alert.raised alert.updated alert.resolved"; got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
	})
}
