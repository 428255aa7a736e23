package domain

import "context"

// DefaultConfirmAboveCents is the safeguard's default: the dashboard asks
// for a confirmation before it records a payment above 10,000.00 (₹10,000
// in the demo's rupees).
const DefaultConfirmAboveCents int64 = 1_000_000

// MaxConfirmAboveCents bounds the safeguard so a typo cannot switch it off
// in effect (10,00,00,000.00, one crore).
const MaxConfirmAboveCents int64 = 10_000_000_00

// Settings are the business's settings that every signed-in user's
// dashboard reads. ConfirmAboveCents is the amount (in minor units) above
// which the dashboard asks for a confirmation before recording a payment;
// 0 asks for every payment.
//
// BusinessName and Currency (ISO 4217) are who documents are from and how
// they write money (report PDFs, issue 18): "Livedesk" and "INR" until an
// admin sets them.
//
// DefaultCreditLimitCents is read-only here: the credit limit of customers
// without their own (AlertRules.BalanceOverLimit, changed with PATCH
// /api/alerts/rules). Every role reads it so a vendor's dashboard can mark
// its own customers over their limit without seeing alerts.
type Settings struct {
	ConfirmAboveCents       int64  `json:"confirmAboveCents"`
	BusinessName            string `json:"businessName"`
	Currency                string `json:"currency"`
	DefaultCreditLimitCents int64  `json:"defaultCreditLimitCents"`
}

// Defaults of the business's identity on documents.
const (
	DefaultBusinessName = "Livedesk"
	DefaultCurrency     = "INR"
)

// SettingsUpdate changes the non-nil settings.
type SettingsUpdate struct {
	ConfirmAboveCents *int64  `json:"confirmAboveCents,omitempty"`
	BusinessName      *string `json:"businessName,omitempty"`
	Currency          *string `json:"currency,omitempty"`
}

// SettingsService reads and changes the business settings.
type SettingsService interface {
	// Settings returns the settings (defaults where none is stored); any
	// signed-in user, staff included, may read them.
	Settings(ctx context.Context) (*Settings, error)
	// UpdateSettings changes them; admins only.
	UpdateSettings(ctx context.Context, in SettingsUpdate) (*Settings, error)
}
