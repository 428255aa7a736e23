package domain

import (
	"fmt"
	"strings"
)

// MaxAmountCents is the largest amount of one delivery or payment
// (1,000,000,000.00 in major units): far above any real one, and far below
// what sums of them can hold.
const MaxAmountCents = 100_000_000_000

// AmountTooLarge is the error for an amount over MaxAmountCents.
func AmountTooLarge(field string) *Error {
	return Invalid(field, "%s must be at most %d (%d.%02d)", field, int64(MaxAmountCents), int64(MaxAmountCents)/100, int64(MaxAmountCents)%100)
}

// TooLargeNumber returns the error for a JSON value that is an integer
// too large for its field (decoders report it as a type error), and false
// when value is not such an integer. value is what encoding/json reports,
// e.g. "number 100000000000000000000".
func TooLargeNumber(field, value string) (*Error, bool) {
	n, ok := strings.CutPrefix(value, "number ")
	if !ok || n == "" || strings.TrimLeft(strings.TrimPrefix(n, "-"), "0123456789") != "" {
		return nil, false
	}
	if strings.HasSuffix(field, "amountCents") {
		return AmountTooLarge(field), true
	}
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf("%s is too large", field)}, true
}
