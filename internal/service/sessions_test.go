package service_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

var meta = domain.SessionMeta{Address: "198.51.100.7", UserAgent: "test"}

func TestSessionRotationAndReuse(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		ctx := context.Background()
		ss := f.Svc.Sessions
		g1 := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
		if g1.User.ID != f.VendorA.ID || g1.Session.ID == "" || g1.RefreshID == "" {
			t.Fatalf("grant = %+v", g1)
		}
		other := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
		g2 := must(ss.RefreshSession(ctx, g1.Session.ID, g1.RefreshID, meta))(t)
		if g2.Session.ID != g1.Session.ID || g2.RefreshID == g1.RefreshID {
			t.Fatalf("refresh did not rotate: %+v", g2)
		}
		if err := ss.CheckSession(ctx, g1.Session.ID, f.VendorA.ID); err != nil {
			t.Fatalf("live session refused: %v", err)
		}
		wantCode(t, ss.CheckSession(ctx, g1.Session.ID, f.VendorB.ID), domain.CodeSessionRevoked, "")
		// The spent refresh id comes back: the family ends, the event is kept.
		_, err := ss.RefreshSession(ctx, g1.Session.ID, g1.RefreshID, domain.SessionMeta{Address: "203.0.113.9"})
		if !errors.Is(err, domain.ErrRefreshReused) {
			t.Fatalf("reuse = %v, want ErrRefreshReused", err)
		}
		wantCode(t, ss.CheckSession(ctx, g1.Session.ID, f.VendorA.ID), domain.CodeSessionRevoked, "")
		_, err = ss.RefreshSession(ctx, g2.Session.ID, g2.RefreshID, meta)
		wantCode(t, err, domain.CodeSessionRevoked, "")
		if err := ss.CheckSession(ctx, other.Session.ID, f.VendorA.ID); err != nil {
			t.Errorf("the user's other session ended too: %v", err)
		}
		evs := must(f.Svc.Security.SecurityEvents(f.AdminCtx, domain.SecurityQuery{Kind: domain.SecurityRefreshReused}))(t)
		if len(evs) != 1 || evs[0].Kind != domain.SecurityRefreshReused || evs[0].UserID != f.VendorA.ID || evs[0].SessionID != g1.Session.ID || evs[0].Address != "203.0.113.9" {
			t.Errorf("security events = %+v", evs)
		}
		_, err = f.Svc.Security.SecurityEvents(f.ACtx, domain.SecurityQuery{})
		wantCode(t, err, domain.CodeForbidden, "")
	})
}

// TestConcurrentRefreshSpendsOnce: of refreshes racing with one refresh
// token, one at most gets a new token, and the family ends (the others are
// the reuse they look like).
func TestConcurrentRefreshSpendsOnce(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		ctx := context.Background()
		ss := f.Svc.Sessions
		g := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, reused := 0, 0
		for range 6 {
			wg.Go(func() {
				_, err := ss.RefreshSession(ctx, g.Session.ID, g.RefreshID, meta)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case domain.ErrorCode(err) == domain.CodeSessionRevoked:
					reused++
				default:
					t.Errorf("refresh: %v", err)
				}
			})
		}
		wg.Wait()
		if ok > 1 || ok+reused != 6 {
			t.Errorf("%d refreshes succeeded and %d were refused, want at most 1 success", ok, reused)
		}
		wantCode(t, ss.CheckSession(ctx, g.Session.ID, f.VendorA.ID), domain.CodeSessionRevoked, "")
	})
}

