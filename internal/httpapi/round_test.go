package httpapi

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// save stores a number of the response as a placeholder for later scenarios.
func save(a *testAPI, key, path string) func(*testing.T, *response) {
	return func(t *testing.T, r *response) {
		if r.num(path) == 0 {
			t.Fatalf("no %s in %s", path, r.raw)
		}
		a.vars[key] = itoa(r.num(path))
	}
}

// TestRoundAPI runs products, rates, areas, subscriptions, generation, the
// round and bulk status changes over REST, as each role, on both
// databases: what each may do, the field errors, and that a vendor never
// reaches another vendor's data (404, as for customers).
func TestRoundAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		today := time.Now().UTC().Format(time.DateOnly)
		runScenarios(t, a, []scenario{
			// Products.
			{name: "vendor creates a product", as: "vendorA", method: "POST", path: "/api/products", body: `{"name":"Buffalo milk","unit":"litre","priceCents":7000}`, status: 201,
				check: func(t *testing.T, r *response) {
					if itoa(r.num("vendorId")) != a.vars["vendorA"] || r.body["active"] != true || r.str("unit") != "litre" {
						t.Errorf("product = %s", r.raw)
					}
					save(a, "pA", "id")(t, r)
				}},
			{name: "vendor A's product is vendor A's", as: "vendorA", method: "GET", path: "/api/products", status: 200, check: wantItems(1)},
			{name: "same name again", as: "vendorA", method: "POST", path: "/api/products", body: `{"name":"buffalo MILK","unit":"litre","priceCents":1}`, status: 409, code: "CONFLICT", field: "name"},
			{name: "unknown unit", as: "vendorA", method: "POST", path: "/api/products", body: `{"name":"Ghee","unit":"barrel","priceCents":1}`, status: 400, code: "INVALID", field: "unit"},
			{name: "negative price", as: "vendorA", method: "POST", path: "/api/products", body: `{"name":"Ghee","unit":"kg","priceCents":-1}`, status: 400, code: "INVALID", field: "priceCents"},
			{name: "price as a string", as: "vendorA", method: "POST", path: "/api/products", body: `{"name":"Ghee","unit":"kg","priceCents":"10"}`, status: 400, code: "INVALID", field: "priceCents"},
			{name: "control character in the name", as: "vendorA", method: "POST", path: "/api/products", body: `{"name":"Gh\u0000ee","unit":"kg","priceCents":10}`, status: 400, code: "INVALID", field: "name"},
			{name: "admin must name the vendor", as: "admin", method: "POST", path: "/api/products", body: `{"name":"Water can","unit":"can","priceCents":9000}`, status: 400, code: "INVALID", field: "vendorId"},
			{name: "admin creates vendor B's product", as: "admin", method: "POST", path: "/api/products", body: `{"vendorId":{vendorB},"name":"Water can","unit":"can","priceCents":9000}`, status: 201, check: save(a, "pB", "id")},
			{name: "a vendor's vendorId is ignored: its own", as: "vendorB", method: "POST", path: "/api/products", body: `{"vendorId":{vendorA},"name":"Soda","unit":"bottle","priceCents":2000}`, status: 201, check: func(t *testing.T, r *response) {
				if itoa(r.num("vendorId")) != a.vars["vendorB"] {
					t.Errorf("product of vendor %d, want B", r.num("vendorId"))
				}
			}},
			{name: "vendor B does not see A's products", as: "vendorB", method: "GET", path: "/api/products", status: 200, check: wantItems(2)},
			{name: "admin sees all", as: "admin", method: "GET", path: "/api/products", status: 200, check: wantItems(3)},
			{name: "admin filters by vendor", as: "admin", method: "GET", path: "/api/products?vendorId={vendorA}", status: 200, check: wantItems(1)},
			{name: "bad active filter", as: "admin", method: "GET", path: "/api/products?active=maybe", status: 400, code: "INVALID", field: "active"},
			{name: "vendor B cannot change A's product", as: "vendorB", method: "PATCH", path: "/api/products/{pA}", body: `{"priceCents":1}`, status: 404, code: "NOT_FOUND"},
			{name: "price change", as: "vendorA", method: "PATCH", path: "/api/products/{pA}", body: `{"priceCents":7200}`, status: 200, check: wantNum("priceCents", 7200)},
			{name: "unknown field", as: "vendorA", method: "PATCH", path: "/api/products/{pA}", body: `{"cost":1}`, status: 400, code: "INVALID", field: "cost"},

			// Areas and the customer's place in them.
			{name: "vendor creates an area", as: "vendorA", method: "POST", path: "/api/areas", body: `{"name":"Indiranagar","sortOrder":10}`, status: 201, check: save(a, "arA", "id")},
			{name: "area without a name", as: "vendorA", method: "POST", path: "/api/areas", body: `{"sortOrder":10}`, status: 400, code: "INVALID", field: "name"},
			{name: "vendor B's area", as: "vendorB", method: "POST", path: "/api/areas", body: `{"name":"Domlur"}`, status: 201, check: save(a, "arB", "id")},
			{name: "vendor B cannot rename A's area", as: "vendorB", method: "PATCH", path: "/api/areas/{arA}", body: `{"name":"Mine"}`, status: 404, code: "NOT_FOUND"},
			{name: "reorder an area", as: "vendorA", method: "PATCH", path: "/api/areas/{arA}", body: `{"sortOrder":5}`, status: 200, check: wantNum("sortOrder", 5)},
			{name: "vendor B lists its own areas", as: "vendorB", method: "GET", path: "/api/areas", status: 200, check: func(t *testing.T, r *response) {
				if len(r.items()) != 1 {
					t.Errorf("areas = %s", r.raw)
				}
			}},
			{name: "place a customer", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"areaId":{arA},"position":3,"note":"leave at the door"}`, status: 200, check: func(t *testing.T, r *response) {
				if r.num("position") != 3 || r.str("note") != "leave at the door" || itoa(r.num("areaId")) != a.vars["arA"] {
					t.Errorf("customer = %s", r.raw)
				}
			}},
			{name: "another vendor's area", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"areaId":{arB}}`, status: 400, code: "INVALID", field: "areaId"},
			{name: "negative position", as: "vendorA", method: "PATCH", path: "/api/customers/{cA}", body: `{"position":-1}`, status: 400, code: "INVALID", field: "position"},
			{name: "create a customer in an area", as: "vendorB", method: "POST", path: "/api/customers", body: `{"name":"Bina","areaId":{arB},"position":1}`, status: 201, check: wantNum("position", 1)},

			// Rates.
			{name: "customer's own rate", as: "vendorA", method: "PUT", path: "/api/customers/{cA}/rates/{pA}", body: `{"priceCents":6500}`, status: 200, check: wantNum("priceCents", 6500)},
			{name: "rates listed", as: "vendorA", method: "GET", path: "/api/customers/{cA}/rates", status: 200, check: wantItems(1)},
			{name: "vendor B cannot read A's rates", as: "vendorB", method: "GET", path: "/api/customers/{cA}/rates", status: 404, code: "NOT_FOUND"},
			{name: "vendor B cannot set A's rate", as: "vendorB", method: "PUT", path: "/api/customers/{cA}/rates/{pA}", body: `{"priceCents":1}`, status: 404, code: "NOT_FOUND"},
			{name: "rate with another vendor's product", as: "admin", method: "PUT", path: "/api/customers/{cA}/rates/{pB}", body: `{"priceCents":1}`, status: 400, code: "INVALID", field: "productId"},
			{name: "vendor B cannot remove A's rate", as: "vendorB", method: "DELETE", path: "/api/customers/{cA}/rates/{pA}", status: 404, code: "NOT_FOUND"},

			// Subscriptions.
			{name: "subscribe", as: "vendorA", method: "POST", path: "/api/subscriptions", body: `{"customerId":{cA},"productId":{pA},"quantity":2,"frequency":"daily","shift":"morning","startsOn":"` + today + `"}`, status: 201,
				check: func(t *testing.T, r *response) {
					if r.str("status") != "active" || r.str("productName") != "Buffalo milk" || r.num("quantity") != 2 {
						t.Errorf("subscription = %s", r.raw)
					}
					save(a, "sA", "id")(t, r)
				}},
			{name: "subscribe another vendor's customer", as: "vendorB", method: "POST", path: "/api/subscriptions", body: `{"customerId":{cA},"productId":{pA},"quantity":1,"frequency":"daily","shift":"morning"}`, status: 404, code: "NOT_FOUND", field: "customerId"},
			{name: "custom without days", as: "vendorA", method: "POST", path: "/api/subscriptions", body: `{"customerId":{cA},"productId":{pA},"quantity":1,"frequency":"custom","shift":"morning"}`, status: 400, code: "INVALID", field: "days"},
			{name: "bad shift", as: "vendorA", method: "POST", path: "/api/subscriptions", body: `{"customerId":{cA},"productId":{pA},"quantity":1,"frequency":"daily","shift":"night"}`, status: 400, code: "INVALID", field: "shift"},
			{name: "list by customer", as: "vendorA", method: "GET", path: "/api/subscriptions?customerId={cA}", status: 200, check: wantItems(1)},
			{name: "vendor B lists none of A's", as: "vendorB", method: "GET", path: "/api/subscriptions", status: 200, check: wantItems(0)},
			{name: "vendor B cannot list A's customer's", as: "vendorB", method: "GET", path: "/api/subscriptions?customerId={cA}", status: 404, code: "NOT_FOUND", field: "customerId"},
			{name: "vendor B cannot read it", as: "vendorB", method: "GET", path: "/api/subscriptions/{sA}", status: 404, code: "NOT_FOUND"},
			{name: "vendor B cannot change it", as: "vendorB", method: "PATCH", path: "/api/subscriptions/{sA}", body: `{"quantity":9}`, status: 404, code: "NOT_FOUND"},
			{name: "vendor B cannot pause it", as: "vendorB", method: "POST", path: "/api/subscriptions/{sA}/pauses", body: `{"from":"2099-01-01","to":"2099-01-02"}`, status: 404, code: "NOT_FOUND"},
			{name: "change quantity", as: "vendorA", method: "PATCH", path: "/api/subscriptions/{sA}", body: `{"quantity":3}`, status: 200, check: wantNum("quantity", 3)},
			{name: "pause in a week", as: "vendorA", method: "POST", path: "/api/subscriptions/{sA}/pauses", body: `{"from":"` + time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly) + `","to":"` + time.Now().UTC().AddDate(0, 0, 9).Format(time.DateOnly) + `"}`, status: 201,
				check: func(t *testing.T, r *response) {
					p, _ := r.body["pauses"].([]any)
					if len(p) != 1 {
						t.Fatalf("pauses = %s", r.raw)
					}
					a.vars["pause"] = itoa(int64(p[0].(map[string]any)["id"].(float64)))
				}},
			{name: "vendor B cannot cancel the pause", as: "vendorB", method: "DELETE", path: "/api/subscriptions/{sA}/pauses/{pause}", status: 404, code: "NOT_FOUND"},
			{name: "cancel the pause", as: "vendorA", method: "DELETE", path: "/api/subscriptions/{sA}/pauses/{pause}", status: 200, check: func(t *testing.T, r *response) {
				if p, _ := r.body["pauses"].([]any); len(p) != 0 {
					t.Errorf("pauses left: %s", r.raw)
				}
			}},
			{name: "cancel it again", as: "vendorA", method: "DELETE", path: "/api/subscriptions/{sA}/pauses/{pause}", status: 404, code: "NOT_FOUND"},

			// Generation, the round, bulk status.
			{name: "vendor cannot generate for another", as: "vendorA", method: "POST", path: "/api/deliveries/generate", body: `{"vendorId":{vendorB}}`, status: 403, code: "FORBIDDEN"},
			{name: "bad date", as: "admin", method: "POST", path: "/api/deliveries/generate", body: `{"date":"2026-02-30"}`, status: 400, code: "INVALID", field: "date"},
			{name: "generate today", as: "vendorA", method: "POST", path: "/api/deliveries/generate", body: `{"date":"` + today + `","shift":"morning"}`, status: 200, check: func(t *testing.T, r *response) {
				if r.num("created") != 1 || r.num("existing") != 0 {
					t.Errorf("generate = %s", r.raw)
				}
			}},
			{name: "generate again (no body: today, both shifts)", as: "admin", method: "POST", path: "/api/deliveries/generate", status: 200, check: func(t *testing.T, r *response) {
				if r.num("created") != 0 || r.num("existing") != 1 {
					t.Errorf("generate again = %s", r.raw)
				}
			}},
			{name: "vendor A's round", as: "vendorA", method: "GET", path: "/api/round?shift=morning", status: 200, check: func(t *testing.T, r *response) {
				stops, _ := r.body["stops"].([]any)
				// The generated milk (in Indiranagar) before the seeded one-off (no area).
				if len(stops) != 2 || r.num("counters.toDo") != 2 {
					t.Fatalf("round = %s", r.raw)
				}
				first := stops[0].(map[string]any)
				d := first["delivery"].(map[string]any)
				if first["areaName"] != "Indiranagar" || first["customerNote"] != "leave at the door" || d["amountCents"].(float64) != 3*6500 || d["shift"] != "morning" {
					t.Errorf("first stop = %v", first)
				}
				a.vars["gen"] = itoa(int64(d["id"].(float64)))
			}},
			{name: "vendor B's round has none of A's", as: "vendorB", method: "GET", path: "/api/round?vendorId={vendorA}", status: 200, check: func(t *testing.T, r *response) {
				if stops, _ := r.body["stops"].([]any); len(stops) != 1 {
					t.Errorf("vendor B round = %s", r.raw)
				}
			}},
			{name: "round of another vendor's area", as: "vendorB", method: "GET", path: "/api/round?areaId={arA}", status: 404, code: "NOT_FOUND", field: "areaId"},
			{name: "round with a bad shift", as: "vendorA", method: "GET", path: "/api/round?shift=night", status: 400, code: "INVALID", field: "shift"},
			{name: "round with a bad date", as: "vendorA", method: "GET", path: "/api/round?date=today", status: 400, code: "INVALID", field: "date"},
			{name: "start the round", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{gen},{dA}],"status":"out_for_delivery"}`, status: 200, check: wantNum("succeeded", 2)},
			{name: "mixed ids", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{gen},{dB},999999],"status":"delivered"}`, header: map[string]string{"Idempotency-Key": "round-1"}, status: 200,
				check: func(t *testing.T, r *response) {
					res, _ := r.body["results"].([]any)
					if len(res) != 3 || r.num("succeeded") != 1 || r.num("failed") != 2 {
						t.Fatalf("bulk = %s", r.raw)
					}
					for i, want := range []string{"", "NOT_FOUND", "NOT_FOUND"} {
						it := res[i].(map[string]any)
						code := ""
						if e, ok := it["error"].(map[string]any); ok {
							code, _ = e["code"].(string)
						}
						if code != want || it["ok"] != (want == "") {
							t.Errorf("result %d = %v, want %q", i, it, want)
						}
					}
				}},
			{name: "mixed ids retried", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{gen},{dB},999999],"status":"delivered"}`, header: map[string]string{"Idempotency-Key": "round-1"}, status: 200, check: wantNum("succeeded", 1)},
			{name: "charged once", as: "vendorA", method: "GET", path: "/api/customers/{cA}", status: 200, check: wantNum("balanceCents", 3*6500)},
			{name: "failed needs a reason", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{dA}],"status":"failed"}`, status: 400, code: "INVALID", field: "reason"},
			{name: "other needs its text", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{dA}],"status":"skipped","reason":"other"}`, status: 400, code: "INVALID", field: "reasonText"},
			{name: "too many ids", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[` + manyIDs(501) + `],"status":"delivered"}`, status: 400, code: "INVALID", field: "ids"},
			{name: "skip with a reason", as: "vendorA", method: "POST", path: "/api/deliveries/status", body: `{"ids":[{dA}],"status":"skipped","reason":"other","reasonText":"on leave"}`, status: 200,
				check: func(t *testing.T, r *response) {
					res, _ := r.body["results"].([]any)
					d := res[0].(map[string]any)["delivery"].(map[string]any)
					if d["status"] != "skipped" || d["reason"] != "other" || d["reasonText"] != "on leave" {
						t.Errorf("skipped = %v", d)
					}
				}},
			{name: "counters", as: "vendorA", method: "GET", path: "/api/round?shift=morning", status: 200, check: func(t *testing.T, r *response) {
				if r.num("counters.delivered") != 1 || r.num("counters.skipped") != 1 || r.num("counters.total") != 2 {
					t.Errorf("counters = %s", r.raw)
				}
			}},
			{name: "skip through PATCH needs a reason too", as: "vendorB", method: "PATCH", path: "/api/deliveries/{dB}", body: `{"status":"skipped"}`, status: 400, code: "INVALID", field: "reason"},
			{name: "rate removed", as: "vendorA", method: "DELETE", path: "/api/customers/{cA}/rates/{pA}", status: 200},
			{name: "rate removed twice", as: "vendorA", method: "DELETE", path: "/api/customers/{cA}/rates/{pA}", status: 404, code: "NOT_FOUND"},
		})
	})
}

