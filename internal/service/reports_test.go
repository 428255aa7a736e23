package service_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// eachReport runs fn on both databases with services whose reports go to
// a test directory, each with its own settable clock (leases expire by it).
func eachReport(t *testing.T, fn func(t *testing.T, f *storetest.Fixture, c *clock)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
			opts := service.Options{Now: c.Now, ReportsDir: t.TempDir(), ReportLease: 3 * time.Second}
			fn(t, storetest.NewFixture(t, storetest.Services(t, kind, opts)), c)
		})
	}
}

// TestReportClaimedByOneRunner: two runners racing for one queued job;
// exactly one gets it, and the other finds nothing more.
func TestReportClaimedByOneRunner(t *testing.T) {
	eachReport(t, func(t *testing.T, f *storetest.Fixture, c *clock) {
		r := must(f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: domain.ReportVendorSettlement, Params: domain.ReportParams{Month: "2026-11"}}))(t)
		if r.Status != domain.ReportQueued {
			t.Fatalf("status = %s, want queued", r.Status)
		}
		var wg sync.WaitGroup
		got := make([]*domain.Report, 8)
		errs := make([]error, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = f.Svc.ClaimReport(context.Background(), service.NewReportRunnerID("runner"))
			}()
		}
		wg.Wait()
		won := 0
		for i, g := range got {
			if errs[i] != nil && domain.ErrorCode(errs[i]) != domain.CodeUnavailable {
				t.Fatalf("claim %d: %v", i, errs[i])
			}
			if g != nil {
				won++
				if g.ID != r.ID || g.Status != domain.ReportRunning || g.Attempts != 1 {
					t.Errorf("claimed %+v", g)
				}
			}
		}
		if won != 1 {
			t.Fatalf("%d runners claimed the job, want exactly 1", won)
		}
		if again := must(f.Svc.ClaimReport(context.Background(), "late"))(t); again != nil {
			t.Fatalf("a running job with a live lease was claimed again: %+v", again)
		}
	})
}

// TestReportLeaseExpiry: a runner that stops heartbeating (its instance
// died) loses the job once the lease expires; another runner resumes it,
// the first can write nothing more, and after the last attempt the job is
// marked failed, never lost.
func TestReportLeaseExpiry(t *testing.T) {
	eachReport(t, func(t *testing.T, f *storetest.Fixture, c *clock) {
		r := must(f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: domain.ReportVendorSettlement, Params: domain.ReportParams{Month: "2026-11"}}))(t)
		ctx := context.Background()
		dead := must(f.Svc.ClaimReport(ctx, "dead"))(t)
		if dead == nil {
			t.Fatal("nothing claimed")
		}
		c.Set(c.Now().Add(4 * time.Second)) // past the 3s lease
		resumed := must(f.Svc.ClaimReport(ctx, "alive"))(t)
		if resumed == nil || resumed.ID != r.ID || resumed.Attempts != 2 {
			t.Fatalf("resumed = %+v, want report %d at attempt 2", resumed, r.ID)
		}
		if err := f.Svc.RunReport(ctx, dead, "dead"); err == nil || !strings.Contains(err.Error(), "no longer held") {
			t.Fatalf("the dead runner's run = %v, want it refused", err)
		}
		if got := must(f.Svc.Reports.FindReport(f.AdminCtx, r.ID))(t); got.Status != domain.ReportRunning {
			t.Fatalf("after the dead runner: %s, want still running for the live one", got.Status)
		}
		// One more death: the fourth claim marks it failed.
		for i := 0; i < 1; i++ {
			c.Set(c.Now().Add(4 * time.Second))
			if must(f.Svc.ClaimReport(ctx, "again"))(t) == nil {
				t.Fatalf("claim %d found nothing", i)
			}
		}
		c.Set(c.Now().Add(4 * time.Second))
		if got := must(f.Svc.ClaimReport(ctx, "last"))(t); got != nil {
			t.Fatalf("a job interrupted 3 times was claimed again: %+v", got)
		}
		got := must(f.Svc.Reports.FindReport(f.AdminCtx, r.ID))(t)
		if got.Status != domain.ReportFailed || !strings.Contains(got.Error, "interrupted 3 times") || got.FinishedAt == nil {
			t.Fatalf("after 3 interruptions: %+v", got)
		}
		if evs := reportEvents(t, f.Svc, r.ID); !strings.Contains(evs, "report.failed") {
			t.Fatalf("no report.failed event: %s", evs)
		}
	})
}

