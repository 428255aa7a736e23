package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const productColumns = `id, vendor_id, name, unit, price_cents, active, created_at, updated_at`

// maxPriceCents bounds a unit price (one billion in major units).
const maxPriceCents = 100_000_000_000

func scanProduct(sc scanner) (*domain.Product, error) {
	var p domain.Product
	var active int
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.VendorID, &p.Name, &p.Unit, &p.PriceCents, &active, &created, &updated); err != nil {
		return nil, err
	}
	p.Active = active != 0
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func findProduct(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64) (*domain.Product, error) {
	p, err := scanProduct(tx.QueryRow(ctx, `SELECT `+productColumns+` FROM products WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("product")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read product %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && p.VendorID != v {
		return nil, notFound("product")
	}
	return p, nil
}

func validateProductFields(name, unit string, price int64) (string, string, error) {
	name, unit = strings.TrimSpace(name), strings.ToLower(strings.TrimSpace(unit))
	if name == "" {
		return "", "", domain.Invalid("name", "name is required")
	}
	if len(name) > 100 {
		return "", "", domain.Invalid("name", "name must be at most 100 characters")
	}
	if err := checkText("name", name, false); err != nil {
		return "", "", err
	}
	if !slices.Contains(domain.ProductUnits, unit) {
		return "", "", domain.Invalid("unit", "unit must be one of %s", strings.Join(domain.ProductUnits, ", "))
	}
	if price < 0 || price > maxPriceCents {
		return "", "", domain.Invalid("priceCents", "priceCents must be between 0 and %d", int64(maxPriceCents))
	}
	return name, unit, nil
}

// idInput is what a call on one resource asked, for the idempotency
// fingerprint: the resource's id and the input.
type idInput struct {
	ID    int64 `json:"id"`
	Input any   `json:"input"`
}

// rateInput is what a rate call asked, for the idempotency fingerprint.
type rateInput struct {
	CustomerID int64 `json:"customerId"`
	ProductID  int64 `json:"productId"`
	PriceCents int64 `json:"priceCents"`
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FindProducts lists the products visible to the actor, by vendor and name.
func (s *service) FindProducts(ctx context.Context, f domain.ProductFilter) ([]*domain.Product, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
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
	if f.Active != nil {
		where += ` AND active = ?`
		args = append(args, boolInt(*f.Active))
	}
	return listPage(ctx, s, pageQuery{
		what: "products", args: args, order: "vendor_id, name, id",
		count: `SELECT COUNT(*) FROM products` + where,
		list:  `SELECT ` + productColumns + ` FROM products` + where,
	}, f.Page.Normalize(), scanProduct)
}

// CreateProduct adds a product. A vendor always creates its own.
func (s *service) CreateProduct(ctx context.Context, in domain.ProductCreate) (*domain.Product, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	name, unit, err := validateProductFields(in.Name, in.Unit, in.PriceCents)
	if err != nil {
		return nil, err
	}
	vendorID := in.VendorID
	if v := vendorScope(a); v != 0 {
		vendorID = v
	}
	p := &domain.Product{VendorID: vendorID, Name: name, Unit: unit, PriceCents: in.PriceCents, Active: in.Active == nil || *in.Active}
	err = s.writeOnce(ctx, "product.create", in, &p, func(tx *store.Tx) error {
		now := s.stamp(tx)
		p.CreatedAt, p.UpdatedAt = now, now
		if _, err := checkVendor(ctx, tx, vendorID); err != nil {
			return err
		}
		if err := uniqueName(ctx, tx, "products", vendorID, name, 0); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO products (vendor_id, name, unit, price_cents, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.VendorID, p.Name, p.Unit, p.PriceCents, boolInt(p.Active), micros(now), micros(now)).Scan(&p.ID); err != nil {
			return fmt.Errorf("failed to insert product: %w", err)
		}
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, now, domain.ActionProductCreated, domain.EntityProduct, p.ID, p.VendorID,
			fmt.Sprintf("Product %s (%s per %s) added by %s", p.Name, money(p.PriceCents), p.Unit, a.Name),
			map[string]any{"product": p, "change": "created"})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateProduct changes a product visible to the actor. Deliveries already
// generated keep their amounts.
func (s *service) UpdateProduct(ctx context.Context, id int64, in domain.ProductUpdate) (*domain.Product, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var p *domain.Product
	err = s.writeOnce(ctx, "product.update", idInput{id, in}, &p, func(tx *store.Tx) error {
		now := s.stamp(tx)
		if p, err = findProduct(ctx, tx, a, id); err != nil {
			return err
		}
		name, unit, price, active := p.Name, p.Unit, p.PriceCents, p.Active
		if in.Name != nil {
			name = *in.Name
		}
		if in.Unit != nil {
			unit = *in.Unit
		}
		if in.PriceCents != nil {
			price = *in.PriceCents
		}
		if in.Active != nil {
			active = *in.Active
		}
		if name, unit, err = validateProductFields(name, unit, price); err != nil {
			return err
		}
		var changes []string
		if name != p.Name {
			changes = append(changes, "name")
		}
		if unit != p.Unit {
			changes = append(changes, "unit")
		}
		if price != p.PriceCents {
			money, err := textMoney(ctx, tx)
			if err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("price %s → %s", money(p.PriceCents), money(price)))
		}
		if active != p.Active {
			changes = append(changes, map[bool]string{true: "reactivated", false: "deactivated"}[active])
		}
		if len(changes) == 0 {
			return nil
		}
		if name != p.Name {
			if err := uniqueName(ctx, tx, "products", p.VendorID, name, p.ID); err != nil {
				return err
			}
		}
		p.Name, p.Unit, p.PriceCents, p.Active, p.UpdatedAt = name, unit, price, active, now
		if _, err := tx.Exec(ctx, `UPDATE products SET name = ?, unit = ?, price_cents = ?, active = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Unit, p.PriceCents, boolInt(p.Active), micros(now), p.ID); err != nil {
			return fmt.Errorf("failed to update product: %w", err)
		}
		return appendEvent(ctx, tx, a, now, domain.ActionProductUpdated, domain.EntityProduct, p.ID, p.VendorID,
			fmt.Sprintf("Product %s updated by %s (%s)", p.Name, a.Name, strings.Join(changes, ", ")),
			map[string]any{"product": p, "change": "updated"})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CustomerRates lists a customer's rate overrides, by product.
func (s *service) CustomerRates(ctx context.Context, customerID int64) ([]*domain.CustomerRate, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	list := []*domain.CustomerRate{}
	err = s.read(ctx, func(tx *store.Tx) error {
		c, err := findCustomer(ctx, tx, a, customerID, false)
		if err != nil {
			return err
		}
		// Rates for the customer's vendor's products only: after a move,
		// the old vendor's rates are neither shown nor applied.
		rows, err := tx.Query(ctx, `SELECT r.product_id, r.price_cents, r.updated_at FROM customer_rates r JOIN products p ON p.id = r.product_id
			WHERE r.customer_id = ? AND p.vendor_id = ? ORDER BY r.product_id`, c.ID, c.VendorID)
		if err != nil {
			return fmt.Errorf("failed to list rates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r := &domain.CustomerRate{CustomerID: c.ID, VendorID: c.VendorID}
			var updated int64
			if err := rows.Scan(&r.ProductID, &r.PriceCents, &updated); err != nil {
				return fmt.Errorf("failed to scan rate: %w", err)
			}
			r.UpdatedAt = fromMicros(updated)
			list = append(list, r)
		}
		return rows.Err()
	})
	return list, err
}

// rateTarget reads the customer and product of a rate, both visible to the
// actor and of the same vendor.
func rateTarget(ctx context.Context, tx *store.Tx, a *domain.Actor, customerID, productID int64) (*domain.Customer, *domain.Product, error) {
	c, err := findCustomer(ctx, tx, a, customerID, true)
	if err != nil {
		return nil, nil, err
	}
	p, err := findProduct(ctx, tx, a, productID)
	if err != nil {
		return nil, nil, err
	}
	if p.VendorID != c.VendorID {
		return nil, nil, domain.Invalid("productId", "the product belongs to another vendor than the customer")
	}
	return c, p, nil
}

// SetCustomerRate sets a customer's own price for a product.
func (s *service) SetCustomerRate(ctx context.Context, customerID, productID int64, in domain.CustomerRateSet) (*domain.CustomerRate, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.PriceCents < 0 || in.PriceCents > maxPriceCents {
		return nil, domain.Invalid("priceCents", "priceCents must be between 0 and %d", int64(maxPriceCents))
	}
	var r *domain.CustomerRate
	err = s.writeOnce(ctx, "rate.set", rateInput{customerID, productID, in.PriceCents}, &r, func(tx *store.Tx) error {
		now := s.stamp(tx)
		c, p, err := rateTarget(ctx, tx, a, customerID, productID)
		if err != nil {
			return err
		}
		r = &domain.CustomerRate{CustomerID: c.ID, ProductID: p.ID, VendorID: c.VendorID, PriceCents: in.PriceCents, UpdatedAt: now}
		var old sql.NullInt64
		err = tx.QueryRow(ctx, `SELECT price_cents FROM customer_rates WHERE customer_id = ? AND product_id = ?`, c.ID, p.ID).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("failed to read rate: %w", err)
		}
		if old.Valid && old.Int64 == in.PriceCents {
			var updated int64
			if err := tx.QueryRow(ctx, `SELECT updated_at FROM customer_rates WHERE customer_id = ? AND product_id = ?`, c.ID, p.ID).Scan(&updated); err != nil {
				return fmt.Errorf("failed to read rate: %w", err)
			}
			r.UpdatedAt = fromMicros(updated)
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO customer_rates (customer_id, product_id, price_cents, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (customer_id, product_id) DO UPDATE SET price_cents = excluded.price_cents, updated_at = excluded.updated_at`,
			c.ID, p.ID, in.PriceCents, micros(now)); err != nil {
			return fmt.Errorf("failed to store rate: %w", err)
		}
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, now, domain.ActionRateSet, domain.EntityRate, c.ID, c.VendorID,
			fmt.Sprintf("%s's rate for %s set to %s per %s by %s (list price %s)", c.Name, p.Name, money(in.PriceCents), p.Unit, a.Name, money(p.PriceCents)),
			map[string]any{"rate": r, "change": "set"})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RemoveCustomerRate drops a customer's rate for a product (NOT_FOUND when
// there is none).
func (s *service) RemoveCustomerRate(ctx context.Context, customerID, productID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	var removed bool
	return s.writeOnce(ctx, "rate.remove", rateInput{customerID, productID, 0}, &removed, func(tx *store.Tx) error {
		removed = true
		now := s.stamp(tx)
		c, p, err := rateTarget(ctx, tx, a, customerID, productID)
		if err != nil {
			return err
		}
		var price int64
		err = tx.QueryRow(ctx, `SELECT price_cents FROM customer_rates WHERE customer_id = ? AND product_id = ?`, c.ID, p.ID).Scan(&price)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("rate")
		}
		if err != nil {
			return fmt.Errorf("failed to read rate: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM customer_rates WHERE customer_id = ? AND product_id = ?`, c.ID, p.ID); err != nil {
			return fmt.Errorf("failed to remove rate: %w", err)
		}
		r := &domain.CustomerRate{CustomerID: c.ID, ProductID: p.ID, VendorID: c.VendorID, PriceCents: price, UpdatedAt: now}
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, now, domain.ActionRateRemoved, domain.EntityRate, c.ID, c.VendorID,
			fmt.Sprintf("%s's own rate for %s removed by %s (list price %s applies)", c.Name, p.Name, a.Name, money(p.PriceCents)),
			map[string]any{"rate": r, "change": "removed"})
	})
}
