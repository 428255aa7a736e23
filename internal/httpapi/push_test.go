package httpapi

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// browserKeys returns a subscription's keys as a browser makes them.
func browserKeys(t *testing.T) (p256dh, auth string) {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()), base64.RawURLEncoding.EncodeToString(secret)
}

func subBody(t *testing.T, endpoint, p256dh, auth string) string {
	b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "keys": map[string]string{"p256dh": p256dh, "auth": auth}})
	return string(b)
}

// TestPushRoutes: one VAPID key for everyone; subscriptions are validated
// field by field (https only without an allow-list), idempotent by
// endpoint, and a user removes only its own; each role sees and sets only
// its own kinds of notification.
func TestPushRoutes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		key := a.do("admin", "GET", "/api/push/key", "", nil)
		if key.status != 200 || len(key.str("publicKey")) != 87 { // 65 bytes, base64url
			t.Fatalf("GET /api/push/key = %d %s", key.status, key.raw)
		}
		if again := a.do("staff", "GET", "/api/push/key", "", nil); again.str("publicKey") != key.str("publicKey") {
			t.Fatalf("staff got another key: %s", again.raw)
		}
		p, au := browserKeys(t)
		for _, tt := range []struct{ body, field string }{
			{`{"keys":{}}`, "endpoint"},
			{subBody(t, "http://push.example.com/x", p, au), "endpoint"},
			{subBody(t, "https://user:pw@push.example.com/x", p, au), "endpoint"},
			{subBody(t, "https://push.example.com/x", "AAAA", au), "keys.p256dh"},
			{subBody(t, "https://push.example.com/x", p, "c2hvcnQ"), "keys.auth"},
		} {
			r := a.do("vendorA", "POST", "/api/push/subscriptions", tt.body, nil)
			if code, field := r.err(); r.status != 400 || code != "INVALID" || field != tt.field {
				t.Errorf("subscribe %s = %d %s %s, want 400 INVALID %s", tt.body, r.status, code, field, tt.field)
			}
		}
		body := subBody(t, "https://push.example.com/send/abc", p, au)
		first := a.do("staff", "POST", "/api/push/subscriptions", body, nil)
		second := a.do("staff", "POST", "/api/push/subscriptions", body, nil)
		if first.status != 201 || second.status != 201 || first.num("id") != second.num("id") {
			t.Fatalf("subscribing twice = %d %s, %d %s; want the same subscription", first.status, first.raw, second.status, second.raw)
		}
		prefs := a.do("staff", "GET", "/api/me/notifications", "", nil)
		if prefs.status != 200 || string(prefs.raw) != `{"kinds":{"round_changes":true},"devices":1}`+"\n" {
			t.Fatalf("staff prefs = %d %s", prefs.status, prefs.raw)
		}
		// Another user cannot remove it.
		a.do("vendorA", "DELETE", "/api/push/subscriptions?endpoint=https://push.example.com/send/abc", "", nil)
		if n := a.do("staff", "GET", "/api/me/notifications", "", nil).num("devices"); n != 1 {
			t.Fatalf("a vendor removed the staff member's subscription (devices %d)", n)
		}
		if r := a.do("staff", "DELETE", "/api/push/subscriptions", `{"endpoint":"https://push.example.com/send/abc"}`, nil); r.status != 200 {
			t.Fatalf("unsubscribe = %d %s", r.status, r.raw)
		}
		if n := a.do("staff", "GET", "/api/me/notifications", "", nil).num("devices"); n != 0 {
			t.Fatalf("devices after unsubscribing = %d", n)
		}
		// Kinds: each role its own.
		if r := a.do("staff", "PATCH", "/api/me/notifications", `{"kinds":{"large_payment":false}}`, nil); r.status != 400 {
			t.Errorf("staff turning off large_payment = %d %s, want 400", r.status, r.raw)
		} else if _, field := r.err(); field != "kinds.large_payment" {
			t.Errorf("field = %q, want kinds.large_payment", field)
		}
		r := a.do("admin", "PATCH", "/api/me/notifications", `{"kinds":{"large_payment":false}}`, nil)
		if r.status != 200 || string(r.raw) != `{"kinds":{"alerts":true,"failed_deliveries":true,"large_payment":false},"devices":0}`+"\n" {
			t.Fatalf("admin PATCH = %d %s", r.status, r.raw)
		}
		if r := a.do("vendorA", "GET", "/api/me/notifications", "", nil); string(r.raw) != `{"kinds":{},"devices":0}`+"\n" {
			t.Errorf("vendor prefs = %s", r.raw)
		}
	})
}