// TestReportCancel: DELETE of a running job cancels it (its runner stops
// without writing), DELETE of a finished one removes it.
func TestReportCancel(t *testing.T) {
	eachReport(t, func(t *testing.T, f *storetest.Fixture, c *clock) {
		ctx := context.Background()
		r := must(f.Svc.Reports.CreateReport(f.ACtx, domain.ReportCreate{Kind: domain.ReportStatements, Params: domain.ReportParams{Month: "2026-11"}}))(t)
		claimed := must(f.Svc.ClaimReport(ctx, "runner"))(t)
		if _, err := f.Svc.Reports.DeleteReport(f.BCtx, r.ID); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("vendor B cancelling A's report: %v, want NOT_FOUND", err)
		}
		del := must(f.Svc.Reports.DeleteReport(f.ACtx, r.ID))(t)
		if del.Result != "cancelled" {
			t.Fatalf("delete = %+v, want cancelled", del)
		}
		if err := f.Svc.RunReport(ctx, claimed, "runner"); err == nil {
			t.Fatal("a cancelled job ran to its end")
		}
		got := must(f.Svc.Reports.FindReport(f.AdminCtx, r.ID))(t)
		if got.Status != domain.ReportCancelled || got.Error != "cancelled by Vendor A" {
			t.Fatalf("after cancel: %+v", got)
		}
		evs := reportEvents(t, f.Svc, r.ID)
		if evs != "report.queued report.cancelled" {
			t.Fatalf("events = %q", evs)
		}
		if del := must(f.Svc.Reports.DeleteReport(f.AdminCtx, r.ID))(t); del.Result != "removed" {
			t.Fatalf("second delete = %+v, want removed", del)
		}
		if _, err := f.Svc.Reports.FindReport(f.AdminCtx, r.ID); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("removed report: %v", err)
		}
	})
}

