package httpapi

import (
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestStatementAPI: the statement as JSON (checked against the OpenAPI
// document) and as CSV, a vendor's 404 for another vendor's customer, and
// the month required.
func TestStatementAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		month := time.Now().UTC().Format("2006-01")
		runScenarios(t, a, []scenario{
			{name: "out", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"out_for_delivery"}`, status: 200},
			{name: "delivered", as: "vendorA", method: "PATCH", path: "/api/deliveries/{dA}", body: `{"status":"delivered"}`, status: 200},
			{name: "paid", as: "vendorA", method: "POST", path: "/api/payments", body: `{"customerId":{cA},"amountCents":1000,"method":"cash","reference":"=1+1"}`, header: map[string]string{"Idempotency-Key": "st-1"}, status: 201},
			{name: "statement", as: "vendorA", method: "GET", path: "/api/customers/{cA}/statement?month=" + month, status: 200, check: func(t *testing.T, r *response) {
				if r.num("openingBalanceCents") != 0 || r.num("closingBalanceCents") != 3500 || r.num("chargesCents") != 4500 || r.num("creditsCents") != 1000 {
					t.Errorf("statement = %s", r.raw)
				}
			}},
			{name: "another vendor's customer", as: "vendorB", method: "GET", path: "/api/customers/{cA}/statement?month=" + month, status: 404, code: "NOT_FOUND"},
			{name: "no month", as: "vendorA", method: "GET", path: "/api/customers/{cA}/statement", status: 400, code: "INVALID", field: "month"},
			{name: "bad month", as: "vendorA", method: "GET", path: "/api/customers/{cA}/statement?month=2026-13", status: 400, code: "INVALID", field: "month"},
		})
		for _, how := range []struct{ query, accept string }{{"", "text/csv"}, {"&format=csv", ""}} {
			req := httptest.NewRequest("GET", a.expand("/api/customers/{cA}/statement?month="+month+how.query), nil)
			req.Header.Set("Authorization", "Bearer "+a.tok["vendorA"])
			if how.accept != "" {
				req.Header.Set("Accept", how.accept)
			}
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("CSV %v = %d %s\n%s", how, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
			if err != nil {
				t.Fatalf("CSV does not parse: %v\n%s", err, rec.Body)
			}
			if len(rows) != 6 || strings.Join(rows[1], ",") != "date,time,kind,reference,description,amount,balance" ||
				rows[2][6] != "0.00" || rows[3][5] != "45.00" || rows[4][5] != "-10.00" || rows[5][2] != "closing" || rows[5][6] != "35.00" {
				t.Errorf("CSV rows = %q", rows)
			}
			if !strings.Contains(rows[4][4], "=1+1") || strings.HasPrefix(rows[4][4], "=") {
				t.Errorf("payment description %q", rows[4][4])
			}
		}
	})
}

func TestCSVCellKeepsFormulasAsText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-2": "'-2", "@x": "'@x", "Asha": "Asha", "": ""} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
