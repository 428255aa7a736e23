package service

// Rendering of report files: money in the business's currency format,
// PDF documents (github.com/go-pdf/fpdf, core fonts) and CSV.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// Settings keys of the business's identity on documents (Settings
// businessName and currency; the defaults are the dashboard's,
// web/src/lib/config.ts).
const (
	settingBusinessName     = "business.name"
	settingBusinessCurrency = "business.currency"
)

// business is who a document is from and how it writes money.
type business struct {
	Name     string
	Currency string // ISO 4217
}

func readBusiness(ctx context.Context, tx *store.Tx) (business, error) {
	name, err := readTextSetting(ctx, tx, settingBusinessName, domain.DefaultBusinessName)
	if err != nil {
		return business{}, err
	}
	currency, err := readCurrency(ctx, tx)
	return business{Name: name, Currency: currency}, err
}

// readCurrency reads the business's currency (Settings currency).
func readCurrency(ctx context.Context, tx *store.Tx) (string, error) {
	return readTextSetting(ctx, tx, settingBusinessCurrency, domain.DefaultCurrency)
}

// readTextSetting reads a setting of text, def when it is not set.
func readTextSetting(ctx context.Context, tx *store.Tx, key, def string) (string, error) {
	var v string
	err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return def, fmt.Errorf("failed to read setting %s: %w", key, err)
	case strings.TrimSpace(v) != "":
		return strings.TrimSpace(v), nil
	}
	return def, nil
}

// money formats cents in the business's currency as a document prints it:
// domain.FormatMoney (the dashboard's format), but for a symbol the PDF
// core fonts cannot show (their code page, Windows-1252, has no ₹):
// rupees are "Rs. 1,23,456.50", as printed Indian statements write them,
// other such currencies their code ("ILS 9,000.00").
func (b business) money(cents int64) string {
	symbol := domain.CurrencySymbol(b.Currency)
	if strings.ContainsFunc(symbol, func(r rune) bool { return r >= 0x80 && !strings.ContainsRune("€£¥", r) }) {
		symbol = b.Currency
		if b.Currency == "INR" {
			symbol = "Rs."
		}
	}
	// A plain space, as the documents always wrote it (text search finds "Rs. 100.00").
	return strings.Replace(domain.FormatMoneyWith(cents, b.Currency, symbol), "\u00a0", " ", 1)
}

var (
	ones = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	tens = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
)

func below100(n int64) string {
	if n < 20 {
		return ones[n]
	}
	if n%10 == 0 {
		return tens[n/10]
	}
	return tens[n/10] + "-" + ones[n%10]
}

func below1000(n int64) string {
	h, r := n/100, n%100
	switch {
	case h == 0:
		return below100(r)
	case r == 0:
		return ones[h] + " hundred"
	}
	return ones[h] + " hundred " + below100(r)
}

// indianWords spells n with crore, lakh and thousand, as the dashboard's
// amountInWords does (web/src/lib/format.ts).
func indianWords(n int64) string {
	if n == 0 {
		return "zero"
	}
	var parts []string
	if c := n / 10_000_000; c > 0 {
		parts = append(parts, indianWords(c)+" crore")
	}
	n %= 10_000_000
	if l := n / 100_000; l > 0 {
		parts = append(parts, below100(l)+" lakh")
	}
	n %= 100_000
	if t := n / 1000; t > 0 {
		parts = append(parts, below100(t)+" thousand")
	}
	if n %= 1000; n > 0 {
		parts = append(parts, below1000(n))
	}
	return strings.Join(parts, " ")
}

func westernWords(n int64) string {
	if n == 0 {
		return "zero"
	}
	var parts []string
	for _, sc := range []struct {
		size int64
		name string
	}{{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}, {1e3, "thousand"}} {
		if q := n / sc.size; q > 0 {
			parts = append(parts, westernWords(q)+" "+sc.name)
		}
		n %= sc.size
	}
	if n > 0 {
		parts = append(parts, below1000(n))
	}
	return strings.Join(parts, " ")
}

// words spells an amount, e.g. "One lakh fifty thousand rupees".
func (b business) words(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units := map[string][4]string{"INR": {"rupee", "rupees", "paisa", "paise"}, "USD": {"dollar", "dollars", "cent", "cents"},
		"EUR": {"euro", "euros", "cent", "cents"}, "GBP": {"pound", "pounds", "penny", "pence"}}[b.Currency]
	if units[0] == "" {
		units = [4]string{b.Currency, b.Currency, "hundredth", "hundredths"}
	}
	major, minor := cents/100, cents%100
	spell := westernWords
	if b.Currency == "INR" {
		spell = indianWords
	}
	s := spell(major) + " " + units[1]
	if major == 1 {
		s = spell(major) + " " + units[0]
	}
	if minor > 0 {
		u := units[3]
		if minor == 1 {
			u = units[2]
		}
		s += " and " + below100(minor) + " " + u
	}
	if neg {
		s = "minus " + s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// doc is a PDF document being written: A4, the core Helvetica font with
// text translated to its code page.
type doc struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

func newDoc(b business, title string, at time.Time) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetAuthor(b.Name, true)
	pdf.SetCreator("Livedesk", false)
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetMargins(12, 12, 12)
	pdf.SetAutoPageBreak(true, 16)
	pdf.AliasNbPages("{nb}")
	d := &doc{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, d.tr(fmt.Sprintf("%s · %s · page %d of {nb}", b.Name, title, pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	return d
}

// text writes one line in style ("", "B") and size.
func (d *doc) text(style string, size float64, s string) {
	d.pdf.SetFont("Helvetica", style, size)
	d.pdf.CellFormat(0, size*0.5, d.tr(s), "", 1, "L", false, 0, "")
}

// column of a table: width in mm and alignment ("L" or "R").
type column struct {
	Title string
	Width float64
	Align string
}

// table writes a header and rows; a row that does not fit starts a new
// page with the header again. Cells too wide are cut with an ellipsis.
func (d *doc) table(cols []column, rows [][]string, bold func(i int) bool) {
	pdf := d.pdf
	header := func() {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.SetFillColor(235, 238, 242)
		for _, c := range cols {
			pdf.CellFormat(c.Width, 7, d.tr(c.Title), "B", 0, c.Align, true, 0, "")
		}
		pdf.Ln(-1)
	}
	header()
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	for i, row := range rows {
		if pdf.GetY()+6 > pageH-bottom {
			pdf.AddPage()
			header()
		}
		style := ""
		if bold != nil && bold(i) {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 9)
		for j, c := range cols {
			pdf.CellFormat(c.Width, 6, d.fit(row[j], c.Width-2), "", 0, c.Align, false, 0, "")
		}
		pdf.Ln(-1)
	}
}

// fit cuts s (translated) to width mm in the current font.
func (d *doc) fit(s string, width float64) string {
	t := d.tr(s)
	if d.pdf.GetStringWidth(t) <= width {
		return t
	}
	r := []rune(s)
	for len(r) > 0 && d.pdf.GetStringWidth(d.tr(string(r)+"...")) > width {
		r = r[:len(r)-1]
	}
	return d.tr(string(r) + "...")
}

// write renders the document into w.
func (d *doc) write(w io.Writer) error {
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("failed to render PDF: %w", err)
	}
	return nil
}
