package domain

import (
	"math"
	"testing"
)

// The expected texts are what the dashboard's formatMoney writes
// (Intl.NumberFormat in en-IN for INR, en otherwise; Node 20, ICU 78).
func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		cents    int64
		currency string
		want     string
	}{
		{0, "INR", "₹0.00"},
		{5, "INR", "₹0.05"},
		{-64000, "INR", "-₹640.00"},
		{900000, "INR", "₹9,000.00"},
		{9999999900, "INR", "₹9,99,99,999.00"},
		{MaxAmountCents, "INR", "₹1,00,00,00,000.00"},
		{900000, "", "₹9,000.00"}, // the default currency
		{900000, "USD", "$9,000.00"},
		{-123456, "USD", "-$1,234.56"},
		{0, "USD", "$0.00"},
		{12345678901, "EUR", "€123,456,789.01"},
		{99, "GBP", "£0.99"},
		{900000, "CAD", "CA$9,000.00"},
		{900000, "CNY", "CN¥9,000.00"},
		{900000, "AED", "AED\u00a09,000.00"},
		{-900000, "CHF", "-CHF\u00a09,000.00"},
		{900000, "XCG", "Cg.\u00a09,000.00"},
		{math.MinInt64, "USD", "-$92,233,720,368,547,758.08"},
		{math.MaxInt64, "INR", "₹92,23,37,20,36,85,47,758.07"},
	} {
		if got := FormatMoney(c.cents, c.currency); got != c.want {
			t.Errorf("FormatMoney(%d, %q) = %q, want %q", c.cents, c.currency, got, c.want)
		}
	}
}

func TestFormatMoneyWith(t *testing.T) {
	for _, c := range []struct {
		cents            int64
		currency, symbol string
		want             string
	}{
		{12345650, "INR", "Rs.", "Rs.\u00a01,23,456.50"},
		{-12345650, "INR", "₹", "-₹1,23,456.50"},
		{12345650, "USD", "US$", "US$123,456.50"},
		{12345650, "USD", "", "123,456.50"},
	} {
		if got := FormatMoneyWith(c.cents, c.currency, c.symbol); got != c.want {
			t.Errorf("FormatMoneyWith(%d, %q, %q) = %q, want %q", c.cents, c.currency, c.symbol, got, c.want)
		}
	}
}

func TestMajorUnits(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", -5: "-0.05", 1250: "12.50", -100: "-1.00",
		123456789: "1234567.89", math.MinInt64: "-92233720368547758.08"} {
		if got := MajorUnits(cents); got != want {
			t.Errorf("MajorUnits(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestCurrencySymbolsAreKnownCurrencies(t *testing.T) {
	for code := range currencySymbols {
		if !KnownCurrency(code) {
			t.Errorf("symbol of %s, which is no currency a business may use", code)
		}
	}
	if CurrencySymbol("SEK") != "SEK" {
		t.Errorf("CurrencySymbol(SEK) = %q, want the code", CurrencySymbol("SEK"))
	}
}

func TestFormatDay(t *testing.T) {
	for in, want := range map[string]string{"2026-12-02": "2 Dec 2026", "2027-01-31": "31 Jan 2027", "": "", "soon": "soon"} {
		if got := FormatDay(in); got != want {
			t.Errorf("FormatDay(%q) = %q, want %q", in, got, want)
		}
	}
}
