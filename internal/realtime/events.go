package realtime

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// Server → client event names. They are the product's public interface.
const (
	EventStats    = "stats:updated"
	EventDelivery = "delivery:updated"
	EventPayment  = "payment:added"
	EventCustomer = "customer:updated"
	EventActivity = "activity:updated"
	EventUser     = "user:updated"
	EventPresence = "presence:updated"
	EventError    = "error"
)

// Client → server command names.
const (
	CmdStats       = "stats:request"
	CmdPing        = "ping"
	CmdDelivery    = "delivery:update"
	CmdPayment     = "payment:add"
	CmdAuthRefresh = "auth:refresh"
)

// Codes of asynchronous `error` events and of connect_error data.
const (
	CodeAuthRequired       = "AUTH_REQUIRED"
	CodeTokenExpired       = "TOKEN_EXPIRED"
	CodeTokenInvalid       = "TOKEN_INVALID"
	CodeResyncRequired     = "RESYNC_REQUIRED"
	CodeServerShuttingDown = "SERVER_SHUTTING_DOWN"
)

// Message is one Socket.IO event produced from the event log. Offset is what
// the client holds for connection state recovery: "SEQ-PART", where PART
// numbers the messages of one log event, so a client that got only the
// first message of an event is replayed exactly the rest.
type Message struct {
	Seq     int64
	Part    int
	Name    string
	Payload json.RawMessage
}

// Offset returns the recovery offset of the message.
func (m Message) Offset() string { return fmt.Sprintf("%d-%d", m.Seq, m.Part) }

// ParseOffset parses an offset made by Message.Offset. A bare sequence
// number is accepted too (as if all parts of that event were received),
// which is what the REST polling fallback's cursor is.
func ParseOffset(s string) (seq int64, part int, err error) {
	if _, err := fmt.Sscanf(s, "%d-%d", &seq, &part); err == nil && seq >= 0 && part >= 0 {
		return seq, part, nil
	}
	if _, err := fmt.Sscanf(s, "%d", &seq); err == nil && seq >= 0 && fmt.Sprint(seq) == s {
		return seq, lastPart, nil
	}
	return 0, 0, fmt.Errorf("invalid offset %q", s)
}

// lastPart is larger than any part number: "everything of this seq".
const lastPart = 1 << 20

// DeliveryPayload is the payload of delivery:updated.
type DeliveryPayload struct {
	Seq            int64                 `json:"seq"`
	At             time.Time             `json:"at"`
	Delivery       json.RawMessage       `json:"delivery"`
	PreviousStatus domain.DeliveryStatus `json:"previousStatus"`
}

// PaymentPayload is the payload of payment:added.
type PaymentPayload struct {
	Seq      int64                  `json:"seq"`
	At       time.Time              `json:"at"`
	Payment  json.RawMessage        `json:"payment"`
	Customer domain.CustomerBalance `json:"customer"`
}

// CustomerPayload is the payload of customer:updated.
type CustomerPayload struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Customer json.RawMessage `json:"customer"`
	Change   string          `json:"change"`
}

// UserPayload is the payload of user:updated (admins only).
type UserPayload struct {
	Seq  int64           `json:"seq"`
	At   time.Time       `json:"at"`
	User json.RawMessage `json:"user"`
}

// ActivityPayload is the payload of activity:updated.
type ActivityPayload struct {
	Seq   int64                `json:"seq"`
	At    time.Time            `json:"at"`
	Entry domain.ActivityEntry `json:"entry"`
}

// StatsPayload is the payload of stats:updated.
type StatsPayload struct {
	Stats *domain.Stats `json:"stats"`
	At    time.Time     `json:"at"`
}

// ErrorPayload is the payload of the asynchronous error event.
type ErrorPayload struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// eventPayload is the union of the event log's payload shapes (see domain.Event).
type eventPayload struct {
	Customer       json.RawMessage       `json:"customer"`
	Change         string                `json:"change"`
	Delivery       json.RawMessage       `json:"delivery"`
	PreviousStatus domain.DeliveryStatus `json:"previousStatus"`
	Payment        json.RawMessage       `json:"payment"`
	User           json.RawMessage       `json:"user"`
}

// Messages turns one event-log entry into the Socket.IO messages it
// produces, in order: the entity's own event (when there is one) and then
// activity:updated. Every message carries the entry's seq and time.
func Messages(ev *domain.Event) ([]Message, error) {
	var p eventPayload
	if len(ev.Payload) > 0 {
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return nil, fmt.Errorf("failed to decode payload of event %d (%s): %w", ev.Seq, ev.Action, err)
		}
	}
	var (
		name string
		body any
	)
	switch ev.Action {
	case domain.ActionDeliveryCreated, domain.ActionDeliveryUpdated:
		name, body = EventDelivery, DeliveryPayload{Seq: ev.Seq, At: ev.At, Delivery: p.Delivery, PreviousStatus: p.PreviousStatus}
	case domain.ActionPaymentAdded:
		var balance domain.CustomerBalance
		if err := json.Unmarshal(p.Customer, &balance); err != nil {
			return nil, fmt.Errorf("failed to decode the customer balance of payment event %d: %w", ev.Seq, err)
		}
		name, body = EventPayment, PaymentPayload{Seq: ev.Seq, At: ev.At, Payment: p.Payment, Customer: balance}
	case domain.ActionCustomerCreated, domain.ActionCustomerUpdated, domain.ActionCustomerStatus:
		change := p.Change
		if change == "" {
			change = map[string]string{domain.ActionCustomerCreated: "created", domain.ActionCustomerStatus: "status"}[ev.Action]
			if change == "" {
				change = "updated"
			}
		}
		name, body = EventCustomer, CustomerPayload{Seq: ev.Seq, At: ev.At, Customer: p.Customer, Change: change}
	case domain.ActionUserCreated, domain.ActionUserUpdated:
		name, body = EventUser, UserPayload{Seq: ev.Seq, At: ev.At, User: p.User}
	}
	var out []Message
	if name != "" {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("failed to encode %s for event %d: %w", name, ev.Seq, err)
		}
		out = append(out, Message{Seq: ev.Seq, Part: 0, Name: name, Payload: b})
	}
	b, err := json.Marshal(ActivityPayload{Seq: ev.Seq, At: ev.At, Entry: ev.Activity()})
	if err != nil {
		return nil, fmt.Errorf("failed to encode activity for event %d: %w", ev.Seq, err)
	}
	out = append(out, Message{Seq: ev.Seq, Part: len(out), Name: EventActivity, Payload: b})
	return out, nil
}

// Audience is who may receive an event: admins always; the event's vendor
// when it has one. User events go to admins only.
func Audience(ev *domain.Event) (vendorID int64) {
	if ev.Entity == domain.EntityUser {
		return 0
	}
	return ev.VendorID
}

// receives reports whether a socket of this user is in the audience of ev,
// as the live broadcast chooses it (admins, and Audience's vendor). A
// replay must send exactly what live delivery would have: the log shows a
// vendor more (its own account's changes) than the socket sends it.
func (d *socketData) receives(ev *domain.Event) bool {
	if d.Role == domain.RoleAdmin {
		return true
	}
	v := Audience(ev)
	return d.Role == domain.RoleVendor && v != 0 && v == d.UserID
}
