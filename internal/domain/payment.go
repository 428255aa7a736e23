package domain

import (
	"context"
	"time"
)

// PaymentMethod is how a customer paid.
type PaymentMethod string

const (
	PaymentCash         PaymentMethod = "cash"
	PaymentCard         PaymentMethod = "card"
	PaymentBankTransfer PaymentMethod = "bank_transfer"
	PaymentUPI          PaymentMethod = "upi"
	PaymentOther        PaymentMethod = "other"
)

// Valid reports whether m is a known payment method.
func (m PaymentMethod) Valid() bool {
	switch m {
	case PaymentCash, PaymentCard, PaymentBankTransfer, PaymentUPI, PaymentOther:
		return true
	}
	return false
}

// Payment is money received from a customer; it credits the balance.
type Payment struct {
	ID             int64         `json:"id"`
	CustomerID     int64         `json:"customerId"`
	VendorID       int64         `json:"vendorId"`
	AmountCents    int64         `json:"amountCents"`
	Method         PaymentMethod `json:"method"`
	Reference      string        `json:"reference"`
	IdempotencyKey string        `json:"idempotencyKey,omitempty"`
	RecordedBy     int64         `json:"recordedBy"`
	CreatedAt      time.Time     `json:"createdAt"`
	// ReversedAt and ReversalReason are set when the payment was reversed.
	ReversedAt     *time.Time `json:"reversedAt,omitempty"`
	ReversalReason string     `json:"reversalReason,omitempty"`
}

// PaymentCreate is the input of AddPayment. The same IdempotencyKey twice
// creates one payment and returns it both times (see Idempotency).
type PaymentCreate struct {
	CustomerID     int64         `json:"customerId"`
	AmountCents    int64         `json:"amountCents"`
	Method         PaymentMethod `json:"method"`
	Reference      string        `json:"reference"`
	IdempotencyKey string        `json:"idempotencyKey"`
}

// CustomerBalance is a customer's balance after a change.
type CustomerBalance struct {
	ID           int64 `json:"id"`
	BalanceCents int64 `json:"balanceCents"`
}

// PaymentResult is what AddPayment returns. A retry with the same
// idempotency key gets the first call's result again (Created true); Created
// is false only when the payment was found by its key after that result
// had been pruned (see service.IdempotencyRetention).
type PaymentResult struct {
	Payment  *Payment        `json:"payment"`
	Customer CustomerBalance `json:"customer"`
	Created  bool            `json:"created"`
}

// PaymentFilter selects payments; zero values mean "any"; From/To bound the
// creation date inclusively (YYYY-MM-DD).
type PaymentFilter struct {
	CustomerID int64
	VendorID   int64
	Method     PaymentMethod
	From, To   string
	Page
}

// PaymentService records payments.
type PaymentService interface {
	FindPayments(ctx context.Context, f PaymentFilter) ([]*Payment, int, error)
	AddPayment(ctx context.Context, in PaymentCreate) (*PaymentResult, error)
}