// TestReportAuthz: who may start and see which reports.
func TestReportAuthz(t *testing.T) {
	eachReport(t, func(t *testing.T, f *storetest.Fixture, c *clock) {
		_, err := f.Svc.Reports.CreateReport(f.ACtx, domain.ReportCreate{Kind: domain.ReportStatements, Params: domain.ReportParams{Month: "2026-11", VendorID: f.VendorB.ID}})
		wantCode(t, err, domain.CodeForbidden, "params.vendorId")
		_, err = f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: "ledger", Params: domain.ReportParams{Month: "2026-11"}})
		wantCode(t, err, domain.CodeInvalid, "kind")
		_, err = f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: domain.ReportStatements, Params: domain.ReportParams{Month: "2026-13"}})
		wantCode(t, err, domain.CodeInvalid, "params.month")
		_, err = f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: domain.ReportStatements, Params: domain.ReportParams{Month: "2026-11", VendorID: f.Admin.ID}})
		wantCode(t, err, domain.CodeInvalid, "params.vendorId")
		mine := must(f.Svc.Reports.CreateReport(f.ACtx, domain.ReportCreate{Kind: domain.ReportDuesAgeing}))(t)
		if mine.VendorID != f.VendorA.ID || mine.Params.VendorID != f.VendorA.ID || mine.Params.AsOf != "2026-11-20" {
			t.Fatalf("vendor's report scope: %+v", mine)
		}
		biz := must(f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: domain.ReportVendorSettlement, Params: domain.ReportParams{Month: "2026-11"}}))(t)
		if got := must(f.Svc.Reports.FindReports(f.BCtx, 0))(t); len(got) != 0 {
			t.Fatalf("vendor B sees %d reports, want 0", len(got))
		}
		if got := must(f.Svc.Reports.FindReports(f.ACtx, 0))(t); len(got) != 1 || got[0].ID != mine.ID {
			t.Fatalf("vendor A sees %+v, want only its own", got)
		}
		if got := must(f.Svc.Reports.FindReports(f.AdminCtx, 0))(t); len(got) != 2 {
			t.Fatalf("admin sees %d reports, want 2", len(got))
		}
		if _, err := f.Svc.Reports.FindReport(f.ACtx, biz.ID); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("vendor reading the business's report: %v", err)
		}
		if _, _, err := f.Svc.Reports.OpenReportFile(f.ACtx, biz.ID); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("vendor opening the business's report: %v", err)
		}
		if _, _, err := f.Svc.Reports.OpenReportFile(f.ACtx, mine.ID); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("opening a queued report: %v, want CONFLICT", err)
		}
		// Idempotency: the same key gives the same report once.
		kctx, _ := domain.WithIdempotency(f.AdminCtx, "report-key-1")
		in := domain.ReportCreate{Kind: domain.ReportVendorSettlement, Params: domain.ReportParams{Month: "2026-10"}}
		a := must(f.Svc.Reports.CreateReport(kctx, in))(t)
		kctx, _ = domain.WithIdempotency(f.AdminCtx, "report-key-1")
		b := must(f.Svc.Reports.CreateReport(kctx, in))(t)
		if a.ID != b.ID {
			t.Fatalf("replayed create made report %d, then %d", a.ID, b.ID)
		}
	})
}

// TestReportTables runs dues-ageing and vendor-settlement to their files.
func TestReportTables(t *testing.T) {
	eachReport(t, func(t *testing.T, f *storetest.Fixture, c *clock) {
		ctx := context.Background()
		cust := newCustomer(t, f.AdminCtx, f.Svc, "Asha Rao", f.VendorA.ID)
		d := newDelivery(t, f.AdminCtx, f.Svc, cust.ID, 4500)
		must(f.Svc.Deliveries.UpdateDelivery(f.AdminCtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
		must(f.Svc.Deliveries.UpdateDelivery(f.AdminCtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)}))(t)
		c.Set(c.Now().AddDate(0, 0, 40))
		for _, in := range []domain.ReportCreate{
			{Kind: domain.ReportDuesAgeing},
			{Kind: domain.ReportVendorSettlement, Params: domain.ReportParams{Month: "2026-11"}},
		} {
			r := must(f.Svc.Reports.CreateReport(f.AdminCtx, in))(t)
			claimed := must(f.Svc.ClaimReport(ctx, "runner"))(t)
			if err := f.Svc.RunReport(ctx, claimed, "runner"); err != nil {
				t.Fatalf("%s: %v", in.Kind, err)
			}
			files := reportZip(t, f, r.ID)
			csvName, pdfName := string(in.Kind)+".csv", string(in.Kind)+".pdf"
			if !bytes.HasPrefix(files[pdfName], []byte("%PDF-")) {
				t.Fatalf("%s: %s is not a PDF", in.Kind, pdfName)
			}
			rows := must(csv.NewReader(bytes.NewReader(files[csvName])).ReadAll())(t)
			switch in.Kind {
			case domain.ReportDuesAgeing:
				if len(rows) != 2 || rows[1][1] != "Asha Rao" || rows[1][4] != "45.00" || rows[1][6] != "40" || rows[1][7] != "31-60" {
					t.Fatalf("dues-ageing rows: %q", rows)
				}
			case domain.ReportVendorSettlement:
				if len(rows) != 3 || rows[1][1] != "Vendor A" || rows[1][3] != "1" || rows[1][5] != "45.00" || rows[2][5] != "0.00" {
					t.Fatalf("vendor-settlement rows: %q", rows)
				}
			}
		}
	})
}

