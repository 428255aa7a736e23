package realtime

import (
	"reflect"

	"github.com/livedesk/livedesk/internal/domain"
)

// Ack is the acknowledgement of every client → server command.
type Ack struct {
	OK    bool          `json:"ok"`
	Data  any           `json:"data,omitempty"`
	Error *domain.Error `json:"error,omitempty"`
}

// DeliveryCommand is the argument of delivery:update.
type DeliveryCommand struct {
	ID             int64                 `json:"id"`
	Status         domain.DeliveryStatus `json:"status"`
	Note           *string               `json:"note,omitempty"`
	IdempotencyKey string                `json:"idempotencyKey,omitempty"`
	Reason         *domain.Reason        `json:"reason,omitempty"`
	ReasonText     *string               `json:"reasonText,omitempty"`
	// ExpectedStatus: as PATCH /api/deliveries/{id} (CONFLICT with current when it no longer holds).
	ExpectedStatus *domain.DeliveryStatus `json:"expectedStatus,omitempty"`
}

// RefreshCommand is the argument of auth:refresh.
type RefreshCommand struct {
	Token string `json:"token"`
}

// PingReply is the data of the ping acknowledgement.
type PingReply struct {
	ServerTime string `json:"serverTime"`
}

// RefreshReply is the data of the auth:refresh acknowledgement.
type RefreshReply struct {
	ExpiresAt string `json:"expiresAt"`
}

type asyncEvent struct {
	name    string
	title   string
	payload reflect.Type
}

// serverEvents and clientCommands are every event of the public contract;
// the AsyncAPI document and its test are built from them.
var serverEvents = []asyncEvent{
	{EventStats, "Dashboard figures changed", reflect.TypeFor[StatsPayload]()},
	{EventDelivery, "A delivery was created or changed", reflect.TypeFor[DeliveryPayload]()},
	{EventPayment, "A payment was recorded", reflect.TypeFor[PaymentPayload]()},
	{EventCustomer, "A customer was created or changed", reflect.TypeFor[CustomerPayload]()},
	{EventPaymentReversed, "A payment was reversed (admins' correction)", reflect.TypeFor[PaymentReversedPayload]()},
	{EventDeliveryReversed, "A delivered delivery was reversed and its charge refunded", reflect.TypeFor[DeliveryReversedPayload]()},
	{EventCustomerRemoved, "A customer moved to another vendor: the old vendor drops it", reflect.TypeFor[CustomerRemovedPayload]()},
	{EventActivity, "An activity-feed entry was appended (every change; not a security happening that is no change, such as a failed login: see security:event)", reflect.TypeFor[ActivityPayload]()},
	{EventUser, "A user was created or changed (admins only)", reflect.TypeFor[UserPayload]()},
	{EventPresence, "Admins online changed (admins only)", reflect.TypeFor[PresencePayload]()},
	{EventSecurity, "A security event was recorded (admins only; a failed login or refused token or socket sends this alone, without activity:updated)", reflect.TypeFor[SecurityPayload]()},
	{EventProduct, "A product was created or changed", reflect.TypeFor[ProductPayload]()},
	{EventRate, "A customer's own rate for a product was set or removed", reflect.TypeFor[RatePayload]()},
	{EventArea, "A delivery area was created or changed", reflect.TypeFor[AreaPayload]()},
	{EventSubscription, "A subscription was created, changed, paused or a pause cancelled", reflect.TypeFor[SubscriptionPayload]()},
	{EventGenerated, "A day's deliveries were generated from subscriptions (one event per vendor and run)", reflect.TypeFor[GeneratedPayload]()},
	{EventAlertRaised, "An alert was raised (admins only)", reflect.TypeFor[AlertPayload]()},
	{EventAlertUpdated, "An alert changed: its message or severity, or an admin acknowledged it (admins only)", reflect.TypeFor[AlertPayload]()},
	{EventAlertResolved, "An alert's condition ended (admins only)", reflect.TypeFor[AlertPayload]()},
	{EventReportProgress, "A report job moved on (a few per second at most; admins and the report's vendor)", reflect.TypeFor[ReportProgressPayload]()},
	{EventReportReady, "A report is ready to download (admins and the report's vendor)", reflect.TypeFor[ReportReadyPayload]()},
	{EventReportFailed, "A report failed or was cancelled (admins and the report's vendor)", reflect.TypeFor[ReportFailedPayload]()},
	{EventError, "An asynchronous problem", reflect.TypeFor[ErrorPayload]()},
}

type asyncCommand struct {
	name  string
	title string
	arg   reflect.Type // nil: no argument
	reply reflect.Type
}

