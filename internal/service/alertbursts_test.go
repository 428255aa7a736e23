package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestSocketErrorsAlert: an instance whose sockets are dropped or fail
// above the limits within the window raises socket_errors once the
// condition has held the minimum duration, updates it as the trouble grows
// (on a 1-2-5 scale, not at every count), and resolves it once the window
// is clean again for that long. Another instance, with healthy sockets,
// neither resolves nor duplicates it.
func TestSocketErrorsAlert(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	eachClock(t, start, func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"minDurationSeconds":30,"socket_errors":{"windowSeconds":60,"maxDropped":2,"maxErrors":10}}`)))(t)
		other := service.New(svc.DB, service.Options{Now: clk.Now})
		eval := func(on *service.Services, instance string, at time.Duration, dropped, errs int64) []*domain.Alert {
			t.Helper()
			clk.Set(start.Add(at))
			if err := on.EvaluateAlertsWith(context.Background(), service.AlertInputs{
				Sockets: &service.SocketStats{Instance: instance, SlowDropped: dropped, Errors: errs}}); err != nil {
				t.Fatal(err)
			}
			return must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t)
		}
		web1 := service.InstanceSubject("web-1")
		if a := eval(svc, "web-1", 0, 0, 0); len(a) != 0 {
			t.Fatalf("raised with no errors: %s", mustJSON(t, a))
		}
		if a := eval(svc, "web-1", 10*time.Second, 3, 3); len(a) != 0 {
			t.Fatalf("raised before the condition held 30s: %s", mustJSON(t, a))
		}
		a := eval(svc, "web-1", 41*time.Second, 3, 3)
		if len(a) != 1 || a[0].Rule != domain.RuleSocketErrors || a[0].Subject != web1 || a[0].Severity != domain.SeverityWarning ||
			a[0].Message != "Instance web-1: 3 slow consumers dropped and 3 socket errors in the last 1 minute (limits 2 and 10)" {
			t.Fatalf("open = %s", mustJSON(t, a))
		}
		// Grows markedly: updated, and critical past ten times the limit.
		a = eval(svc, "web-1", 50*time.Second, 31, 45)
		if len(a) != 1 || a[0].Severity != domain.SeverityCritical || !strings.Contains(a[0].Message, "20+ slow consumers dropped and 20+ socket errors") {
			t.Fatalf("after growing: %s", mustJSON(t, a))
		}
		// The same scale step again: nothing to update.
		eval(svc, "web-1", 52*time.Second, 32, 48)
		// A healthy instance answers for itself only.
		if a := eval(other, "web-2", 55*time.Second, 0, 0); len(a) != 1 || a[0].Subject != web1 {
			t.Fatalf("another instance changed web-1's alert: %s", mustJSON(t, a))
		}
		// No new trouble: the window ending at 115s starts after the last
		// growth (52s), so the counts are 0 from then on.
		eval(svc, "web-1", 115*time.Second, 32, 48)
		if a := eval(svc, "web-1", 140*time.Second, 32, 48); len(a) != 1 {
			t.Fatalf("resolved after 25s clean, want 30s: %s", mustJSON(t, a))
		}
		if a := eval(svc, "web-1", 146*time.Second, 32, 48); len(a) != 0 {
			t.Fatalf("still open after 31s clean: %s", mustJSON(t, a))
		}
		if got, want := strings.Join(alertActions(t, svc), " "), "alert.raised alert.updated alert.resolved"; got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
		// Disabled: an instance's alert is resolved, and none is raised.
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"minDurationSeconds":0,"socket_errors":{"enabled":false}}`)))(t)
		if a := eval(svc, "web-1", 200*time.Second, 1000, 1000); len(a) != 0 {
			t.Fatalf("raised while disabled: %s", mustJSON(t, a))
		}
		for body, field := range map[string]string{
			`{"socket_errors":{"windowSeconds":5}}`: "socket_errors.windowSeconds",
			`{"socket_errors":{"maxDropped":-1}}`:   "socket_errors.maxDropped",
			`{"socket_errors":{"maxErrors":"x"}}`:   "socket_errors.maxErrors",
		} {
			_, err := svc.Alerts.UpdateAlertRules(ctx, []byte(body))
			wantCode(t, err, domain.CodeInvalid, field)
		}
	})
}

