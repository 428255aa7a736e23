package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/rawsocket"
)

// app is a running `livedesk serve` (in-process run()) on a fresh SQLite
// database with an admin and two vendors, each with a customer.
type app struct {
	t       *testing.T
	base    string
	metrics string // the URL of /metrics, on its own listener
	db      string
	admin   *client
	vendor  *client // vendor A
	other   *client // vendor B
	custA   int64   // vendor A's customer
	custB   int64   // vendor B's customer
}

// startApp creates the users with `livedesk user create`, then serves with
// the extra serve flags.
func startApp(t *testing.T, flags ...string) *app {
	t.Helper()
	return startAppLog(t, io.Discard, flags...)
}

// startAppLog is startApp writing the server's log to stderr.
func startAppLog(t *testing.T, stderr io.Writer, flags ...string) *app {
	t.Helper()
	db := "sqlite:" + filepath.Join(t.TempDir(), "livedesk.db")
	for _, u := range [][]string{
		{"boss@app.test", "boss-password", "admin"},
		{"a@app.test", "vendor-a-password", "vendor"},
		{"b@app.test", "vendor-b-password", "vendor"},
	} {
		if out, err := runCmd(t, "user", "create", "--db", db, "--email", u[0], "--password", u[1], "--role", u[2]); err != nil {
			t.Fatalf("user create %s: %v\n%s", u[0], err, out)
		}
	}
	base, metrics := startServerLog(t, nil, stderr, append([]string{"--db", db}, flags...)...)
	a := &app{t: t, base: base, metrics: metrics, db: db}
	login := func(email, password string) *client {
		c := &client{t: t, base: base}
		m := c.must(200, "POST", "/api/auth/login", map[string]any{"email": email, "password": password})
		c.token, _ = m["token"].(string)
		return c
	}
	a.admin = login("boss@app.test", "boss-password")
	a.vendor = login("a@app.test", "vendor-a-password")
	a.other = login("b@app.test", "vendor-b-password")
	for _, v := range []struct {
		c    *client
		cust *int64
	}{{a.vendor, &a.custA}, {a.other, &a.custB}} {
		me := v.c.must(200, "GET", "/api/me", nil)
		cust := a.admin.must(201, "POST", "/api/customers", map[string]any{"name": "Customer", "phone": "+91 98450 12345", "vendorId": num(me, "id")})
		*v.cust = num(cust, "id")
	}
	return a
}

// socket connects a raw socket with token and fails the test if refused.
func (a *app) socket(token string) *rawsocket.Client {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := rawsocket.Dial(ctx, a.base, rawsocket.Options{})
	if err != nil {
		a.t.Fatalf("dial: %v", err)
	}
	a.t.Cleanup(c.Close)
	if _, err := c.Connect(ctx, map[string]string{"token": token}); err != nil {
		a.t.Fatalf("connect: %v", err)
	}
	return c
}
