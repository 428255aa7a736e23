package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

const importHeader = "Name,Phone,Address,Area,Vendor,Opening Balance,Product,Quantity,Frequency,Shift\n"

// importBadFile has one good row, one that exists and a bad row of every kind.
const importBadFile = importHeader +
	"Asha Rao,+91 98450 11111,12 MG Road,North,,\"1,250.50\",Buffalo milk,2,daily,morning\n" + // 2: create
	"Chandra,98450-00001,,,,,,,,\n" + // 3: exists (same digits as the customer already there)
	"Dev,98450 33333,,,Vendor B,0,Buffalo milk,1,weekly sun,evening\n" + // 4: vendor B sells no buffalo milk
	"Esha,,,,,,,,,\n" + // 5: no phone
	"Farah,(+91) 98450-11111,,,,,,,,\n" + // 6: the phone of row 2, written otherwise
	"Gopal,98450 44444,,,,abc,,,,\n" + // 7: not an amount
	"Hari,98450 55555,,,,,Old ghee,1,,\n" + // 8: no longer sold
	"Indu,98450 66666,,,,,,3,,\n" // 9: quantity without a product

// TestImportCustomers: a preview lists every row's errors by column and
// writes nothing; a file with errors is refused on confirm; a good file
// creates customers, opening balances (their own ledger kind, not revenue)
// and standing orders with one event per vendor; running it again creates
// nothing, on both databases.
func TestImportCustomers(t *testing.T) {
	t.Parallel()
	clk := &clock{}
	clk.Set(time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC))
	each(t, service.Options{Now: clk.Now}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		must(svc.Products.CreateProduct(ctx, domain.ProductCreate{VendorID: f.VendorA.ID, Name: "Buffalo milk", Unit: "litre", PriceCents: 7000}))(t)
		must(svc.Products.CreateProduct(ctx, domain.ProductCreate{VendorID: f.VendorA.ID, Name: "Old ghee", Unit: "kg", PriceCents: 50000, Active: ptr(false)}))(t)
		must(svc.Products.CreateProduct(ctx, domain.ProductCreate{VendorID: f.VendorB.ID, Name: "Water can", Unit: "can", PriceCents: 4000}))(t)
		north := must(svc.Areas.CreateArea(ctx, domain.AreaCreate{VendorID: f.VendorA.ID, Name: "North"}))(t)
		old := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Chandra", Phone: "98450 00001", VendorID: f.VendorA.ID}))(t)
		before := len(allEvents(t, svc))

		prev := must(svc.Customers.ImportCustomers(ctx, domain.CustomerImportInput{CSV: []byte(importBadFile), VendorID: f.VendorA.ID}))(t)
		if prev.Applied || prev.Total != 8 || prev.Create != 1 || prev.Exists != 1 || prev.Errors != 6 || prev.Subscriptions != 1 || prev.OpeningBalanceCents != 125050 {
			t.Fatalf("preview = %+v", prev)
		}
		wantErr := map[int]string{4: "product", 5: "phone", 6: "phone", 7: "opening balance", 8: "product", 9: "product"}
		for _, r := range prev.Rows {
			col := ""
			if len(r.Errors) > 0 {
				col = r.Errors[0].Column
			}
			if col != wantErr[r.Row] || (col != "") != (r.Action == domain.ImportError) {
				t.Errorf("row %d: action %s, errors %+v; want an error on %q", r.Row, r.Action, r.Errors, wantErr[r.Row])
			}
		}
		if r := prev.Rows[0]; r.VendorName != "Vendor A" || r.ProductID == 0 || r.Frequency != domain.FrequencyDaily || r.NewArea || r.Area != "North" {
			t.Errorf("row 2 = %+v", r)
		}
		if r := prev.Rows[1]; r.Action != domain.ImportExists || r.CustomerID != old.ID {
			t.Errorf("row 3 = %+v, want customer %d", r, old.ID)
		}
		_, err := svc.Customers.ImportCustomers(ctx, domain.CustomerImportInput{CSV: []byte(importBadFile), VendorID: f.VendorA.ID, Confirm: true})
		wantCode(t, err, domain.CodeImportInvalid, "product")
		if !strings.Contains(err.Error(), "row 4") {
			t.Errorf("error %v does not name row 4", err)
		}
		if n := len(allEvents(t, svc)); n != before {
			t.Fatalf("a preview and a refused import wrote %d events", n-before)
		}
		if _, total := must2(svc.Customers.FindCustomers(ctx, domain.CustomerFilter{}))(t); total != 1 {
			t.Fatalf("customers after a refused import = %d, want 1", total)
		}

		good := importHeader +
			"Asha Rao,+91 98450 11111,12 MG Road,North,,\"1,250.50\",Buffalo milk,2,daily,morning\n" +
			"Bina,98450 22222,,South,,-100,,,,\n" +
			"Chandra,98450-00001,,,,,,,,\n" +
			"Dev,98450 33333,,south,b@example.com,₹40,Water can,1,custom mon thu,evening\n" +
			",,,,,,,,,\n"
		key, _ := domain.WithIdempotency(ctx, "import-1")
		res := must(svc.Customers.ImportCustomers(key, domain.CustomerImportInput{CSV: []byte(good), VendorID: f.VendorA.ID, Confirm: true}))(t)
		if !res.Applied || res.Create != 3 || res.Exists != 1 || res.Errors != 0 || len(res.ImportIDs) != 2 || res.Subscriptions != 2 {
			t.Fatalf("import = %+v", res)
		}
		asha, bina, dev := res.Rows[0], res.Rows[1], res.Rows[3]
		if asha.CustomerID == 0 || asha.SubscriptionID == 0 || dev.VendorID != f.VendorB.ID || !bina.NewArea || !dev.NewArea {
			t.Fatalf("rows = %+v", res.Rows)
		}
		for _, tc := range []struct {
			ctx     context.Context
			id, bal int64
		}{{f.ACtx, asha.CustomerID, 125050}, {f.ACtx, bina.CustomerID, -10000}, {f.BCtx, dev.CustomerID, 4000}} {
			c := must(svc.Customers.FindCustomerByID(tc.ctx, tc.id))(t)
			if c.BalanceCents != tc.bal || c.Status != domain.CustomerActive {
				t.Errorf("customer %s balance %d, want %d", c.Name, c.BalanceCents, tc.bal)
			}
			if b, sum := ledgerSum(t, svc.DB, tc.id); b != sum {
				t.Errorf("customer %d balance %d, ledger %d", tc.id, b, sum)
			}
			led, _ := must2(svc.Customers.CustomerLedger(tc.ctx, tc.id, domain.Page{}))(t)
			if len(led) != 1 || led[0].Kind != domain.LedgerOpeningBalance || led[0].RefID != tc.id {
				t.Errorf("ledger of %d = %+v", tc.id, led)
			}
		}
		ashaC := must(svc.Customers.FindCustomerByID(ctx, asha.CustomerID))(t)
		if ashaC.AreaID != north.ID {
			t.Errorf("Asha's area = %d, want North %d", ashaC.AreaID, north.ID)
		}
		binaC := must(svc.Customers.FindCustomerByID(ctx, bina.CustomerID))(t)
		devC := must(svc.Customers.FindCustomerByID(ctx, dev.CustomerID))(t)
		areasA := must(svc.Areas.FindAreas(ctx, f.VendorA.ID))(t)
		areasB := must(svc.Areas.FindAreas(ctx, f.VendorB.ID))(t)
		if len(areasA) != 2 || len(areasB) != 1 || binaC.AreaID == 0 || devC.AreaID != areasB[0].ID {
			t.Errorf("areas: A %d, B %d; Bina in %d, Dev in %d", len(areasA), len(areasB), binaC.AreaID, devC.AreaID)
		}
		subs, _ := must2(svc.Subscriptions.FindSubscriptions(f.BCtx, dev.CustomerID, domain.Page{}))(t)
		if len(subs) != 1 || subs[0].Frequency != domain.FrequencyCustom || strings.Join(subs[0].Days, ",") != "mon,thu" || subs[0].Shift != domain.ShiftEvening || subs[0].StartsOn != "2026-11-20" {
			t.Errorf("Dev's subscriptions = %+v", subs)
		}

		// One event per vendor, none per customer.
		evs := allEvents(t, svc)[before:]
		if len(evs) != 2 || evs[0].Action != domain.ActionCustomersImported || evs[1].Action != domain.ActionCustomersImported ||
			evs[0].VendorID != f.VendorA.ID || evs[1].VendorID != f.VendorB.ID || evs[0].Entity != domain.EntityImport {
			t.Fatalf("events = %s", describe(evs))
		}
		if !strings.Contains(evs[0].Summary, "2 customers imported for Vendor A by Ada Admin (1 already there)") ||
			!strings.Contains(strings.ReplaceAll(string(evs[0].Payload), " ", ""), `"openingBalanceCents":115050`) {
			t.Errorf("event = %s %s", evs[0].Summary, evs[0].Payload)
		}

		// Opening balances are balances, never revenue nor payments.
		st := must(svc.Stats.Stats(ctx))(t)
		if st.RevenueTodayCents != 0 || st.PaymentsTodayCents != 0 || st.OutstandingCents != 125050+4000 {
			t.Errorf("stats: revenue %d, payments %d, outstanding %d", st.RevenueTodayCents, st.PaymentsTodayCents, st.OutstandingCents)
		}
		stmt := must(svc.Statements.CustomerStatement(ctx, asha.CustomerID, "2026-11"))(t)
		if stmt.BroughtForwardCents != 125050 || stmt.ChargesCents != 0 || stmt.ClosingBalanceCents != 125050 || len(stmt.Lines) != 1 ||
			stmt.Lines[0].Kind != domain.LedgerOpeningBalance || !strings.Contains(stmt.Lines[0].Description, "Opening balance") {
			t.Errorf("statement = %+v", stmt)
		}

		// The same key replays; the same file again creates nothing.
		again := must(svc.Customers.ImportCustomers(key, domain.CustomerImportInput{CSV: []byte(good), VendorID: f.VendorA.ID, Confirm: true}))(t)
		if again.Create != 3 || len(again.ImportIDs) != 2 {
			t.Errorf("replay = %+v", again)
		}
		rerun := must(svc.Customers.ImportCustomers(ctx, domain.CustomerImportInput{CSV: []byte(good), VendorID: f.VendorA.ID, Confirm: true}))(t)
		if !rerun.Applied || rerun.Create != 0 || rerun.Exists != 4 || len(rerun.ImportIDs) != 0 {
			t.Errorf("re-run = %+v", rerun)
		}
		if n := len(allEvents(t, svc)); n != before+2 {
			t.Errorf("events after the re-run = %d, want %d", n, before+2)
		}
		if _, total := must2(svc.Customers.FindCustomers(ctx, domain.CustomerFilter{}))(t); total != 4 {
			t.Errorf("customers = %d, want 4", total)
		}

		// A vendor imports only its own customers.
		mine := must(svc.Customers.ImportCustomers(f.ACtx, domain.CustomerImportInput{CSV: []byte(importHeader + "Kiran,98450 77777,,,Vendor B,,,,,\nLata,98450 88888,,,,,,,,\n"), VendorID: f.VendorB.ID}))(t)
		if mine.Errors != 1 || mine.Rows[0].Errors[0].Column != "vendor" || mine.Rows[1].VendorID != f.VendorA.ID {
			t.Errorf("vendor's preview = %+v", mine)
		}
	})
}

