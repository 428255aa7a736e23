package domain

import "context"

// The analytics beyond the dashboard's series: dues ageing, breakdowns by
// product and by area, and the per-vendor comparison. Each figure is
// defined once (internal/service/figures.go, docs/api.md "Stats and
// analytics") and, like every figure, counts reversed payments and
// deliveries nowhere.

// AgeingBucket is one age band of dues ageing: the customers whose oldest
// unpaid charge is MinDays..MaxDays days old on AsOf (MaxDays nil: no upper
// bound) and the sum of their whole balances.
type AgeingBucket struct {
	Bucket       string `json:"bucket"` // "0-30", "31-60", "61-90", "90+"
	MinDays      int    `json:"minDays"`
	MaxDays      *int   `json:"maxDays"`
	Customers    int    `json:"customers"`
	BalanceCents int64  `json:"balanceCents"`
}

// AgeingCustomer is one customer who owes money on AsOf: its balance then,
// the day of its oldest unpaid charge (FIFO) and that charge's age in days.
type AgeingCustomer struct {
	CustomerID     int64  `json:"customerId"`
	Name           string `json:"name"`
	VendorID       int64  `json:"vendorId"`
	BalanceCents   int64  `json:"balanceCents"`
	OldestUnpaidOn string `json:"oldestUnpaidOn"` // YYYY-MM-DD, business time zone
	AgeDays        int    `json:"ageDays"`
	Bucket         string `json:"bucket"`
}

// DuesAgeing is what customers owe on AsOf, by age of each one's oldest
// unpaid charge. Customers are ordered oldest charge first, then by
// balance (largest first), then id.
type DuesAgeing struct {
	TimeZone   string           `json:"timezone"`
	AsOf       string           `json:"asOf"`
	VendorID   int64            `json:"vendorId,omitempty"` // the vendor it is limited to, if any
	TotalCents int64            `json:"totalCents"`         // Σ balances of the customers listed
	Buckets    []AgeingBucket   `json:"buckets"`
	Customers  []AgeingCustomer `json:"customers"`
	Seq        int64            `json:"seq"`
}

// Breakdown kinds.
const (
	BreakdownProduct = "product"
	BreakdownArea    = "area"
)

// BreakdownRow is revenue and quantity delivered for one product or area;
// ID is nil for deliveries with none (one-off deliveries without a
// product, customers without an area).
type BreakdownRow struct {
	ID           *int64 `json:"id"`
	Name         string `json:"name"`
	VendorID     int64  `json:"vendorId"`
	Unit         string `json:"unit,omitempty"` // products only
	RevenueCents int64  `json:"revenueCents"`
	Quantity     int64  `json:"quantity"`
	Delivered    int    `json:"delivered"`
}

// Breakdown is revenue and quantity by product or by area over a range,
// largest revenue first.
type Breakdown struct {
	TimeZone string         `json:"timezone"`
	From     string         `json:"from"`
	To       string         `json:"to"`
	By       string         `json:"by"`
	Rows     []BreakdownRow `json:"rows"`
	Seq      int64          `json:"seq"`
}

// VendorFigures compares one vendor with the others over a range.
type VendorFigures struct {
	VendorID          int64      `json:"vendorId"`
	Name              string     `json:"name"`
	Status            UserStatus `json:"status"`
	RevenueCents      int64      `json:"revenueCents"`
	PaymentsCents     int64      `json:"paymentsCents"`
	CollectionRate    *float64   `json:"collectionRate"`
	Deliveries        int        `json:"deliveries"`
	Delivered         int        `json:"delivered"`
	Failed            int        `json:"failed"`
	Quantity          int64      `json:"quantity"`
	ActiveSubscribers int        `json:"activeSubscribers"`
	ActiveCustomers   int        `json:"activeCustomers"`
	OutstandingCents  int64      `json:"outstandingCents"`
}

// VendorComparison is every vendor's figures over a range (admins only),
// ordered by revenue, largest first, then vendor id.
type VendorComparison struct {
	TimeZone string          `json:"timezone"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Vendors  []VendorFigures `json:"vendors"`
	Seq      int64           `json:"seq"`
}

// AnalyticsService computes the analytics beyond the dashboard's series,
// visible to the actor.
type AnalyticsService interface {
	// DuesAgeing ages what customers owe on asOf (YYYY-MM-DD, "" for
	// today); vendorID limits it to one vendor's customers (0: all the
	// actor may see).
	DuesAgeing(ctx context.Context, asOf string, vendorID int64) (*DuesAgeing, error)
	AnalyticsBreakdown(ctx context.Context, by string, q AnalyticsQuery) (*Breakdown, error)
	VendorComparison(ctx context.Context, q AnalyticsQuery) (*VendorComparison, error)
}