var clientCommands = []asyncCommand{
	{CmdStats, "Current figures for the caller", nil, reflect.TypeFor[domain.Stats]()},
	{CmdPing, "Round-trip measurement", nil, reflect.TypeFor[PingReply]()},
	{CmdDelivery, "Change a delivery's status (an idempotencyKey makes a retry safe: it gets the first acknowledgement)", reflect.TypeFor[DeliveryCommand](), reflect.TypeFor[domain.DeliveryChange]()},
	{CmdPayment, "Record a payment (idempotencyKey required: a retry with it gets the first acknowledgement, never a second payment)", reflect.TypeFor[domain.PaymentCreate](), reflect.TypeFor[domain.PaymentResult]()},
	{CmdAuthRefresh, "Replace the connection's token before it expires", reflect.TypeFor[RefreshCommand](), reflect.TypeFor[RefreshReply]()},
	{CmdBulkStatus, "Change the status of many deliveries (as POST /api/deliveries/status)", reflect.TypeFor[domain.BulkStatus](), reflect.TypeFor[domain.BulkStatusResult]()},
	{CmdAlertAck, "Acknowledge an open alert (admins only; every admin gets alert:updated naming who)", reflect.TypeFor[domain.AlertAck](), reflect.TypeFor[domain.Alert]()},
}

// AsyncAPI returns the AsyncAPI 3.0 document of the real-time API, served
// at /api/asyncapi.json. The server is the described application: it sends
// the server → client events and receives the commands, replying with an
// acknowledgement.
func AsyncAPI() map[string]any {
	s := newSchemas(map[string]reflect.Type{
		"DeliveryPayload.Delivery":         reflect.TypeFor[domain.Delivery](),
		"PaymentPayload.Payment":           reflect.TypeFor[domain.Payment](),
		"CustomerPayload.Customer":         reflect.TypeFor[domain.Customer](),
		"UserPayload.User":                 reflect.TypeFor[domain.User](),
		"PaymentReversedPayload.Reversal":  reflect.TypeFor[domain.Reversal](),
		"PaymentReversedPayload.Payment":   reflect.TypeFor[domain.Payment](),
		"DeliveryReversedPayload.Reversal": reflect.TypeFor[domain.Reversal](),
		"DeliveryReversedPayload.Delivery": reflect.TypeFor[domain.Delivery](),

		"ProductPayload.Product":           reflect.TypeFor[domain.Product](),
		"RatePayload.Rate":                 reflect.TypeFor[domain.CustomerRate](),
		"AreaPayload.Area":                 reflect.TypeFor[domain.Area](),
		"SubscriptionPayload.Subscription": reflect.TypeFor[domain.Subscription](),
		"AlertPayload.Alert":               reflect.TypeFor[domain.Alert](),
		"ReportReadyPayload.Report":        reflect.TypeFor[domain.Report](),
		"ReportFailedPayload.Report":       reflect.TypeFor[domain.Report](),
	})
	messages := map[string]any{}
	chanMessages := map[string]any{}
	operations := map[string]any{}
	ref := func(id string) map[string]any { return map[string]any{"$ref": "#/channels/root/messages/" + id} }
	add := func(id, name, title string, payload map[string]any) {
		messages[id] = map[string]any{"name": name, "title": title, "payload": payload}
		chanMessages[id] = map[string]any{"$ref": "#/components/messages/" + id}
	}
	channel := map[string]any{"$ref": "#/channels/root"}
	for _, e := range serverEvents {
		id := messageID(e.name)
		add(id, e.name, e.title, s.of(e.payload))
		operations["send_"+id] = map[string]any{"action": "send", "channel": channel, "messages": []any{ref(id)}}
	}
	for _, c := range clientCommands {
		id := messageID(c.name)
		payload := map[string]any{"type": "null", "description": "no argument"}
		if c.arg != nil {
			payload = s.of(c.arg)
		}
		add(id, c.name, c.title, payload)
		replyID := id + "Ack"
		add(replyID, c.name+" (ack)", "Acknowledgement of "+c.name, map[string]any{
			"type": "object", "required": []string{"ok"},
			"properties": map[string]any{
				"ok":    map[string]any{"type": "boolean"},
				"data":  s.of(c.reply),
				"error": s.of(reflect.TypeFor[domain.Error]()),
			},
		})
		operations["receive_"+id] = map[string]any{
			"action": "receive", "channel": channel, "messages": []any{ref(id)},
			"reply": map[string]any{"channel": channel, "messages": []any{ref(replyID)}},
		}
	}
	return map[string]any{
		"asyncapi": "3.0.0",
		"info": map[string]any{
			"title":   "Livedesk real-time API",
			"version": "1.0.0",
			"description": "Socket.IO v5 (Engine.IO v4) at /socket.io/, namespace \"/\". " +
				"Authenticate with io(url, {auth: {token}}). Admins receive every event, vendors their own; " +
				"staff the delivery, payment, subscription and deliveries:generated events of their round only. See docs/events.md.",
		},
		"defaultContentType": "application/json",
		"servers": map[string]any{
			"livedesk": map[string]any{"host": "127.0.0.1:8080", "pathname": "/socket.io/", "protocol": "ws",
				"description": "Socket.IO over WebSocket, or HTTP long-polling with upgrade"},
		},
		"channels": map[string]any{
			"root": map[string]any{"address": "/", "title": "Socket.IO namespace /", "messages": chanMessages},
		},
		"operations": operations,
		"components": map[string]any{"messages": messages, "schemas": s.defs},
	}
}

// messageID turns "payment:added" into "paymentAdded".
func messageID(name string) string {
	out := make([]byte, 0, len(name))
	upper := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == ':' {
			upper = true
			continue
		}
		if upper && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		upper = false
		out = append(out, c)
	}
	return string(out)
}
