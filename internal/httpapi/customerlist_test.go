package httpapi

import (
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestCustomerListSortAndExport: sort and hasDues over REST (answers
// checked against the OpenAPI document), bad values naming their
// parameter, a vendor's list and export limited to its own customers, and
// the CSV export with formula-looking text kept as text.
func TestCustomerListSortAndExport(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		names := func(r *response) string {
			var s []string
			for _, it := range r.items() {
				s = append(s, it.(map[string]any)["name"].(string))
			}
			return strings.Join(s, ",")
		}
		runScenarios(t, a, []scenario{
			{name: "customer with a formula name", as: "vendorA", method: "POST", path: "/api/customers", body: `{"name":"=HYPERLINK(1)","phone":"98450 11111"}`, status: 201},
			{name: "out", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "delivered", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"delivered"}`, status: 200},
			{name: "B delivered", as: "vendorB", method: "PATCH", path: "/api/deliveries/{dB}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "B delivered 2", as: "vendorB", method: "PATCH", path: "/api/deliveries/{dB}", body: `{"status":"delivered"}`, status: 200},
			{name: "B paid", as: "vendorB", method: "POST", path: "/api/payments", body: `{"customerId":{cB},"amountCents":500,"method":"cash"}`, header: map[string]string{"Idempotency-Key": "cl-1"}, status: 201},
			{name: "who owes most", as: "admin", method: "GET", path: "/api/customers?sort=-balance", status: 200, check: func(t *testing.T, r *response) {
				if got := names(r); got != "Customer A,Customer B,=HYPERLINK(1)" {
					t.Errorf("-balance = %s", got)
				}
			}},
			{name: "dues", as: "admin", method: "GET", path: "/api/customers?hasDues=true&sort=balance", status: 200, check: func(t *testing.T, r *response) {
				if got := names(r); got != "Customer B,Customer A" || r.num("total") != 2 {
					t.Errorf("hasDues = %s", got)
				}
			}},
			{name: "last payment", as: "admin", method: "GET", path: "/api/customers?sort=-lastPayment&limit=1", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()[0].(map[string]any)
				if it["name"] != "Customer B" || it["lastPaymentAt"] == nil || r.str("nextCursor") != "1" {
					t.Errorf("-lastPayment = %s", r.raw)
				}
			}},
			{name: "vendor sees its own", as: "vendorA", method: "GET", path: "/api/customers?sort=-balance&vendorId={vendorB}", status: 200, check: func(t *testing.T, r *response) {
				if got := names(r); got != "Customer A,=HYPERLINK(1)" {
					t.Errorf("vendor A = %s", got)
				}
			}},
			{name: "bad sort", as: "admin", method: "GET", path: "/api/customers?sort=owes", status: 400, code: "INVALID", field: "sort"},
			{name: "bad hasDues", as: "admin", method: "GET", path: "/api/customers?hasDues=yes", status: 400, code: "INVALID", field: "hasDues"},
			{name: "bad format", as: "admin", method: "GET", path: "/api/customers?format=xls", status: 400, code: "INVALID", field: "format"},
		})
		csvOf := func(who, query, accept string) [][]string {
			t.Helper()
			req := httptest.NewRequest("GET", a.expand("/api/customers"+query), nil)
			req.Header.Set("Authorization", "Bearer "+a.tok[who])
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
				!strings.Contains(rec.Header().Get("Content-Disposition"), "customers.csv") {
				t.Fatalf("CSV %s = %d %v\n%s", query, rec.Code, rec.Header(), rec.Body)
			}
			rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
			if err != nil {
				t.Fatalf("CSV does not parse: %v\n%s", err, rec.Body)
			}
			return rows
		}
		rows := csvOf("admin", "?sort=-balance&limit=1", "text/csv")
		if len(rows) != 4 || strings.Join(rows[0], ",") != "id,name,phone,email,address,area,status,vendor_id,vendor,balance_cents,balance,last_payment_at,created_at" {
			t.Fatalf("admin CSV = %q (every match, whatever the limit)", rows)
		}
		if r := rows[1]; r[1] != "Customer A" || r[5] != "Area 1" || r[8] != "Vendor A" || r[9] != "4500" || r[10] != "45.00" || r[11] != "" || r[2] != "'+91 98450 00002" {
			t.Errorf("first row = %q", r)
		}
		if r := rows[2]; r[1] != "Customer B" || r[9] != "4000" || r[11] == "" {
			t.Errorf("second row = %q", r)
		}
		if r := rows[3]; r[1] != "'=HYPERLINK(1)" || r[10] != "0.00" {
			t.Errorf("formula row = %q", r)
		}
		rows = csvOf("vendorA", "?format=csv&hasDues=true&vendorId={vendorB}", "")
		if len(rows) != 2 || rows[1][1] != "Customer A" {
			t.Errorf("vendor A's dues CSV = %q", rows)
		}
	})
}

// TestImportCustomersAPI: a preview with a bad row (nothing written), the
// refused confirm naming row and column, the confirmed import with an
// Idempotency-Key and its replay, a re-run creating nothing, and the size
// limit, answers checked against the OpenAPI document.
func TestImportCustomersAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		bad := "name,phone,opening balance\nRavi,98450 12121,450\nSita,98450 13131,lots\n"
		good := "name,phone,opening balance,area\nRavi,98450 12121,450,Area 1\nSita,98450 13131,-20.5,\n"
		runScenarios(t, a, []scenario{
			{name: "preview", as: "vendorA", method: "POST", path: "/api/imports/customers", body: bad, status: 200, check: func(t *testing.T, r *response) {
				rows := r.body["rows"].([]any)
				row3 := rows[1].(map[string]any)
				errs := row3["errors"].([]any)
				if r.body["applied"] != false || r.num("create") != 1 || r.num("errors") != 1 || row3["row"] != float64(3) ||
					errs[0].(map[string]any)["column"] != "opening balance" {
					t.Errorf("preview = %s", r.raw)
				}
			}},
			{name: "nothing written", as: "vendorA", method: "GET", path: "/api/customers?search=Ravi", status: 200, check: func(t *testing.T, r *response) {
				if r.num("total") != 0 {
					t.Errorf("a preview wrote: %s", r.raw)
				}
			}},
			{name: "confirm with errors", as: "vendorA", method: "POST", path: "/api/imports/customers?confirm=true", body: bad,
				header: map[string]string{"Idempotency-Key": "imp-0"}, status: 422, code: "IMPORT_INVALID", field: "opening balance", check: func(t *testing.T, r *response) {
					if !strings.Contains(r.str("error.message"), "row 3") {
						t.Errorf("message = %s", r.raw)
					}
				}},
			{name: "confirm", as: "vendorA", method: "POST", path: "/api/imports/customers?confirm=true", body: good,
				header: map[string]string{"Idempotency-Key": "imp-1"}, status: 200, check: func(t *testing.T, r *response) {
					if r.body["applied"] != true || r.num("create") != 2 || len(r.body["importIds"].([]any)) != 1 {
						t.Errorf("import = %s", r.raw)
					}
				}},
			{name: "replay", as: "vendorA", method: "POST", path: "/api/imports/customers?confirm=true", body: good,
				header: map[string]string{"Idempotency-Key": "imp-1"}, status: 200, check: func(t *testing.T, r *response) {
					if r.header.Get("Idempotent-Replayed") != "true" || r.num("create") != 2 {
						t.Errorf("replay = %v %s", r.header, r.raw)
					}
				}},
			{name: "re-run", as: "vendorA", method: "POST", path: "/api/imports/customers?confirm=true", body: good,
				header: map[string]string{"Idempotency-Key": "imp-2"}, status: 200, check: func(t *testing.T, r *response) {
					if r.num("create") != 0 || r.num("exists") != 2 || len(r.body["importIds"].([]any)) != 0 {
						t.Errorf("re-run = %s", r.raw)
					}
				}},
			{name: "owed first", as: "vendorA", method: "GET", path: "/api/customers?sort=-balance&search=98450%201", status: 200, check: func(t *testing.T, r *response) {
				it := r.items()
				if len(it) != 2 || it[0].(map[string]any)["balanceCents"] != float64(45000) || it[1].(map[string]any)["balanceCents"] != float64(-2050) {
					t.Errorf("imported balances = %s", r.raw)
				}
			}},
			{name: "ledger kind", as: "admin", method: "GET", path: "/api/activity?limit=1", status: 200, check: func(t *testing.T, r *response) {
				if !strings.Contains(string(r.raw), "2 customers imported by Vendor A") {
					t.Errorf("activity = %s", r.raw)
				}
			}},
			{name: "another vendor's default", as: "admin", method: "POST", path: "/api/imports/customers?vendorId={admin}", body: good, status: 400, code: "INVALID", field: "vendorId"},
			{name: "bad confirm", as: "admin", method: "POST", path: "/api/imports/customers?confirm=yes", body: good, status: 400, code: "INVALID", field: "confirm"},
			{name: "too large", as: "admin", method: "POST", path: "/api/imports/customers", body: "name,phone\n" + strings.Repeat("x", 1<<20), status: 413, code: "PAYLOAD_TOO_LARGE", field: "file"},
		})
	})
}
