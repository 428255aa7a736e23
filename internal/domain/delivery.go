package domain

import (
	"context"
	"time"
)

// DeliveryStatus is a step of the delivery workflow:
// scheduled → out_for_delivery → delivered | failed, skipped from scheduled
// or out_for_delivery (the customer did not take it today), and cancelled
// from any non-final state. delivered and failed may also be reached straight
// from scheduled: on a round the worker records what happened at the door,
// and "out for delivery" is an optional step (a whole round is out at once).
type DeliveryStatus string

const (
	DeliveryScheduled      DeliveryStatus = "scheduled"
	DeliveryOutForDelivery DeliveryStatus = "out_for_delivery"
	DeliveryDelivered      DeliveryStatus = "delivered"
	DeliveryFailed         DeliveryStatus = "failed"
	DeliveryCancelled      DeliveryStatus = "cancelled"
	DeliverySkipped        DeliveryStatus = "skipped"
)

// Valid reports whether s is a known delivery status.
func (s DeliveryStatus) Valid() bool {
	switch s {
	case DeliveryScheduled, DeliveryOutForDelivery, DeliveryDelivered, DeliveryFailed, DeliveryCancelled, DeliverySkipped:
		return true
	}
	return false
}

// Final reports whether no transition leaves s.
func (s DeliveryStatus) Final() bool {
	return s == DeliveryDelivered || s == DeliveryFailed || s == DeliveryCancelled || s == DeliverySkipped
}

// NeedsReason reports whether moving to s needs a Reason: failed and
// skipped deliveries say why.
func (s DeliveryStatus) NeedsReason() bool { return s == DeliveryFailed || s == DeliverySkipped }

// CanTransition reports whether the workflow allows from → to.
func (s DeliveryStatus) CanTransition(to DeliveryStatus) bool {
	switch {
	case s.Final() || !to.Valid():
		return false
	case to == DeliveryCancelled || to == DeliverySkipped:
		return true
	case s == DeliveryScheduled:
		return to == DeliveryOutForDelivery || to == DeliveryDelivered || to == DeliveryFailed
	case s == DeliveryOutForDelivery:
		return to == DeliveryDelivered || to == DeliveryFailed
	}
	return false
}

// StillAsSeen reports whether a change to `to`, made by someone who saw the
// delivery as `seen` (a field app's expectedStatus), still holds now that
// it is s: s is what they saw, or someone else only moved it from
// scheduled to out for delivery and the change is an outcome (delivered,
// failed, skipped), which the worker's own path allows from either.
func (s DeliveryStatus) StillAsSeen(seen, to DeliveryStatus) bool {
	if s == seen {
		return true
	}
	outcome := to == DeliveryDelivered || to == DeliveryFailed || to == DeliverySkipped
	return seen == DeliveryScheduled && s == DeliveryOutForDelivery && outcome
}

// Delivery is one scheduled drop at a customer. Delivering it charges
// AmountCents to the customer's balance.
type Delivery struct {
	ID           int64          `json:"id"`
	CustomerID   int64          `json:"customerId"`
	CustomerName string         `json:"customerName,omitempty"`
	VendorID     int64          `json:"vendorId"`
	ScheduledFor string         `json:"scheduledFor"` // YYYY-MM-DD
	Items        string         `json:"items"`        // e.g. "Milk 1L"
	Quantity     int            `json:"quantity"`
	AmountCents  int64          `json:"amountCents"`
	Status       DeliveryStatus `json:"status"`
	Note         string         `json:"note"`
	DeliveredAt  *time.Time     `json:"deliveredAt,omitempty"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
	// ReversedAt and ReversalReason are set when the delivered delivery was
	// reversed: its status stays delivered, its charge was refunded.
	ReversedAt     *time.Time `json:"reversedAt,omitempty"`
	ReversalReason string     `json:"reversalReason,omitempty"`
	// SubscriptionID, Shift and ProductID are set on deliveries generated
	// from a subscription (Shift also on one-off deliveries given one).
	SubscriptionID int64  `json:"subscriptionId,omitempty"`
	Shift          Shift  `json:"shift,omitempty"`
	ProductID      int64  `json:"productId,omitempty"`
	Reason         Reason `json:"reason,omitempty"`     // why it failed or was skipped
	ReasonText     string `json:"reasonText,omitempty"` // the words of an "other" reason
}

// DeliveryCreate is the input of CreateDelivery. VendorID defaults to the
// customer's vendor.
type DeliveryCreate struct {
	CustomerID   int64  `json:"customerId"`
	VendorID     int64  `json:"vendorId"`
	ScheduledFor string `json:"scheduledFor"` // YYYY-MM-DD; the business's today when empty
	Items        string `json:"items"`
	Quantity     int    `json:"quantity"`
	AmountCents  int64  `json:"amountCents"`
	Note         string `json:"note"`
	// Shift places a one-off delivery in a shift's round; without one it
	// is listed in every shift's round of its day.
	Shift Shift `json:"shift,omitempty"`
}

// DeliveryUpdate changes a delivery's status and/or note. A retried update
// with the same IdempotencyKey is applied once and returns the same result.
type DeliveryUpdate struct {
	Status         *DeliveryStatus `json:"status,omitempty"`
	Note           *string         `json:"note,omitempty"`
	IdempotencyKey string          `json:"idempotencyKey,omitempty"`
	// Reason (and ReasonText for "other") say why a delivery failed or was
	// skipped. Skipping needs one; failing without one is accepted from
	// the single-delivery calls for older clients, never in bulk.
	Reason     *Reason `json:"reason,omitempty"`
	ReasonText *string `json:"reasonText,omitempty"`
	// ExpectedStatus, when set, is the status the client saw when the user
	// made the change (an offline command made minutes ago): if the
	// delivery is no longer in it, the change is refused with CONFLICT and
	// the error's current names who changed it, so nobody's change is
	// overwritten unseen.
	ExpectedStatus *DeliveryStatus `json:"expectedStatus,omitempty"`
}

// DeliveryFilter selects deliveries. Zero values mean "any"; From and To
// bound ScheduledFor inclusively (YYYY-MM-DD).
type DeliveryFilter struct {
	CustomerID int64
	VendorID   int64
	Status     DeliveryStatus
	From, To   string
	Page
}

// DeliveryChange is the result of UpdateDelivery.
type DeliveryChange struct {
	Delivery       *Delivery      `json:"delivery"`
	PreviousStatus DeliveryStatus `json:"previousStatus"`
}

// DeliveryService manages deliveries.
type DeliveryService interface {
	FindDeliveryByID(ctx context.Context, id int64) (*Delivery, error)
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, int, error)
	CreateDelivery(ctx context.Context, in DeliveryCreate) (*Delivery, error)
	UpdateDelivery(ctx context.Context, id int64, in DeliveryUpdate) (*DeliveryChange, error)
}
