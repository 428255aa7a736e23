package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// dbURL returns a fresh database of the given kind as a --db value.
func dbURL(t *testing.T, kind string) string {
	t.Helper()
	if kind == "postgres" {
		return storetest.PostgresURL(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "livedesk.db")
}

// runCmd runs a livedesk command to completion and returns its output.
func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
	return out.String() + errOut.String(), err
}

// client talks JSON to a running server.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(method, path string, body any, header ...string) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &m); err != nil {
		c.t.Fatalf("%s %s: %d, body not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

// must is do that requires the given status.
func (c *client) must(status int, method, path string, body any, header ...string) map[string]any {
	c.t.Helper()
	got, m := c.do(method, path, body, header...)
	if got != status {
		c.t.Fatalf("%s %s = %d, want %d: %v", method, path, got, status, m)
	}
	return m
}

func num(m map[string]any, path string) int64 {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	f, _ := v.(float64)
	return int64(f)
}

// TestEndToEnd drives the real binary's run(): migrate, create users, serve,
// then login → customer → delivery → delivered → payment → stats, on
// SQLite and PostgreSQL.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			db := dbURL(t, kind)
			out, err := runCmd(t, "migrate", "--db", db)
			if err != nil || !strings.Contains(out, "schema version") {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			if out, err := runCmd(t, "migrate", "--db", db); err != nil {
				t.Fatalf("migrate twice: %v\n%s", err, out)
			}
			if out, err := runCmd(t, "user", "create", "--db", db, "--email", "boss@e2e.test", "--password", "boss-password", "--role", "admin", "--name", "The Boss"); err != nil || !strings.Contains(out, "boss@e2e.test") {
				t.Fatalf("user create admin: %v\n%s", err, out)
			}
			if out, err := runCmd(t, "user", "create", "--db", db, "--email", "milk@e2e.test", "--password", "vendor-password", "--role", "vendor"); err != nil {
				t.Fatalf("user create vendor: %v\n%s", err, out)
			}
			if out, err := runCmd(t, "user", "create", "--db", db, "--email", "boss@e2e.test", "--password", "boss-password", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "--email") {
				t.Fatalf("duplicate user create = %v, want an error naming --email\n%s", err, out)
			}
			if _, err := runCmd(t, "user", "create", "--db", db, "--email", "x@e2e.test", "--password", "short", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "--password") {
				t.Fatalf("short password = %v, want an error naming --password", err)
			}
			if _, err := runCmd(t, "user", "create", "--db", db, "--email", "x@e2e.test", "--password", "long-enough", "--role", "root"); err == nil || !strings.Contains(err.Error(), "--role") {
				t.Fatalf("bad role = %v, want an error naming --role", err)
			}

			base := startServer(t, "--db", db)
			c := &client{t: t, base: base}
			c.must(200, "GET", "/healthz", nil)
			c.must(200, "GET", "/readyz", nil)
			c.must(401, "GET", "/api/stats", nil)
			login := c.must(200, "POST", "/api/auth/login", map[string]any{"email": "boss@e2e.test", "password": "boss-password"})
			c.token, _ = login["token"].(string)
			vendorLogin := c.must(200, "POST", "/api/auth/login", map[string]any{"email": "milk@e2e.test", "password": "vendor-password"})
			vendorID := num(vendorLogin, "user.id")

			before := c.must(200, "GET", "/api/stats", nil)
			cust := c.must(201, "POST", "/api/customers", map[string]any{"name": "Asha Rao", "phone": "+91 98450 12345", "vendorId": vendorID})
			custID := num(cust, "id")
			today := time.Now().UTC().Format(time.DateOnly)
			del := c.must(201, "POST", "/api/deliveries", map[string]any{"customerId": custID, "scheduledFor": today, "items": "Milk 1L", "quantity": 2, "amountCents": 2500})
			delPath := fmt.Sprintf("/api/deliveries/%d", num(del, "id"))
			c.must(200, "PATCH", delPath, map[string]any{"status": "out_for_delivery"})
			c.must(409, "PATCH", delPath, map[string]any{"status": "scheduled"}) // the workflow only moves forward
			d := c.must(200, "PATCH", delPath, map[string]any{"status": "delivered"}, "Idempotency-Key", "e2e-deliver")
			if dd, _ := d["delivery"].(map[string]any); dd["status"] != "delivered" || dd["deliveredAt"] == nil || d["previousStatus"] != "out_for_delivery" {
				t.Fatalf("delivered = %v", d)
			}
			c.must(409, "PATCH", delPath, map[string]any{"status": "out_for_delivery"})
			pay := map[string]any{"customerId": custID, "amountCents": 1000, "method": "cash", "idempotencyKey": "e2e-pay-1"}
			p := c.must(201, "POST", "/api/payments", pay)
			if num(p, "customer.balanceCents") != 1500 {
				t.Fatalf("balance after payment = %d, want 1500: %v", num(p, "customer.balanceCents"), p)
			}
			c.must(201, "POST", "/api/payments", pay) // the retry gets the first answer and records nothing

			after := c.must(200, "GET", "/api/stats", nil)
			for _, f := range []struct {
				path string
				diff int64
			}{
				{"revenueTodayCents", 2500},
				{"paymentsTodayCents", 1000},
				{"paymentsToday", 1},
				{"outstandingCents", 1500},
				{"activeCustomers", 1},
				{"deliveriesToday.delivered", 1},
			} {
				if got := num(after, f.path) - num(before, f.path); got != f.diff {
					t.Errorf("stats %s moved by %d, want %d (before %v, after %v)", f.path, got, f.diff, before, after)
				}
			}
			if num(after, "seq") <= num(before, "seq") {
				t.Errorf("stats seq did not advance: %d → %d", num(before, "seq"), num(after, "seq"))
			}
			ev := c.must(200, "GET", fmt.Sprintf("/api/events?after=%d", num(before, "seq")), nil)
			if items, _ := ev["items"].([]any); len(items) != 5 {
				t.Errorf("%d events after the baseline, want 5 (customer, delivery ×3, payment): %v", len(items), ev)
			}

			// A second instance on the same database shares the stored JWT
			// secret: the first instance's token works there.
			base2 := startServer(t, "--db", db)
			c2 := &client{t: t, base: base2, token: c.token}
			if me := c2.must(200, "GET", "/api/me", nil); me["email"] != "boss@e2e.test" {
				t.Errorf("me on the second instance = %v", me)
			}
			// The dashboard answers / (built or not), never the API's 404.
			resp, err := http.Get(base + "/customers")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET /customers content type %q, want the dashboard's HTML", ct)
			}
			c.must(404, "GET", "/api/customers/999999", nil)
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "livedesk ") {
		t.Fatalf("version = %q, %v", out, err)
	}
}

