package domain

import (
	"context"
	"encoding/json"
	"time"
)

// Actions recorded in the event log. Each change appends exactly one event
// in the same transaction as the change.
const (
	ActionCustomerCreated  = "customer.created"
	ActionCustomerUpdated  = "customer.updated"
	ActionCustomerStatus   = "customer.status" // status changed (possibly with other fields)
	ActionDeliveryCreated  = "delivery.created"
	ActionDeliveryUpdated  = "delivery.updated" // status and/or note changed
	ActionPaymentAdded     = "payment.added"
	ActionPaymentReversed  = "payment.reversed"
	ActionDeliveryReversed = "delivery.reversed"
	// ActionCustomerRemoved is appended for the old vendor when a customer
	// moves to another vendor: that vendor's clients drop the customer.
	ActionCustomerRemoved = "customer.removed"
	ActionUserCreated     = "user.created"
	ActionUserUpdated     = "user.updated"
	// Alerts (issue 18), admins only (VendorID 0).
	ActionAlertRaised       = "alert.raised"
	ActionAlertUpdated      = "alert.updated" // message or severity changed, or acknowledged
	ActionAlertResolved     = "alert.resolved"
	ActionAlertRulesUpdated = "alert.rules_updated"

	ActionProductCreated      = "product.created"
	ActionProductUpdated      = "product.updated"
	ActionRateSet             = "rate.set"     // a customer's rate for a product set or changed
	ActionRateRemoved         = "rate.removed" // the product's price applies again
	ActionAreaCreated         = "area.created"
	ActionAreaUpdated         = "area.updated"
	ActionSubscriptionCreated = "subscription.created"
	ActionSubscriptionUpdated = "subscription.updated" // fields, status, or its pauses changed
	// ActionDeliveriesGenerated is one event per vendor and generation run
	// for all the deliveries it created, instead of one each.
	ActionDeliveriesGenerated = "deliveries.generated"
	// ActionCustomersImported is one event per vendor and applied customer
	// import (POST /api/imports/customers), instead of one per customer.
	ActionCustomersImported = "customers.imported"
	// ActionSettingsUpdated: an admin changed the business settings
	// (VendorID 0: admins only; payload {"settings": Settings}).
	ActionSettingsUpdated = "settings.updated"
)

// Entities named by events.
const (
	EntityCustomer = "customer"
	EntityDelivery = "delivery"
	EntityPayment  = "payment"
	EntityUser     = "user"
	EntityAlert    = "alert"

	EntityProduct      = "product"
	EntityRate         = "rate" // entity id: the customer's
	EntityArea         = "area"
	EntitySubscription = "subscription"
	EntityRound        = "round"    // deliveries.generated; entity id 0
	EntitySettings     = "settings" // settings.updated; entity id 0
	EntityImport       = "import"   // customers.imported; entity id: the import record
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
//   - payment.reversed: {"reversal": Reversal, "payment": Payment, "customer": CustomerBalance}
//   - delivery.reversed: {"reversal": Reversal, "delivery": Delivery, "customer": CustomerBalance}
//   - customer.removed: {"customerId": int64, "reason": "moved"} (VendorID is the old vendor)
//   - user.*: {"user": User, "security"?: [SecurityEvent]} (the account
//     change's security events, see SecurityEvent)
//   - security.event: {"security": [SecurityEvent]} (a failed login, a
//     refused token or socket, a reused refresh token; admins only)
//   - alert.raised|updated|resolved: {"alert": Alert} (VendorID 0: admins only)
//   - alert.rules_updated: {"rules": AlertRules} (VendorID 0)
//   - product.*: {"product": Product, "change": "created"|"updated"}
//   - rate.*: {"rate": CustomerRate, "change": "set"|"removed"}
//   - area.*: {"area": Area, "change": "created"|"updated"}
//   - subscription.*: {"subscription": Subscription, "change": "created"|"updated"|"paused"|"pause_cancelled"}
//   - deliveries.generated: {"generated": DeliveriesGenerated}
//   - customers.imported: {"imported": CustomerImported}
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

// ActivityEntry is the event as the activity feed shows it. Payload is the
// event's payload (see Event), from which the dashboard writes the entry in
// its own currency and date formats; Summary is the server's plain text.
type ActivityEntry struct {
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

// Activity returns the event as an activity entry.
func (e *Event) Activity() ActivityEntry {
	return ActivityEntry{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName,
		Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, VendorID: e.VendorID, Summary: e.Summary, Payload: e.Payload}
}

// InActivity reports whether the event is an entry of the activity feed
// (GET /api/activity, activity:updated). The feed is about the business:
// a security happening that is no change (a failed or rate-limited login,
// a refused token or socket, a reused refresh token: action
// security.event) is shown on the Security page only. Account changes stay
// in the feed (an admin did something), and their security events go to
// the Security page as well. A report's progress (report.progress) is no
// change either: the Reports page follows it through report:progress.
func (e *Event) InActivity() bool {
	return e.Action != ActionSecurityEvent && e.Action != ActionReportProgress
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
	// RecentEvents returns up to limit entries of the activity feed
	// (Event.InActivity), newest first.
	RecentEvents(ctx context.Context, limit int) ([]*Event, error)
	// EventsBefore returns up to limit entries of the activity feed with
	// Seq < before, newest first: the page older than what is shown.
	EventsBefore(ctx context.Context, before int64, limit int) ([]*Event, error)
	// LastSeq returns the highest committed Seq (0 when the log is empty).
	LastSeq(ctx context.Context) (int64, error)
	// Epoch returns the log's epoch: an id that changes when the database
	// is restored or its log rewinds. A cursor is an (epoch, seq) pair; one
	// of another epoch names nothing in this log.
	Epoch(ctx context.Context) (string, error)
}

// DeliveriesGenerated is the payload of a deliveries.generated event: the
// deliveries one generation run created for one vendor, on one day.
type DeliveriesGenerated struct {
	Date        string  `json:"date"`
	Shift       Shift   `json:"shift,omitempty"` // "" when both shifts were generated
	VendorID    int64   `json:"vendorId"`
	Created     int     `json:"created"`
	DeliveryIDs []int64 `json:"deliveryIds"`
}
