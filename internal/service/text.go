package service

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/livedesk/livedesk/internal/domain"
)

// checkText refuses text that is not valid UTF-8 or holds control
// characters (NUL included: PostgreSQL cannot store it, and nothing a
// person types needs one). Multi-line fields (notes, reasons) may hold
// newlines and tabs.
func checkText(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return domain.Invalid(field, "%s is not valid UTF-8 text", field)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return domain.Invalid(field, "%s must not contain control characters", field)
		}
	}
	return nil
}

// maxAmountCents is the largest amount of one delivery or payment.
const maxAmountCents = domain.MaxAmountCents

// scheduledWindowDays is how far from today a delivery may be scheduled,
// either way: a year back (entering a past month's rounds) to a year ahead.
const scheduledWindowDays = 366

// validScheduledFor checks that day is a date within scheduledWindowDays of
// the business's today.
func (s *service) validScheduledFor(day string, now time.Time) error {
	if err := validDate("scheduledFor", day); err != nil {
		return err
	}
	first := s.day(now.AddDate(0, 0, -scheduledWindowDays))
	last := s.day(now.AddDate(0, 0, scheduledWindowDays))
	if day < first || day > last {
		return domain.Invalid("scheduledFor", "scheduledFor must be between %s and %s (a year either side of today)", first, last)
	}
	return nil
}

// notActive is the error for a delivery or a charge to a customer that is
// paused or inactive (payments are always accepted).
func notActive(field string, c *domain.Customer) error {
	return &domain.Error{Code: domain.CodeCustomerNotActive, Field: field,
		Message: fmt.Sprintf("customer %s is %s: reactivate the customer before scheduling or delivering", c.Name, c.Status)}
}
