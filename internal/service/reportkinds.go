package service

// What each kind of report contains. Every report file is a ZIP: the
// statements kind holds one PDF per customer and summary.csv; the others a
// CSV and a PDF of the same table.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// buildReport writes r's ZIP into w, reporting progress through p, and
// returns the file name offered for download.
func (s *service) buildReport(ctx context.Context, r *domain.Report, p *reportProgress, w io.Writer) (string, error) {
	var biz business
	if err := s.read(ctx, func(tx *store.Tx) (err error) {
		biz, err = readBusiness(ctx, tx)
		return err
	}); err != nil {
		return "", err
	}
	zw := zip.NewWriter(w)
	var name string
	var err error
	switch r.Kind {
	case domain.ReportStatements:
		name, err = s.statementsReport(ctx, r, p, biz, zw)
	case domain.ReportDuesAgeing:
		name, err = s.duesAgeingReport(ctx, r, p, biz, zw)
	case domain.ReportVendorSettlement:
		name, err = s.vendorSettlementReport(ctx, r, p, biz, zw)
	default:
		err = fmt.Errorf("unknown report kind %q", r.Kind)
	}
	if err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("failed to write the report archive: %w", err)
	}
	if r.VendorID != 0 {
		name += fmt.Sprintf("-vendor-%d", r.VendorID)
	}
	return name + ".zip", nil
}

// party is a customer or vendor a report goes through.
type party struct {
	ID       int64
	Name     string
	VendorID int64
	Vendor   string
}

// reportCustomers lists the customers of the report's scope, by id.
func (s *service) reportCustomers(ctx context.Context, vendorID int64) ([]party, error) {
	q := `SELECT c.id, c.name, c.vendor_id, COALESCE(u.name, '') FROM customers c LEFT JOIN users u ON u.id = c.vendor_id`
	var args []any
	if vendorID != 0 {
		q += ` WHERE c.vendor_id = ?`
		args = append(args, vendorID)
	}
	return s.parties(ctx, q+` ORDER BY c.id`, args...)
}

