package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
)

func TestPageNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want domain.Page }{
		{domain.Page{}, domain.Page{Limit: 50}},
		{domain.Page{Limit: 10, Offset: 20}, domain.Page{Limit: 10, Offset: 20}},
		{domain.Page{Limit: 9999, Offset: -5}, domain.Page{Limit: 500}},
	}
	for _, tt := range tests {
		if got := tt.in.Normalize(); got != tt.want {
			t.Errorf("%+v.Normalize() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	wrapped := fmt.Errorf("failed to do it: %w", domain.Invalid("name", "name is required"))
	tests := []struct {
		err  error
		code string
		msg  string
	}{
		{nil, "", "internal error"},
		{errors.New("boom"), domain.CodeInternal, "internal error"},
		{wrapped, domain.CodeInvalid, "name is required"},
	}
	for _, tt := range tests {
		if got := domain.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := domain.ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.msg)
		}
	}
}

func TestEventVisibleTo(t *testing.T) {
	t.Parallel()
	e := &domain.Event{VendorID: 7}
	tests := []struct {
		actor *domain.Actor
		want  bool
	}{
		{nil, false},
		{domain.SystemActor(), true},
		{&domain.Actor{UserID: 7, Role: domain.RoleVendor}, true},
		{&domain.Actor{UserID: 8, Role: domain.RoleVendor}, false},
	}
	for _, tt := range tests {
		if got := e.VisibleTo(tt.actor); got != tt.want {
			t.Errorf("VisibleTo(%+v) = %v, want %v", tt.actor, got, tt.want)
		}
	}
}

func TestDeliveryCountsAdd(t *testing.T) {
	t.Parallel()
	var c domain.DeliveryCounts
	c.Add(domain.DeliveryDelivered, 3)
	c.Add(domain.DeliveryScheduled, 2)
	if want := (domain.DeliveryCounts{Total: 5, Delivered: 3, Scheduled: 2}); c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
}