func TestAccountChangesEndSessions(t *testing.T) {
	t.Parallel()
	pw := "another-password"
	susp, act := domain.UserSuspended, domain.UserActive
	admin := domain.RoleAdmin
	name := "Renamed"
	for _, tt := range []struct {
		name   string
		change []domain.UserUpdate
		ends   bool
	}{
		{"password", []domain.UserUpdate{{Password: &pw}}, true},
		{"suspension", []domain.UserUpdate{{Status: &susp}}, true},
		{"role", []domain.UserUpdate{{Role: &admin}}, true},
		{"rename", []domain.UserUpdate{{Name: &name}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
				ctx := context.Background()
				ss := f.Svc.Sessions
				// Vendor B serves no customer here, so its role may change.
				g := must(ss.StartSession(ctx, f.VendorB.ID, meta))(t)
				keep := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
				for _, c := range tt.change {
					must(f.Svc.Users.UpdateUser(f.AdminCtx, f.VendorB.ID, c))(t)
				}
				err := ss.CheckSession(ctx, g.Session.ID, f.VendorB.ID)
				if tt.ends {
					wantCode(t, err, domain.CodeSessionRevoked, "")
				} else if err != nil {
					t.Errorf("session ended by a %s: %v", tt.name, err)
				}
				if err := ss.CheckSession(ctx, keep.Session.ID, f.VendorA.ID); err != nil {
					t.Errorf("another user's session ended: %v", err)
				}
			})
		})
	}
	t.Run("reactivation", func(t *testing.T) {
		t.Parallel()
		each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
			ctx := context.Background()
			ss := f.Svc.Sessions
			must(f.Svc.Users.UpdateUser(f.AdminCtx, f.VendorA.ID, domain.UserUpdate{Status: &susp}))(t)
			_, err := ss.StartSession(ctx, f.VendorA.ID, meta)
			wantCode(t, err, domain.CodeUnauthorized, "")
			must(f.Svc.Users.UpdateUser(f.AdminCtx, f.VendorA.ID, domain.UserUpdate{Status: &act}))(t)
			g := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
			must(f.Svc.Users.UpdateUser(f.AdminCtx, f.VendorA.ID, domain.UserUpdate{Status: &susp}))(t)
			_, err = ss.RefreshSession(ctx, g.Session.ID, g.RefreshID, meta)
			wantCode(t, err, domain.CodeUnauthorized, "")
			must(f.Svc.Users.UpdateUser(f.AdminCtx, f.VendorA.ID, domain.UserUpdate{Status: &act}))(t)
			_, err = ss.RefreshSession(ctx, g.Session.ID, g.RefreshID, meta)
			wantCode(t, err, domain.CodeSessionRevoked, "")
			evs := must(f.Svc.Security.SecurityEvents(f.AdminCtx, domain.SecurityQuery{Kind: domain.SecuritySessionsRevoked}))(t)
			// suspended, reactivated, suspended, reactivated
			if len(evs) != 4 || evs[3].Kind != domain.SecuritySessionsRevoked || evs[3].UserID != f.VendorA.ID {
				t.Errorf("%d security events, want 4 sessions_revoked", len(evs))
			}
		})
	})
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC)}
			sessionLifetime(t, clk, storetest.NewFixture(t, storetest.Services(t, kind, service.Options{Now: clk.Now})))
		})
	}
}

func sessionLifetime(t *testing.T, clk *clock, f *storetest.Fixture) {
	ctx := context.Background()
	ss := f.Svc.Sessions
	g := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
	// Used every 6 days, it lives on, but never past the maximum age.
	for at := 6 * 24 * time.Hour; at < service.SessionMaxAge; at += 6 * 24 * time.Hour {
		clk.Set(g.Session.CreatedAt.Add(at))
		g = must(ss.RefreshSession(ctx, g.Session.ID, g.RefreshID, meta))(t)
	}
	clk.Set(g.Session.CreatedAt.Add(service.SessionMaxAge))
	_, err := ss.RefreshSession(ctx, g.Session.ID, g.RefreshID, meta)
	wantCode(t, err, domain.CodeSessionRevoked, "")
	// Idle past SessionIdle, a session ends.
	clk.Set(clk.Now().Add(time.Hour))
	idle := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
	clk.Set(clk.Now().Add(service.SessionIdle))
	_, err = ss.RefreshSession(ctx, idle.Session.ID, idle.RefreshID, meta)
	wantCode(t, err, domain.CodeSessionRevoked, "")
}

func TestSessionUser(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		ctx := context.Background()
		ss := f.Svc.Sessions
		g := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
		ended := must(ss.StartSession(ctx, f.VendorA.ID, meta))(t)
		if err := ss.EndSession(ctx, ended.Session.ID, f.VendorA.ID, domain.SessionLogout); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name    string
			session string
			user    int64
			live    bool
		}{
			{"live", g.Session.ID, f.VendorA.ID, true},
			{"ended", ended.Session.ID, f.VendorA.ID, false},
			{"another user's", g.Session.ID, f.VendorB.ID, false},
			{"unknown", "nope", f.VendorA.ID, false},
		} {
			u, live, err := ss.SessionUser(ctx, tt.session, tt.user)
			if err != nil || u.ID != tt.user || live != tt.live {
				t.Errorf("%s: user %v, live %v, err %v; want user %d, live %v", tt.name, u, live, err, tt.user, tt.live)
			}
		}
		_, _, err := ss.SessionUser(ctx, g.Session.ID, 99999)
		wantCode(t, err, domain.CodeNotFound, "")
	})
}
