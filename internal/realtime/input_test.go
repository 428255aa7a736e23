package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// TestCommandInputRules: the socket commands refuse what REST refuses, with
// the same codes and messages: control characters, amounts beyond the
// limit (or beyond any integer), a paused customer's delivery.
func TestCommandInputRules(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{CommandRate: 1000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := l.dial(t, "vendorA")
	if err != nil {
		t.Fatal(err)
	}
	paused := domain.CustomerPaused
	if _, err := l.fx.Svc.Customers.UpdateCustomer(l.fx.AdminCtx, l.custA, domain.CustomerUpdate{Status: &paused}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cmd, arg, code, field, msg string
	}{
		{CmdPayment, `{"customerId":%d,"amountCents":100000000000000000000,"method":"cash","idempotencyKey":"big"}`, domain.CodeInvalid, "amountCents", "amountCents must be at most 100000000000 (1000000000.00)"},
		{CmdPayment, `{"customerId":%d,"amountCents":100000000001,"method":"cash","idempotencyKey":"over"}`, domain.CodeInvalid, "amountCents", "amountCents must be at most 100000000000 (1000000000.00)"},
		{CmdPayment, `{"customerId":%d,"amountCents":100,"method":"cash","reference":"a\u0000b","idempotencyKey":"nul"}`, domain.CodeInvalid, "reference", ""},
		{CmdPayment, `{"customerId":%d,"amountCents":100,"method":"cash","idempotencyKey":"paused-pays"}`, "", "", ""},
	} {
		ack, err := call(ctx, c, tt.cmd, json.RawMessage(fmt.Sprintf(tt.arg, l.custA)))
		if err != nil {
			t.Fatal(err)
		}
		if tt.code == "" {
			if !ack.OK {
				t.Errorf("%s %s = %v, want ok", tt.cmd, tt.arg, ack)
			}
			continue
		}
		if ack.OK || ack.Error.Code != tt.code || ack.Error.Field != tt.field || (tt.msg != "" && ack.Error.Message != tt.msg) {
			t.Errorf("%s %s = %v, want %s on %s %q", tt.cmd, tt.arg, ack, tt.code, tt.field, tt.msg)
		}
	}
	ack, err := call(ctx, c, CmdDelivery, json.RawMessage(fmt.Sprintf(`{"id":%d,"status":"out_for_delivery"}`, l.delA)))
	if err != nil || !ack.OK {
		t.Fatalf("out_for_delivery for a paused customer: %v %v", ack, err)
	}
	ack, err = call(ctx, c, CmdDelivery, json.RawMessage(fmt.Sprintf(`{"id":%d,"status":"delivered"}`, l.delA)))
	if err != nil || ack.OK || ack.Error.Code != domain.CodeCustomerNotActive || ack.Error.Field != "status" {
		t.Fatalf("delivered for a paused customer: %v %v, want CUSTOMER_NOT_ACTIVE", ack, err)
	}
}