func (s *service) parties(ctx context.Context, q string, args ...any) ([]party, error) {
	var out []party
	err := s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("failed to list the report's subjects: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p party
			if err := rows.Scan(&p.ID, &p.Name, &p.VendorID, &p.Vendor); err != nil {
				return fmt.Errorf("failed to scan the report's subjects: %w", err)
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// statementsReport: each customer's CustomerStatement (the same one GET
// /api/customers/{id}/statement answers) as a PDF, and summary.csv.
func (s *service) statementsReport(ctx context.Context, r *domain.Report, p *reportProgress, biz business, zw *zip.Writer) (string, error) {
	month := r.Params.Month
	customers, err := s.reportCustomers(ctx, r.VendorID)
	if err != nil {
		return "", err
	}
	if err := p.step(ctx, 0, len(customers)); err != nil {
		return "", err
	}
	var sum bytes.Buffer
	cw := csv.NewWriter(&sum)
	_ = cw.Write([]string{"customer_id", "customer", "vendor_id", "vendor", "month", "opening_balance", "charges", "credits",
		"closing_balance", "amount_due", "file"})
	for i, c := range customers {
		st, err := s.CustomerStatement(ctx, c.ID, month)
		if err != nil {
			return "", fmt.Errorf("failed to build the statement of customer %d: %w", c.ID, err)
		}
		file := fmt.Sprintf("%s/%06d-%s.pdf", month, c.ID, slug(c.Name))
		fw, err := zw.Create(file)
		if err != nil {
			return "", fmt.Errorf("failed to add %s: %w", file, err)
		}
		if err := statementPDF(biz, st, s.now()).write(fw); err != nil {
			return "", err
		}
		_ = cw.Write([]string{fmt.Sprint(c.ID), cell(c.Name), fmt.Sprint(c.VendorID), cell(c.Vendor), month, domain.MajorUnits(st.OpeningBalanceCents),
			domain.MajorUnits(st.ChargesCents), domain.MajorUnits(st.CreditsCents), domain.MajorUnits(st.ClosingBalanceCents), domain.MajorUnits(max(st.ClosingBalanceCents, 0)), file})
		if err := p.step(ctx, i+1, len(customers)); err != nil {
			return "", err
		}
	}
	if err := addCSV(zw, "summary.csv", cw, &sum); err != nil {
		return "", err
	}
	return "statements-" + month, nil
}

// statementPDF is one customer's statement.
func statementPDF(biz business, st *domain.Statement, at time.Time) *doc {
	title := "Statement " + monthTitle(st.Month)
	d := newDoc(biz, title, at)
	d.text("B", 16, biz.Name)
	d.text("", 11, title+fmt.Sprintf(" (%s to %s, %s)", domain.FormatDay(st.From), domain.FormatDay(st.To), st.Timezone))
	d.pdf.Ln(3)
	d.text("B", 11, st.CustomerName)
	if st.Address != "" {
		d.text("", 10, st.Address)
	}
	if st.Phone != "" {
		d.text("", 10, st.Phone)
	}
	d.text("", 9, fmt.Sprintf("Customer #%d", st.CustomerID))
	d.pdf.Ln(4)
	rows := [][]string{{"", "Opening balance", "", biz.balance(st.OpeningBalanceCents)}}
	for _, l := range st.Lines {
		rows = append(rows, []string{domain.FormatDay(l.Date), l.Description, biz.money(l.AmountCents), biz.balance(l.BalanceCents)})
	}
	rows = append(rows, []string{"", "Closing balance", "", biz.balance(st.ClosingBalanceCents)})
	last := len(rows) - 1
	d.table([]column{{"Date", 24, "L"}, {"Description", 96, "L"}, {"Amount", 33, "R"}, {"Balance", 33, "R"}}, rows,
		func(i int) bool { return i == 0 || i == last })
	d.pdf.Ln(4)
	d.text("", 10, fmt.Sprintf("Charges %s · Payments and credits %s", biz.money(st.ChargesCents), biz.money(st.CreditsCents)))
	d.pdf.Ln(2)
	switch due := st.ClosingBalanceCents; {
	case due > 0:
		d.text("B", 13, "Amount due: "+biz.money(due))
		d.text("", 10, biz.words(due))
	case due < 0:
		d.text("B", 13, "Amount due: "+biz.money(0)+" (in credit "+biz.money(-due)+")")
	default:
		d.text("B", 13, "Amount due: "+biz.money(0))
	}
	return d
}

// balance writes a balance as the dashboard's statement does: owed as the
// amount, credit as "Rs.50.00 credit" (never a negative amount).
func (b business) balance(cents int64) string {
	if cents < 0 {
		return b.money(-cents) + " credit"
	}
	return b.money(cents)
}

// monthTitle writes YYYY-MM as "November 2026".
func monthTitle(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.Format("January 2006")
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a file-name part of a name.
func slug(name string) string {
	s := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "customer"
	}
	return s
}

// cell guards a text cell against spreadsheet formulas (a name beginning
// with =, +, - or @ would run as one when the CSV is opened).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// addCSV adds the CSV written by cw into buf to the archive as name.
func addCSV(zw *zip.Writer, name string, cw *csv.Writer, buf *bytes.Buffer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	fw, err := zw.Create(name)
	if err != nil {
		return fmt.Errorf("failed to add %s: %w", name, err)
	}
	_, err = fw.Write(buf.Bytes())
	return err
}

// addPDF adds a rendered document to the archive as name.
func addPDF(zw *zip.Writer, name string, d *doc) error {
	fw, err := zw.Create(name)
	if err != nil {
		return fmt.Errorf("failed to add %s: %w", name, err)
	}
	return d.write(fw)
}
