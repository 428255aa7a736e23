package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// nextAlert reads c's packets until an event called name arrives and
// returns its alert; any other alert:* event on the way is a failure.
func nextAlert(t *testing.T, ctx context.Context, c *rawsocket.Client, name string) domain.Alert {
	t.Helper()
	for {
		p, err := c.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", name, err)
		}
		if p.Event == name {
			var got struct {
				Seq   int64        `json:"seq"`
				Alert domain.Alert `json:"alert"`
			}
			if err := p.Arg(0, &got); err != nil || got.Seq == 0 {
				t.Fatalf("bad %s %s: %v", name, p.Args, err)
			}
			return got.Alert
		}
		if strings.HasPrefix(p.Event, "alert:") {
			t.Fatalf("got %s %s while waiting for %s", p.Event, p.Args, name)
		}
	}
}

// TestAlertsLive: an alert raised reaches every admin socket and no
// vendor's; one admin's alert:ack reaches the other admin as alert:updated
// naming who acknowledged; a client resuming from before the raise is
// replayed both events (admins) or neither (vendors).
func TestAlertsLive(t *testing.T) {
	t.Parallel()
	eachLiveHub(t, Options{}, func(t *testing.T, l *liveHub) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc := l.fx.Svc
		epoch, before := l.largePaymentAlerts(t)
		admin1 := l.mustDial(t, "admin")
		admin2 := l.mustDial(t, "admin")
		vendor := l.mustDial(t, "vendorA")
		pay, err := svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 500000, Method: domain.PaymentCash, IdempotencyKey: "big"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.EvaluateAlerts(ctx); err != nil {
			t.Fatal(err)
		}
		raised1 := nextAlert(t, ctx, admin1, EventAlertRaised)
		raised2 := nextAlert(t, ctx, admin2, EventAlertRaised)
		if raised1.ID != raised2.ID || raised1.Rule != domain.RuleLargePayment || raised1.Subject.ID != pay.Payment.ID || raised1.Status != domain.AlertOpen {
			t.Fatalf("raised: %+v and %+v", raised1, raised2)
		}

		a, err := call(ctx, admin1, CmdAlertAck, json.RawMessage(fmt.Sprintf(`{"id":%d,"note":"checking with Vendor A"}`, raised1.ID)))
		if err != nil || !a.OK {
			t.Fatalf("alert:ack = %v, %v", a, err)
		}
		for i, c := range []*rawsocket.Client{admin2, admin1} {
			up := nextAlert(t, ctx, c, EventAlertUpdated)
			if up.Status != domain.AlertAcked || up.AckedByName != l.fx.Admin.Name || up.AckNote != "checking with Vendor A" || up.AckedAt == nil {
				t.Fatalf("admin %d got alert:updated %+v", i, up)
			}
		}
		// A vendor's ack is refused, and the vendor saw nothing of it all.
		if a, err := call(ctx, vendor, CmdAlertAck, json.RawMessage(fmt.Sprintf(`{"id":%d}`, raised1.ID))); err != nil || a.OK || a.Error.Code != domain.CodeForbidden {
			t.Fatalf("vendor alert:ack = %v, %v; want FORBIDDEN", a, err)
		}
		st := domain.DeliveryOutForDelivery
		if _, err := svc.Deliveries.UpdateDelivery(l.fx.ACtx, l.delA, domain.DeliveryUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
		nothingAboutUntil(t, ctx, vendor, "alert")

		// Resuming from before the raise, on an instance that kept no
		// session (the client's offset is all it has).
		url := l.forgetfulTwin(ctx, t)
		resume := func(who string) *rawsocket.Client {
			return l.resume(ctx, t, url, who, "resume-"+who, FormatOffset(epoch, before, 1))
		}
		adm := resume("admin")
		if got := nextAlert(t, ctx, adm, EventAlertRaised); got.ID != raised1.ID || got.Status != domain.AlertOpen {
			t.Fatalf("replayed alert:raised %+v", got)
		}
		if got := nextAlert(t, ctx, adm, EventAlertUpdated); got.ID != raised1.ID || got.AckedByName != l.fx.Admin.Name {
			t.Fatalf("replayed alert:updated %+v", got)
		}
		nothingAboutUntil(t, ctx, resume("vendorA"), "alert")
	})
}
