package httpapi

import (
	"archive/zip"
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestReportsOverHTTP: a vendor starts a report (202), sees it, a runner
// builds it, and the file downloads only for those allowed all of it: the
// vendor and admins, never another vendor.
func TestReportsOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		r := a.do("vendorA", "POST", "/api/reports", `{"kind":"statements","params":{"month":"2026-11"}}`, nil)
		if r.status != 202 || r.str("status") != "queued" || itoa(r.num("vendorId")) != a.vars["vendorA"] {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		id := itoa(r.num("id"))
		if loc := r.header.Get("Location"); loc != "/api/reports/"+id {
			t.Errorf("Location = %q", loc)
		}
		if r := a.do("vendorA", "POST", "/api/reports", `{"kind":"statements","params":{"month":"2026-11","vendorId":{vendorB}}}`, nil); r.status != 403 {
			t.Fatalf("vendor A reporting on vendor B: %d %s", r.status, r.raw)
		}
		if r := a.do("admin", "POST", "/api/reports", `{"kind":"weekly"}`, nil); r.status != 400 {
			t.Fatalf("unknown kind: %d %s", r.status, r.raw)
		} else if _, field := r.err(); field != "kind" {
			t.Fatalf("unknown kind names %q", field)
		}
		if r := a.do("vendorB", "GET", "/api/reports/"+id, "", nil); r.status != 404 {
			t.Fatalf("vendor B reading A's report: %d %s", r.status, r.raw)
		}
		if r := a.do("vendorB", "GET", "/api/reports", "", nil); r.status != 200 || len(r.body["reports"].([]any)) != 0 {
			t.Fatalf("vendor B's list: %d %s", r.status, r.raw)
		}
		if r := a.do("vendorA", "GET", "/api/reports/"+id+"/file", "", nil); r.status != 409 {
			t.Fatalf("download before ready: %d %s", r.status, r.raw)
		}
		ctx := t.Context()
		claimed, err := a.svc.ClaimReport(ctx, "test")
		if err != nil || claimed == nil {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if err := a.svc.RunReport(ctx, claimed, "test"); err != nil {
			t.Fatal(err)
		}
		got := a.do("vendorA", "GET", "/api/reports/"+id, "", nil)
		if got.str("status") != "ready" || got.str("url") != "/api/reports/"+id+"/file" {
			t.Fatalf("after the run: %s", got.raw)
		}
		download := func(who string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", "/api/reports/"+id+"/file", nil)
			req.Header.Set("Authorization", "Bearer "+a.tok[who])
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			return rec
		}
		for _, who := range []string{"vendorA", "admin"} {
			f := download(who)
			body := f.Body.Bytes()
			if f.Code != 200 || f.Header().Get("Content-Type") != "application/zip" || int64(len(body)) != got.num("bytes") {
				t.Fatalf("%s downloading: %d %v (%d bytes)", who, f.Code, f.Header(), len(body))
			}
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			pdfs := 0
			for _, zf := range zr.File {
				if bytes.HasSuffix([]byte(zf.Name), []byte(".pdf")) {
					pdfs++
				}
			}
			if pdfs != 1 { // vendor A has one customer
				t.Fatalf("%d PDFs in vendor A's statements", pdfs)
			}
		}
		if f := download("vendorB"); f.Code != 404 {
			t.Fatalf("vendor B downloading A's report: %d", f.Code)
		}
		if d := a.do("vendorB", "DELETE", "/api/reports/"+id, "", nil); d.status != 404 {
			t.Fatalf("vendor B removing A's report: %d", d.status)
		}
		if d := a.do("vendorA", "DELETE", "/api/reports/"+id, "", nil); d.status != 200 || d.str("result") != "removed" {
			t.Fatalf("removing: %d %s", d.status, d.raw)
		}
		if f := download("vendorA"); f.Code != 404 {
			t.Fatalf("downloading a removed report: %d", f.Code)
		}
	})
}

// TestBusinessSettingsOnDocuments: the business name and currency are
// settings admins change (validated, naming the field), read by everyone.
func TestBusinessSettingsOnDocuments(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		if r := a.do("vendorA", "GET", "/api/settings", "", nil); r.str("businessName") != "Livedesk" || r.str("currency") != "INR" {
			t.Fatalf("defaults: %s", r.raw)
		}
		long := strings.Repeat("n", 101)
		for body, field := range map[string]string{
			`{"businessName":"  "}`:                "businessName",
			`{"businessName":"` + long + `"}`:      "businessName",
			`{"businessName":"Two\nlines"}`:        "businessName",
			`{"businessName":5}`:                   "businessName",
			`{"currency":"rupees"}`:                "currency",
			`{"currency":"XYZ"}`:                   "currency", // the shape of a code, but no currency
			`{"currency":"usd"}`:                   "currency",
			`{"currency":"JPY"}`:                   "currency", // no minor unit: stored hundredths would not be yen
			`{"currency":"KWD"}`:                   "currency", // three decimals
			`{"currency":"EUR","businessName":""}`: "businessName",
		} {
			if r := a.do("admin", "PATCH", "/api/settings", body, nil); r.status != 400 {
				t.Fatalf("%s: %d %s", body, r.status, r.raw)
			} else if _, f := r.err(); f != field {
				t.Fatalf("%s names %q, want %q", body, f, field)
			}
		}
		// A refused change changes nothing, not even its valid half.
		if r := a.do("staff", "GET", "/api/settings", "", nil); r.str("currency") != "INR" || r.str("businessName") != "Livedesk" {
			t.Fatalf("after refused changes: %s", r.raw)
		}
		for _, who := range []string{"vendorA", "staff"} {
			if r := a.do(who, "PATCH", "/api/settings", `{"businessName":"Mine"}`, nil); r.status != 403 {
				t.Fatalf("%s renaming the business: %d", who, r.status)
			}
			if r := a.do(who, "PATCH", "/api/settings", `{"currency":"USD"}`, nil); r.status != 403 {
				t.Fatalf("%s changing the currency: %d", who, r.status)
			}
		}
		if r := a.do("admin", "PATCH", "/api/settings", `{"businessName":"`+strings.Repeat("ñ", 100)+`"}`, nil); r.status != 200 {
			t.Fatalf("a 100-character name: %d %s", r.status, r.raw)
		}
		r := a.do("admin", "PATCH", "/api/settings", `{"businessName":" Nandini Fresh Dairy ","currency":"USD"}`, nil)
		if r.status != 200 || r.str("businessName") != "Nandini Fresh Dairy" || r.str("currency") != "USD" || r.num("confirmAboveCents") != 1_000_000 {
			t.Fatalf("update: %d %s", r.status, r.raw)
		}
		if r := a.do("vendorB", "GET", "/api/settings", "", nil); r.str("businessName") != "Nandini Fresh Dairy" {
			t.Fatalf("after the update: %s", r.raw)
		}
	})
}
