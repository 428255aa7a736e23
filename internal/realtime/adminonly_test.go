package realtime

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// logged is one message produced from the event log: its name and seq.
type logged struct {
	name string
	seq  int64
}

// drain reads c's packets until none arrives for quiet and returns the
// log messages among them (not stats:updated or presence:updated), with
// their raw arguments.
func drain(t *testing.T, c *rawsocket.Client, quiet time.Duration) ([]logged, []string) {
	t.Helper()
	var out []logged
	var raw []string
	for {
		ctx, cancel := context.WithTimeout(context.Background(), quiet)
		p, err := c.Next(ctx)
		cancel()
		if err != nil {
			return out, raw
		}
		if p.Type != '2' || p.Event == EventStats || p.Event == EventPresence {
			continue
		}
		var head struct {
			Seq int64 `json:"seq"`
		}
		if err := p.Arg(0, &head); err != nil || head.Seq == 0 {
			t.Fatalf("%s without a seq: %s", p.Event, p.Args)
		}
		out = append(out, logged{p.Event, head.Seq})
		raw = append(raw, p.Event+" "+string(p.Args))
	}
}

// TestAdminOnlyEventsReplayed: a failed login, an alert raised and its
// acknowledgement reach a live admin as security:event (without
// activity:updated: the feed is about the business) and alert:raised /
// alert:updated (with activity:updated); an admin resuming from before
// them is replayed exactly the same messages, in the same order; a vendor
// resuming from the same point gets none of them, nor does a staff member
// connected all along.
func TestAdminOnlyEventsReplayed(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc := l.fx.Svc
	epoch, before := l.largePaymentAlerts(t)
	live := l.mustDial(t, "admin")
	// Staff are sent their round's events (the payment, here): checked
	// live as well as resumed.
	staff := l.mustDial(t, "staff")
	if err := svc.Security.RecordSecurityEvent(context.Background(), &domain.SecurityEvent{
		Kind: domain.SecurityLoginFailed, Email: "admin@example.com", Address: "203.0.113.7", Detail: "login refused"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 500000, Method: domain.PaymentCash, IdempotencyKey: "big"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.EvaluateAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	open, err := svc.Alerts.FindAlerts(l.fx.AdminCtx, domain.AlertFilter{Status: domain.AlertOpen})
	if err != nil || len(open) != 1 {
		t.Fatalf("open alerts = %v, %v", open, err)
	}
	if _, err := svc.Alerts.AckAlert(l.fx.AdminCtx, domain.AlertAck{ID: open[0].ID, Note: "on it"}); err != nil {
		t.Fatal(err)
	}
	liveMsgs, _ := drain(t, live, time.Second)
	names := func(ms []logged) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	want := []string{EventSecurity, EventPayment, EventActivity, EventAlertRaised, EventActivity, EventAlertUpdated, EventActivity}
	if got := names(liveMsgs); !slices.Equal(got, want) {
		t.Fatalf("live admin got %v, want %v", got, want)
	}
	if liveMsgs[0].seq == liveMsgs[2].seq {
		t.Fatalf("the failed login's seq %d has an activity:updated", liveMsgs[0].seq)
	}

	// Resuming from before it all, on an instance that kept no session.
	url := l.forgetfulTwin(ctx, t)
	resume := func(who string) *rawsocket.Client {
		return l.resume(ctx, t, url, who, "resume-"+who, FormatOffset(epoch, before, -1))
	}
	replayed, _ := drain(t, resume("admin"), 500*time.Millisecond)
	if !slices.Equal(replayed, liveMsgs) {
		t.Fatalf("replayed %v, live %v: a replay must send what live delivery sent", replayed, liveMsgs)
	}
	liveStaff, liveStaffRaw := drain(t, staff, 200*time.Millisecond)
	for i, m := range liveStaff {
		if m.name == EventSecurity || strings.HasPrefix(m.name, "alert:") ||
			strings.Contains(liveStaffRaw[i], `"entity":"alert"`) || strings.Contains(liveStaffRaw[i], `"entity":"security"`) {
			t.Errorf("staff received %s live", liveStaffRaw[i])
		}
	}
	for _, who := range []string{"vendorA", "staff"} {
		got, raw := drain(t, resume(who), 500*time.Millisecond)
		for i, m := range got {
			if m.name == EventSecurity || strings.HasPrefix(m.name, "alert:") ||
				strings.Contains(raw[i], `"entity":"alert"`) || strings.Contains(raw[i], `"entity":"security"`) {
				t.Errorf("%s was replayed %s", who, raw[i])
			}
		}
		if who == "vendorA" && !slices.Contains(names(got), EventPayment) {
			t.Errorf("vendor A was not replayed its own payment: %v", got)
		}
	}
}
