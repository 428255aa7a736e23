package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const customerColumns = `id, name, phone, email, address, status, vendor_id, balance_cents, created_at, updated_at, area_id, position, note, credit_limit_cents`

func scanCustomer(sc scanner) (*domain.Customer, error) { return scanCustomerAnd(sc) }

// scanCustomerAnd reads customerColumns and then the extra columns into extra.
func scanCustomerAnd(sc scanner, extra ...any) (*domain.Customer, error) {
	var c domain.Customer
	var created, updated int64
	var area, limit sql.NullInt64
	if err := sc.Scan(append([]any{&c.ID, &c.Name, &c.Phone, &c.Email, &c.Address, &c.Status, &c.VendorID, &c.BalanceCents, &created, &updated,
		&area, &c.Position, &c.Note, &limit}, extra...)...); err != nil {
		return nil, err
	}
	if limit.Valid {
		c.CreditLimitCents = &limit.Int64
	}
	c.AreaID = area.Int64
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

// findInputCustomer is findCustomer for a customerId given in a request:
// a customer the actor cannot see is NOT_FOUND on the field customerId.
func findInputCustomer(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64) (*domain.Customer, error) {
	c, err := findCustomer(ctx, tx, a, id, false)
	if de, ok := err.(*domain.Error); ok && de.Code == domain.CodeNotFound {
		de.Field = "customerId"
	}
	return c, err
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
	// Before normalising: ToLower would turn invalid UTF-8 into U+FFFD.
	for _, t := range []struct{ field, v string }{{"name", f.name}, {"phone", f.phone}, {"email", f.email}, {"address", f.address}} {
		if err := checkText(t.field, t.v, false); err != nil {
			return err
		}
	}
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

// checkPhoneFree refuses a phone that another customer (not except) of the
// vendor already has, compared by digits so that "+91 98450 12345" and
// "9845012345" meet. An empty phone is never a duplicate.
func checkPhoneFree(ctx context.Context, tx *store.Tx, vendorID int64, phone string, except int64) error {
	digits := phoneDigits(phone)
	if digits == "" {
		return nil
	}
	var id int64
	var name string
	err := tx.QueryRow(ctx, `SELECT id, name FROM customers WHERE vendor_id = ? AND phone_digits = ? AND id <> ? ORDER BY id LIMIT 1`,
		vendorID, digits, except).Scan(&id, &name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("failed to look for the phone: %w", err)
	}
	return &domain.Error{Code: domain.CodeConflict, Field: "phone",
		Message: fmt.Sprintf("%s (customer #%d) already has this phone", name, id)}
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
	note, err := validateRoundFields(in.Position, in.Note)
	if err != nil {
		return nil, err
	}
	if err := checkCreditLimit(a, in.CreditLimitCents, false); err != nil {
		return nil, err
	}
	c := &domain.Customer{Name: f.name, Phone: f.phone, Email: f.email, Address: f.address, Status: status, VendorID: vendorID,
		AreaID: in.AreaID, Position: in.Position, Note: note, CreditLimitCents: in.CreditLimitCents}
	err = s.writeOnce(ctx, "customer.create", in, &c, func(tx *store.Tx) error {
		now := s.stamp(tx)
		c.CreatedAt, c.UpdatedAt = now, now
		if _, err := checkVendor(ctx, tx, vendorID); err != nil {
			return err
		}
		if err := checkArea(ctx, tx, c.AreaID, c.VendorID); err != nil {
			return err
		}
		if in.UniquePhone {
			if err := checkPhoneFree(ctx, tx, c.VendorID, c.Phone, 0); err != nil {
				return err
			}
		}
		if err := s.insertCustomer(ctx, tx, c, now); err != nil {
			return err
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

// insertCustomer stores a new customer (validated by the caller), with a
// zero balance, and sets its id.
func (s *service) insertCustomer(ctx context.Context, tx *store.Tx, c *domain.Customer, now time.Time) error {
	if err := tx.QueryRow(ctx, `INSERT INTO customers (name, phone, phone_digits, email, address, status, vendor_id, balance_cents, created_on, created_at, updated_at, area_id, position, note, credit_limit_cents)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Name, c.Phone, phoneDigits(c.Phone), c.Email, c.Address, c.Status, c.VendorID, s.day(now), micros(now), micros(now),
		nullID(c.AreaID), c.Position, c.Note, c.CreditLimitCents).Scan(&c.ID); err != nil {
		return fmt.Errorf("failed to insert customer: %w", err)
	}
	return nil
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
	if in.Position != nil {
		if _, err := validateRoundFields(*in.Position, ""); err != nil {
			return nil, err
		}
	}
	if in.Note != nil {
		note, err := validateRoundFields(0, *in.Note)
		if err != nil {
			return nil, err
		}
		in.Note = &note
	}
	var c *domain.Customer
	err = s.writeOnce(ctx, "customer.update", struct {
		ID int64 `json:"id"`
		domain.CustomerUpdate
	}{id, in}, &c, func(tx *store.Tx) error {
		now := s.stamp(tx)
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
		oldPhone := c.Phone
		c.Name, c.Phone, c.Email, c.Address = f.name, f.phone, f.email, f.address
		oldVendor, oldName := c.VendorID, c.Name
		if in.VendorID != nil && *in.VendorID != c.VendorID {
			if !a.IsAdmin() {
				return domain.Errorf(domain.CodeForbidden, "only admins can move a customer to another vendor")
			}
			if _, err := checkVendor(ctx, tx, *in.VendorID); err != nil {
				return err
			}
			c.VendorID = *in.VendorID
			changes = append(changes, "vendor")
			// The old vendor's standing orders name its products: they end
			// with the move, and the new vendor sets up its own.
			if err := endSubscriptions(ctx, tx, a, c, now); err != nil {
				return err
			}
			if in.AreaID == nil && c.AreaID != 0 {
				// Areas are the vendor's: the new vendor places the customer.
				c.AreaID = 0
				changes = append(changes, "area")
			}
		}
		if in.AreaID != nil && *in.AreaID != c.AreaID {
			if err := checkArea(ctx, tx, *in.AreaID, c.VendorID); err != nil {
				return err
			}
			c.AreaID = *in.AreaID
			changes = append(changes, "area")
		}
		if in.Position != nil && *in.Position != c.Position {
			c.Position = *in.Position
			changes = append(changes, "position")
		}
		if in.Note != nil && *in.Note != c.Note {
			c.Note = *in.Note
			changes = append(changes, "note")
		}
		if in.CreditLimitCents != nil {
			if err := checkCreditLimit(a, in.CreditLimitCents, true); err != nil {
				return err
			}
			var limit *int64
			if *in.CreditLimitCents >= 0 {
				limit = in.CreditLimitCents
			}
			if (limit == nil) != (c.CreditLimitCents == nil) || (limit != nil && *limit != *c.CreditLimitCents) {
				c.CreditLimitCents = limit
				changes = append(changes, "creditLimit")
			}
		}
		if in.UniquePhone && (c.Phone != oldPhone || c.VendorID != oldVendor) {
			if err := checkPhoneFree(ctx, tx, c.VendorID, c.Phone, c.ID); err != nil {
				return err
			}
		}
		statusChanged := in.Status != nil && *in.Status != c.Status
		if statusChanged {
			c.Status = *in.Status
		}
		if len(changes) == 0 && !statusChanged {
			return nil // nothing changed: no write, no event
		}
		c.UpdatedAt = now
		if _, err := tx.Exec(ctx, `UPDATE customers SET name = ?, phone = ?, phone_digits = ?, email = ?, address = ?, status = ?, vendor_id = ?, updated_at = ?,
			area_id = ?, position = ?, note = ?, credit_limit_cents = ? WHERE id = ?`,
			c.Name, c.Phone, phoneDigits(c.Phone), c.Email, c.Address, c.Status, c.VendorID, micros(now),
			nullID(c.AreaID), c.Position, c.Note, c.CreditLimitCents, c.ID); err != nil {
			return fmt.Errorf("failed to update customer: %w", err)
		}
		if c.VendorID != oldVendor {
			if err := moveCustomer(ctx, tx, a, now, c, oldVendor, oldName); err != nil {
				return err
			}
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
		// An original reads as reversed through its reversal (r); a
		// reversal entry names its original (o). Neither row is changed.
		rows, err := tx.Query(ctx, `SELECT e.id, e.customer_id, e.kind, e.ref_id, e.amount_cents, e.balance_cents, e.created_at,
				r.created_at, r.reason, o.entity, o.entity_id, o.reason
			FROM ledger_entries e
			LEFT JOIN reversals r ON e.kind <> 'reversal' AND r.entity = e.kind AND r.entity_id = e.ref_id
			LEFT JOIN reversals o ON e.kind = 'reversal' AND o.id = e.ref_id
			WHERE e.customer_id = ? ORDER BY e.id DESC LIMIT ? OFFSET ?`, id, p.Limit, p.Offset)
		if err != nil {
			return fmt.Errorf("failed to read ledger: %w", err)
		}
		defer rows.Close()
		list = []*domain.LedgerEntry{}
		for rows.Next() {
			var e domain.LedgerEntry
			var created int64
			var reversedAt, origID sql.NullInt64
			var reason, origKind, origReason sql.NullString
			if err := rows.Scan(&e.ID, &e.CustomerID, &e.Kind, &e.RefID, &e.AmountCents, &e.BalanceCents, &created,
				&reversedAt, &reason, &origKind, &origID, &origReason); err != nil {
				return fmt.Errorf("failed to scan ledger entry: %w", err)
			}
			e.CreatedAt = fromMicros(created)
			if reversedAt.Valid {
				t := fromMicros(reversedAt.Int64)
				e.ReversedAt, e.ReversalReason = &t, reason.String
			}
			if origID.Valid {
				e.Reverses = &domain.LedgerRef{Kind: origKind.String, RefID: origID.Int64}
				e.ReversalReason = origReason.String
			}
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

// checkCreditLimit validates a credit limit input: admins only, between 0
// and MaxAmountCents (-1 too when clearing is allowed, on update).
func checkCreditLimit(a *domain.Actor, limit *int64, clear bool) error {
	if limit == nil {
		return nil
	}
	if !a.IsAdmin() {
		return domain.Errorf(domain.CodeForbidden, "only admins can set a customer's credit limit")
	}
	if *limit == -1 && clear {
		return nil
	}
	if *limit < 0 || *limit > domain.MaxAmountCents {
		return domain.Invalid("creditLimitCents", "creditLimitCents must be between 0 and %d (or -1 on update, for the business default)", int64(domain.MaxAmountCents))
	}
	return nil
}
