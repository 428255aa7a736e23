package service

// The table reports: dues-ageing and vendor-settlement, each a CSV and a
// PDF of the same rows.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// duesAgeingReport: every customer of the scope who owes money at the end
// of AsOf, with the age of its oldest unpaid charge — DuesAgeing's figures
// (defined once, in ageing.go), as CSV and PDF.
func (s *service) duesAgeingReport(ctx context.Context, r *domain.Report, p *reportProgress, biz business, zw *zip.Writer) (string, error) {
	if err := p.step(ctx, 0, 1); err != nil {
		return "", err
	}
	ag, err := s.DuesAgeing(ctx, r.Params.AsOf, r.VendorID)
	if err != nil {
		if de, ok := err.(*domain.Error); ok && de.Field == "asOf" {
			de.Field = "params.asOf"
		}
		return "", err
	}
	parties, err := s.reportCustomers(ctx, r.VendorID)
	if err != nil {
		return "", err
	}
	vendors := map[int64]string{}
	for _, c := range parties {
		vendors[c.VendorID] = c.Vendor
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"customer_id", "customer", "vendor_id", "vendor", "balance", "oldest_unpaid_charge", "days", "bucket"})
	var rows [][]string
	for _, c := range ag.Customers {
		_ = cw.Write([]string{fmt.Sprint(c.CustomerID), cell(c.Name), fmt.Sprint(c.VendorID), cell(vendors[c.VendorID]), domain.MajorUnits(c.BalanceCents), c.OldestUnpaidOn, fmt.Sprint(c.AgeDays), c.Bucket})
		rows = append(rows, []string{fmt.Sprint(c.CustomerID), c.Name, vendors[c.VendorID], biz.money(c.BalanceCents), c.OldestUnpaidOn, fmt.Sprint(c.AgeDays), c.Bucket})
	}
	if err := p.step(ctx, 1, 1); err != nil {
		return "", err
	}
	if err := addCSV(zw, "dues-ageing.csv", cw, &buf); err != nil {
		return "", err
	}
	title := "Dues ageing as of " + ag.AsOf
	d := newDoc(biz, title, s.now())
	d.text("B", 16, biz.Name)
	d.text("", 11, title+" ("+ag.TimeZone+")")
	d.pdf.Ln(3)
	var sum [][]string
	for _, bk := range ag.Buckets {
		sum = append(sum, []string{bk.Bucket + " days", fmt.Sprint(bk.Customers), biz.money(bk.BalanceCents)})
	}
	sum = append(sum, []string{"Total", fmt.Sprint(len(rows)), biz.money(ag.TotalCents)})
	d.table([]column{{"Age of oldest unpaid charge", 80, "L"}, {"Customers", 30, "R"}, {"Dues", 40, "R"}}, sum, func(i int) bool { return i == len(sum)-1 })
	d.pdf.Ln(5)
	d.table([]column{{"#", 14, "R"}, {"Customer", 50, "L"}, {"Vendor", 38, "L"}, {"Balance", 30, "R"}, {"Oldest unpaid", 24, "L"}, {"Days", 14, "R"}, {"Bucket", 16, "L"}}, rows, nil)
	if err := addPDF(zw, "dues-ageing.pdf", d); err != nil {
		return "", err
	}
	return "dues-ageing-" + ag.AsOf, nil
}

// settlement is one vendor's month, by the figures' definitions
// (figures.go): deliveries counted by day scheduled, revenue by day
// delivered, payments by the vendor they were recorded for, each net of
// reversals; the month's reversals counted for the original's vendor.
type settlement struct {
	Deliveries, Delivered                       int64
	RevenueCents                                int64
	Payments                                    int64
	CollectedCents                              int64
	Reversals                                   int64
	PaymentsReversedCents, ChargesReversedCents int64
}

