package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestTextsWriteTheBusinessCurrency: the server's texts with an amount (an
// alert's message, a Web Push notification, an activity summary) write it
// as the dashboard does, in the business's currency ("₹9,000.00", Indian
// grouping); once the currency changes, new texts (and an open alert's
// message, on the next evaluation) use the new one, and stored summaries
// keep theirs (history).
func TestTextsWriteTheBusinessCurrency(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, _ *clock) {
		svc, admin := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(admin, []byte(`{"large_payment":{"thresholdCents":10000},"balance_over_limit":{"enabled":false}}`)))(t)
		must(svc.Push.AddPushSubscription(admin, pushSub(t, "https://push.example.com/boss")))(t)
		if got := claimed(t, svc); len(got) != 0 { // places the cursor
			t.Fatalf("first claim = %v", got)
		}
		c := newCustomer(t, admin, svc, "Asha", f.VendorA.ID)
		pay := func(key string, cents int64) *domain.PaymentResult {
			return must(svc.Payments.AddPayment(f.ACtx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: cents, Method: domain.PaymentCash, IdempotencyKey: key}))(t)
		}
		push := func() domain.PushNotification {
			t.Helper()
			cl := must(svc.Push.ClaimPushes(domain.WithActor(context.Background(), domain.SystemActor()), 100))(t)
			if len(cl.Messages) != 1 || cl.Messages[0].Notification.Kind != domain.PushLargePayment {
				t.Fatalf("claimed %s, want one large payment", mustJSON(t, cl))
			}
			return cl.Messages[0].Notification
		}
		alert := func() string {
			t.Helper()
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
			open := must(svc.Alerts.FindAlerts(admin, domain.AlertFilter{Status: domain.AlertOpen}))(t)
			if len(open) != 1 || open[0].Rule != domain.RuleLargePayment {
				t.Fatalf("open alerts = %s, want one large payment", mustJSON(t, open))
			}
			return open[0].Message
		}
		summary := func(id int64) string {
			t.Helper()
			for _, e := range allEvents(t, svc) {
				if e.Action == domain.ActionPaymentAdded && e.EntityID == id {
					return e.Summary
				}
			}
			t.Fatalf("no event of payment %d", id)
			return ""
		}

		first := pay("k1", 99999950)
		n := push()
		if n.Title != "Large payment: ₹9,99,999.50" || !strings.Contains(n.Body, "paid ₹9,99,999.50 (cash), above ₹100.00") {
			t.Errorf("push = %q / %q, want rupees as the dashboard writes them", n.Title, n.Body)
		}
		if got, want := alert(), "Payment #"; !strings.HasPrefix(got, want) || !strings.Contains(got, " of ₹9,99,999.50 from Asha is above ₹100.00") {
			t.Errorf("alert message = %q, want the amount and threshold in rupees", got)
		}
		if got := summary(first.Payment.ID); !strings.HasPrefix(got, "Payment of ₹9,99,999.50 by cash from Asha") {
			t.Errorf("summary = %q", got)
		}

		usd := "USD"
		must(svc.Settings.UpdateSettings(admin, domain.SettingsUpdate{Currency: &usd}))(t)
		if got := alert(); !strings.Contains(got, " of $999,999.50 from Asha is above $100.00") {
			t.Errorf("after the switch to USD, alert message = %q", got)
		}
		second := pay("k2", 900000)
		if n := push(); n.Title != "Large payment: $9,000.00" || !strings.Contains(n.Body, "paid $9,000.00 (cash), above $100.00") {
			t.Errorf("after the switch to USD, push = %q / %q", n.Title, n.Body)
		}
		if got := summary(second.Payment.ID); !strings.HasPrefix(got, "Payment of $9,000.00 by cash") {
			t.Errorf("after the switch to USD, summary = %q", got)
		}
		if got := summary(first.Payment.ID); !strings.HasPrefix(got, "Payment of ₹9,99,999.50 ") {
			t.Errorf("the stored summary was rewritten: %q", got)
		}
	})
}
