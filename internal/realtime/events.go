package realtime

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// Server → client event names. They are the product's public interface.
const (
	EventStats    = "stats:updated"
	EventDelivery = "delivery:updated"
	EventPayment  = "payment:added"
	EventCustomer = "customer:updated"
	// EventPaymentReversed, EventDeliveryReversed: a correction (issue 13).
	EventPaymentReversed  = "payment:reversed"
	EventDeliveryReversed = "delivery:reversed"
	// EventCustomerRemoved tells a vendor's clients that a customer moved
	// to another vendor: drop it and everything of it from caches.
	EventCustomerRemoved = "customer:removed"
	EventActivity        = "activity:updated"
	EventUser            = "user:updated"
	EventPresence        = "presence:updated"
	// Alerts (issue 18), admins only.
	EventAlertRaised   = "alert:raised"
	EventAlertUpdated  = "alert:updated"
	EventAlertResolved = "alert:resolved"
	// EventSecurity is a security event (issue 18), to admins only.
	EventSecurity = "security:event"
	EventError    = "error"

	EventProduct      = "product:updated"
	EventRate         = "rate:updated"
	EventArea         = "area:updated"
	EventSubscription = "subscription:updated"
	// Reports (issue 18): a report job's progress and outcome, to admins
	// and the report's vendor.
	EventReportProgress = "report:progress"
	EventReportReady    = "report:ready"
	EventReportFailed   = "report:failed"
	// EventGenerated replaces a burst of one delivery:updated per generated
	// delivery: clients refetch the day (GET /api/round) on it.
	EventGenerated = "deliveries:generated"
)

// Client → server command names.
const (
	CmdStats       = "stats:request"
	CmdPing        = "ping"
	CmdDelivery    = "delivery:update"
	CmdPayment     = "payment:add"
	CmdAuthRefresh = "auth:refresh"
	CmdAlertAck    = "alert:ack" // admins only
	CmdBulkStatus  = "deliveries:status"
)

// Codes of asynchronous `error` events and of connect_error data.
const (
	CodeAuthRequired       = "AUTH_REQUIRED"
	CodeTokenExpired       = "TOKEN_EXPIRED"
	CodeTokenInvalid       = "TOKEN_INVALID"
	CodeResyncRequired     = "RESYNC_REQUIRED"
	CodeServerShuttingDown = "SERVER_SHUTTING_DOWN"
	CodeSessionRevoked     = domain.CodeSessionRevoked // the login session ended: log in again
)

// Message is one Socket.IO event produced from the event log. Its recovery
// offset (see FormatOffset) names it: "EPOCH:SEQ-PART", where PART numbers
// the messages of one log event, so a client that got only the first
// message of an event is replayed exactly the rest, and EPOCH is the event
// log's epoch, so that an offset from before a restore is never taken for
// a position in the new history.
type Message struct {
	Seq     int64
	Part    int
	Name    string
	Payload json.RawMessage
}

// Offset returns the position of the message within its epoch: "SEQ-PART".
func (m Message) Offset() string { return fmt.Sprintf("%d-%d", m.Seq, m.Part) }

// FormatOffset returns the recovery offset of message part of seq in
// epoch: "EPOCH:SEQ-PART"; a negative part gives "EPOCH:SEQ" (every part
// of seq), the shape of the REST cursor.
func FormatOffset(epoch string, seq int64, part int) string {
	if part < 0 {
		return fmt.Sprintf("%s:%d", epoch, seq)
	}
	return fmt.Sprintf("%s:%d-%d", epoch, seq, part)
}

