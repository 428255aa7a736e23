package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleStatement answers a customer's monthly statement as JSON, or as
// CSV when the client asks for text/csv (Accept header, or ?format=csv for
// a plain link).
func (s *server) handleStatement() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		q := newQuery(r)
		month := q.str("month")
		if month == "" {
			q.fail("month", "month is required, as YYYY-MM")
		}
		format := q.str("format")
		if format != "" && format != "csv" && format != "json" {
			q.fail("format", "format must be csv or json")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		st, err := s.Statements.CustomerStatement(r.Context(), id, month)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if format == "csv" || (format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv")) {
			b := statementCSV(st)
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statement-%d-%s.csv"`, st.CustomerID, st.Month))
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(b)
			return
		}
		s.respond(w, r, http.StatusOK, st)
	})
}

// statementCSV writes the statement as CSV: a heading, the opening
// balance, one row per line and the closing balance. Amounts are in major
// units with two decimals ("45.00"), charges positive, credits negative.
func statementCSV(st *domain.Statement) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"Statement", cell(st.CustomerName), st.Month, st.Timezone, "", "", ""}) // every row has the same columns
	_ = w.Write([]string{"date", "time", "kind", "reference", "description", "amount", "balance"})
	_ = w.Write([]string{st.From, "", "opening", "", "Opening balance", "", domain.MajorUnits(st.OpeningBalanceCents)})
	for _, l := range st.Lines {
		_ = w.Write([]string{l.Date, l.At.Format(time.RFC3339), l.Kind, fmt.Sprint(l.RefID), cell(l.Description),
			domain.MajorUnits(l.AmountCents), domain.MajorUnits(l.BalanceCents)})
	}
	_ = w.Write([]string{st.To, "", "closing", "", "Closing balance", "", domain.MajorUnits(st.ClosingBalanceCents)})
	w.Flush()
	return buf.Bytes()
}

// cell keeps text a spreadsheet would run as a formula (=, +, -, @ first)
// as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