// TestImportFileErrors: problems of the file itself name the row and the
// column, and size limits are PAYLOAD_TOO_LARGE naming the row.
func TestImportFileErrors(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		tests := []struct {
			name, file, code, field, msg string
		}{
			{"empty", "", domain.CodeImportInvalid, "file", "empty"},
			{"unknown column", "name,phone,fone\n", domain.CodeImportInvalid, "fone", `unknown column "fone"`},
			{"no phone column", "name,address\n", domain.CodeImportInvalid, "phone", "row 1"},
			{"twice", "name,phone,Phone\n", domain.CodeImportInvalid, "phone", "twice"},
			{"bad quote", "name,phone\nA,\"98450\n", domain.CodeImportInvalid, "file", "row 2"},
			{"value without header", "name,phone,\nA,98450 11111,x\n", domain.CodeImportInvalid, "file", "row 2"},
			{"not UTF-8", "name,phone\n\xff\xfe,1\n", domain.CodeImportInvalid, "file", "UTF-8"},
			{"too many rows", "name,phone\n" + strings.Repeat("A,98450 11111\n", domain.MaxImportRows+1), domain.CodeTooLarge, "file", "row 5002"},
		}
		for _, tt := range tests {
			_, err := f.Svc.Customers.ImportCustomers(f.AdminCtx, domain.CustomerImportInput{CSV: []byte(tt.file), VendorID: f.VendorA.ID})
			wantCode(t, err, tt.code, tt.field)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s: %v does not say %q", tt.name, err, tt.msg)
			}
		}
		_, err := f.Svc.Customers.ImportCustomers(f.AdminCtx, domain.CustomerImportInput{CSV: []byte("name,phone\n"), VendorID: f.Admin.ID})
		wantCode(t, err, domain.CodeInvalid, "vendorId")
	})
}
