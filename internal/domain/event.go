package domain

import (
	"context"
	"encoding/json"
	"time"
)

// Actions recorded in the event log. Each change appends exactly one event
// in the same transaction as the change.
const (
	ActionCustomerCreated = "customer.created"
	ActionCustomerUpdated = "customer.updated"
	ActionCustomerStatus  = "customer.status" // status changed (possibly with other fields)
	ActionDeliveryCreated = "delivery.created"
	ActionDeliveryUpdated = "delivery.updated" // status and/or note changed
	ActionPaymentAdded    = "payment.added"
	ActionUserCreated     = "user.created"
	ActionUserUpdated     = "user.updated"
)

// Entities named by events.
const (
	EntityCustomer = "customer"
	EntityDelivery = "delivery"
	EntityPayment  = "payment"
	EntityUser     = "user"
)

// Event is one entry of the durable, ordered event log, which doubles as
// the activity log. Seq is strictly increasing. VendorID is the vendor whose
// view the event belongs to (0 for admins only, such as any account
// change): vendors may see exactly the events with their own VendorID.
//
// Payload is the full change, by action:
//   - customer.*: {"customer": Customer, "change": "created"|"updated"|"status"}
//   - delivery.*: {"delivery": Delivery, "previousStatus": DeliveryStatus}  ("" on create)
//   - payment.added: {"payment": Payment, "customer": CustomerBalance}
//   - user.*: {"user": User}
type Event struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	ActorID   int64           `json:"actorId"`
	ActorName string          `json:"actorName"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  int64           `json:"entityId"`
	VendorID  int64           `json:"vendorId"`
	Summary   string          `json:"summary"`
	Payload   json.RawMessage `json:"payload,omitempty"`
}

// ActivityEntry is the event without its payload, as the activity feed shows it.
type ActivityEntry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actorId"`
	ActorName string    `json:"actorName"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entityId"`
	VendorID  int64     `json:"vendorId"`
	Summary   string    `json:"summary"`
}

// Activity returns the event as an activity entry.
func (e *Event) Activity() ActivityEntry {
	return ActivityEntry{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName,
		Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, VendorID: e.VendorID, Summary: e.Summary}
}

// VisibleTo reports whether the actor may see the event.
func (e *Event) VisibleTo(a *Actor) bool {
	if a.IsAdmin() {
		return true
	}
	return a != nil && a.Role == RoleVendor && e.VendorID == a.UserID
}

// EventService reads the event log, filtered by the actor's permissions.
type EventService interface {
	// EventsAfter returns up to limit events with Seq > after, oldest first.
	EventsAfter(ctx context.Context, after int64, limit int) ([]*Event, error)
	// RecentEvents returns up to limit events, newest first.
	RecentEvents(ctx context.Context, limit int) ([]*Event, error)
	// LastSeq returns the highest committed Seq (0 when the log is empty).
	LastSeq(ctx context.Context) (int64, error)
}
