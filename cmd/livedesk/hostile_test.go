package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// The hostile-client suite: misbehaving clients over real connections
// against `livedesk serve` (run() on port 0). What the engine packages
// already prove on their own is named in SECURITY.md; these tests check
// the assembled server.

// alive checks that a fresh admin socket still gets an answer: whatever
// the hostile client did, the server goes on serving.
func (a *app) alive(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := a.socket(a.admin.token)
	raw, err := s.CallJSON(ctx, "ping")
	if err != nil || !bytes.Contains(raw, []byte(`"ok":true`)) {
		t.Fatalf("server no longer answers ping: %s %v", raw, err)
	}
	s.Close()
	a.admin.must(200, "GET", "/healthz", nil)
}

// waitClosed waits until the client's connection ends.
func waitClosed(t *testing.T, c *rawsocket.Client, what string) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(15 * time.Second):
		t.Fatalf("%s: the server did not close the connection", what)
	}
}

func TestHostileClients(t *testing.T) {
	t.Parallel()
	a := startApp(t, "--allowed-origins", "https://app.example")

	t.Run("oversized HTTP body", func(t *testing.T) {
		// 10 MiB, streamed: refused at the 64 KiB limit without reading it all.
		body := io.MultiReader(strings.NewReader(`{"name":"`), io.LimitReader(neverEnding('x'), 10<<20), strings.NewReader(`"}`))
		req, _ := http.NewRequest("POST", a.base+"/api/customers", body)
		req.Header.Set("Authorization", "Bearer "+a.admin.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			// The server may close the connection once it has answered.
			t.Logf("oversized body: %v", err)
		} else {
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 413 || !bytes.Contains(raw, []byte(`"PAYLOAD_TOO_LARGE"`)) {
				t.Fatalf("oversized body = %d %s, want 413 PAYLOAD_TOO_LARGE", resp.StatusCode, raw)
			}
		}
		a.alive(t)
	})

	t.Run("oversized WebSocket frame", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c := a.socket(a.admin.token)
		// maxPayload is 1,000,000 bytes: one byte more closes the connection.
		big := `42["ping",{"x":"` + strings.Repeat("x", 1_000_000) + `"}]`
		_ = c.Send(ctx, big)
		waitClosed(t, c, "frame over maxPayload")
		if st := websocket.CloseStatus(c.Err()); st != websocket.StatusMessageTooBig {
			t.Errorf("close status = %v (%v), want %v", st, c.Err(), websocket.StatusMessageTooBig)
		}
		a.alive(t)
	})

	t.Run("unknown sids", func(t *testing.T) {
		resp, err := http.Get(a.base + "/socket.io/?EIO=4&transport=polling&sid=nope")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !bytes.Contains(raw, []byte(`"code":1`)) {
			t.Errorf("poll of an unknown sid = %d %s, want 400 code 1 (Session ID unknown)", resp.StatusCode, raw)
		}
		// A WebSocket upgrade of an unknown session is refused too.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ws, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.base, "http")+"/socket.io/?EIO=4&transport=websocket&sid=nope", nil)
		if err == nil {
			ws.CloseNow()
			t.Error("WebSocket upgrade of an unknown sid accepted")
		} else if res == nil || res.StatusCode != 400 {
			t.Errorf("WebSocket upgrade of an unknown sid: %v, want 400", err)
		}
		// POSTing into someone else's unknown session is refused as well.
		resp, err = http.Post(a.base+"/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA", "text/plain", strings.NewReader(`42["ping"]`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("POST to an unknown sid = %d, want 400", resp.StatusCode)
		}
	})

	t.Run("ack ids that never resolve", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c := a.socket(a.admin.token)
		for _, p := range []string{`43999["forged"]`, `430[]`, `434294967295[{"ok":true}]`} {
			if err := c.Send(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		// Acks for ids the server never issued are ignored: the socket
		// still works.
		if raw, err := c.CallJSON(ctx, "ping"); err != nil || !bytes.Contains(raw, []byte(`"ok":true`)) {
			t.Fatalf("ping after forged acks: %s %v", raw, err)
		}
		// An ack id that does not fit is a parse error: connection closed.
		_ = c.Send(ctx, `4318446744073709551615[{"ok":true}]`)
		waitClosed(t, c, "ack id overflow")
	})

	t.Run("binary attachment counts that lie", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, tc := range []struct{ name, packet string }{
			{"more than the limit", `4599999-["payment:add",{"_placeholder":true,"num":0}]`},
			{"placeholder beyond the count", `451-["payment:add",{"_placeholder":true,"num":5}]`},
			{"count without placeholders", `452-["payment:add",{}]`},
		} {
			c := a.socket(a.admin.token)
			if err := c.Send(ctx, tc.packet); err != nil {
				t.Fatal(err)
			}
			// A text frame where an attachment is due, or the bad header
			// itself, is a parse error: the connection is closed.
			_ = c.Send(ctx, `42["ping"]`)
			waitClosed(t, c, tc.name)
		}
		a.alive(t)
	})

	t.Run("deeply nested JSON", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
		// Over REST: a clean 400 (or 413 for its size), never a crash.
		got, m := a.admin.doRaw("POST", "/api/customers", []byte(`{"name":`+deep+`}`))
		if got != 400 && got != 413 {
			t.Errorf("deeply nested body = %d %v, want 400 or 413", got, m)
		}
		// Over a socket, as a command argument: an error ack or a closed
		// connection, and the server lives on.
		c := a.socket(a.admin.token)
		raw, err := c.Call(ctx, "payment:add", json.RawMessage(deep))
		if err == nil && !bytes.Contains(raw, []byte(`"ok":false`)) {
			t.Errorf("nested argument acked %s, want an error", raw)
		}
		a.alive(t)
	})

	t.Run("invalid UTF-8", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, m := a.admin.doRaw("POST", "/api/customers", []byte("{\"name\":\"bad \xff\xfe name\",\"phone\":\"+91 98450 12345\",\"vendorId\":2}"))
		switch got {
		case 201:
			if name, _ := m["name"].(string); !utf8.ValidString(name) {
				t.Errorf("stored name is not valid UTF-8: %q", name)
			}
		case 400:
		default:
			t.Errorf("invalid UTF-8 body = %d %v, want 201 (sanitised) or 400", got, m)
		}
		c := a.socket(a.admin.token)
		_ = c.WS.Write(ctx, websocket.MessageText, []byte("42[\"ping\",\"\xff\xfe\"]"))
		_ = c.WS.Write(ctx, websocket.MessageText, []byte("42[\"payment:add\",{\"reference\":\"\xc3\x28\"}]"))
		a.alive(t)
	})

	t.Run("cross-site WebSocket hijacking", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, tc := range []struct {
			origin string
			ok     bool
		}{
			{"https://evil.example", false},
			{"null", false},
			{"https://app.example.evil.example", false},
			{"https://app.example", true},
			{"", true}, // no Origin: not a browser
		} {
			h := http.Header{}
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			c, res, err := rawsocket.Dial(ctx, a.base, rawsocket.Options{Header: h})
			if tc.ok {
				if err != nil {
					t.Errorf("Origin %q refused: %v", tc.origin, err)
					continue
				}
				c.Close()
				continue
			}
			if err == nil {
				c.Close()
				t.Errorf("Origin %q accepted, want refused", tc.origin)
				continue
			}
			if res == nil || res.StatusCode != http.StatusForbidden {
				t.Errorf("Origin %q: %v, want 403", tc.origin, err)
			}
		}
	})

	t.Run("forged tokens", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		parts := strings.Split(a.admin.token, ".")
		forged := map[string]string{
			"alg none":      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".",
			"wrong key":     parts[0] + "." + parts[1] + ".c2lnbmF0dXJlLWJ5LWFub3RoZXIta2V5",
			"tampered role": parts[0] + "." + tamper(parts[1]) + "." + parts[2],
		}
		for name, tok := range forged {
			c := &client{t: t, base: a.base, token: tok}
			if got, m := c.do("GET", "/api/me", nil); got != 401 {
				t.Errorf("%s: GET /api/me = %d %v, want 401", name, got, m)
			}
			s, _, err := rawsocket.Dial(ctx, a.base, rawsocket.Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Connect(ctx, map[string]string{"token": tok})
			var ce *rawsocket.ConnectError
			if !errors.As(err, &ce) || ce.Code() != "TOKEN_INVALID" {
				t.Errorf("%s: socket connect = %v, want connect_error TOKEN_INVALID", name, err)
			}
			s.Close()
		}
	})
}

