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

// reversalInput validates a reversal's reason.
func reversalInput(in domain.ReversalCreate) (reason string, err error) {
	reason = strings.TrimSpace(in.Reason)
	if reason == "" {
		return "", domain.Invalid("reason", "reason is required: say what was wrong")
	}
	if len(reason) > 500 {
		return "", domain.Invalid("reason", "reason must be at most 500 characters")
	}
	if err := checkText("reason", reason, true); err != nil {
		return "", err
	}
	return reason, nil
}

// reversalRequest is what a reversal asks, for the idempotency fingerprint.
type reversalRequest struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// ReversePayment reverses a payment recorded by mistake: the customer's
// balance goes back up by the payment's amount through a ledger entry of
// kind "reversal"; the payment stays, shown as reversed, and counts in no
// figure any more. Admins only; a second reversal is ALREADY_REVERSED.
func (s *service) ReversePayment(ctx context.Context, id int64, in domain.ReversalCreate) (*domain.ReversalResult, error) {
	a, err := adminActor(ctx, "reverse a payment")
	if err != nil {
		return nil, err
	}
	reason, err := reversalInput(in)
	if err != nil {
		return nil, err
	}
	if ctx, err = withInputKey(ctx, in.IdempotencyKey); err != nil {
		return nil, err
	}
	var res *domain.ReversalResult
	err = s.writeOnce(ctx, "payment.reverse", reversalRequest{id, reason}, &res, func(tx *store.Tx) error {
		now := s.stamp(tx)
		p, err := scanPayment(tx.QueryRow(ctx, `SELECT `+paymentColumns+paymentFrom+` WHERE p.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("payment")
		}
		if err != nil {
			return fmt.Errorf("failed to read payment %d: %w", id, err)
		}
		c, err := findCustomer(ctx, tx, a, p.CustomerID, false)
		if err != nil {
			return err
		}
		r := &domain.Reversal{Entity: domain.ReversalOfPayment, EntityID: p.ID, CustomerID: c.ID, VendorID: p.VendorID,
			AmountCents: p.AmountCents, Reason: reason, ReversedBy: a.UserID, CreatedAt: now}
		balance, err := s.insertReversal(ctx, tx, r)
		if err != nil {
			return err
		}
		p.ReversedAt, p.ReversalReason = &r.CreatedAt, r.Reason
		res = &domain.ReversalResult{Reversal: r, Customer: domain.CustomerBalance{ID: c.ID, BalanceCents: balance}, Payment: p, Created: true}
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("Payment #%d of %s from %s reversed by %s: %s", p.ID, money(p.AmountCents), c.Name, a.Name, reason)
		return appendEvent(ctx, tx, a, now, domain.ActionPaymentReversed, domain.EntityPayment, p.ID, c.VendorID, summary,
			map[string]any{"reversal": r, "payment": p, "customer": res.Customer})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ReverseDelivery reverses a delivery marked delivered by mistake: its
// charge is refunded through a ledger entry of kind "reversal"; the
// delivery stays delivered, shown as reversed, and counts in no figure any
// more. A delivery that was not delivered is cancelled instead, as a status
// change to cancelled would (Reversal is nil in the result). Admins only.
func (s *service) ReverseDelivery(ctx context.Context, id int64, in domain.ReversalCreate) (*domain.ReversalResult, error) {
	a, err := adminActor(ctx, "reverse a delivery")
	if err != nil {
		return nil, err
	}
	reason, err := reversalInput(in)
	if err != nil {
		return nil, err
	}
	if ctx, err = withInputKey(ctx, in.IdempotencyKey); err != nil {
		return nil, err
	}
	var res *domain.ReversalResult
	err = s.writeOnce(ctx, "delivery.reverse", reversalRequest{id, reason}, &res, func(tx *store.Tx) error {
		now := s.stamp(tx)
		d, owner, err := findDeliveryOwner(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if d.Status != domain.DeliveryDelivered {
			// Not delivered: nothing was charged, so the delivery is
			// cancelled like any status change (which refuses a final
			// status with INVALID_TRANSITION), in this transaction and
			// under this request's idempotency key.
			inner, _ := domain.WithIdempotency(context.WithValue(ctx, txKey{}, tx), "")
			change, err := s.UpdateDelivery(inner, id, domain.DeliveryUpdate{Status: ptrTo(domain.DeliveryCancelled)})
			if err != nil {
				return err
			}
			c, err := findCustomer(ctx, tx, domain.SystemActor(), change.Delivery.CustomerID, false)
			if err != nil {
				return err
			}
			res = &domain.ReversalResult{Delivery: change.Delivery, Customer: domain.CustomerBalance{ID: c.ID, BalanceCents: c.BalanceCents}}
			return nil
		}
		r := &domain.Reversal{Entity: domain.ReversalOfDelivery, EntityID: d.ID, CustomerID: d.CustomerID, VendorID: d.VendorID,
			AmountCents: -d.AmountCents, Reason: reason, ReversedBy: a.UserID, CreatedAt: now}
		balance, err := s.insertReversal(ctx, tx, r)
		if err != nil {
			return err
		}
		d.ReversedAt, d.ReversalReason = &r.CreatedAt, r.Reason
		res = &domain.ReversalResult{Reversal: r, Customer: domain.CustomerBalance{ID: d.CustomerID, BalanceCents: balance}, Delivery: d, Created: true}
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("Delivery #%d for %s reversed by %s (%s refunded): %s", d.ID, d.CustomerName, a.Name, money(d.AmountCents), reason)
		return appendEvent(ctx, tx, a, now, domain.ActionDeliveryReversed, domain.EntityDelivery, d.ID, owner, summary,
			map[string]any{"reversal": r, "delivery": d, "customer": res.Customer})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func ptrTo[T any](v T) *T { return &v }

// insertReversal records r and moves the balance, in the caller's
// transaction; an original reversed before is ALREADY_REVERSED. (A retry
// of the same request never gets here: writeOnce replays its answer.)
func (s *service) insertReversal(ctx context.Context, tx *store.Tx, r *domain.Reversal) (balance int64, err error) {
	// Insert first: a concurrent reversal of the same original waits on the
	// unique index until this transaction ends, then finds it taken.
	err = tx.QueryRow(ctx, `INSERT INTO reversals (entity, entity_id, customer_id, vendor_id, amount_cents, reason, reversed_by, created_on, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		r.Entity, r.EntityID, r.CustomerID, r.VendorID, r.AmountCents, r.Reason, r.ReversedBy, s.day(r.CreatedAt), micros(r.CreatedAt)).Scan(&r.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.Errorf(domain.CodeAlreadyReversed, "this %s was already reversed", r.Entity)
	}
	if err != nil {
		return 0, fmt.Errorf("failed to insert reversal: %w", err)
	}
	if r.AmountCents == 0 {
		// Nothing was charged: no movement, no ledger entry.
		err = tx.QueryRow(ctx, `SELECT balance_cents FROM customers WHERE id = ?`, r.CustomerID).Scan(&balance)
		return balance, err
	}
	return addLedger(ctx, tx, r.CustomerID, "reversal", r.ID, r.AmountCents, micros(r.CreatedAt))
}