// ParseOffset parses an offset made by FormatOffset. An offset without an
// epoch ("SEQ-PART" or "SEQ", given out before epochs existed) parses with
// an empty epoch, which matches no log: its holder must resync. A bare
// sequence number means all parts of that event were received.
func ParseOffset(s string) (epoch string, seq int64, part int, err error) {
	pos := s
	if e, rest, ok := strings.Cut(s, ":"); ok {
		if e == "" {
			return "", 0, 0, fmt.Errorf("invalid offset %q", s)
		}
		epoch, pos = e, rest
	}
	if _, err := fmt.Sscanf(pos, "%d-%d", &seq, &part); err == nil && seq >= 0 && part >= 0 && fmt.Sprintf("%d-%d", seq, part) == pos {
		return epoch, seq, part, nil
	}
	if _, err := fmt.Sscanf(pos, "%d", &seq); err == nil && seq >= 0 && fmt.Sprint(seq) == pos {
		return epoch, seq, lastPart, nil
	}
	return "", 0, 0, fmt.Errorf("invalid offset %q", s)
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

// PaymentReversedPayload is the payload of payment:reversed: the reversal,
// the payment as it now reads (reversedAt set) and the new balance.
type PaymentReversedPayload struct {
	Seq      int64                  `json:"seq"`
	At       time.Time              `json:"at"`
	Reversal json.RawMessage        `json:"reversal"`
	Payment  json.RawMessage        `json:"payment"`
	Customer domain.CustomerBalance `json:"customer"`
}

// DeliveryReversedPayload is the payload of delivery:reversed.
type DeliveryReversedPayload struct {
	Seq      int64                  `json:"seq"`
	At       time.Time              `json:"at"`
	Reversal json.RawMessage        `json:"reversal"`
	Delivery json.RawMessage        `json:"delivery"`
	Customer domain.CustomerBalance `json:"customer"`
}

// CustomerRemovedPayload is the payload of customer:removed, sent to the
// vendor that lost the customer (and to admins, for whom nothing is
// removed: VendorID says whose view it concerns). Reason is "moved".
type CustomerRemovedPayload struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	CustomerID int64     `json:"customerId"`
	VendorID   int64     `json:"vendorId"`
	Reason     string    `json:"reason"`
}

// UserPayload is the payload of user:updated (admins only).
type UserPayload struct {
	Seq  int64           `json:"seq"`
	At   time.Time       `json:"at"`
	User json.RawMessage `json:"user"`
}

// AlertPayload is the payload of alert:raised, alert:updated and
// alert:resolved (admins only): the alert as it now is.
type AlertPayload struct {
	Seq   int64           `json:"seq"`
	At    time.Time       `json:"at"`
	Alert json.RawMessage `json:"alert"`
}

// SecurityPayload is the payload of security:event (admins only): the
// security event with the seq of its event-log entry.
type SecurityPayload = domain.SecurityEvent

// ProductPayload is the payload of product:updated.
type ProductPayload struct {
	Seq     int64           `json:"seq"`
	At      time.Time       `json:"at"`
	Product json.RawMessage `json:"product"`
	Change  string          `json:"change"` // created | updated
}

// RatePayload is the payload of rate:updated.
type RatePayload struct {
	Seq    int64           `json:"seq"`
	At     time.Time       `json:"at"`
	Rate   json.RawMessage `json:"rate"`
	Change string          `json:"change"` // set | removed
}

// AreaPayload is the payload of area:updated.
type AreaPayload struct {
	Seq    int64           `json:"seq"`
	At     time.Time       `json:"at"`
	Area   json.RawMessage `json:"area"`
	Change string          `json:"change"` // created | updated
}

// SubscriptionPayload is the payload of subscription:updated.
type SubscriptionPayload struct {
	Seq          int64           `json:"seq"`
	At           time.Time       `json:"at"`
	Subscription json.RawMessage `json:"subscription"`
	Change       string          `json:"change"` // created | updated | paused | pause_cancelled
}

// GeneratedPayload is the payload of deliveries:generated: one vendor's
// deliveries created by one generation run.
type GeneratedPayload struct {
	Seq         int64        `json:"seq"`
	At          time.Time    `json:"at"`
	Date        string       `json:"date"`
	Shift       domain.Shift `json:"shift,omitempty"`
	VendorID    int64        `json:"vendorId"`
	Created     int          `json:"created"`
	DeliveryIDs []int64      `json:"deliveryIds"`
}

// ReportProgressPayload is the payload of report:progress: items done of
// total, and an estimate of the seconds left (null until one item is done).
type ReportProgressPayload struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ID         int64     `json:"id"`
	Done       int       `json:"done"`
	Total      int       `json:"total"`
	EtaSeconds *int      `json:"etaSeconds"`
}

// ReportReadyPayload is the payload of report:ready: where to download the
// file, its size, and the report as it now is.
type ReportReadyPayload struct {
	Seq    int64           `json:"seq"`
	At     time.Time       `json:"at"`
	ID     int64           `json:"id"`
	URL    string          `json:"url"`
	Bytes  int64           `json:"bytes"`
	Report json.RawMessage `json:"report"`
}

