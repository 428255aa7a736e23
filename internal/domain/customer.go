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
	// AreaID (0: none) and Position place the customer in its vendor's
	// rounds; Note is shown on the round ("leave at the door").
	AreaID   int64  `json:"areaId"`
	Position int    `json:"position"`
	Note     string `json:"note"`
	// CreditLimitCents is the most the customer may owe before the
	// balance_over_limit alert is raised; absent means the business
	// default (GET /api/alerts/rules, balance_over_limit.defaultCreditLimitCents).
	CreditLimitCents *int64 `json:"creditLimitCents,omitempty"`
	// LastPaymentAt is the time of the customer's latest payment that was
	// not reversed; set on the customers list (GET /api/customers) only.
	LastPaymentAt *time.Time `json:"lastPaymentAt,omitempty"`
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
	AreaID   int64          `json:"areaId,omitempty"`
	Position int            `json:"position,omitempty"`
	Note     string         `json:"note,omitempty"`
	// CreditLimitCents (admins only): absent for the business default.
	CreditLimitCents *int64 `json:"creditLimitCents,omitempty"`
	// UniquePhone asks for the create to be refused (409 CONFLICT, field
	// phone) when another customer of the vendor has the same phone digits.
	// Off by default: two customers of one household may share a phone; the
	// dashboard's forms ask first and let the user save anyway.
	UniquePhone bool `json:"uniquePhone,omitempty"`
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
	// AreaID 0 takes the customer out of its area. Moving a customer to
	// another vendor takes it out of its area unless a new one is given.
	AreaID   *int64  `json:"areaId,omitempty"`
	Position *int    `json:"position,omitempty"`
	Note     *string `json:"note,omitempty"`
	// CreditLimitCents (admins only) sets the customer's credit limit;
	// -1 clears it back to the business default.
	CreditLimitCents *int64 `json:"creditLimitCents,omitempty"`
	// UniquePhone: as on create, checked when the phone or vendor changes.
	UniquePhone bool `json:"uniquePhone,omitempty"`
}

// CustomerFilter selects customers. Zero values mean "any". Vendors only
// ever see their own customers, whatever VendorID says.
type CustomerFilter struct {
	Status   CustomerStatus
	VendorID int64
	Search   string // case-insensitive substring of name, or of phone
	// Sort is a sort key (see CustomerSortKey), "-" first for descending;
	// "" is "name".
	Sort string
	// HasDues keeps customers who owe (balance > 0) when true, those who
	// owe nothing (balance <= 0) when false; nil keeps both.
	HasDues *bool
	Page
}

// CustomerSortKey splits a customers list sort ("name", "-balance", ...)
// into its key and direction; ok is false for an unknown key. The keys:
// name (case-insensitive), balance ("-balance": who owes the most first)
// and lastPayment (ascending: who paid longest ago, or never, first). Ties
// are broken by id, so that paging never repeats or skips a customer.
func CustomerSortKey(sort string) (key string, desc, ok bool) {
	if sort == "" {
		return "name", false, true
	}
	if sort[0] == '-' {
		desc, sort = true, sort[1:]
	}
	switch sort {
	case "name", "balance", "lastPayment":
		return sort, desc, true
	}
	return "", false, false
}

// LedgerEntry is one movement of a customer's balance: a delivered delivery
// (positive AmountCents, a charge), a payment (negative, a credit) or a
// reversal of one of those (RefID is the reversal's id; Reverses names the
// original). An original that was reversed carries ReversedAt and
// ReversalReason; the entry itself is never changed.
type LedgerEntry struct {
	ID             int64      `json:"id"`
	CustomerID     int64      `json:"customerId"`
	Kind           string     `json:"kind"` // "delivery", "payment", "reversal" or "opening_balance" (refId: the customer)
	RefID          int64      `json:"refId"`
	AmountCents    int64      `json:"amountCents"`
	BalanceCents   int64      `json:"balanceCents"` // running balance after this entry
	CreatedAt      time.Time  `json:"createdAt"`
	ReversedAt     *time.Time `json:"reversedAt,omitempty"`
	ReversalReason string     `json:"reversalReason,omitempty"` // on the original and on the reversal
	Reverses       *LedgerRef `json:"reverses,omitempty"`       // on a reversal: the original
}

// LedgerRef names the original of a reversal entry.
type LedgerRef struct {
	Kind  string `json:"kind"` // "delivery" or "payment"
	RefID int64  `json:"refId"`
}

// CustomerService manages customers.
type CustomerService interface {
	FindCustomerByID(ctx context.Context, id int64) (*Customer, error)
	FindCustomers(ctx context.Context, f CustomerFilter) ([]*Customer, int, error)
	CreateCustomer(ctx context.Context, in CustomerCreate) (*Customer, error)
	UpdateCustomer(ctx context.Context, id int64, in CustomerUpdate) (*Customer, error)
	// CustomerLedger returns the customer's ledger, newest first.
	CustomerLedger(ctx context.Context, id int64, p Page) ([]*LedgerEntry, int, error)
	// ExportCustomers returns every customer f selects (its Page is
	// ignored), in f's order, for a CSV export.
	ExportCustomers(ctx context.Context, f CustomerFilter) (*CustomerExport, error)
	// ImportCustomers previews a customers CSV or, confirmed, applies it
	// (see CustomerImportInput).
	ImportCustomers(ctx context.Context, in CustomerImportInput) (*CustomerImport, error)
}

// MaxExportCustomers is the most customers one CSV export holds; a filter
// matching more is refused (narrow it, e.g. by vendor or status).
const MaxExportCustomers = 100000

// CustomerExport is the customers of an export with the names of their
// areas and vendors (by id), read in one transaction.
type CustomerExport struct {
	Customers   []*Customer
	AreaNames   map[int64]string
	VendorNames map[int64]string
}