func (s *service) settlementOf(ctx context.Context, tx *store.Tx, vendorID int64, from, to string) (settlement, error) {
	var st settlement
	err := tx.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM deliveries d WHERE d.vendor_id = ? AND d.scheduled_for >= ? AND d.scheduled_for <= ?`+countedDelivery("d.status", "d.id")+`),
		(SELECT COUNT(*) FROM deliveries d WHERE d.vendor_id = ? AND d.scheduled_for >= ? AND d.scheduled_for <= ? AND d.status = 'delivered'`+notReversed("delivery", "d.id")+`),
		COALESCE((SELECT SUM(d.amount_cents) FROM deliveries d WHERE d.vendor_id = ? AND d.status = 'delivered' AND d.delivered_on >= ? AND d.delivered_on <= ?`+notReversed("delivery", "d.id")+`), 0),
		(SELECT COUNT(*) FROM payments p WHERE p.vendor_id = ? AND p.created_on >= ? AND p.created_on <= ?`+notReversed("payment", "p.id")+`),
		COALESCE((SELECT SUM(p.amount_cents) FROM payments p WHERE p.vendor_id = ? AND p.created_on >= ? AND p.created_on <= ?`+notReversed("payment", "p.id")+`), 0),
		(SELECT COUNT(*) FROM reversals r WHERE r.vendor_id = ? AND r.created_on >= ? AND r.created_on <= ?),
		COALESCE((SELECT SUM(r.amount_cents) FROM reversals r WHERE r.vendor_id = ? AND r.entity = 'payment' AND r.created_on >= ? AND r.created_on <= ?), 0),
		COALESCE((SELECT -SUM(r.amount_cents) FROM reversals r WHERE r.vendor_id = ? AND r.entity = 'delivery' AND r.created_on >= ? AND r.created_on <= ?), 0)`,
		vendorID, from, to, vendorID, from, to, vendorID, from, to, vendorID, from, to, vendorID, from, to, vendorID, from, to, vendorID, from, to, vendorID, from, to).
		Scan(&st.Deliveries, &st.Delivered, &st.RevenueCents, &st.Payments, &st.CollectedCents, &st.Reversals, &st.PaymentsReversedCents, &st.ChargesReversedCents)
	if err != nil {
		return st, fmt.Errorf("failed to compute the settlement of vendor %d: %w", vendorID, err)
	}
	return st, nil
}

// vendorSettlementReport: one row per vendor of the scope for the month.
func (s *service) vendorSettlementReport(ctx context.Context, r *domain.Report, p *reportProgress, biz business, zw *zip.Writer) (string, error) {
	first, err := time.Parse("2006-01", r.Params.Month)
	if err != nil {
		return "", domain.Invalid("params.month", "params.month must be YYYY-MM")
	}
	from, to := first.Format(dateLayout), first.AddDate(0, 1, -1).Format(dateLayout)
	q := `SELECT id, name, id, name FROM users WHERE role = 'vendor'`
	var args []any
	if r.VendorID != 0 {
		q += ` AND id = ?`
		args = append(args, r.VendorID)
	}
	vendors, err := s.parties(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return "", err
	}
	if err := p.step(ctx, 0, len(vendors)); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"vendor_id", "vendor", "month", "deliveries", "delivered", "revenue", "payments", "collected", "reversals",
		"payments_reversed", "charges_reversed"})
	var rows [][]string
	var total settlement
	for i, v := range vendors {
		var st settlement
		if err := s.read(ctx, func(tx *store.Tx) (err error) {
			st, err = s.settlementOf(ctx, tx, v.ID, from, to)
			return err
		}); err != nil {
			return "", err
		}
		_ = cw.Write([]string{fmt.Sprint(v.ID), cell(v.Name), r.Params.Month, fmt.Sprint(st.Deliveries), fmt.Sprint(st.Delivered), domain.MajorUnits(st.RevenueCents),
			fmt.Sprint(st.Payments), domain.MajorUnits(st.CollectedCents), fmt.Sprint(st.Reversals), domain.MajorUnits(st.PaymentsReversedCents), domain.MajorUnits(st.ChargesReversedCents)})
		rows = append(rows, settlementRow(biz, v.Name, st))
		total.Deliveries += st.Deliveries
		total.Delivered += st.Delivered
		total.RevenueCents += st.RevenueCents
		total.Payments += st.Payments
		total.CollectedCents += st.CollectedCents
		total.Reversals += st.Reversals
		total.PaymentsReversedCents += st.PaymentsReversedCents
		total.ChargesReversedCents += st.ChargesReversedCents
		if err := p.step(ctx, i+1, len(vendors)); err != nil {
			return "", err
		}
	}
	if err := addCSV(zw, "vendor-settlement.csv", cw, &buf); err != nil {
		return "", err
	}
	rows = append(rows, settlementRow(biz, "Total", total))
	title := "Vendor settlement " + monthTitle(r.Params.Month)
	d := newDoc(biz, title, s.now())
	d.pdf.SetAutoPageBreak(true, 16)
	d.text("B", 16, biz.Name)
	d.text("", 11, fmt.Sprintf("%s (%s to %s, %s)", title, from, to, s.loc()))
	d.pdf.Ln(3)
	d.table([]column{{"Vendor", 40, "L"}, {"Deliveries", 19, "R"}, {"Delivered", 18, "R"}, {"Revenue", 29, "R"}, {"Payments", 17, "R"},
		{"Collected", 29, "R"}, {"Reversals", 16, "R"}, {"Reversed", 18, "R"}}, rows, func(i int) bool { return i == len(rows)-1 })
	d.pdf.Ln(3)
	d.text("", 8, "Revenue: delivered deliveries by day delivered; collected: payments recorded for the vendor; both net of reversals.")
	d.text("", 8, "Reversed: payments reversed plus charges refunded in the month, for the vendor of the original.")
	if err := addPDF(zw, "vendor-settlement.pdf", d); err != nil {
		return "", err
	}
	return "vendor-settlement-" + r.Params.Month, nil
}

func settlementRow(biz business, name string, st settlement) []string {
	return []string{name, fmt.Sprint(st.Deliveries), fmt.Sprint(st.Delivered), biz.money(st.RevenueCents), fmt.Sprint(st.Payments),
		biz.money(st.CollectedCents), fmt.Sprint(st.Reversals), biz.money(st.PaymentsReversedCents + st.ChargesReversedCents)}
}
