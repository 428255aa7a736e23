package domain

import (
	"context"
	"time"
)

// Reversal kinds: what a reversal corrects.
const (
	ReversalOfPayment  = "payment"
	ReversalOfDelivery = "delivery"
)

// Reversal corrects a payment or a delivered delivery entered by mistake.
// It is its own ledger entry (kind "reversal") pointing at the original,
// which is never edited or deleted and reads as reversed from then on
// (ReversedAt, ReversalReason). AmountCents is the reversal's movement of
// the balance: plus the payment's amount, minus the delivery's charge.
// Figures count a reversed entry nowhere, as if it had not happened.
type Reversal struct {
	ID          int64     `json:"id"`
	Entity      string    `json:"entity"` // "payment" or "delivery"
	EntityID    int64     `json:"entityId"`
	CustomerID  int64     `json:"customerId"`
	VendorID    int64     `json:"vendorId"` // the original's vendor
	AmountCents int64     `json:"amountCents"`
	Reason      string    `json:"reason"`
	ReversedBy  int64     `json:"reversedBy"`
	CreatedAt   time.Time `json:"createdAt"`
}

// ReversalCreate is the input of a reversal. Reason is required. The same
// IdempotencyKey twice reverses once and returns the same answer (see
// Idempotency).
type ReversalCreate struct {
	Reason         string `json:"reason"`
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
}

// ReversalResult is what a reversal returns: the reversal, the customer
// with its new balance, and the original as it now reads (Payment or
// Delivery). Created is true when a reversal was made (a retry with the
// same idempotency key gets the same answer); it is false, and Reversal
// nil, when a delivery that was not delivered was cancelled instead
// (nothing was charged, so there is nothing to reverse).
type ReversalResult struct {
	Reversal *Reversal       `json:"reversal"`
	Customer CustomerBalance `json:"customer"`
	Payment  *Payment        `json:"payment,omitempty"`
	Delivery *Delivery       `json:"delivery,omitempty"`
	Created  bool            `json:"created"`
}

// ReversalService corrects mistakes; only admins may call it.
type ReversalService interface {
	ReversePayment(ctx context.Context, id int64, in ReversalCreate) (*ReversalResult, error)
	ReverseDelivery(ctx context.Context, id int64, in ReversalCreate) (*ReversalResult, error)
}
