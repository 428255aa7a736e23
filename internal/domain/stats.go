package domain

import (
	"context"
	"time"
)

// DeliveryCounts counts deliveries by status. Total is the one definition
// of "deliveries" used by every figure: the deliveries that are not
// cancelled, not skipped and not reversed (scheduled + outForDelivery +
// delivered + failed). Cancelled, Skipped (the customer did not take it
// that day) and Reversed (delivered, then reversed) are counted on their
// own, outside Total; a reversed delivery is not in Delivered.
type DeliveryCounts struct {
	Total          int `json:"total"`
	Scheduled      int `json:"scheduled"`
	OutForDelivery int `json:"outForDelivery"`
	Delivered      int `json:"delivered"`
	Failed         int `json:"failed"`
	Cancelled      int `json:"cancelled"`
	Skipped        int `json:"skipped"`
	Reversed       int `json:"reversed"`
}

// Stats are the dashboard's headline figures, for the whole business (admin)
// or one vendor. Revenue is the value of deliveries delivered; payments are
// money received. "Today" and "month" are in the server's business time zone
// (UTC unless configured): TimeZone names it and Today is the day the
// figures are for. Seq is the last event-log seq the figures include.
type Stats struct {
	TimeZone           string         `json:"timezone"` // IANA name of the business time zone
	Today              string         `json:"today"`    // YYYY-MM-DD in TimeZone
	ActiveCustomers    int            `json:"activeCustomers"`
	DeliveriesToday    DeliveryCounts `json:"deliveriesToday"`
	RevenueTodayCents  int64          `json:"revenueTodayCents"`
	RevenueMonthCents  int64          `json:"revenueMonthCents"`
	PaymentsToday      int            `json:"paymentsToday"`
	PaymentsTodayCents int64          `json:"paymentsTodayCents"`
	OutstandingCents   int64          `json:"outstandingCents"` // sum of positive balances
	ActiveVendors      int            `json:"activeVendors"`
	Seq                int64          `json:"seq"`
	Epoch              string         `json:"epoch"` // the event-log epoch Seq belongs to
	At                 time.Time      `json:"at"`
}

// Interval is an analytics bucket size.
type Interval string

const (
	IntervalDay   Interval = "day"
	IntervalWeek  Interval = "week"
	IntervalMonth Interval = "month"
)

// Valid reports whether i is a known interval.
func (i Interval) Valid() bool { return i == IntervalDay || i == IntervalWeek || i == IntervalMonth }

// AnalyticsQuery selects a date range (inclusive, YYYY-MM-DD, days of the
// business time zone) and bucket size. An empty To is today; an empty From
// is 29 days before To.
type AnalyticsQuery struct {
	From     string
	To       string
	Interval Interval
}

// AnalyticsPoint is one bucket; Period is the bucket's first day (YYYY-MM-DD;
// weeks start on Monday). Start and End are the moments the bucket's
// figures cover, in the business time zone (End exclusive): the period's,
// clipped to the query's range. Partial is true when they do not cover the
// whole period: the range cuts it, or it is not over yet.
type AnalyticsPoint struct {
	Period        string    `json:"period"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Partial       bool      `json:"partial"`
	RevenueCents  int64     `json:"revenueCents"`
	PaymentsCents int64     `json:"paymentsCents"`
	NewCustomers  int       `json:"newCustomers"`
	Deliveries    int       `json:"deliveries"`
	Delivered     int       `json:"delivered"`
	// CollectionRate is PaymentsCents / RevenueCents (payments over
	// charges), nil when nothing was charged in the bucket.
	CollectionRate *float64 `json:"collectionRate"`
	// ActiveSubscribers counts the customers with a subscription delivery
	// scheduled in the bucket that counts among "deliveries".
	ActiveSubscribers int `json:"activeSubscribers"`
}

// VendorRank is a vendor's share of the range, for "top vendors".
type VendorRank struct {
	VendorID     int64  `json:"vendorId"`
	Name         string `json:"name"`
	RevenueCents int64  `json:"revenueCents"`
	Deliveries   int    `json:"deliveries"`
	Customers    int    `json:"customers"`
}

// Analytics is the analytics page's data over a range; every bucket of the
// range is present, empty ones with zeros.
type Analytics struct {
	TimeZone   string           `json:"timezone"` // IANA name of the business time zone
	From       string           `json:"from"`
	To         string           `json:"to"`
	Interval   Interval         `json:"interval"`
	Series     []AnalyticsPoint `json:"series"`
	TopVendors []VendorRank     `json:"topVendors"`
	Seq        int64            `json:"seq"`
}

// StatsService computes figures visible to the actor.
type StatsService interface {
	Stats(ctx context.Context) (*Stats, error)
	Analytics(ctx context.Context, q AnalyticsQuery) (*Analytics, error)
	AnalyticsService
}

// Add counts n deliveries of the given status (see DeliveryCounts for
// which count in Total).
func (c *DeliveryCounts) Add(status DeliveryStatus, n int) {
	if status != DeliveryCancelled && status != DeliverySkipped {
		c.Total += n
	}
	switch status {
	case DeliveryScheduled:
		c.Scheduled += n
	case DeliveryOutForDelivery:
		c.OutForDelivery += n
	case DeliveryDelivered:
		c.Delivered += n
	case DeliveryFailed:
		c.Failed += n
	case DeliveryCancelled:
		c.Cancelled += n
	case DeliverySkipped:
		c.Skipped += n
	}
}

// AddReversed counts n delivered deliveries that were reversed: they are
// in neither Total nor Delivered.
func (c *DeliveryCounts) AddReversed(n int) { c.Reversed += n }
