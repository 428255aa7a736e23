package domain

import (
	"context"
	"time"
)

// DeliveryStatus is a step of the delivery workflow:
// scheduled → out_for_delivery → delivered | failed, and cancelled from any
// non-final state.
type DeliveryStatus string

const (
	DeliveryScheduled      DeliveryStatus = "scheduled"
	DeliveryOutForDelivery DeliveryStatus = "out_for_delivery"
	DeliveryDelivered      DeliveryStatus = "delivered"
	DeliveryFailed         DeliveryStatus = "failed"
	DeliveryCancelled      DeliveryStatus = "cancelled"
)

// Valid reports whether s is a known delivery status.
func (s DeliveryStatus) Valid() bool {
	switch s {
	case DeliveryScheduled, DeliveryOutForDelivery, DeliveryDelivered, DeliveryFailed, DeliveryCancelled:
		return true
	}
	return false
}

// Final reports whether no transition leaves s.
func (s DeliveryStatus) Final() bool {
	return s == DeliveryDelivered || s == DeliveryFailed || s == DeliveryCancelled
}

// CanTransition reports whether the workflow allows from → to.
func (s DeliveryStatus) CanTransition(to DeliveryStatus) bool {
	switch {
	case s.Final() || !to.Valid():
		return false
	case to == DeliveryCancelled:
		return true
	case s == DeliveryScheduled:
		return to == DeliveryOutForDelivery
	case s == DeliveryOutForDelivery:
		return to == DeliveryDelivered || to == DeliveryFailed
	}
	return false
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
}

// DeliveryCreate is the input of CreateDelivery. VendorID defaults to the
// customer's vendor.
type DeliveryCreate struct {
	CustomerID   int64  `json:"customerId"`
	VendorID     int64  `json:"vendorId"`
	ScheduledFor string `json:"scheduledFor"`
	Items        string `json:"items"`
	Quantity     int    `json:"quantity"`
	AmountCents  int64  `json:"amountCents"`
	Note         string `json:"note"`
}

// DeliveryUpdate changes a delivery's status and/or note. A retried update
// with the same IdempotencyKey is applied once and returns the same result.
type DeliveryUpdate struct {
	Status         *DeliveryStatus `json:"status,omitempty"`
	Note           *string         `json:"note,omitempty"`
	IdempotencyKey string          `json:"idempotencyKey,omitempty"`
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
