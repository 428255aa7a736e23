package httpapi

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestLostCommitAnswersHonestly puts a proxy between the server and
// PostgreSQL that cuts the connection at a payment's COMMIT. Whatever
// happens, exactly one payment exists per key, and the answer says what
// happened: 201 when the commit went through, 503 (nothing recorded, retry)
// when COMMIT never reached the server, 500 OUTCOME_UNKNOWN when the server
// could not find out, and a retry with the same key then gets the payment.
func TestLostCommitAnswersHonestly(t *testing.T) {
	t.Parallel()
	db, proxy := storetest.OpenPostgresVia(t)
	db.SetResolveTimeout(time.Second)
	a := newTestAPI(t, db, Options{})
	a.do("vendorA", "GET", "/api/me", "", nil) // records last-seen now, so that the payments are the only writes
	pay := func(key string) *response {
		return a.do("vendorA", "POST", "/api/payments", `{"customerId":{cA},"amountCents":1500,"method":"cash"}`, map[string]string{"Idempotency-Key": key})
	}
	// The first keyed write of a process also prunes expired keys, in a
	// transaction of its own whose COMMIT the proxy would cut instead of
	// the payment's: make it before arming the proxy.
	if r := pay("warm-up"); r.status != 201 {
		t.Fatalf("warm-up payment: %d %s", r.status, r.raw)
	}
	count := func(key string) int64 {
		var n int64
		if err := db.ReadTx(t.Context(), func(tx *store.Tx) error {
			return tx.QueryRow(t.Context(), `SELECT COUNT(*) FROM payments WHERE client_key = ?`, key).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		name       string
		cut        storetest.Cut
		refuse     bool
		wantStatus int
		wantCode   string
		wantSaved  int64
	}{
		{"connection cut after COMMIT was sent", storetest.CutAfterCommit, false, 201, "", 1},
		{"connection cut before COMMIT was sent", storetest.CutBeforeCommit, false, 503, "UNAVAILABLE", 0},
		{"cut after COMMIT and the database unreachable", storetest.CutAfterCommit, true, 500, "OUTCOME_UNKNOWN", 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.t = t
			key := fmt.Sprintf("lost-commit-%d", i)
			cuts := proxy.Cuts()
			proxy.Arm(tt.cut)
			proxy.Refuse(tt.refuse)
			r := pay(key)
			proxy.Refuse(false)
			if proxy.Cuts() != cuts+1 {
				t.Fatal("the proxy did not cut the connection")
			}
			code, _ := r.err()
			if r.status != tt.wantStatus || code != tt.wantCode {
				t.Fatalf("answer %d %s, want %d %q: %s", r.status, code, tt.wantStatus, tt.wantCode, r.raw)
			}
			if got := count(key); got != tt.wantSaved {
				t.Fatalf("%d payments with the key, want %d", got, tt.wantSaved)
			}
			// The client retries with the same key: one payment in the end.
			r = pay(key)
			if r.status != 201 {
				t.Fatalf("retry: %d %s", r.status, r.raw)
			}
			if replayed := r.header.Get("Idempotent-Replayed") == "true"; replayed != (tt.wantSaved == 1) {
				t.Errorf("retry replayed = %v, want %v", replayed, tt.wantSaved == 1)
			}
			if got := count(key); got != 1 {
				t.Fatalf("%d payments with the key after the retry, want 1", got)
			}
		})
	}
	a.t = t
	if r := a.do("vendorA", "GET", "/api/customers/{cA}", "", nil); r.num("balanceCents") != -4*1500 {
		t.Fatalf("balance %d, want %d (each payment credited once)", r.num("balanceCents"), -4*1500)
	}
}

// TestIdempotencyOverHTTP covers every create and the delivery status
// change: a replay is the first answer (status, body, Idempotent-Replayed);
// keys belong to their user; another request with the key is 422.
func TestIdempotencyOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		pk, pa := browserKeys(t)
		writes := []struct {
			name, as, method, path, body, other string
			status                              int
			pattern                             string // the route, for TestEveryWriteRouteIsIdempotent
		}{
			{"create customer", "vendorA", "POST", "/api/customers", `{"name":"Keyed Customer"}`, `{"name":"Other Customer"}`, 201, "POST /api/customers"},
			{"update customer", "vendorA", "PATCH", "/api/customers/{cA}", `{"address":"1 Keyed Road"}`, `{"address":"2 Other Road"}`, 200, "PATCH /api/customers/{id}"},
			{"create delivery", "vendorA", "POST", "/api/deliveries", `{"customerId":{cA},"scheduledFor":"` + time.Now().UTC().Format(time.DateOnly) + `","items":"Milk","quantity":1,"amountCents":100}`, `{"customerId":{cA},"scheduledFor":"` + time.Now().UTC().Format(time.DateOnly) + `","items":"Milk","quantity":2,"amountCents":100}`, 201, "POST /api/deliveries"},
			{"change delivery status", "vendorA", "PATCH", "/api/deliveries/{dA}", `{"status":"out_for_delivery"}`, `{"status":"cancelled"}`, 200, "PATCH /api/deliveries/{id}"},
			{"record payment", "vendorA", "POST", "/api/payments", `{"customerId":{cA},"amountCents":250,"method":"upi"}`, `{"customerId":{cA},"amountCents":260,"method":"upi"}`, 201, "POST /api/payments"},
			{"create user", "admin", "POST", "/api/users", `{"email":"keyed@example.com","role":"vendor","password":"long enough password"}`, `{"email":"other@example.com","role":"vendor","password":"long enough password"}`, 201, "POST /api/users"},
			{"update user", "admin", "PATCH", "/api/users/{vendorB}", `{"name":"Keyed Name"}`, `{"name":"Other Name"}`, 200, "PATCH /api/users/{id}"},
			{"change alert rules", "admin", "PATCH", "/api/alerts/rules", `{"failure_rate":{"percent":30}}`, `{"failure_rate":{"percent":40}}`, 200, "PATCH /api/alerts/rules"},
			{"reverse payment", "admin", "POST", "/api/payments/{keyedPayment}/reversal", `{"reason":"typed twice"}`, `{"reason":"other"}`, 201, "POST /api/payments/{id}/reversal"},
			{"update settings", "admin", "PATCH", "/api/settings", `{"confirmAboveCents":700000}`, `{"confirmAboveCents":800000}`, 200, "PATCH /api/settings"},
			{"reverse undelivered delivery", "admin", "POST", "/api/deliveries/{dB}/reversal", `{"reason":"customer away"}`, `{"reason":"other"}`, 200, "POST /api/deliveries/{id}/reversal"},
			// The round (issue 16): products, areas, subscriptions, pauses,
			// generating a day and bulk status changes.
			{"create product", "vendorA", "POST", "/api/products", `{"name":"Keyed Milk","unit":"litre","priceCents":100}`, `{"name":"Other Milk","unit":"litre","priceCents":100}`, 201, "POST /api/products"},
			{"update product", "vendorA", "PATCH", "/api/products/{kProduct}", `{"priceCents":110}`, `{"priceCents":120}`, 200, "PATCH /api/products/{id}"},
			{"create area", "vendorA", "POST", "/api/areas", `{"name":"Keyed Area"}`, `{"name":"Other Area"}`, 201, "POST /api/areas"},
			{"update area", "vendorA", "PATCH", "/api/areas/{kArea}", `{"sortOrder":5}`, `{"sortOrder":6}`, 200, "PATCH /api/areas/{id}"},
			{"create subscription", "vendorA", "POST", "/api/subscriptions", `{"customerId":{cA},"productId":{kProduct},"quantity":1,"frequency":"daily","shift":"evening"}`, `{"customerId":{cA},"productId":{kProduct},"quantity":2,"frequency":"daily","shift":"evening"}`, 201, "POST /api/subscriptions"},
			{"update subscription", "vendorA", "PATCH", "/api/subscriptions/{kSub}", `{"quantity":2}`, `{"quantity":3}`, 200, "PATCH /api/subscriptions/{id}"},
			{"pause subscription", "vendorA", "POST", "/api/subscriptions/{kSub}/pauses", `{"from":"` + time.Now().UTC().AddDate(0, 0, 10).Format(time.DateOnly) + `","to":"` + time.Now().UTC().AddDate(0, 0, 11).Format(time.DateOnly) + `"}`, `{"from":"` + time.Now().UTC().AddDate(0, 0, 20).Format(time.DateOnly) + `","to":"` + time.Now().UTC().AddDate(0, 0, 21).Format(time.DateOnly) + `"}`, 201, "POST /api/subscriptions/{id}/pauses"},
			{"generate a day", "vendorA", "POST", "/api/deliveries/generate", `{"shift":"morning"}`, `{"shift":"evening"}`, 200, "POST /api/deliveries/generate"},
			{"bulk status", "admin", "POST", "/api/deliveries/status", `{"ids":[{dB}],"status":"out_for_delivery"}`, `{"ids":[{dB}],"status":"cancelled"}`, 200, "POST /api/deliveries/status"},
			{"import customers", "vendorA", "POST", "/api/imports/customers?confirm=true", "name,phone\nKeyed Import,98450 90909\n", "name,phone\nOther Import,98450 80808\n", 200, "POST /api/imports/customers"},
			{"start report", "vendorA", "POST", "/api/reports", `{"kind":"statements","params":{"month":"2026-11"}}`, `{"kind":"statements","params":{"month":"2026-10"}}`, 202, "POST /api/reports"},
			// Web Push (issue 17).
			{"subscribe to push", "staff", "POST", "/api/push/subscriptions", subBody(t, "https://push.example.com/keyed", pk, pa), subBody(t, "https://push.example.com/other", pk, pa), 201, "POST /api/push/subscriptions"},
			{"notification choices", "admin", "PATCH", "/api/me/notifications", `{"kinds":{"alerts":false}}`, `{"kinds":{"alerts":true}}`, 200, "PATCH /api/me/notifications"},
		}
		roundFixtures(t, a)
		covered := map[string]bool{}
		for _, w := range writes {
			covered[w.pattern] = true
		}
		for pattern := range idempotentRoutes {
			if !covered[pattern] {
				t.Errorf("%s has no row here", pattern)
			}
		}
		for _, w := range writes {
			t.Run(w.name, func(t *testing.T) {
				a.t = t
				key := map[string]string{"Idempotency-Key": `"` + strings.ReplaceAll(w.name, " ", "-") + `"`}
				first := a.do(w.as, w.method, w.path, w.body, key)
				if first.status != w.status || first.header.Get("Idempotent-Replayed") != "" {
					t.Fatalf("first: %d %v %s", first.status, first.header, first.raw)
				}
				again := a.do(w.as, w.method, w.path, w.body, key)
				if again.status != w.status || string(again.raw) != string(first.raw) || again.header.Get("Idempotent-Replayed") != "true" {
					t.Fatalf("replay: %d %v %s; first %d %s", again.status, again.header, again.raw, first.status, first.raw)
				}
				if w.pattern == "POST /api/payments" {
					a.vars["keyedPayment"] = itoa(first.num("payment.id"))
				}
				other := a.do(w.as, w.method, w.path, w.other, key)
				if code, field := other.err(); other.status != 422 || code != "IDEMPOTENCY_KEY_REUSED" || field != "idempotencyKey" {
					t.Fatalf("other request with the key: %d %s", other.status, other.raw)
				}
			})
		}
		a.t = t
		// Vendor B may use vendor A's key for its own request.
		ra := a.do("vendorA", "POST", "/api/customers", `{"name":"Shared Key"}`, map[string]string{"Idempotency-Key": "shared"})
		rb := a.do("vendorB", "POST", "/api/customers", `{"name":"Shared Key"}`, map[string]string{"Idempotency-Key": "shared"})
		if ra.status != 201 || rb.status != 201 || ra.num("id") == rb.num("id") || rb.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("shared key: A %d %s, B %d %s", ra.status, ra.raw, rb.status, rb.raw)
		}
		// A refused request stores nothing: fixed, it goes through.
		bad := a.do("vendorA", "POST", "/api/customers", `{"name":""}`, map[string]string{"Idempotency-Key": "fix-me"})
		good := a.do("vendorA", "POST", "/api/customers", `{"name":"Fixed"}`, map[string]string{"Idempotency-Key": "fix-me"})
		if bad.status != 400 || good.status != 201 {
			t.Fatalf("refused then fixed: %d, %d %s", bad.status, good.status, good.raw)
		}
	})
}