// reportZip downloads a ready report and returns its archive's files.
func reportZip(t *testing.T, f *storetest.Fixture, id int64) map[string][]byte {
	t.Helper()
	r, file, err := f.Svc.Reports.OpenReportFile(f.AdminCtx, id)
	if err != nil {
		t.Fatalf("open report %d: %v", id, err)
	}
	defer file.Close()
	b := must(io.ReadAll(file))(t)
	if int64(len(b)) != r.Bytes || r.Status != domain.ReportReady || r.URL == "" {
		t.Fatalf("report %+v, file of %d bytes", r, len(b))
	}
	zr := must(zip.NewReader(bytes.NewReader(b), int64(len(b))))(t)
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc := must(zf.Open())(t)
		out[zf.Name] = must(io.ReadAll(rc))(t)
		rc.Close()
	}
	return out
}

// reportEvents lists the actions of a report's events, in log order.
func reportEvents(t *testing.T, svc *service.Services, id int64) string {
	t.Helper()
	var out []string
	for _, e := range allEvents(t, svc) {
		if e.Entity == domain.EntityReport && e.EntityID == id {
			out = append(out, e.Action)
		}
	}
	return strings.Join(out, " ")
}

// TestDuesAgeingReportIsTheAnalytics: the dues-ageing report lists exactly
// what GET /api/analytics/ageing (DuesAgeing) says, also for a bounced
// payment, which reopens the charge it paid rather than counting as a new
// one (the report once computed its own ageing and disagreed there).
func TestDuesAgeingReportIsTheAnalytics(t *testing.T) {
	eachReport(t, func(t *testing.T, f *storetest.Fixture, c *clock) {
		ctx := context.Background()
		cust := newCustomer(t, f.AdminCtx, f.Svc, "Bina Shah", f.VendorA.ID)
		d := newDelivery(t, f.AdminCtx, f.Svc, cust.ID, 4500)
		must(f.Svc.Deliveries.UpdateDelivery(f.AdminCtx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)}))(t)
		c.Set(c.Now().AddDate(0, 0, 20))
		pay := must(f.Svc.Payments.AddPayment(f.AdminCtx, domain.PaymentCreate{CustomerID: cust.ID, AmountCents: 4500, Method: domain.PaymentCash, IdempotencyKey: "bounce"}))(t)
		c.Set(c.Now().AddDate(0, 0, 15))
		must(f.Svc.Reversals.ReversePayment(f.AdminCtx, pay.Payment.ID, domain.ReversalCreate{Reason: "cheque bounced"}))(t)
		c.Set(c.Now().AddDate(0, 0, 1))
		ag := must(f.Svc.Stats.DuesAgeing(f.AdminCtx, "", 0))(t)
		if len(ag.Customers) != 1 || ag.Customers[0].AgeDays != 36 {
			t.Fatalf("DuesAgeing = %+v, want one customer owing since the delivery, 36 days", ag.Customers)
		}
		r := must(f.Svc.Reports.CreateReport(f.AdminCtx, domain.ReportCreate{Kind: domain.ReportDuesAgeing}))(t)
		claimed := must(f.Svc.ClaimReport(ctx, "runner"))(t)
		if err := f.Svc.RunReport(ctx, claimed, "runner"); err != nil {
			t.Fatal(err)
		}
		rows := must(csv.NewReader(bytes.NewReader(reportZip(t, f, r.ID)["dues-ageing.csv"])).ReadAll())(t)
		a := ag.Customers[0]
		want := []string{fmt.Sprint(a.CustomerID), a.Name, fmt.Sprint(a.VendorID), "Vendor A", "45.00", a.OldestUnpaidOn, "36", a.Bucket}
		if len(rows) != 2 || !slices.Equal(rows[1], want) {
			t.Fatalf("report rows %q, want the analytics' %q", rows, want)
		}
	})
}
