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
			name:      "payment reversed",
			ev:        domain.Event{Seq: 11, At: at, Action: domain.ActionPaymentReversed, Entity: domain.EntityPayment, EntityID: 3, VendorID: 2, Payload: json.RawMessage(`{"reversal":{"id":1,"entity":"payment","entityId":3,"amountCents":500},"payment":{"id":3,"reversedAt":"2026-11-25T10:00:00Z"},"customer":{"id":9,"balanceCents":0}}`)},
			wantNames: []string{EventPaymentReversed, EventActivity},
			check: func(t *testing.T, m map[string]any) {
				if m["reversal"].(map[string]any)["entityId"] != 3.0 || m["payment"].(map[string]any)["reversedAt"] == nil || m["customer"].(map[string]any)["balanceCents"] != 0.0 || m["seq"] != 11.0 {
					t.Errorf("payment:reversed payload = %v", m)
				}
			},
		},
		{
			name:      "delivery reversed",
			ev:        domain.Event{Seq: 12, At: at, Action: domain.ActionDeliveryReversed, Entity: domain.EntityDelivery, EntityID: 4, VendorID: 2, Payload: json.RawMessage(`{"reversal":{"id":2,"entity":"delivery","entityId":4,"amountCents":-700},"delivery":{"id":4,"status":"delivered"},"customer":{"id":9,"balanceCents":-700}}`)},
			wantNames: []string{EventDeliveryReversed, EventActivity},
			check: func(t *testing.T, m map[string]any) {
				if m["reversal"].(map[string]any)["amountCents"] != -700.0 || m["delivery"].(map[string]any)["id"] != 4.0 || m["customer"].(map[string]any)["balanceCents"] != -700.0 {
					t.Errorf("delivery:reversed payload = %v", m)
				}
			},
		},
		{
			name:      "customer removed from the old vendor",
			ev:        domain.Event{Seq: 13, At: at, Action: domain.ActionCustomerRemoved, Entity: domain.EntityCustomer, EntityID: 9, VendorID: 2, Payload: json.RawMessage(`{"customerId":9,"reason":"moved"}`)},
			wantNames: []string{EventCustomerRemoved, EventActivity},
			check: func(t *testing.T, m map[string]any) {
				if m["customerId"] != 9.0 || m["vendorId"] != 2.0 || m["reason"] != "moved" || m["seq"] != 13.0 {
					t.Errorf("customer:removed payload = %v", m)
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
		epoch    string
		seq      int64
		part     int
		wantFail bool
	}{
		{"ab2c:12-0", "ab2c", 12, 0, false},
		{"ab2c:12-1", "ab2c", 12, 1, false},
		{"ab2c:12", "ab2c", 12, lastPart, false},
		{"ab2c:0", "ab2c", 0, lastPart, false},
		// Offsets from before epochs: no epoch, so they match no log.
		{"12-0", "", 12, 0, false},
		{"12", "", 12, lastPart, false},
		{"", "", 0, 0, true},
		{":12-0", "", 0, 0, true},
		{"ab2c:", "", 0, 0, true},
		{"abc", "", 0, 0, true},
		{"-1", "", 0, 0, true},
		{"12x", "", 0, 0, true},
		{"e:12-0x", "", 0, 0, true},
	}
	for _, tt := range tests {
		epoch, seq, part, err := ParseOffset(tt.in)
		if (err != nil) != tt.wantFail || (!tt.wantFail && (epoch != tt.epoch || seq != tt.seq || part != tt.part)) {
			t.Errorf("ParseOffset(%q) = %q, %d, %d, %v; want %q, %d, %d, fail=%v", tt.in, epoch, seq, part, err, tt.epoch, tt.seq, tt.part, tt.wantFail)
		}
	}
	if got := FormatOffset("ab2c", 5, 1); got != "ab2c:5-1" {
		t.Errorf("FormatOffset = %q, want ab2c:5-1", got)
	}
	if got := FormatOffset("ab2c", 5, -1); got != "ab2c:5" {
		t.Errorf("FormatOffset(part -1) = %q, want ab2c:5", got)
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

func TestFiguresVendor(t *testing.T) {
	t.Parallel()
	rev := &domain.Event{Action: domain.ActionDeliveryReversed, VendorID: 3, Payload: json.RawMessage(`{"reversal":{"vendorId":2}}`)}
	if got := figuresVendor(rev); got != 2 {
		t.Errorf("figuresVendor(delivery.reversed) = %d, want 2 (who delivered it)", got)
	}
	if got := figuresVendor(&domain.Event{Action: domain.ActionPaymentAdded, VendorID: 3, Payload: json.RawMessage(`{}`)}); got != 0 {
		t.Errorf("figuresVendor(payment.added) = %d, want 0", got)
	}
}
