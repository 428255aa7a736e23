package service_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestAccountChangesAreSecurityEvents: creating a user and changing its
// password, role and status each record their security event, with the
// admin's client address, in the event log (admins only) and in the
// filterable list; the password itself is in neither.
func TestAccountChangesAreSecurityEvents(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		sec := f.Svc.Security
		start := must(f.Svc.Events.LastSeq(f.AdminCtx))(t)
		ctx := domain.WithClientAddr(f.AdminCtx, "192.0.2.44")
		const pw = "correct-horse-battery-9"
		u := must(f.Svc.Users.CreateUser(ctx, domain.UserCreate{Email: "New.Admin@example.com", Name: "New", Role: domain.RoleVendor, Password: pw}))(t)
		newPW, role, status := "another-secret-pw-77", domain.RoleAdmin, domain.UserSuspended
		must(f.Svc.Users.UpdateUser(ctx, u.ID, domain.UserUpdate{Password: &newPW}))(t)
		must(f.Svc.Users.UpdateUser(ctx, u.ID, domain.UserUpdate{Role: &role}))(t)
		must(f.Svc.Users.UpdateUser(ctx, u.ID, domain.UserUpdate{Status: &status}))(t)

		evs := must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: start}))(t)
		var kinds []string
		for _, e := range evs {
			if e.Kind == domain.SecuritySessionsRevoked {
				continue
			}
			kinds = append(kinds, e.Kind)
			if e.UserID != u.ID || e.Email != "new.admin@example.com" || e.Address != "192.0.2.44" || e.Seq <= start {
				t.Errorf("event %+v: want user %d, email, address 192.0.2.44, seq > %d", e, u.ID, start)
			}
		}
		want := []string{domain.SecurityUserCreated, domain.SecurityPasswordChanged, domain.SecurityRoleChanged, domain.SecurityStatusChanged}
		if strings.Join(kinds, ",") != strings.Join(want, ",") {
			t.Errorf("kinds = %v, want %v", kinds, want)
		}
		// In the log: each account change is one user.* entry (admins
		// only) carrying its security events; no secret in any payload.
		log := must(f.Svc.Events.EventsAfter(f.AdminCtx, start, 100))(t)
		n := 0
		for _, ev := range log {
			if strings.Contains(string(ev.Payload), pw) || strings.Contains(string(ev.Payload), newPW) {
				t.Errorf("a password is in event %d: %s", ev.Seq, ev.Payload)
			}
			var p struct {
				Security []domain.SecurityEvent `json:"security"`
			}
			if err := json.Unmarshal(ev.Payload, &p); err != nil {
				t.Fatal(err)
			}
			n += len(p.Security)
			if len(p.Security) > 0 && (ev.Entity != domain.EntityUser || ev.VendorID != 0) {
				t.Errorf("entry %d carries security events but is not an admins-only account change: %+v", ev.Seq, ev)
			}
		}
		if len(log) != 4 || n != len(evs) {
			t.Errorf("%d log entries carrying %d security events, want 4 carrying %d", len(log), n, len(evs))
		}
		for _, ev := range must(f.Svc.Events.EventsAfter(f.ACtx, start, 100))(t) {
			if strings.Contains(string(ev.Payload), `"security"`) {
				t.Errorf("a vendor sees security events in entry %d", ev.Seq)
			}
		}
		// Filter by kind, page by seq.
		roles := must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: start, Kind: domain.SecurityRoleChanged}))(t)
		if len(roles) != 1 || !strings.Contains(roles[0].Detail, "vendor → admin") {
			t.Errorf("role_changed = %+v", roles)
		}
		page := must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: start, Limit: 1}))(t)
		next := must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: page[0].Seq, Limit: 1}))(t)
		// A page holds all the rows of its last seq: the password change
		// ended the user's sessions too.
		if len(page) != 1 || len(next) != 2 || next[0].Seq <= page[0].Seq || next[1].Seq != next[0].Seq ||
			next[1].Kind != domain.SecuritySessionsRevoked {
			t.Errorf("paging: %d then %d rows", len(page), len(next))
		}
		_, err := sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{Kind: "nope"})
		wantCode(t, err, domain.CodeInvalid, "kind")
		_, err = sec.SecurityEvents(f.ACtx, domain.SecurityQuery{})
		wantCode(t, err, domain.CodeForbidden, "")
	})
}

// TestFailedLoginBurstIsBounded: a burst of failed logins for one account
// from one address is written once; its size is reported with the next
// one after the window; an attacker spraying many keys hits the instance's
// budget; refresh reuse and account changes are never throttled.
func TestFailedLoginBurstIsBounded(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC)}
			failedLoginBurst(t, clk, storetest.NewFixture(t, storetest.Services(t, kind, service.Options{Now: clk.Now})))
		})
	}
}

func failedLoginBurst(t *testing.T, clk *clock, f *storetest.Fixture) {
	{
		sec := f.Svc.Security
		ctx := context.Background()
		start := must(f.Svc.Events.LastSeq(f.AdminCtx))(t)
		for range 50 {
			if err := sec.RecordSecurityEvent(ctx, &domain.SecurityEvent{Kind: domain.SecurityLoginFailed, Address: "203.0.113.5", Email: "a@example.com", Detail: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		evs := must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: start}))(t)
		if len(evs) != 1 {
			t.Fatalf("a burst of 50 wrote %d events, want 1", len(evs))
		}
		clk.Set(clk.Now().Add(61 * time.Second))
		must(0, sec.RecordSecurityEvent(ctx, &domain.SecurityEvent{Kind: domain.SecurityLoginFailed, Address: "203.0.113.5", Email: "a@example.com"}))(t)
		evs = must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: start}))(t)
		if len(evs) != 2 || !strings.Contains(evs[1].Detail, "and 49 more like this") {
			t.Fatalf("after the window: %+v", evs)
		}
		// Spraying: distinct keys stop at the budget.
		for i := range 300 {
			must(0, sec.RecordSecurityEvent(ctx, &domain.SecurityEvent{Kind: domain.SecurityTokenRefused, Address: "198.51.100." + itoa(i%250), Email: itoa(i)}))(t)
		}
		evs = must(sec.SecurityEvents(f.AdminCtx, domain.SecurityQuery{After: start, Limit: 1000}))(t)
		if len(evs) > 121 {
			t.Errorf("spraying wrote %d events in a window, want at most 121", len(evs))
		}
		if b, err := json.Marshal(evs[0]); err != nil || strings.Contains(string(b), "sessionId") {
			t.Errorf("security event JSON = %s, %v", b, err)
		}
		wantCode(t, sec.RecordSecurityEvent(ctx, &domain.SecurityEvent{Kind: "made_up"}), domain.CodeInvalid, "kind")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
