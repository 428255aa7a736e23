package service

import (
	"context"
	"fmt"
	"github.com/livedesk/livedesk/internal/store"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
)

// FindCustomers lists customers visible to the actor, in f.Sort's order.
func (s *service) FindCustomers(ctx context.Context, f domain.CustomerFilter) ([]*domain.Customer, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	q, err := s.customerQuery(a, f)
	if err != nil {
		return nil, 0, err
	}
	return listPage(ctx, s, q, f.Page.Normalize(), scanListedCustomer)
}

// lastPaymentColumn is the time of a customer's latest payment that was not
// reversed, 0 when there is none (so that "never paid" sorts as the oldest
// on both databases, which place NULLs differently).
const lastPaymentColumn = `COALESCE((SELECT MAX(p.created_at) FROM payments p WHERE p.customer_id = customers.id` +
	` AND NOT EXISTS (SELECT 1 FROM reversals rv WHERE rv.entity = 'payment' AND rv.entity_id = p.id)), 0) AS last_paid`

// customerQuery builds the customers list query of f for a (the list and
// the CSV export share it).
func (s *service) customerQuery(a *domain.Actor, f domain.CustomerFilter) (pageQuery, error) {
	if f.Status != "" && !f.Status.Valid() {
		return pageQuery{}, domain.Invalid("status", "unknown status %q", f.Status)
	}
	if err := checkSearch(f.Search); err != nil {
		return pageQuery{}, err
	}
	key, desc, ok := domain.CustomerSortKey(f.Sort)
	if !ok {
		return pageQuery{}, domain.Invalid("sort", "sort must be name, balance or lastPayment, with - first for descending")
	}
	where := ` WHERE 1=1`
	var args []any
	if v := vendorScope(a); v != 0 {
		where += ` AND vendor_id = ?`
		args = append(args, v)
	} else if f.VendorID != 0 {
		where += ` AND vendor_id = ?`
		args = append(args, f.VendorID)
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.HasDues != nil {
		if *f.HasDues {
			where += ` AND balance_cents > 0`
		} else {
			where += ` AND balance_cents <= 0`
		}
	}
	if err := checkText("search", f.Search, false); err != nil {
		return pageQuery{}, err
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := s.db.Dialect().ILike
		pat := likePattern(q)
		cond := `name ` + like + ` ? ESCAPE '\' OR phone ` + like + ` ? ESCAPE '\'`
		args = append(args, pat, pat)
		if digits := phoneDigits(q); len(digits) >= 3 && len(digits)*2 >= len(q) {
			// Mostly digits: also match the phone without its separators.
			cond += ` OR phone_digits LIKE ?`
			args = append(args, "%"+digits+"%")
		}
		where += ` AND (` + cond + `)`
	}
	dir := ` ASC`
	if desc {
		dir = ` DESC`
	}
	// The id breaks ties in the same direction, so that a page boundary
	// falling among equal balances never repeats or skips a customer.
	order := map[string]string{
		"name":        `LOWER(name)` + dir + `, name` + dir + `, id` + dir,
		"balance":     `balance_cents` + dir + `, id` + dir,
		"lastPayment": `last_paid` + dir + `, id` + dir,
	}[key]
	return pageQuery{
		what: "customers", args: args, order: order,
		count: `SELECT COUNT(*) FROM customers` + where,
		list:  `SELECT ` + customerColumns + `, ` + lastPaymentColumn + ` FROM customers` + where,
	}, nil
}

// scanListedCustomer reads a customer of the list, with its last payment.
func scanListedCustomer(sc scanner) (*domain.Customer, error) {
	var lastPaid int64
	c, err := scanCustomerAnd(sc, &lastPaid)
	if err == nil && lastPaid > 0 {
		t := fromMicros(lastPaid)
		c.LastPaymentAt = &t
	}
	return c, err
}

// ExportCustomers returns every customer f selects, in its order, with the
// names of their areas and vendors, all read in one transaction so that
// the rows and the count agree.
func (s *service) ExportCustomers(ctx context.Context, f domain.CustomerFilter) (*domain.CustomerExport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	q, err := s.customerQuery(a, f)
	if err != nil {
		return nil, err
	}
	out := &domain.CustomerExport{AreaNames: map[int64]string{}, VendorNames: map[int64]string{}}
	err = s.read(ctx, func(tx *store.Tx) error {
		list, total, err := readPage(ctx, tx, q, domain.Page{Limit: domain.MaxExportCustomers, Offset: 0}, scanListedCustomer)
		if err != nil {
			return err
		}
		if total > domain.MaxExportCustomers {
			return domain.Errorf(domain.CodeTooLarge, "%d customers match, more than the %d one export holds: narrow the filters (vendor, status, dues)",
				total, domain.MaxExportCustomers)
		}
		out.Customers = list
		names := func(query string, into map[int64]string, args ...any) error {
			rows, err := tx.Query(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("failed to read names for the export: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var name string
				if err := rows.Scan(&id, &name); err != nil {
					return fmt.Errorf("failed to scan a name for the export: %w", err)
				}
				into[id] = name
			}
			return rows.Err()
		}
		if v := vendorScope(a); v != 0 {
			if err := names(`SELECT id, name FROM areas WHERE vendor_id = ?`, out.AreaNames, v); err != nil {
				return err
			}
			return names(`SELECT id, name FROM users WHERE id = ?`, out.VendorNames, v)
		}
		if err := names(`SELECT id, name FROM areas`, out.AreaNames); err != nil {
			return err
		}
		return names(`SELECT id, name FROM users WHERE role = 'vendor'`, out.VendorNames)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
