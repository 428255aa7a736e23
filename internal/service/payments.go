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

const paymentColumns = `p.id, p.customer_id, p.vendor_id, p.amount_cents, p.method, p.reference, p.client_key, p.recorded_by, p.created_at, r.created_at, r.reason`

// paymentFrom reads payments with their reversal, if any: the payment row
// itself is never changed by a reversal.
const paymentFrom = ` FROM payments p LEFT JOIN reversals r ON r.entity = 'payment' AND r.entity_id = p.id`

func scanPayment(sc scanner) (*domain.Payment, error) {
	var p domain.Payment
	var key, reason sql.NullString
	var created int64
	var reversed sql.NullInt64
	if err := sc.Scan(&p.ID, &p.CustomerID, &p.VendorID, &p.AmountCents, &p.Method, &p.Reference, &key, &p.RecordedBy, &created, &reversed, &reason); err != nil {
		return nil, err
	}
	p.IdempotencyKey = key.String
	p.CreatedAt = fromMicros(created)
	if reversed.Valid {
		t := fromMicros(reversed.Int64)
		p.ReversedAt, p.ReversalReason = &t, reason.String
	}
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
		// A vendor sees the payments of its current customers, also those
		// recorded before a customer moved to it, and none of a customer
		// that moved away.
		where += ` AND p.customer_id IN (SELECT id FROM customers WHERE vendor_id = ?)`
		args = append(args, v)
	} else if f.VendorID != 0 {
		where += ` AND p.vendor_id = ?`
		args = append(args, f.VendorID)
	}
	if f.CustomerID != 0 {
		where += ` AND p.customer_id = ?`
		args = append(args, f.CustomerID)
	}
	if f.Method != "" {
		where += ` AND p.method = ?`
		args = append(args, f.Method)
	}
	if f.From != "" {
		if err := validDate("from", f.From); err != nil {
			return nil, 0, err
		}
		where += ` AND p.created_on >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		if err := validDate("to", f.To); err != nil {
			return nil, 0, err
		}
		where += ` AND p.created_on <= ?`
		args = append(args, f.To)
	}
	p := f.Page.Normalize()
	return listPage(ctx, s, pageQuery{
		what: "payments", args: args, order: "p.created_at DESC, p.id DESC",
		count: `SELECT COUNT(*) FROM payments p` + where,
		list:  `SELECT ` + paymentColumns + paymentFrom + where,
	}, p, scanPayment)
}

// AddPayment records money received from a customer visible to the actor
// and credits the balance. The same idempotency key twice (the context's or
// in.IdempotencyKey) creates one payment: a retry gets the first answer
// again (see writeOnce), and one that comes after that answer was pruned
// still finds the payment by its key (Created false); the key with another
// customer, amount or method is CodeIdempotencyKeyReused.
//
// Staff record cash or UPI only, for customers with a delivery on their
// round (CodeForbidden otherwise).
func (s *service) AddPayment(ctx context.Context, in domain.PaymentCreate) (*domain.PaymentResult, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsStaff() && in.Method.Valid() && in.Method != domain.PaymentCash && in.Method != domain.PaymentUPI {
		return nil, &domain.Error{Code: domain.CodeForbidden, Field: "method", Message: "staff record cash or upi payments only"}
	}
	if in.CustomerID <= 0 {
		return nil, domain.Invalid("customerId", "customerId is required")
	}
	if in.AmountCents <= 0 {
		return nil, domain.Invalid("amountCents", "amountCents must be greater than zero")
	}
	if in.AmountCents > maxAmountCents {
		return nil, domain.AmountTooLarge("amountCents")
	}
	if !in.Method.Valid() {
		return nil, domain.Invalid("method", "method must be cash, card, bank_transfer, upi or other")
	}
	ref := strings.TrimSpace(in.Reference)
	if len(ref) > 200 {
		return nil, domain.Invalid("reference", "reference must be at most 200 characters")
	}
	if err := checkText("reference", ref, false); err != nil {
		return nil, err
	}
	if ctx, err = withInputKey(ctx, in.IdempotencyKey); err != nil {
		return nil, err
	}
	var key string
	if id := domain.IdempotencyFrom(ctx); id != nil {
		key = id.Key
	}
	var keyArg any // NULL when absent: the unique index ignores NULLs
	if key != "" {
		keyArg = key
	}
	fp := in
	fp.IdempotencyKey = "" // the key identifies the request; it is not part of it
	var res *domain.PaymentResult
	err = s.writeOnce(ctx, "payment.add", fp, &res, func(tx *store.Tx) error {
		now := s.stamp(tx)
		a, sc, err := s.staffActor(ctx, tx, a)
		if err != nil {
			return err
		}
		if sc != nil {
			if err := sc.checkCustomer(ctx, tx, in.CustomerID); err != nil {
				return err
			}
		}
		c, err := findInputCustomer(ctx, tx, a, in.CustomerID)
		if err != nil {
			return err
		}
		p := &domain.Payment{CustomerID: c.ID, VendorID: c.VendorID, AmountCents: in.AmountCents, Method: in.Method,
			Reference: ref, IdempotencyKey: key, RecordedBy: a.UserID, CreatedAt: now}
		// The payment keeps its key for good, unique per recorder: a retry
		// that comes after the idempotency record was pruned takes the
		// ON CONFLICT path and gets the payment made the first time.
		err = tx.QueryRow(ctx, `INSERT INTO payments (customer_id, vendor_id, amount_cents, method, reference, client_key, recorded_by, created_on, created_at)
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
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("Payment of %s by %s from %s, recorded by %s", money(p.AmountCents), methodLabel(p.Method), c.Name, a.Name)
		return appendEvent(ctx, tx, a, now, domain.ActionPaymentAdded, domain.EntityPayment, p.ID, p.VendorID, summary,
			map[string]any{"payment": p, "customer": res.Customer})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// existingPayment returns the payment the actor made earlier with key, with
// the customer's current balance (Created false).
func existingPayment(ctx context.Context, tx *store.Tx, a *domain.Actor, in domain.PaymentCreate, key string) (*domain.PaymentResult, error) {
	p, err := scanPayment(tx.QueryRow(ctx, `SELECT `+paymentColumns+paymentFrom+` WHERE p.recorded_by = ? AND p.client_key = ?`, a.UserID, key))
	if err != nil {
		return nil, fmt.Errorf("failed to read payment by idempotency key: %w", err)
	}
	visible := true
	if _, err := findCustomer(ctx, tx, a, p.CustomerID, false); domain.ErrorCode(err) == domain.CodeNotFound {
		visible = false // the customer has moved to another vendor since
	} else if err != nil {
		return nil, err
	}
	if !visible || p.CustomerID != in.CustomerID || p.AmountCents != in.AmountCents || p.Method != in.Method {
		return nil, &domain.Error{Code: domain.CodeIdempotencyKeyReused, Field: "idempotencyKey",
			Message: "this idempotency key was already used for a different payment; use a new key for a new payment"}
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