// roundFixtures gives vendor A a product, an area and a subscription for
// scenarios that change them: {kProduct}, {kArea}, {kSub}.
func roundFixtures(t *testing.T, a *testAPI) {
	t.Helper()
	vendorA, _ := strconv.ParseInt(a.vars["vendorA"], 10, 64)
	cA, _ := strconv.ParseInt(a.vars["cA"], 10, 64)
	ctx := domain.WithActor(context.Background(), &domain.Actor{UserID: vendorA, Name: "Vendor A", Role: domain.RoleVendor})
	p, err := a.svc.Products.CreateProduct(ctx, domain.ProductCreate{Name: "Fixture milk", Unit: "litre", PriceCents: 100})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := a.svc.Areas.CreateArea(ctx, domain.AreaCreate{Name: "Fixture area"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := a.svc.Subscriptions.CreateSubscription(ctx, domain.SubscriptionCreate{CustomerID: cA, ProductID: p.ID, Quantity: 1,
		Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning})
	if err != nil {
		t.Fatal(err)
	}
	a.vars["kProduct"], a.vars["kArea"], a.vars["kSub"] = itoa(p.ID), itoa(ar.ID), itoa(sub.ID)
}

func manyIDs(n int) string {
	s := ""
	for i := 1; i <= n; i++ {
		if i > 1 {
			s += ","
		}
		s += itoa(int64(i))
	}
	return s
}
