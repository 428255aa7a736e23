package service

import "testing"

// TestDocumentMoney: documents write money as domain.FormatMoney does,
// but a symbol the PDF core fonts (Windows-1252) cannot show is replaced:
// rupees by "Rs.", others by their code.
func TestDocumentMoney(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		currency string
		cents    int64
		want     string
	}{
		{"INR", 12345650, "Rs. 1,23,456.50"},
		{"INR", -500, "-Rs. 5.00"},
		{"USD", 12345650, "$123,456.50"},
		{"EUR", 0, "€0.00"},
		{"GBP", 99, "£0.99"},
		{"CNY", 100, "CN¥1.00"},
		{"ILS", 900000, "ILS 9,000.00"}, // ₪ is not in the code page
		{"PHP", 900000, "PHP 9,000.00"},
		{"AED", 900000, "AED 9,000.00"},
	} {
		if got := (business{Currency: c.currency}).money(c.cents); got != c.want {
			t.Errorf("%s money(%d) = %q, want %q", c.currency, c.cents, got, c.want)
		}
	}
}

// TestDocumentBalance: a statement's balances read as the dashboard's do:
// owed as the amount, credit as "Rs. 50.00 credit", never "-Rs. 50.00".
func TestDocumentBalance(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{5000: "Rs. 50.00", 0: "Rs. 0.00", -5000: "Rs. 50.00 credit"} {
		if got := (business{Currency: "INR"}).balance(cents); got != want {
			t.Errorf("balance(%d) = %q, want %q", cents, got, want)
		}
	}
}
