package httpapi

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// handleListCustomers answers a page of customers as JSON, or every
// matching customer as CSV when the client asks for text/csv (Accept, or
// ?format=csv for a plain link), as the statement does.
func (s *server) handleListCustomers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		f := domain.CustomerFilter{
			Status:   domain.CustomerStatus(q.str("status")),
			VendorID: q.int64("vendorId"),
			Search:   q.str("search"),
			Sort:     q.str("sort"),
			Page:     q.page(),
		}
		if f.Status != "" && !f.Status.Valid() {
			q.fail("status", "status must be active, paused or inactive")
		}
		if _, _, ok := domain.CustomerSortKey(f.Sort); !ok {
			q.fail("sort", "sort must be name, balance or lastPayment, with - first for descending (e.g. -balance)")
		}
		switch q.str("hasDues") {
		case "":
		case "true":
			f.HasDues = ptrTo(true)
		case "false":
			f.HasDues = ptrTo(false)
		default:
			q.fail("hasDues", "hasDues must be true or false")
		}
		format := q.str("format")
		if format != "" && format != "csv" && format != "json" {
			q.fail("format", "format must be csv or json")
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		if format == "csv" || (format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv")) {
			exp, err := s.Customers.ExportCustomers(r.Context(), f)
			if err != nil {
				s.error(w, r, err)
				return
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="customers.csv"`)
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(customersCSV(exp))
			return
		}
		items, total, err := s.Customers.FindCustomers(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, f.Page))
	})
}

func ptrTo[T any](v T) *T { return &v }

// customersCSV writes an export: a header row and one row per customer.
// Money is given twice, as integer cents (for programs) and in major units
// with two decimals (for people); text a spreadsheet would run as a formula
// is kept as text (see cell).
func customersCSV(exp *domain.CustomerExport) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"id", "name", "phone", "email", "address", "area", "status", "vendor_id", "vendor",
		"balance_cents", "balance", "last_payment_at", "created_at"})
	for _, c := range exp.Customers {
		last := ""
		if c.LastPaymentAt != nil {
			last = c.LastPaymentAt.UTC().Format(time.RFC3339)
		}
		_ = w.Write([]string{strconv.FormatInt(c.ID, 10), cell(c.Name), cell(c.Phone), cell(c.Email), cell(c.Address),
			cell(exp.AreaNames[c.AreaID]), string(c.Status), strconv.FormatInt(c.VendorID, 10), cell(exp.VendorNames[c.VendorID]),
			strconv.FormatInt(c.BalanceCents, 10), domain.MajorUnits(c.BalanceCents), last, c.CreatedAt.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	return buf.Bytes()
}

func (s *server) handleCreateCustomer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in domain.CustomerCreate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		c, err := s.Customers.CreateCustomer(r.Context(), in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusCreated, c)
	})
}

func (s *server) handleGetCustomer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		c, err := s.Customers.FindCustomerByID(r.Context(), id)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, c)
	})
}

func (s *server) handleUpdateCustomer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var in domain.CustomerUpdate
		if err := s.decode(w, r, &in); err != nil {
			s.error(w, r, err)
			return
		}
		c, err := s.Customers.UpdateCustomer(r.Context(), id, in)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, c)
	})
}

func (s *server) handleCustomerLedger() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		q := newQuery(r)
		p := q.page()
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		items, total, err := s.Customers.CustomerLedger(r.Context(), id, p)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, newList(items, total, p))
	})
}
