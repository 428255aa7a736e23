package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWebPushLargePayment drives Web Push end to end through the real
// server: an admin's two devices subscribe with the VAPID key of GET
// /api/push/key; a second admin subscribes and turns large payments off; a
// payment above the large_payment threshold reaches both devices of the
// first admin, encrypted and signed (checked by the local push service),
// within a second, and nothing reaches the second; the device whose push
// service answers 410 is removed; a small payment notifies no one; and
// endpoints leading to internal addresses are refused. /metrics counts
// each outcome: one sent, one subscription removed, one skipped by the
// second admin's choice, none failed.
func TestWebPushLargePayment(t *testing.T) {
	t.Parallel()
	a := startApp(t, "--push-allow-hosts", "127.0.0.1")
	key := a.admin.must(200, "GET", "/api/push/key", nil)["publicKey"].(string)
	ps := newPushService(t, key)

	a.admin.must(201, "POST", "/api/users", map[string]any{"email": "second@app.test", "name": "Second Admin", "role": "admin", "password": "second-password"})
	second := &client{t: t, base: a.base}
	second.token, _ = second.must(200, "POST", "/api/auth/login", map[string]any{"email": "second@app.test", "password": "second-password"})["token"].(string)

	a.admin.must(201, "POST", "/api/push/subscriptions", ps.add("boss-phone", false))
	a.admin.must(201, "POST", "/api/push/subscriptions", ps.add("boss-old", true))
	second.must(201, "POST", "/api/push/subscriptions", ps.add("second", false))
	if got := second.must(200, "PATCH", "/api/me/notifications", map[string]any{"kinds": map[string]bool{"large_payment": false}}); num(got, "devices") != 1 {
		t.Fatalf("second admin's choices: %v", got)
	}
	// An endpoint may not lead the server to an internal address.
	for _, ep := range []string{"https://10.1.2.3/push/x", "https://169.254.169.254/latest", "https://localhost:9/push", "http://push.example.com/x", "https://[::1]/x"} {
		code, body := a.admin.do("POST", "/api/push/subscriptions", map[string]any{"endpoint": ep, "keys": newDevice(t).keys()})
		if e, _ := body["error"].(map[string]any); code != 400 || e["field"] != "endpoint" {
			t.Errorf("subscribing %s = %d %v, want 400 on endpoint", ep, code, body)
		}
	}

	a.vendor.must(201, "POST", "/api/payments", map[string]any{"customerId": a.custA, "amountCents": 6_000_000, "method": "cash"}, "Idempotency-Key", `"big-1"`)
	paid := time.Now()
	want := map[string]bool{"boss-phone": true, "boss-old": true}
	deadline := time.After(time.Second)
	for len(want) > 0 {
		select {
		case m := <-ps.got:
			if !want[m.device] {
				t.Fatalf("unexpected notification to %s: %v", m.device, m.body)
			}
			delete(want, m.device)
			title, _ := m.body["title"].(string)
			if m.body["kind"] != "large_payment" || !strings.Contains(title, "Large payment") || m.body["url"] != "/customers/"+strconv.FormatInt(a.custA, 10) {
				t.Errorf("notification to %s: %v", m.device, m.body)
			}
			t.Logf("%s notified %v after the payment's answer", m.device, m.at.Sub(paid).Round(time.Millisecond))
		case <-deadline:
			t.Fatalf("no notification within a second of the payment to %v (push service refused: %v)", want, ps.rejected)
		}
	}
	// The gone device is removed; the small payment notifies no one.
	for end := time.Now().Add(3 * time.Second); ; {
		if num(a.admin.must(200, "GET", "/api/me/notifications", nil), "devices") == 1 {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the subscription answered 410 was not removed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.vendor.must(201, "POST", "/api/payments", map[string]any{"customerId": a.custA, "amountCents": 1000, "method": "cash"}, "Idempotency-Key", `"small-1"`)
	select {
	case m := <-ps.got:
		t.Fatalf("unexpected notification to %s: %v", m.device, m.body)
	case <-time.After(1500 * time.Millisecond):
	}
	if len(ps.rejected) > 0 {
		t.Fatalf("the push service refused messages: %v", ps.rejected)
	}
	want2 := map[string]float64{"livedesk_push_sent_total": 1, "livedesk_push_subscriptions_removed_total": 1,
		"livedesk_push_skipped_total": 1, "livedesk_push_failed_total": 0, "livedesk_push_dropped_total": 0}
	for end := time.Now().Add(3 * time.Second); ; {
		m, diff := scrape(t, a.metrics), ""
		for series, v := range want2 {
			if got, ok := m[series]; !ok || got != v {
				diff += fmt.Sprintf(" %s = %v (present %v), want %v;", series, got, ok, v)
			}
		}
		if diff == "" {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("push metrics:%s", diff)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
