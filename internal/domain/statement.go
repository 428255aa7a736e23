package domain

import (
	"context"
	"time"
)

// StatementLine is one movement of a customer's balance in a statement:
// a delivered delivery (a charge), a payment (a credit) or a reversal
// (a correction), in the order they happened.
type StatementLine struct {
	EntryID      int64     `json:"entryId"` // the ledger entry
	At           time.Time `json:"at"`
	Date         string    `json:"date"` // YYYY-MM-DD in the business time zone
	Kind         string    `json:"kind"` // delivery, payment, reversal, opening_balance
	RefID        int64     `json:"refId"`
	Description  string    `json:"description"`
	AmountCents  int64     `json:"amountCents"`  // + charges, − credits
	BalanceCents int64     `json:"balanceCents"` // after this line
}

// Statement is a customer's month: the balance it opened with, every
// movement of the month in order, and the balance it closed with, which is
// the customer's balance at the month's end (in the business time zone).
type Statement struct {
	CustomerID          int64  `json:"customerId"`
	CustomerName        string `json:"customerName"`
	Address             string `json:"address"`
	Phone               string `json:"phone"`
	VendorID            int64  `json:"vendorId"`
	Month               string `json:"month"` // YYYY-MM
	From                string `json:"from"`  // first day
	To                  string `json:"to"`    // last day
	Timezone            string `json:"timezone"`
	OpeningBalanceCents int64  `json:"openingBalanceCents"`
	ChargesCents        int64  `json:"chargesCents"` // sum of the positive lines (but opening balances)
	CreditsCents        int64  `json:"creditsCents"` // sum of the negative lines (but opening balances), as a positive number
	// BroughtForwardCents sums the month's opening_balance lines: balances
	// brought over from before Livedesk by an import, neither charges nor
	// credits. Closing = opening + brought forward + charges − credits.
	BroughtForwardCents int64           `json:"broughtForwardCents"`
	ClosingBalanceCents int64           `json:"closingBalanceCents"`
	Lines               []StatementLine `json:"lines"`
}

// StatementService produces monthly statements.
type StatementService interface {
	// CustomerStatement returns the statement of a customer visible to the
	// actor for month (YYYY-MM).
	CustomerStatement(ctx context.Context, customerID int64, month string) (*Statement, error)
}