// TestIdempotencyKeyInFlight sends the same request many times at once: one
// creates the customer, the others get its answer or 409
// IDEMPOTENCY_KEY_IN_USE, and one customer exists.
func TestIdempotencyKeyInFlight(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		const n = 8
		var wg sync.WaitGroup
		res := make([]*response, n)
		for i := range n {
			wg.Go(func() {
				res[i] = a.do("vendorA", "POST", "/api/customers", `{"name":"Once Only"}`, map[string]string{"Idempotency-Key": "in-flight"})
			})
		}
		wg.Wait()
		inUse, ids := 0, map[int64]bool{}
		for _, r := range res {
			switch code, _ := r.err(); {
			case r.status == 201:
				ids[r.num("id")] = true
			case r.status == 409 && code == "IDEMPOTENCY_KEY_IN_USE":
				inUse++
			default:
				t.Fatalf("%d %s", r.status, r.raw)
			}
		}
		if len(ids) != 1 {
			t.Fatalf("%d distinct customers created, want 1 (%d in use)", len(ids), inUse)
		}
		if r := a.do("vendorA", "GET", "/api/customers?search=Once", "", nil); r.num("total") != 1 {
			t.Fatalf("customers named Once Only: %s", r.raw)
		}
	})
}

// idempotentRoutes are the write routes TestIdempotencyOverHTTP covers.
var idempotentRoutes = map[string]bool{
	"POST /api/customers": true, "PATCH /api/customers/{id}": true,
	"POST /api/deliveries": true, "PATCH /api/deliveries/{id}": true,
	"POST /api/payments": true, "POST /api/users": true, "PATCH /api/users/{id}": true,
	"PATCH /api/alerts/rules":          true,
	"POST /api/payments/{id}/reversal": true, "POST /api/deliveries/{id}/reversal": true,
	"PATCH /api/settings": true,
	"POST /api/products":  true, "PATCH /api/products/{id}": true, "POST /api/areas": true, "PATCH /api/areas/{id}": true,
	"POST /api/subscriptions": true, "PATCH /api/subscriptions/{id}": true, "POST /api/subscriptions/{id}/pauses": true,
	"POST /api/deliveries/generate": true, "POST /api/deliveries/status": true,
	"POST /api/imports/customers":  true,
	"POST /api/reports":            true,
	"POST /api/push/subscriptions": true, "PATCH /api/me/notifications": true,
}

// TestEveryWriteRouteIsIdempotent fails when a write route is added without
// a row in TestIdempotencyOverHTTP: every write must be safe to retry.
func TestEveryWriteRouteIsIdempotent(t *testing.T) {
	t.Parallel()
	s := newServer(Deps{})
	for _, pattern := range s.patterns {
		method, _, _ := strings.Cut(pattern, " ")
		if (method == "POST" || method == "PATCH") && !publicRoutes[pattern] && !idempotentRoutes[pattern] {
			t.Errorf("%s is a write without an idempotency test: add it to TestIdempotencyOverHTTP (and make its service method use writeOnce)", pattern)
		}
	}
}