// TestSecurityBurstAlert: failed logins for one existing account from
// several addresses raise security_burst on that account (critical for an
// admin), updated as addresses join; many rate-limited logins raise one on
// the logins as a whole; both resolve when the burst has aged out of the
// window. Failed logins for an email that is no account raise nothing.
func TestSecurityBurstAlert(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	eachClock(t, start, func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Alerts.UpdateAlertRules(ctx, []byte(`{"security_burst":{"windowMinutes":10,"addresses":3,"rateLimited":3}}`)))(t)
		record := func(kind, email, addr string) {
			t.Helper()
			if err := svc.Security.RecordSecurityEvent(context.Background(), &domain.SecurityEvent{Kind: kind, Email: email, Address: addr, Detail: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		eval := func(at time.Duration) []*domain.Alert {
			t.Helper()
			clk.Set(start.Add(at))
			if err := svc.EvaluateAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
			return must(svc.Alerts.FindAlerts(ctx, domain.AlertFilter{Status: domain.AlertOpen}))(t)
		}
		record(domain.SecurityLoginFailed, "Admin@Example.com", "10.0.0.1")
		record(domain.SecurityLoginFailed, "admin@example.com", "10.0.0.2")
		record(domain.SecurityLoginFailed, "admin@example.com", "10.0.0.2") // throttled: the same address
		for i := range 5 {
			record(domain.SecurityLoginFailed, "nobody@example.com", "10.0.1."+string(rune('1'+i)))
		}
		if a := eval(time.Second); len(a) != 0 {
			t.Fatalf("raised with 2 addresses (and an email that is no account): %s", mustJSON(t, a))
		}
		clk.Set(start.Add(2 * time.Minute))
		record(domain.SecurityLoginFailed, "admin@example.com", "10.0.0.3")
		a := eval(2 * time.Minute)
		if len(a) != 1 || a[0].Rule != domain.RuleSecurityBurst || a[0].Subject != (domain.AlertSubject{Entity: "user", ID: f.Admin.ID}) ||
			a[0].Severity != domain.SeverityCritical || a[0].Message != "Failed logins for admin@example.com (admin) from 3 addresses in the last 10 minutes" {
			t.Fatalf("open = %s", mustJSON(t, a))
		}
		clk.Set(start.Add(3 * time.Minute))
		record(domain.SecurityLoginFailed, "admin@example.com", "10.0.0.4")
		for _, addr := range []string{"10.0.2.1", "10.0.2.2", "10.0.2.3"} {
			record(domain.SecurityLoginRateLimited, "vendora@example.com", addr)
		}
		a = eval(3 * time.Minute)
		if len(a) != 2 {
			t.Fatalf("open = %s, want the account's and the logins'", mustJSON(t, a))
		}
		for _, al := range a {
			switch al.Subject {
			case domain.AlertSubject{Entity: "user", ID: f.Admin.ID}:
				if !strings.Contains(al.Message, "from 4 addresses") {
					t.Errorf("account alert not updated: %s", al.Message)
				}
			case domain.AlertSubject{Entity: "security", ID: service.SecurityLogins}:
				if al.Severity != domain.SeverityWarning || al.Message != "3 logins refused by the login limits in the last 10 minutes" {
					t.Errorf("logins alert = %s", mustJSON(t, al))
				}
			default:
				t.Errorf("unexpected alert %s", mustJSON(t, al))
			}
		}
		if a := eval(10 * time.Minute); len(a) != 2 {
			t.Fatalf("resolved before the burst aged out: %s", mustJSON(t, a))
		}
		if a := eval(13*time.Minute + time.Second); len(a) != 0 {
			t.Fatalf("still open after the window: %s", mustJSON(t, a))
		}
		want := "alert.raised alert.updated alert.raised alert.resolved alert.resolved"
		if got := strings.Join(alertActions(t, svc), " "); got != want {
			t.Fatalf("alert events = %q, want %q", got, want)
		}
		for body, field := range map[string]string{
			`{"security_burst":{"windowMinutes":0}}`: "security_burst.windowMinutes",
			`{"security_burst":{"addresses":1}}`:     "security_burst.addresses",
			`{"security_burst":{"rateLimited":0}}`:   "security_burst.rateLimited",
		} {
			_, err := svc.Alerts.UpdateAlertRules(ctx, []byte(body))
			wantCode(t, err, domain.CodeInvalid, field)
		}
	})
}
