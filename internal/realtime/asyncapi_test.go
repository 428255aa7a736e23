package realtime

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAsyncAPIDocumentsEveryEvent(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(AsyncAPI())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AsyncAPI   string `json:"asyncapi"`
		Components struct {
			Messages map[string]struct {
				Name    string         `json:"name"`
				Payload map[string]any `json:"payload"`
			} `json:"messages"`
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
		Operations map[string]struct {
			Action string `json:"action"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AsyncAPI != "3.0.0" {
		t.Errorf("asyncapi = %q, want 3.0.0", doc.AsyncAPI)
	}
	names := map[string]bool{}
	for _, m := range doc.Components.Messages {
		names[m.Name] = true
	}
	for _, want := range []string{EventStats, EventDelivery, EventPayment, EventCustomer, EventActivity, EventPresence, EventError, EventUser,
		EventPaymentReversed, EventDeliveryReversed, EventCustomerRemoved,
		CmdStats, CmdPing, CmdDelivery, CmdPayment, CmdAuthRefresh,
		EventProduct, EventRate, EventArea, EventSubscription, EventGenerated, CmdBulkStatus,
		EventAlertRaised, EventAlertUpdated, EventAlertResolved, CmdAlertAck} {
		if !names[want] {
			t.Errorf("message %q is not documented", want)
		}
	}
	// Payload fields come from the Go types: spot-check the contract fields.
	wantFields := map[string][]string{
		"PaymentPayload":          {"seq", "at", "payment", "customer"},
		"DeliveryPayload":         {"seq", "at", "delivery", "previousStatus"},
		"CustomerPayload":         {"seq", "at", "customer", "change"},
		"PaymentReversedPayload":  {"seq", "at", "reversal", "payment", "customer"},
		"DeliveryReversedPayload": {"seq", "at", "reversal", "delivery", "customer"},
		"CustomerRemovedPayload":  {"seq", "at", "customerId", "vendorId", "reason"},
		"Reversal":                {"id", "entity", "entityId", "customerId", "vendorId", "amountCents", "reason", "reversedBy", "createdAt"},
		"Payment":                 {"id", "customerId", "amountCents", "method", "recordedBy", "createdAt", "reversedAt", "reversalReason"},
		"Customer":                {"name", "phone", "email", "address", "status", "vendorId", "balanceCents"},
		"Stats":                   {"timezone", "today", "activeCustomers", "deliveriesToday", "revenueTodayCents", "seq"},
	}
	for schema, fields := range wantFields {
		props := doc.Components.Schemas[schema].Properties
		for _, f := range fields {
			if _, ok := props[f]; !ok {
				t.Errorf("schema %s lacks field %q (has %v)", schema, f, keys(props))
			}
		}
	}
	if _, ok := doc.Components.Schemas["User"].Properties["passwordHash"]; ok {
		t.Error("User schema exposes the password hash")
	}
	for id, op := range doc.Operations {
		if (strings.HasPrefix(id, "send_") && op.Action != "send") || (strings.HasPrefix(id, "receive_") && op.Action != "receive") {
			t.Errorf("operation %s has action %q", id, op.Action)
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
