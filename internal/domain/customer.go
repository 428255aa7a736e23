package domain

import (
	"context"
	"time"
)

// CustomerStatus is a customer's relationship state.
type CustomerStatus string

const (
	CustomerActive   CustomerStatus = "active"
	CustomerPaused   CustomerStatus = "paused"
	CustomerInactive CustomerStatus = "inactive"
)

// Valid reports whether s is a known customer status.
func (s CustomerStatus) Valid() bool {
	return s == CustomerActive || s == CustomerPaused || s == CustomerInactive
}

// Customer is someone the business delivers to. BalanceCents is what the
// customer owes (see the package doc) and is derived from the ledger.
type Customer struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	Phone        string         `json:"phone"`
	Email        string         `json:"email"`
	Address      string         `json:"address"`
	Status       CustomerStatus `json:"status"`
	VendorID     int64          `json:"vendorId"`
	BalanceCents int64          `json:"balanceCents"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
}

// CustomerCreate is the input of CreateCustomer. Status defaults to active.
// A vendor creating a customer always owns it (VendorID is forced to the vendor).
type CustomerCreate struct {
	Name     string         `json:"name"`
	Phone    string         `json:"phone"`
	Email    string         `json:"email"`
	Address  string         `json:"address"`
	Status   CustomerStatus `json:"status"`
	VendorID int64          `json:"vendorId"`
}

// CustomerUpdate changes the non-nil fields of a customer. Only admins may
// move a customer to another vendor.
type CustomerUpdate struct {
	Name     *string         `json:"name,omitempty"`
	Phone    *string         `json:"phone,omitempty"`
	Email    *string         `json:"email,omitempty"`
	Address  *string         `json:"address,omitempty"`
	Status   *CustomerStatus `json:"status,omitempty"`
	VendorID *int64          `json:"vendorId,omitempty"`
}

// CustomerFilter selects customers. Zero values mean "any". Vendors only
// ever see their own customers, whatever VendorID says.
type CustomerFilter struct {
	Status   CustomerStatus
	VendorID int64
	Search   string // case-insensitive substring of name, or of phone
	Page
}

// LedgerEntry is one movement of a customer's balance: a delivered delivery
// (positive AmountCents, a charge) or a payment (negative, a credit).
type LedgerEntry struct {
	ID           int64     `json:"id"`
	CustomerID   int64     `json:"customerId"`
	Kind         string    `json:"kind"` // "delivery" or "payment"
	RefID        int64     `json:"refId"`
	AmountCents  int64     `json:"amountCents"`
	BalanceCents int64     `json:"balanceCents"` // running balance after this entry
	CreatedAt    time.Time `json:"createdAt"`
}

// CustomerService manages customers.
type CustomerService interface {
	FindCustomerByID(ctx context.Context, id int64) (*Customer, error)
	FindCustomers(ctx context.Context, f CustomerFilter) ([]*Customer, int, error)
	CreateCustomer(ctx context.Context, in CustomerCreate) (*Customer, error)
	UpdateCustomer(ctx context.Context, id int64, in CustomerUpdate) (*Customer, error)
	// CustomerLedger returns the customer's ledger, newest first.
	CustomerLedger(ctx context.Context, id int64, p Page) ([]*LedgerEntry, int, error)
}