// ReportFailedPayload is the payload of report:failed: why, and whether it
// was cancelled (DELETE /api/reports/{id}) rather than failing.
type ReportFailedPayload struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	ID        int64           `json:"id"`
	Error     string          `json:"error"`
	Cancelled bool            `json:"cancelled"`
	Report    json.RawMessage `json:"report"`
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
	Customer       json.RawMessage             `json:"customer"`
	Change         string                      `json:"change"`
	Delivery       json.RawMessage             `json:"delivery"`
	PreviousStatus domain.DeliveryStatus       `json:"previousStatus"`
	Payment        json.RawMessage             `json:"payment"`
	User           json.RawMessage             `json:"user"`
	Reversal       json.RawMessage             `json:"reversal"`
	CustomerID     int64                       `json:"customerId"`
	Reason         string                      `json:"reason"`
	Security       []domain.SecurityEvent      `json:"security"`
	Product        json.RawMessage             `json:"product"`
	Rate           json.RawMessage             `json:"rate"`
	Area           json.RawMessage             `json:"area"`
	Subscription   json.RawMessage             `json:"subscription"`
	Generated      *domain.DeliveriesGenerated `json:"generated"`
	Alert          json.RawMessage             `json:"alert"`
	Report         json.RawMessage             `json:"report"`
	Progress       *domain.ReportProgress      `json:"progress"`
}