func TestBadDB(t *testing.T) {
	t.Parallel()
	if _, err := runCmd(t, "migrate", "--db", "mysql://x"); err == nil || !strings.Contains(err.Error(), "sqlite:PATH") {
		t.Fatalf("migrate --db mysql://x = %v, want a usage error", err)
	}
	if got := redactDSN("postgres://bob:hunter2@db:5432/x"); strings.Contains(got, "hunter2") {
		t.Errorf("redactDSN kept the password: %s", got)
	}
}

// TestConfiguredJWTSecret checks that LIVEDESK_JWT_SECRET signs the tokens
// when set: a token made with it elsewhere is accepted, one made with the
// secret stored in the database is not.
func TestConfiguredJWTSecret(t *testing.T) {
	t.Parallel()
	db := dbURL(t, "sqlite")
	if out, err := runCmd(t, "user", "create", "--db", db, "--email", "ops@e2e.test", "--password", "ops-password", "--role", "admin"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	secret := "a-configured-secret-of-at-least-32-chars"
	base := startServerEnv(t, map[string]string{"LIVEDESK_JWT_SECRET": secret}, "--db", db)
	c := &client{t: t, base: base}
	login := c.must(200, "POST", "/api/auth/login", map[string]any{"email": "ops@e2e.test", "password": "ops-password"})
	u := &domain.User{ID: num(login, "user.id"), Name: "ops", Role: domain.RoleAdmin}
	sid, _ := login["sessionId"].(string)
	tok, _, err := auth.NewTokens([]byte(secret), time.Minute, nil).Issue(u, sid)
	if err != nil {
		t.Fatal(err)
	}
	c.token = tok
	c.must(200, "GET", "/api/me", nil)
	c.token, _ = login["token"].(string)
	c.must(200, "GET", "/api/me", nil)
	c.token, _, _ = auth.NewTokens([]byte("another-secret-of-at-least-32-chars!!"), time.Minute, nil).Issue(u, sid)
	if _, m := c.do("GET", "/api/me", nil); m["error"] == nil {
		t.Fatalf("a token signed with another secret was accepted: %v", m)
	}
}

// TestSigningKeyRotation follows docs/deploy.md's rotation on one database:
// old key alone; new key added after it; new key first (signing); old key
// removed. Tokens keep working until their key is removed.
func TestSigningKeyRotation(t *testing.T) {
	t.Parallel()
	db := dbURL(t, "sqlite")
	if out, err := runCmd(t, "user", "create", "--db", db, "--email", "ops@e2e.test", "--password", "ops-password", "--role", "admin"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	oldKey, newKey := "k-old:old-secret-old-secret-old-secret-0", "k-new:new-secret-new-secret-new-secret-1"
	serve := func(keys string) *client {
		return &client{t: t, base: startServerEnv(t, map[string]string{"LIVEDESK_JWT_SECRET": keys}, "--db", db)}
	}
	login := func(c *client) (string, string) {
		m := c.must(200, "POST", "/api/auth/login", map[string]any{"email": "ops@e2e.test", "password": "ops-password"})
		tok, _ := m["token"].(string)
		refresh, _ := m["refreshToken"].(string)
		return tok, refresh
	}
	me := func(c *client, tok string) (int, string) {
		c2 := &client{t: t, base: c.base, token: tok}
		status, m := c2.do("GET", "/api/me", nil)
		return status, errorCode(m)
	}
	before := serve(oldKey)
	oldTok, oldRefresh := login(before)
	added := serve(oldKey + "," + newKey)
	if status, code := me(added, oldTok); status != 200 {
		t.Fatalf("step 1 (new key added): the old key's token: %d %s", status, code)
	}
	promoted := serve(newKey + "\n" + oldKey)
	if status, code := me(promoted, oldTok); status != 200 {
		t.Fatalf("step 2 (new key signs): the old key's token: %d %s", status, code)
	}
	newTok, _ := login(promoted)
	if status, code := me(added, newTok); status != 200 {
		t.Errorf("an instance still at step 1 refuses the new key's token: %d %s", status, code)
	}
	// A refresh re-signs the session with the new key.
	m := (&client{t: t, base: promoted.base}).must(200, "POST", "/api/auth/refresh", map[string]any{"refreshToken": oldRefresh})
	reSigned, _ := m["token"].(string)
	retired := serve(newKey)
	if status, code := me(retired, oldTok); status != 401 || code != "TOKEN_INVALID" {
		t.Errorf("step 3 (old key removed): the old key's token: %d %s, want 401 TOKEN_INVALID", status, code)
	}
	for name, tok := range map[string]string{"new login": newTok, "refreshed": reSigned} {
		if status, code := me(retired, tok); status != 200 {
			t.Errorf("step 3: the %s token: %d %s", name, status, code)
		}
	}
}
