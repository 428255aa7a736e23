package domain

import (
	"context"
	"time"
)

// DeliveryCounts counts deliveries by status.
type DeliveryCounts struct {
	Total          int `json:"total"`
	Scheduled      int `json:"scheduled"`
	OutForDelivery int `json:"outForDelivery"`
	Delivered      int `json:"delivered"`
	Failed         int `json:"failed"`
	Cancelled      int `json:"cancelled"`
}

// Stats are the dashboard's headline figures, for the whole business (admin)
// or one vendor. Revenue is the value of deliveries delivered; payments are
// money received. "Today" and "month" are in the server's business time zone
// (UTC unless configured). Seq is the last event-log seq the figures include.
type Stats struct {
	ActiveCustomers    int            `json:"activeCustomers"`
	DeliveriesToday    DeliveryCounts `json:"deliveriesToday"`
	RevenueTodayCents  int64          `json:"revenueTodayCents"`
	RevenueMonthCents  int64          `json:"revenueMonthCents"`
	PaymentsToday      int            `json:"paymentsToday"`
	PaymentsTodayCents int64          `json:"paymentsTodayCents"`
	OutstandingCents   int64          `json:"outstandingCents"` // sum of positive balances
	ActiveVendors      int            `json:"activeVendors"`
	Seq                int64          `json:"seq"`
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

// AnalyticsQuery selects a date range (inclusive, YYYY-MM-DD) and bucket size.
type AnalyticsQuery struct {
	From     string
	To       string
	Interval Interval
}

// AnalyticsPoint is one bucket; Period is the bucket's first day (YYYY-MM-DD;
// weeks start on Monday).
type AnalyticsPoint struct {
	Period        string `json:"period"`
	RevenueCents  int64  `json:"revenueCents"`
	PaymentsCents int64  `json:"paymentsCents"`
	NewCustomers  int    `json:"newCustomers"`
	Deliveries    int    `json:"deliveries"`
	Delivered     int    `json:"delivered"`
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
}

// Add counts n deliveries of the given status.
func (c *DeliveryCounts) Add(status DeliveryStatus, n int) {
	c.Total += n
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
	}
}