// tamper rewrites the role claim of a JWT payload to admin (and the user
// to 1), keeping the original signature.
func tamper(payload string) string {
	b, _ := base64.RawURLEncoding.DecodeString(payload)
	var claims map[string]any
	_ = json.Unmarshal(b, &claims)
	claims["role"] = "admin"
	claims["sub"] = "1"
	out, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(out)
}

// neverEnding is an endless reader of one byte.
type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// doRaw sends raw bytes as the body.
func (c *client) doRaw(method, path string, body []byte) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
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

// TestPerAddressConnectionLimit opens more Engine.IO sessions from one
// address than --max-conns-per-ip allows, one of them never logged in: the
// extra one is refused with 429 RATE_LIMITED at its handshake, and a slot
// freed by a disconnect can be used again.
func TestPerAddressConnectionLimit(t *testing.T) {
	t.Parallel()
	a := startApp(t, "--max-conns-per-ip", "3")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var open []*rawsocket.Client
	for range 2 {
		open = append(open, a.socket(a.admin.token))
	}
	// A bare polling session, which joins no namespace, counts too.
	resp, err := http.Get(a.base + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("bare handshake = %d", resp.StatusCode)
	}
	try := func() error {
		c, _, err := rawsocket.Dial(ctx, a.base, rawsocket.Options{})
		if err != nil {
			return err
		}
		t.Cleanup(c.Close)
		_, err = c.Connect(ctx, map[string]string{"token": a.admin.token})
		return err
	}
	if err := try(); err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("4th session from one address: %v, want a 429 handshake", err)
	}
	resp, err = http.Get(a.base + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(string(body), "RATE_LIMITED") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("polling handshake over the limit = %d %s (Retry-After %q), want 429 RATE_LIMITED", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	open[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := try()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a freed slot was never reusable: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestHandshakeFlood opens hundreds of Engine.IO sessions that never join
// a namespace: the server keeps answering meanwhile, and the connect
// timeout closes every one of them (no session is leaked).
func TestHandshakeFlood(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	const n = 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	opened := 0
	for range n {
		wg.Go(func() {
			resp, err := http.Get(a.base + "/socket.io/?EIO=4&transport=polling")
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				mu.Lock()
				opened++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if opened == 0 {
		t.Fatal("no handshake succeeded")
	}
	a.admin.must(200, "GET", "/api/stats", nil)
	// ConnectTimeout is 10 s; allow generous slack on a loaded machine.
	deadline := time.Now().Add(40 * time.Second)
	for {
		m := scrape(t, a.metrics)
		left := m[`livedesk_engineio_sessions{transport="polling"}`]
		if left == 0 {
			t.Logf("%d flooded sessions opened, all closed by the connect timeout", opened)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v of %d flooded sessions still open after the connect timeout", left, opened)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestSQLInjectionStoredVerbatim writes SQL injection strings into every
// text field and filter: they are stored and returned byte for byte, and
// filters treat them as data (no extra rows, no error, tables intact).
func TestSQLInjectionStoredVerbatim(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	inj := []string{
		`Robert'); DROP TABLE customers;--`,
		`' OR '1'='1`,
		`"; DELETE FROM payments; --`,
		`1; UPDATE users SET role='admin' WHERE 1=1; --`,
		`%' UNION SELECT password_hash FROM users --`,
	}
	me := a.vendor.must(200, "GET", "/api/me", nil)
	vendorID := num(me, "id")
	for i, s := range inj {
		cust := a.admin.must(201, "POST", "/api/customers", map[string]any{
			"name": s, "phone": fmt.Sprintf("+91 98450 1000%d", i), "email": fmt.Sprintf("x%d@example.com", i), "address": s, "vendorId": vendorID,
		})
		id := num(cust, "id")
		got := a.admin.must(200, "GET", fmt.Sprintf("/api/customers/%d", id), nil)
		if got["name"] != s || got["address"] != s {
			t.Errorf("customer read back as name %q address %q, want %q", got["name"], got["address"], s)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		del := a.admin.must(201, "POST", "/api/deliveries", map[string]any{"customerId": id, "scheduledFor": today, "items": s, "quantity": 1, "amountCents": 100, "note": s})
		if del["items"] != s || del["note"] != s {
			t.Errorf("delivery stored items %q note %q, want %q", del["items"], del["note"], s)
		}
		upd := a.admin.must(200, "PATCH", fmt.Sprintf("/api/deliveries/%d", num(del, "id")), map[string]any{"status": "out_for_delivery", "note": s, "idempotencyKey": s + " (delivery)"}) // a key is for one request
		if d, _ := upd["delivery"].(map[string]any); d["note"] != s {
			t.Errorf("delivery note after update %q, want %q", d["note"], s)
		}
		pay := a.admin.must(201, "POST", "/api/payments", map[string]any{"customerId": id, "amountCents": 100, "method": "cash", "reference": s, "idempotencyKey": s})
		if p, _ := pay["payment"].(map[string]any); p["reference"] != s || p["idempotencyKey"] != s {
			t.Errorf("payment stored reference %q key %q, want %q", p["reference"], p["idempotencyKey"], s)
		}
		u := a.admin.must(201, "POST", "/api/users", map[string]any{"email": fmt.Sprintf("inj%d@example.com", i), "name": s, "role": "vendor", "password": "long-enough-password"})
		if u["name"] != s || u["role"] != "vendor" {
			t.Errorf("user stored name %q role %q, want %q vendor", u["name"], u["role"], s)
		}
	}
	// Filters: the injection strings match only themselves.
	for _, s := range inj {
		list := a.admin.must(200, "GET", "/api/customers?search="+url.QueryEscape(s), nil)
		items, _ := list["items"].([]any)
		for _, it := range items {
			if c, _ := it.(map[string]any); !strings.Contains(strings.ToLower(c["name"].(string)), strings.ToLower(strings.Trim(s, "%"))) && c["name"] != s {
				t.Errorf("search %q returned unrelated customer %v", s, c["name"])
			}
		}
		for _, q := range []string{"status", "vendorId", "customerId", "after", "limit", "cursor", "method", "from"} {
			for _, path := range []string{"/api/customers", "/api/deliveries", "/api/payments", "/api/activity", "/api/events"} {
				got, m := a.admin.do("GET", path+"?"+q+"="+url.QueryEscape(s), nil)
				if got != 200 && got != 400 {
					t.Errorf("GET %s?%s=<injection> = %d %v, want 200 or 400", path, q, got, m)
				}
			}
		}
	}
	// Nothing was executed: every table still answers, roles are intact.
	all := a.admin.must(200, "GET", "/api/customers?limit=100", nil)
	if num(all, "total") != int64(2+len(inj)) {
		t.Errorf("%d customers, want %d", num(all, "total"), 2+len(inj))
	}
	if me := a.vendor.must(200, "GET", "/api/me", nil); me["role"] != "vendor" {
		t.Errorf("vendor's role is now %v", me["role"])
	}
	a.admin.must(200, "GET", "/api/payments", nil)
	a.admin.must(200, "GET", "/api/users", nil)
}
