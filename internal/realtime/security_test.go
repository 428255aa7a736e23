package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// TestSecurityEventsLiveAndReplayed: a socket refused for a forged token
// becomes a token_refused security:event that a connected admin receives
// live (with the client address, never the token); an account change made
// while the admin is away is replayed to it after reconnect; a vendor
// receives neither, live or replayed.
func TestSecurityEventsLiveAndReplayed(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := l.dial(t, "admin")
	if err != nil {
		t.Fatal(err)
	}
	vendor, err := l.dial(t, "vendorA")
	if err != nil {
		t.Fatal(err)
	}
	good := strings.Split(l.tok["admin"], ".")
	l.tok["forged"] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + good[1] + "."
	var ce *rawsocket.ConnectError
	if _, err := l.dial(t, "forged"); !errors.As(err, &ce) {
		t.Fatalf("a forged token connected: %v", err)
	}

	p, err := admin.NextEvent(ctx, EventSecurity)
	if err != nil {
		t.Fatalf("no security:event for the admin: %v", err)
	}
	var live SecurityPayload
	if err := p.Arg(0, &live); err != nil {
		t.Fatal(err)
	}
	if live.Kind != domain.SecurityTokenRefused || live.Seq == 0 || live.Address != "127.0.0.1" || live.At.IsZero() {
		t.Errorf("live security:event = %+v", live)
	}
	if strings.Contains(string(p.Args), good[1]) {
		t.Errorf("the token is in the event: %s", p.Args)
	}
	// A cross-site WebSocket (hijacking attempt) is origin_refused.
	if c, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{Header: http.Header{"Origin": {"https://evil.example"}}}); err == nil {
		c.Close()
		t.Fatal("a WebSocket from another origin was accepted")
	}
	p, err = admin.NextEvent(ctx, EventSecurity)
	if err != nil {
		t.Fatalf("no security:event for the refused origin: %v", err)
	}
	var origin SecurityPayload
	if err := p.Arg(0, &origin); err != nil {
		t.Fatal(err)
	}
	if origin.Kind != domain.SecurityOriginRefused || origin.Address != "127.0.0.1" || !strings.Contains(origin.Detail, "https://evil.example") || origin.Seq <= live.Seq {
		t.Errorf("origin security:event = %+v", origin)
	}
	var args []json.RawMessage
	var offset string
	if err := json.Unmarshal(p.Args, &args); err != nil || json.Unmarshal(args[len(args)-1], &offset) != nil {
		t.Fatalf("no offset in %s", p.Args)
	}

	// The admin goes away; a password is changed meanwhile.
	pid := admin.PID
	admin.Close()
	for l.hub.Ops(ctx).Disconnected == 0 {
		if ctx.Err() != nil {
			t.Fatal("the server never saw the connection close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	pw := "a-new-password-for-b"
	if _, err := l.svc.Users.UpdateUser(domain.WithClientAddr(l.fx.AdminCtx, "198.51.100.9"), l.fx.VendorB.ID, domain.UserUpdate{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	back, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := back.Connect(ctx, map[string]string{"token": l.tok["admin"], "pid": pid, "offset": offset}); err != nil {
		t.Fatal(err)
	}
	p, err = back.NextEvent(ctx, EventSecurity)
	if err != nil {
		t.Fatalf("security:event not replayed: %v", err)
	}
	var replayed SecurityPayload
	if err := p.Arg(0, &replayed); err != nil {
		t.Fatal(err)
	}
	if replayed.Kind != domain.SecurityPasswordChanged || replayed.Seq <= live.Seq || replayed.UserID != l.fx.VendorB.ID ||
		replayed.Email != "b@example.com" || replayed.Address != "198.51.100.9" || strings.Contains(string(p.Args), pw) {
		t.Errorf("replayed security:event = %+v (%s)", replayed, p.Args)
	}

	// The vendor got neither.
	vctx, vcancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer vcancel()
	if p, err := vendor.NextEvent(vctx, EventSecurity); err == nil {
		t.Errorf("a vendor received security:event %s", p.Args)
	}
	// Nor after a reconnect from before them.
	vpid := vendor.PID
	vendor.Close()
	for l.hub.Ops(ctx).Disconnected < 2 {
		if ctx.Err() != nil {
			t.Fatal("the server never saw the vendor's connection close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	vback, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer vback.Close()
	if _, err := vback.Connect(ctx, map[string]string{"token": l.tok["vendorA"], "pid": vpid, "offset": "0-0"}); err != nil {
		t.Fatal(err)
	}
	vctx2, vcancel2 := context.WithTimeout(ctx, 500*time.Millisecond)
	defer vcancel2()
	if p, err := vback.NextEvent(vctx2, EventSecurity); err == nil {
		t.Errorf("a vendor was replayed security:event %s", p.Args)
	}
}

// TestConnectionLimitRefusalIsRecorded: a socket refused by the
// per-address limit reaches the connected admin as connection_refused.
func TestConnectionLimitRefusalIsRecorded(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{MaxConnsPerIP: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	admin, err := l.dial(t, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if c, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{}); err == nil {
		c.Close()
		t.Fatal("a second session from the address was accepted")
	}
	p, err := admin.NextEvent(ctx, EventSecurity)
	if err != nil {
		t.Fatalf("no security:event: %v", err)
	}
	var e SecurityPayload
	if err := p.Arg(0, &e); err != nil || e.Kind != domain.SecurityConnectionRefused || e.Address != "127.0.0.1" {
		t.Errorf("security:event = %+v (%v)", e, err)
	}
}
