package domain

import "context"

// Reason is why a delivery failed or was skipped.
type Reason string

const (
	ReasonNotHome    Reason = "not_home"
	ReasonRefused    Reason = "refused"
	ReasonNoAccess   Reason = "no_access"
	ReasonOutOfStock Reason = "out_of_stock"
	ReasonOther      Reason = "other" // needs a reasonText
)

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool {
	switch r {
	case ReasonNotHome, ReasonRefused, ReasonNoAccess, ReasonOutOfStock, ReasonOther:
		return true
	}
	return false
}

// GenerateRequest asks for a day's deliveries to be created from the
// active subscriptions. Shift "" means both shifts; VendorID 0 means every
// vendor the actor may act for (a vendor always generates its own only).
type GenerateRequest struct {
	Date     string `json:"date"`
	Shift    Shift  `json:"shift,omitempty"`
	VendorID int64  `json:"vendorId,omitempty"`
}

// GenerateResult counts the deliveries the call created and those that
// already existed (generated before, by this or another instance).
type GenerateResult struct {
	Date     string `json:"date"`
	Created  int    `json:"created"`
	Existing int    `json:"existing"`
}

// RoundQuery selects a round: one day (default today), optionally one
// shift, vendor and area.
type RoundQuery struct {
	Date     string
	Shift    Shift
	VendorID int64
	AreaID   int64
}

// RoundStop is one delivery of a round with what the person delivering
// needs to know about the customer.
type RoundStop struct {
	Delivery     *Delivery `json:"delivery"`
	AreaID       int64     `json:"areaId"` // 0: no area
	AreaName     string    `json:"areaName"`
	Position     int       `json:"position"`
	Address      string    `json:"address"`
	Phone        string    `json:"phone"`
	BalanceCents int64     `json:"balanceCents"`
	CustomerNote string    `json:"customerNote"`
}

// ProductQuantity is how much of one product a round carries (cancelled
// deliveries excluded).
type ProductQuantity struct {
	ProductID int64  `json:"productId"` // 0 for one-off deliveries without a product
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	Quantity  int    `json:"quantity"`
}

// RoundCounters count a round's deliveries: toDo is scheduled, out is
// out_for_delivery; total includes cancelled ones.
type RoundCounters struct {
	Total      int               `json:"total"`
	ToDo       int               `json:"toDo"`
	Out        int               `json:"out"`
	Delivered  int               `json:"delivered"`
	Failed     int               `json:"failed"`
	Skipped    int               `json:"skipped"`
	Cancelled  int               `json:"cancelled"`
	Quantities []ProductQuantity `json:"quantities"`
}

// Round is a day's deliveries in walking order: areas by sort order and
// name (customers without an area last), customers by position and name.
type Round struct {
	Date     string        `json:"date"`
	Shift    Shift         `json:"shift,omitempty"`
	Stops    []*RoundStop  `json:"stops"`
	Counters RoundCounters `json:"counters"`
	Seq      int64         `json:"seq"` // the last event the round includes
}

// BulkStatus is the input of UpdateDeliveryStatuses: the same status (and
// reason) for many deliveries. IdempotencyKey (or the request's key) keys
// the whole call.
type BulkStatus struct {
	IDs            []int64        `json:"ids"`
	Status         DeliveryStatus `json:"status"`
	Reason         Reason         `json:"reason,omitempty"`
	ReasonText     string         `json:"reasonText,omitempty"`
	IdempotencyKey string         `json:"idempotencyKey,omitempty"`
	// ExpectedStatus, when set, is the status every listed delivery was in
	// when the user made the change: an id no longer in it is refused with
	// CONFLICT and current (see DeliveryUpdate.ExpectedStatus).
	ExpectedStatus DeliveryStatus `json:"expectedStatus,omitempty"`
}

// BulkStatusItem is the outcome for one id of a bulk status change.
type BulkStatusItem struct {
	ID             int64          `json:"id"`
	OK             bool           `json:"ok"`
	Delivery       *Delivery      `json:"delivery,omitempty"`
	PreviousStatus DeliveryStatus `json:"previousStatus,omitempty"`
	Error          *Error         `json:"error,omitempty"`
}

// BulkStatusResult reports each id, in the order given.
type BulkStatusResult struct {
	Results   []BulkStatusItem `json:"results"`
	Succeeded int              `json:"succeeded"`
	Failed    int              `json:"failed"`
}

// RoundService generates days from subscriptions and serves rounds.
type RoundService interface {
	GenerateDeliveries(ctx context.Context, in GenerateRequest) (*GenerateResult, error)
	Round(ctx context.Context, q RoundQuery) (*Round, error)
	UpdateDeliveryStatuses(ctx context.Context, in BulkStatus) (*BulkStatusResult, error)
}

// Add counts one delivery of the round.
func (c *RoundCounters) Add(status DeliveryStatus) {
	c.Total++
	switch status {
	case DeliveryScheduled:
		c.ToDo++
	case DeliveryOutForDelivery:
		c.Out++
	case DeliveryDelivered:
		c.Delivered++
	case DeliveryFailed:
		c.Failed++
	case DeliverySkipped:
		c.Skipped++
	case DeliveryCancelled:
		c.Cancelled++
	}
}
