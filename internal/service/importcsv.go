package service

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/livedesk/livedesk/internal/domain"
)

// importColumns are the columns a customers CSV may have, by their
// normalised header (lower case, without spaces, '_' and '-'), and the name
// the answers use for each.
var importColumns = map[string]string{
	"name": "name", "phone": "phone", "email": "email", "address": "address", "area": "area", "vendor": "vendor",
	"openingbalance": "opening balance", "product": "product", "quantity": "quantity", "frequency": "frequency",
	"shift": "shift", "note": "note",
}

// importColumnList is the documented order, for messages.
const importColumnList = "name, phone, address, area, vendor, opening balance, product, quantity, frequency, shift (and email, note)"

// rawImportRow is one data row of the file: its line and its cells by
// column name.
type rawImportRow struct {
	line  int
	cells map[string]string
}

// importInvalid is the CodeImportInvalid error of a file-level problem.
func importInvalid(column, format string, args ...any) error {
	return &domain.Error{Code: domain.CodeImportInvalid, Message: fmt.Sprintf(format, args...), Field: column}
}

// parseImportCSV reads a customers CSV: a header row naming the columns
// (any order, case and spacing), then one customer per row. Empty rows are
// skipped. A file that is not such a CSV, or holds more than MaxImportRows
// customers, is refused naming the row (and column); problems of a row's
// values are left to the row checks.
func parseImportCSV(b []byte) ([]rawImportRow, error) {
	if len(b) > domain.MaxImportBytes {
		return nil, domain.Errorf(domain.CodeTooLarge, "the file is larger than %d bytes: split it", domain.MaxImportBytes)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // the BOM spreadsheets write
	if !utf8.Valid(b) {
		return nil, importInvalid("file", "the file is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, importInvalid("file", "the file is empty: it needs a header row (%s) and one row per customer", importColumnList)
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		key := strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(h)))
		name, ok := importColumns[key]
		switch {
		case key == "":
			// An unnamed column (a spreadsheet's trailing comma) must stay empty.
		case !ok:
			return nil, importInvalid(h, "row 1: unknown column %q; the columns are %s", h, importColumnList)
		case seen[name]:
			return nil, importInvalid(name, "row 1: the column %q appears twice", name)
		}
		seen[name] = true
		cols[i] = name
	}
	for _, need := range []string{"name", "phone"} {
		if !seen[need] {
			return nil, importInvalid(need, "row 1: the header has no %q column (phone matches rows on a re-run)", need)
		}
	}
	var rows []rawImportRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		row := rawImportRow{line: line, cells: map[string]string{}}
		blank := true
		for i, v := range rec {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			blank = false
			if i >= len(cols) || cols[i] == "" {
				return nil, importInvalid("file", "row %d: a value in column %d, which has no header", line, i+1)
			}
			row.cells[cols[i]] = v
		}
		if blank {
			continue
		}
		if len(rows) == domain.MaxImportRows {
			return nil, &domain.Error{Code: domain.CodeTooLarge, Field: "file",
				Message: fmt.Sprintf("row %d: an import holds at most %d customers: split the file", line, domain.MaxImportRows)}
		}
		rows = append(rows, row)
	}
}

// csvError names the row of a CSV syntax error.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return importInvalid("file", "row %d, column %d: %v", pe.StartLine, pe.Column, pe.Err)
	}
	return importInvalid("file", "the file is not a CSV: %v", err)
}

// parseMoney reads an amount in major units ("1,250.50", "₹450", "-120")
// as cents; "" is 0.
func parseMoney(s string) (int64, error) {
	t := strings.TrimSpace(s)
	for _, p := range []string{"₹", "Rs.", "Rs", "INR"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, p))
	}
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = strings.TrimSpace(t[1:])
	}
	t = strings.ReplaceAll(t, ",", "")
	if t == "" {
		if s == "" {
			return 0, nil
		}
		return 0, fmt.Errorf("not an amount")
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("not an amount")
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("not an amount")
			}
		}
	}
	if len(whole) > 12 {
		return 0, fmt.Errorf("too large")
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	cents := w*100 + f
	if cents > domain.MaxAmountCents {
		return 0, fmt.Errorf("too large")
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}
