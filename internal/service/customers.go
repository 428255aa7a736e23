package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const customerColumns = `id, name, phone, email, address, status, vendor_id, balance_cents, created_at, updated_at`

func scanCustomer(sc scanner) (*domain.Customer, error) {
	var c domain.Customer
	var created, updated int64
	if err := sc.Scan(&c.ID, &c.Name, &c.Phone, &c.Email, &c.Address, &c.Status, &c.VendorID, &c.BalanceCents, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// findCustomer reads a customer visible to a (another vendor's customer is
// "not found", so that ids do not leak). lock takes a row lock on
// PostgreSQL for a read-modify-write.
func findCustomer(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64, lock bool) (*domain.Customer, error) {
	q := `SELECT ` + customerColumns + ` FROM customers WHERE id = ?`
	if lock {
		q += tx.Dialect().ForUpdate
	}
	c, err := scanCustomer(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("customer")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read customer %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && c.VendorID != v {
		return nil, notFound("customer")
	}
	return c, nil
}

// FindCustomerByID returns a customer visible to the actor.
func (s *service) FindCustomerByID(ctx context.Context, id int64) (*domain.Customer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *domain.Customer
	err = s.read(ctx, func(tx *store.Tx) error {
		c, err = findCustomer(ctx, tx, a, id, false)
		return err
	})
	return c, err
}

// FindCustomers lists customers visible to the actor, ordered by name.
func (s *service) FindCustomers(ctx context.Context, f domain.CustomerFilter) ([]*domain.Customer, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, domain.Invalid("status", "unknown status %q", f.Status)
	}
	p := f.Page.Normalize()
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
	return listPage(ctx, s, pageQuery{
		what: "customers", args: args, order: "name, id",
		count: `SELECT COUNT(*) FROM customers` + where,
		list:  `SELECT ` + customerColumns + ` FROM customers` + where,
	}, p, scanCustomer)
}

// phoneDigits keeps only the digits of a phone number.
func phoneDigits(phone string) string {
	b := make([]byte, 0, len(phone))
	for i := 0; i < len(phone); i++ {
		if c := phone[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}

type customerFields struct {
	name, phone, email, address string
}

func validateCustomerFields(f *customerFields) error {
	f.name = strings.TrimSpace(f.name)
	f.phone = strings.TrimSpace(f.phone)
	f.email = strings.ToLower(strings.TrimSpace(f.email))
	f.address = strings.TrimSpace(f.address)
	if f.name == "" {
		return domain.Invalid("name", "name is required")
	}
	if len(f.name) > 200 {
		return domain.Invalid("name", "name must be at most 200 characters")
	}
	if f.phone != "" {
		digits := 0
		for _, r := range f.phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
			default:
				return domain.Invalid("phone", "phone may contain only digits, spaces and + - ( ) .")
			}
		}
		if digits < 6 || len(f.phone) > 32 {
			return domain.Invalid("phone", "phone must have 6 to 20 digits")
		}
	}
	if f.email != "" {
		if addr, err := mail.ParseAddress(f.email); err != nil || addr.Address != f.email || len(f.email) > 254 {
			return domain.Invalid("email", "email is not a valid address")
		}
	}
	if len(f.address) > 500 {
		return domain.Invalid("address", "address must be at most 500 characters")
	}
	return nil
}

// checkVendor verifies that id is a vendor user (suspended vendors keep
// their customers, so any status is accepted).
func checkVendor(ctx context.Context, tx *store.Tx, id int64) (*domain.User, error) {
	if id <= 0 {
		return nil, domain.Invalid("vendorId", "vendorId is required")
	}
	u, err := findUser(ctx, tx, id)
	if domain.ErrorCode(err) == domain.CodeNotFound || (err == nil && u.Role != domain.RoleVendor) {
		return nil, domain.Invalid("vendorId", "vendorId must be a vendor")
	}
	return u, err
}

// CreateCustomer adds a customer. A vendor always creates its own.
func (s *service) CreateCustomer(ctx context.Context, in domain.CustomerCreate) (*domain.Customer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	f := customerFields{in.Name, in.Phone, in.Email, in.Address}
	if err := validateCustomerFields(&f); err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = domain.CustomerActive
	}
	if !status.Valid() {
		return nil, domain.Invalid("status", "status must be active, paused or inactive")
	}
	vendorID := in.VendorID
	if v := vendorScope(a); v != 0 {
		vendorID = v
	}
	now := s.now()
	c := &domain.Customer{Name: f.name, Phone: f.phone, Email: f.email, Address: f.address, Status: status, VendorID: vendorID, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, func(tx *store.Tx) error {
		if _, err := checkVendor(ctx, tx, vendorID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO customers (name, phone, phone_digits, email, address, status, vendor_id, balance_cents, created_on, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
			c.Name, c.Phone, phoneDigits(c.Phone), c.Email, c.Address, c.Status, c.VendorID, s.day(now), micros(now), micros(now)).Scan(&c.ID); err != nil {
			return fmt.Errorf("failed to insert customer: %w", err)
		}
		summary := fmt.Sprintf("Customer %s added by %s", c.Name, a.Name)
		return appendEvent(ctx, tx, a, now, domain.ActionCustomerCreated, domain.EntityCustomer, c.ID, c.VendorID, summary,
			map[string]any{"customer": c, "change": "created"})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCustomer changes a customer visible to the actor. Only admins may
// move a customer to another vendor.
func (s *service) UpdateCustomer(ctx context.Context, id int64, in domain.CustomerUpdate) (*domain.Customer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.Status != nil && !in.Status.Valid() {
		return nil, domain.Invalid("status", "status must be active, paused or inactive")
	}
	now := s.now()
	var c *domain.Customer
	err = s.write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = findCustomer(ctx, tx, a, id, true); err != nil {
			return err
		}
		f := customerFields{c.Name, c.Phone, c.Email, c.Address}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&f.name, in.Name)
		set(&f.phone, in.Phone)
		set(&f.email, in.Email)
		set(&f.address, in.Address)
		if err := validateCustomerFields(&f); err != nil {
			return err
		}
		var changes []string
		if f.name != c.Name {
			changes = append(changes, "name")
		}
		if f.phone != c.Phone {
			changes = append(changes, "phone")
		}
		if f.email != c.Email {
			changes = append(changes, "email")
		}
		if f.address != c.Address {
			changes = append(changes, "address")
		}
		c.Name, c.Phone, c.Email, c.Address = f.name, f.phone, f.email, f.address
		if in.VendorID != nil && *in.VendorID != c.VendorID {
			if !a.IsAdmin() {
				return domain.Errorf(domain.CodeForbidden, "only admins can move a customer to another vendor")
			}
			if _, err := checkVendor(ctx, tx, *in.VendorID); err != nil {
				return err
			}
			c.VendorID = *in.VendorID
			changes = append(changes, "vendor")
		}
		statusChanged := in.Status != nil && *in.Status != c.Status
		if statusChanged {
			c.Status = *in.Status
		}
		if len(changes) == 0 && !statusChanged {
			return nil // nothing changed: no write, no event
		}
		c.UpdatedAt = now
		if _, err := tx.Exec(ctx, `UPDATE customers SET name = ?, phone = ?, phone_digits = ?, email = ?, address = ?, status = ?, vendor_id = ?, updated_at = ? WHERE id = ?`,
			c.Name, c.Phone, phoneDigits(c.Phone), c.Email, c.Address, c.Status, c.VendorID, micros(now), c.ID); err != nil {
			return fmt.Errorf("failed to update customer: %w", err)
		}
		action, change := domain.ActionCustomerUpdated, "updated"
		summary := fmt.Sprintf("Customer %s updated by %s (%s)", c.Name, a.Name, strings.Join(changes, ", "))
		if statusChanged {
			action, change = domain.ActionCustomerStatus, "status"
			summary = fmt.Sprintf("Customer %s marked %s by %s", c.Name, c.Status, a.Name)
			if len(changes) > 0 {
				summary += " (also " + strings.Join(changes, ", ") + ")"
			}
		}
		return appendEvent(ctx, tx, a, now, action, domain.EntityCustomer, c.ID, c.VendorID, summary,
			map[string]any{"customer": c, "change": change})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CustomerLedger returns a customer's balance movements, newest first.
func (s *service) CustomerLedger(ctx context.Context, id int64, pg domain.Page) ([]*domain.LedgerEntry, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	p := pg.Normalize()
	var list []*domain.LedgerEntry
	var total int
	err = s.read(ctx, func(tx *store.Tx) error {
		if _, err := findCustomer(ctx, tx, a, id, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ?`, id).Scan(&total); err != nil {
			return fmt.Errorf("failed to count ledger: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT id, customer_id, kind, ref_id, amount_cents, balance_cents, created_at
			FROM ledger_entries WHERE customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, id, p.Limit, p.Offset)
		if err != nil {
			return fmt.Errorf("failed to read ledger: %w", err)
		}
		defer rows.Close()
		list = []*domain.LedgerEntry{}
		for rows.Next() {
			var e domain.LedgerEntry
			var created int64
			if err := rows.Scan(&e.ID, &e.CustomerID, &e.Kind, &e.RefID, &e.AmountCents, &e.BalanceCents, &created); err != nil {
				return fmt.Errorf("failed to scan ledger entry: %w", err)
			}
			e.CreatedAt = fromMicros(created)
			list = append(list, &e)
		}
		return rows.Err()
	})
	return list, total, err
}

// addLedger moves a customer's balance by amount and records the entry, in
// the caller's transaction. The UPDATE ... RETURNING is atomic on both
// databases, so concurrent movements never lose an update and the entry's
// running balance is exact.
func addLedger(ctx context.Context, tx *store.Tx, customerID int64, kind string, refID, amount int64, at int64) (int64, error) {
	var balance int64
	if err := tx.QueryRow(ctx, `UPDATE customers SET balance_cents = balance_cents + ? WHERE id = ? RETURNING balance_cents`,
		amount, customerID).Scan(&balance); err != nil {
		return 0, fmt.Errorf("failed to update balance: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_entries (customer_id, kind, ref_id, amount_cents, balance_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		customerID, kind, refID, amount, balance, at); err != nil {
		return 0, fmt.Errorf("failed to insert ledger entry: %w", err)
	}
	return balance, nil
}
