package domain

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The one money formatter of the server's texts (activity summaries, alert
// messages, Web Push notifications, report documents). It writes what the
// dashboard's formatMoney (web/src/lib/format.ts) writes for the same
// currency: Intl.NumberFormat in en-IN for rupees (Indian grouping,
// ₹9,99,99,999.00) and in en for every other currency (groups of three,
// $9,000.00, CA$9,000.00, CHF 9,000.00), a minus sign before the symbol
// (-₹640.00). One difference: the server always writes two decimals, as
// amounts are stored in hundredths, where the browser may round a
// currency it writes without decimals (IDR 1,235 for 1,234.50).

// currencySymbols are the symbols CLDR's English (en; en-IN for INR) gives
// the currencies of KnownCurrency; every other code is its own symbol
// (AED 9,000.00).
var currencySymbols = map[string]string{
	"AUD": "A$", "BRL": "R$", "CAD": "CA$", "CNY": "CN¥", "EUR": "€", "GBP": "£", "HKD": "HK$", "ILS": "₪",
	"INR": "₹", "MXN": "MX$", "NZD": "NZ$", "PHP": "₱", "TWD": "NT$", "USD": "$", "XCD": "EC$", "XCG": "Cg.",
}

// CurrencySymbol is the symbol the dashboard writes amounts in currency
// with: "₹" for INR, "$" for USD, the code itself when English has none.
func CurrencySymbol(currency string) string {
	if s, ok := currencySymbols[currency]; ok {
		return s
	}
	return currency
}

// FormatMoney writes cents (hundredths) in currency (ISO 4217) as the
// dashboard does: FormatMoney(900000, "INR") is "₹9,000.00",
// FormatMoney(-64000, "USD") is "-$640.00". An empty currency is the
// default business currency.
func FormatMoney(cents int64, currency string) string {
	if currency == "" {
		currency = DefaultCurrency
	}
	return FormatMoneyWith(cents, currency, CurrencySymbol(currency))
}

// FormatMoneyWith writes cents with currency's grouping and the given
// symbol in place of CurrencySymbol's (documents whose fonts lack ₹ write
// "Rs."). As CLDR does, a symbol that ends in a letter or a dot is set
// apart from the digits by a no-break space ("CHF 9,000.00"), one that
// ends in a sign is not ("$9,000.00").
func FormatMoneyWith(cents int64, currency, symbol string) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-(cents+1))+1 // math.MinInt64 too
	}
	digits := strconv.FormatUint(u/100, 10)
	if currency == "INR" {
		digits = groupDigits(digits, 2)
	} else {
		digits = groupDigits(digits, 3)
	}
	if last, _ := utf8.DecodeLastRuneInString(symbol); symbol != "" && !unicode.IsSymbol(last) {
		symbol += "\u00a0"
	}
	return fmt.Sprintf("%s%s%s.%02d", sign, symbol, digits, u%100)
}

// MajorUnits writes cents as a plain decimal in major units, for data
// rather than people (CSV columns a spreadsheet sums, validation messages
// about an input's range): 1250 is "12.50", -5 is "-0.05".
func MajorUnits(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-(cents+1))+1
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// groupDigits puts commas in digits: the last three together, the others
// in groups of rest (2 gives the Indian 12,34,567; 3 the western 1,234,567).
func groupDigits(digits string, rest int) string {
	if len(digits) <= 3 {
		return digits
	}
	head, tail := digits[:len(digits)-3], digits[len(digits)-3:]
	var parts []string
	for len(head) > rest {
		parts = append(parts, head[len(head)-rest:])
		head = head[:len(head)-rest]
	}
	parts = append(parts, head)
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
		b.WriteByte(',')
	}
	b.WriteString(tail)
	return b.String()
}
