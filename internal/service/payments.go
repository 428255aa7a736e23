package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const paymentColumns = `id, customer_id, vendor_id, amount_cents, method, reference, idempotency_key, recorded_by, created_at`

func scanPayment(sc scanner) (*domain.Payment, error) {
	var p domain.Payment
	var key sql.NullString
	var created int64
	if err := sc.Scan(&p.ID, &p.CustomerID, &p.VendorID, &p.AmountCents, &p.Method, &p.Reference, &key, &p.RecordedBy, &created); err != nil {
		return nil, err
	}
	p.IdempotencyKey = key.String
	p.CreatedAt = fromMicros(created)
	return &p, nil
}

// FindPayments lists payments visible to the actor, newest first.
func (s *service) FindPayments(ctx context.Context, f domain.PaymentFilter) ([]*domain.Payment, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f.Method != "" && !f.Method.Valid() {
		return nil, 0, domain.Invalid("method", "unknown method %q", f.Method)
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
	if f.CustomerID != 0 {
		where += ` AND customer_id = ?`
		args = append(args, f.CustomerID)
	}
	if f.Method != "" {
		where += ` AND method = ?`
		args = append(args, f.Method)
	}
	if f.From != "" {
		if err := validDate("from", f.From); err != nil {
			return nil, 0, err
		}
		where += ` AND created_on >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		if err := validDate("to", f.To); err != nil {
			return nil, 0, err
		}
		where += ` AND created_on <= ?`
		args = append(args, f.To)
	}
	p := f.Page.Normalize()
	return listPage(ctx, s, pageQuery{
		what: "payments", args: args, order: "created_at DESC, id DESC",
		count: `SELECT COUNT(*) FROM payments` + where,
		list:  `SELECT ` + paymentColumns + ` FROM payments` + where,
	}, p, scanPayment)
}

// AddPayment records money received from a customer visible to the actor
// and credits the balance. The same IdempotencyKey twice creates one payment
// and returns it both times (Created false the second time); the key with
// another customer, amount or method is a conflict.
func (s *service) AddPayment(ctx context.Context, in domain.PaymentCreate) (*domain.PaymentResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.CustomerID <= 0 {
		return nil, domain.Invalid("customerId", "customerId is required")
	}
	if in.AmountCents <= 0 {
		return nil, domain.Invalid("amountCents", "amountCents must be greater than zero")
	}
	if in.AmountCents > 1e11 {
		return nil, domain.Invalid("amountCents", "amountCents is too large")
	}
	if !in.Method.Valid() {
		return nil, domain.Invalid("method", "method must be cash, card, bank_transfer, upi or other")
	}
	ref := strings.TrimSpace(in.Reference)
	if len(ref) > 200 {
		return nil, domain.Invalid("reference", "reference must be at most 200 characters")
	}
	key := strings.TrimSpace(in.IdempotencyKey)
	if len(key) > 200 {
		return nil, domain.Invalid("idempotencyKey", "idempotencyKey must be at most 200 characters")
	}
	var keyArg any // NULL when absent: the unique index ignores NULLs
	if key != "" {
		keyArg = key
	}
	now := s.now()
	var res *domain.PaymentResult
	err = s.write(ctx, func(tx *store.Tx) error {
		c, err := findCustomer(ctx, tx, a, in.CustomerID, false)
		if err != nil {
			if de, ok := err.(*domain.Error); ok && de.Code == domain.CodeNotFound {
				de.Field = "customerId"
			}
			return err
		}
		p := &domain.Payment{CustomerID: c.ID, VendorID: c.VendorID, AmountCents: in.AmountCents, Method: in.Method,
			Reference: ref, IdempotencyKey: key, RecordedBy: a.UserID, CreatedAt: now}
		// Insert first: with a key, a concurrent retry waits here on the
		// unique index until this transaction ends, then takes the
		// ON CONFLICT path and returns the committed payment.
		err = tx.QueryRow(ctx, `INSERT INTO payments (customer_id, vendor_id, amount_cents, method, reference, idempotency_key, recorded_by, created_on, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			p.CustomerID, p.VendorID, p.AmountCents, p.Method, p.Reference, keyArg, p.RecordedBy, s.day(now), micros(now)).Scan(&p.ID)
		if errors.Is(err, sql.ErrNoRows) && key != "" {
			res, err = existingPayment(ctx, tx, a, in, key)
			return err
		}
		if err != nil {
			return fmt.Errorf("failed to insert payment: %w", err)
		}
		balance, err := addLedger(ctx, tx, c.ID, "payment", p.ID, -p.AmountCents, micros(now))
		if err != nil {
			return err
		}
		res = &domain.PaymentResult{Payment: p, Customer: domain.CustomerBalance{ID: c.ID, BalanceCents: balance}, Created: true}
		summary := fmt.Sprintf("Payment of %s by %s from %s, recorded by %s", money(p.AmountCents), methodLabel(p.Method), c.Name, a.Name)
		return appendEvent(ctx, tx, a, now, domain.ActionPaymentAdded, domain.EntityPayment, p.ID, p.VendorID, summary,
			map[string]any{"payment": p, "customer": res.Customer})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// existingPayment returns the payment made earlier with key, with the
// customer's current balance.
func existingPayment(ctx context.Context, tx *store.Tx, a *domain.Actor, in domain.PaymentCreate, key string) (*domain.PaymentResult, error) {
	p, err := scanPayment(tx.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE idempotency_key = ?`, key))
	if err != nil {
		return nil, fmt.Errorf("failed to read payment by idempotency key: %w", err)
	}
	if v := vendorScope(a); v != 0 && p.VendorID != v {
		// Another vendor's key: say no more than that the key is taken.
		return nil, &domain.Error{Code: domain.CodeConflict, Field: "idempotencyKey", Message: "idempotencyKey was already used"}
	}
	if p.CustomerID != in.CustomerID || p.AmountCents != in.AmountCents || p.Method != in.Method {
		return nil, &domain.Error{Code: domain.CodeConflict, Field: "idempotencyKey",
			Message: "idempotencyKey was already used for a different payment"}
	}
	var balance int64
	if err := tx.QueryRow(ctx, `SELECT balance_cents FROM customers WHERE id = ?`, p.CustomerID).Scan(&balance); err != nil {
		return nil, fmt.Errorf("failed to read balance: %w", err)
	}
	return &domain.PaymentResult{Payment: p, Customer: domain.CustomerBalance{ID: p.CustomerID, BalanceCents: balance}}, nil
}

func methodLabel(m domain.PaymentMethod) string {
	switch m {
	case domain.PaymentBankTransfer:
		return "bank transfer"
	case domain.PaymentUPI:
		return "UPI"
	}
	return string(m)
}
