package domain_test

import (
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
)

func TestTooLargeNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, value, want string
		ok                 bool
	}{
		{"amountCents", "number 100000000000000000000", "amountCents must be at most 100000000000 (1000000000.00)", true},
		{"quantity", "number -99999999999999999999", "quantity is too large", true},
		{"quantity", "number 1.5", "", false},
		{"quantity", "string", "", false},
		{"amountCents", "number 1e30", "", false},
	}
	for _, tt := range tests {
		e, ok := domain.TooLargeNumber(tt.field, tt.value)
		if ok != tt.ok || (ok && (e.Message != tt.want || e.Field != tt.field || e.Code != domain.CodeInvalid)) {
			t.Errorf("TooLargeNumber(%q, %q) = %+v, %v; want %q, %v", tt.field, tt.value, e, ok, tt.want, tt.ok)
		}
	}
}
