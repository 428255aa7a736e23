package realtime

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// TestAccountChangeSparesNewSessions: the hub reads an account change from
// the log a moment after it commits. A socket of a session started in that
// moment (a login with the new password) must not be disconnected by it;
// a socket of a session the change ended must be.
func TestAccountChangeSparesNewSessions(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	old, err := l.dial(t, "vendorA")
	if err != nil {
		t.Fatal(err)
	}
	sys := domain.WithActor(ctx, domain.SystemActor())
	pw := "a-new-password-here"
	if _, err := l.svc.Users.UpdateUser(sys, l.fx.VendorA.ID, domain.UserUpdate{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	// The old socket goes (the hub read the change).
	select {
	case <-waitDisconnect(ctx, old):
	case <-ctx.Done():
		t.Fatal("the socket of the ended session was not disconnected")
	}
	// A new login, then the same change read again, late.
	g, err := l.svc.Sessions.StartSession(ctx, l.fx.VendorA.ID, domain.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	l.tok["vendorA2"], _, _ = l.tokens.Issue(l.fx.VendorA, g.Session.ID)
	fresh, err := l.dial(t, "vendorA2")
	if err != nil {
		t.Fatal(err)
	}
	last, err := l.svc.Events.LastSeq(sys)
	if err != nil {
		t.Fatal(err)
	}
	var change *domain.Event
	for after := int64(0); change == nil && after < last; {
		evs, err := l.svc.Events.EventsAfter(sys, after, 500)
		if err != nil || len(evs) == 0 {
			t.Fatalf("events: %v", err)
		}
		for _, ev := range evs {
			if ev.Action == domain.ActionUserUpdated && ev.EntityID == l.fx.VendorA.ID {
				change = ev
			}
			after = ev.Seq
		}
	}
	if change == nil {
		t.Fatal("no user.updated event for the password change")
	}
	l.hub.revokeIfNeeded(sys, change)
	select {
	case <-waitDisconnect(ctx, fresh):
		t.Fatal("the socket of a session started after the change was disconnected")
	case <-time.After(500 * time.Millisecond):
	}
}

// waitDisconnect is closed when the socket receives a DISCONNECT packet or
// its connection ends.
func waitDisconnect(ctx context.Context, c *rawsocket.Client) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			p, err := c.Next(ctx)
			if err != nil || p.Type == '1' {
				return
			}
		}
	}()
	return done
}

// TestRefreshMovesTheSocketToItsNewSession: auth:refresh with a token of a
// new login of the same user moves the socket to that session, so ending
// the old session spares it and ending the new one reaches it.
func TestRefreshMovesTheSocketToItsNewSession(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := l.dial(t, "vendorA")
	if err != nil {
		t.Fatal(err)
	}
	oldSID := l.sessionOf(t, l.tok["vendorA"])
	g, err := l.svc.Sessions.StartSession(ctx, l.fx.VendorA.ID, domain.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _ := l.tokens.Issue(l.fx.VendorA, g.Session.ID)
	arg, _ := json.Marshal(map[string]string{"token": tok})
	if a, err := call(ctx, s, CmdAuthRefresh, arg); err != nil || !a.OK {
		t.Fatalf("auth:refresh with the new login's token: %v %v", a, err)
	}
	gone := waitDisconnect(ctx, s)
	l.hub.EndSession(oldSID)
	select {
	case <-gone:
		t.Fatal("ending the session the socket left disconnected it")
	case <-time.After(300 * time.Millisecond):
	}
	l.hub.EndSession(g.Session.ID)
	select {
	case <-gone:
	case <-time.After(3 * time.Second):
		t.Fatal("ending the socket's new session did not disconnect it")
	}
}