// Messages turns one event-log entry into the Socket.IO messages it
// produces, in order: the entity's own event (when there is one), the
// security:event of each security event it carries, and then
// activity:updated, unless the entry is not in the activity feed (a
// security.event entry: see domain.Event.InActivity). Every message
// carries the entry's seq and time. Live delivery and replay both come
// from here, so they always agree on the messages and their parts.
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
	case domain.ActionPaymentReversed, domain.ActionDeliveryReversed:
		var balance domain.CustomerBalance
		if err := json.Unmarshal(p.Customer, &balance); err != nil {
			return nil, fmt.Errorf("failed to decode the customer balance of reversal event %d: %w", ev.Seq, err)
		}
		if ev.Action == domain.ActionPaymentReversed {
			name, body = EventPaymentReversed, PaymentReversedPayload{Seq: ev.Seq, At: ev.At, Reversal: p.Reversal, Payment: p.Payment, Customer: balance}
		} else {
			name, body = EventDeliveryReversed, DeliveryReversedPayload{Seq: ev.Seq, At: ev.At, Reversal: p.Reversal, Delivery: p.Delivery, Customer: balance}
		}
	case domain.ActionCustomerRemoved:
		name, body = EventCustomerRemoved, CustomerRemovedPayload{Seq: ev.Seq, At: ev.At, CustomerID: p.CustomerID, VendorID: ev.VendorID, Reason: p.Reason}
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
	case domain.ActionAlertRaised:
		name, body = EventAlertRaised, AlertPayload{Seq: ev.Seq, At: ev.At, Alert: p.Alert}
	case domain.ActionAlertUpdated:
		name, body = EventAlertUpdated, AlertPayload{Seq: ev.Seq, At: ev.At, Alert: p.Alert}
	case domain.ActionAlertResolved:
		name, body = EventAlertResolved, AlertPayload{Seq: ev.Seq, At: ev.At, Alert: p.Alert}
	case domain.ActionSecurityEvent:
		if len(p.Security) == 0 {
			return nil, fmt.Errorf("security event %d has no security payload", ev.Seq)
		}
	case domain.ActionProductCreated, domain.ActionProductUpdated:
		name, body = EventProduct, ProductPayload{Seq: ev.Seq, At: ev.At, Product: p.Product, Change: p.Change}
	case domain.ActionRateSet, domain.ActionRateRemoved:
		name, body = EventRate, RatePayload{Seq: ev.Seq, At: ev.At, Rate: p.Rate, Change: p.Change}
	case domain.ActionAreaCreated, domain.ActionAreaUpdated:
		name, body = EventArea, AreaPayload{Seq: ev.Seq, At: ev.At, Area: p.Area, Change: p.Change}
	case domain.ActionSubscriptionCreated, domain.ActionSubscriptionUpdated:
		name, body = EventSubscription, SubscriptionPayload{Seq: ev.Seq, At: ev.At, Subscription: p.Subscription, Change: p.Change}
	case domain.ActionReportProgress:
		// Progress is not activity: one message, and no activity:updated.
		if p.Progress == nil {
			return nil, fmt.Errorf("event %d (%s) has no progress payload", ev.Seq, ev.Action)
		}
		b, err := json.Marshal(ReportProgressPayload{Seq: ev.Seq, At: ev.At, ID: ev.EntityID, Done: p.Progress.Done, Total: p.Progress.Total, EtaSeconds: p.Progress.EtaSeconds})
		if err != nil {
			return nil, fmt.Errorf("failed to encode %s for event %d: %w", EventReportProgress, ev.Seq, err)
		}
		return []Message{{Seq: ev.Seq, Part: 0, Name: EventReportProgress, Payload: b}}, nil
	case domain.ActionReportReady, domain.ActionReportFailed, domain.ActionReportCancelled:
		var r struct {
			URL   string `json:"url"`
			Bytes int64  `json:"bytes"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal(p.Report, &r); err != nil {
			return nil, fmt.Errorf("failed to decode the report of event %d: %w", ev.Seq, err)
		}
		if ev.Action == domain.ActionReportReady {
			name, body = EventReportReady, ReportReadyPayload{Seq: ev.Seq, At: ev.At, ID: ev.EntityID, URL: r.URL, Bytes: r.Bytes, Report: p.Report}
		} else {
			name, body = EventReportFailed, ReportFailedPayload{Seq: ev.Seq, At: ev.At, ID: ev.EntityID, Error: r.Error,
				Cancelled: ev.Action == domain.ActionReportCancelled, Report: p.Report}
		}
	case domain.ActionDeliveriesGenerated:
		if p.Generated == nil {
			return nil, fmt.Errorf("event %d (%s) has no generated payload", ev.Seq, ev.Action)
		}
		g := p.Generated
		ids := g.DeliveryIDs
		if ids == nil {
			ids = []int64{}
		}
		name, body = EventGenerated, GeneratedPayload{Seq: ev.Seq, At: ev.At, Date: g.Date, Shift: g.Shift, VendorID: g.VendorID, Created: g.Created, DeliveryIDs: ids}
	}
	var out []Message
	if name != "" {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("failed to encode %s for event %d: %w", name, ev.Seq, err)
		}
		out = append(out, Message{Seq: ev.Seq, Part: 0, Name: name, Payload: b})
	}
	// Security events: of a security.event entry, or riding on an account
	// change's user.* entry; one security:event each (admins only: both
	// entries' audience).
	for _, sec := range p.Security {
		sec.Seq = ev.Seq
		b, err := json.Marshal(sec)
		if err != nil {
			return nil, fmt.Errorf("failed to encode %s for event %d: %w", EventSecurity, ev.Seq, err)
		}
		out = append(out, Message{Seq: ev.Seq, Part: len(out), Name: EventSecurity, Payload: b})
	}
	if !ev.InActivity() {
		return out, nil
	}
	b, err := json.Marshal(ActivityPayload{Seq: ev.Seq, At: ev.At, Entry: ev.Activity()})
	if err != nil {
		return nil, fmt.Errorf("failed to encode activity for event %d: %w", ev.Seq, err)
	}
	out = append(out, Message{Seq: ev.Seq, Part: len(out), Name: EventActivity, Payload: b})
	return out, nil
}

// Audience is who may receive an event: admins always; the event's vendor
// when it has one. User, security and alert events go to admins only.
func Audience(ev *domain.Event) (vendorID int64) {
	if ev.Entity == domain.EntityUser || ev.Entity == domain.EntitySecurity || ev.Entity == domain.EntityAlert {
		return 0
	}
	return ev.VendorID
}

// figuresVendor is a vendor whose figures an event moves besides its
// audience's: a reversal counts against the vendor of the original (which
// delivered it), who may no longer have the customer. 0 when there is none.
func figuresVendor(ev *domain.Event) int64 {
	if ev.Action != domain.ActionDeliveryReversed && ev.Action != domain.ActionPaymentReversed {
		return 0
	}
	var p struct {
		Reversal struct {
			VendorID int64 `json:"vendorId"`
		} `json:"reversal"`
	}
	if json.Unmarshal(ev.Payload, &p) != nil {
		return 0
	}
	return p.Reversal.VendorID
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
