package realtime

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

func TestMessages(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		ev        domain.Event
		wantNames []string
		check     func(t *testing.T, first map[string]any)
	}{
		{
			name:      "payment",
			ev:        domain.Event{Seq: 7, At: at, Action: domain.ActionPaymentAdded, Entity: domain.EntityPayment, EntityID: 3, VendorID: 2, Payload: json.RawMessage(`{"payment":{"id":3,"amountCents":500},"customer":{"id":9,"balanceCents":-500}}`)},
			wantNames: []string{EventPayment, EventActivity},
			check: func(t *testing.T, m map[string]any) {
				c := m["customer"].(map[string]any)
				if c["id"] != 9.0 || c["balanceCents"] != -500.0 || m["seq"] != 7.0 {
					t.Errorf("payment payload = %v", m)
				}
			},
		},
		{
			name:      "delivery",
			ev:        domain.Event{Seq: 8, At: at, Action: domain.ActionDeliveryUpdated, Entity: domain.EntityDelivery, Payload: json.RawMessage(`{"delivery":{"id":1,"status":"delivered"},"previousStatus":"out_for_delivery"}`)},
			wantNames: []string{EventDelivery, EventActivity},
			check: func(t *testing.T, m map[string]any) {
				if m["previousStatus"] != "out_for_delivery" || m["delivery"].(map[string]any)["status"] != "delivered" {
					t.Errorf("delivery payload = %v", m)
				}
			},
		},
		{
			name:      "customer status without explicit change",
			ev:        domain.Event{Seq: 9, At: at, Action: domain.ActionCustomerStatus, Entity: domain.EntityCustomer, Payload: json.RawMessage(`{"customer":{"id":1}}`)},
			wantNames: []string{EventCustomer, EventActivity},
			check: func(t *testing.T, m map[string]any) {
				if m["change"] != "status" {
					t.Errorf("change = %v, want status", m["change"])
				}
			},
		},
		{
			name:      "unknown action gives activity only",
			ev:        domain.Event{Seq: 10, At: at, Action: "something.new", Entity: "thing"},
			wantNames: []string{EventActivity},
			check: func(t *testing.T, m map[string]any) {
				if m["entry"].(map[string]any)["action"] != "something.new" {
					t.Errorf("activity payload = %v", m)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, err := Messages(&tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != len(tt.wantNames) {
				t.Fatalf("got %d messages, want %d", len(msgs), len(tt.wantNames))
			}
			for i, m := range msgs {
				if m.Name != tt.wantNames[i] || m.Seq != tt.ev.Seq || m.Part != i {
					t.Errorf("message %d = %s seq %d part %d, want %s seq %d part %d", i, m.Name, m.Seq, m.Part, tt.wantNames[i], tt.ev.Seq, i)
				}
			}
			var first map[string]any
			if err := json.Unmarshal(msgs[0].Payload, &first); err != nil {
				t.Fatal(err)
			}
			tt.check(t, first)
		})
	}
}

func TestMessagesRejectsBadPayload(t *testing.T) {
	t.Parallel()
	_, err := Messages(&domain.Event{Seq: 1, Action: domain.ActionPaymentAdded, Payload: json.RawMessage(`{"customer":`)})
	if err == nil {
		t.Fatal("want an error for a truncated payload")
	}
}

func TestParseOffset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		seq      int64
		part     int
		wantFail bool
	}{
		{"12-0", 12, 0, false},
		{"12-1", 12, 1, false},
		{"12", 12, lastPart, false},
		{"0", 0, lastPart, false},
		{"", 0, 0, true},
		{"abc", 0, 0, true},
		{"-1", 0, 0, true},
		{"12x", 0, 0, true},
	}
	for _, tt := range tests {
		seq, part, err := ParseOffset(tt.in)
		if (err != nil) != tt.wantFail || (!tt.wantFail && (seq != tt.seq || part != tt.part)) {
			t.Errorf("ParseOffset(%q) = %d, %d, %v; want %d, %d, fail=%v", tt.in, seq, part, err, tt.seq, tt.part, tt.wantFail)
		}
	}
	if got := (Message{Seq: 5, Part: 1}).Offset(); got != "5-1" {
		t.Errorf("Offset() = %q, want 5-1", got)
	}
}

// TestReceives checks that a replay selects the events live delivery sends
// a socket: everything for admins; for a vendor, its own records but no
// user event, not even about its own account (the log shows it that one).
func TestReceives(t *testing.T) {
	t.Parallel()
	admin := &socketData{UserID: 1, Role: domain.RoleAdmin}
	vendor := &socketData{UserID: 7, Role: domain.RoleVendor}
	tests := []struct {
		ev          domain.Event
		admin, mine bool
	}{
		{domain.Event{Entity: domain.EntityPayment, VendorID: 7}, true, true},
		{domain.Event{Entity: domain.EntityDelivery, VendorID: 7}, true, true},
		{domain.Event{Entity: domain.EntityCustomer, VendorID: 7}, true, true},
		{domain.Event{Entity: domain.EntityPayment, VendorID: 8}, true, false},
		{domain.Event{Entity: domain.EntityCustomer, VendorID: 0}, true, false},
		{domain.Event{Entity: domain.EntityUser, VendorID: 7}, true, false},
		{domain.Event{Entity: domain.EntityUser, VendorID: 0}, true, false},
	}
	for _, tt := range tests {
		if got := admin.receives(&tt.ev); got != tt.admin {
			t.Errorf("admin receives %s of vendor %d = %v, want %v", tt.ev.Entity, tt.ev.VendorID, got, tt.admin)
		}
		if got := vendor.receives(&tt.ev); got != tt.mine {
			t.Errorf("vendor 7 receives %s of vendor %d = %v, want %v", tt.ev.Entity, tt.ev.VendorID, got, tt.mine)
		}
		// Live delivery: the rooms publish broadcasts to.
		live := Audience(&tt.ev) == vendor.UserID
		if live != tt.mine {
			t.Errorf("live delivery of %s of vendor %d to vendor 7 = %v, replay %v", tt.ev.Entity, tt.ev.VendorID, live, tt.mine)
		}
	}
}
