package domain

import (
	"context"
	"time"
)

// Frequency is how often a subscription delivers:
//   - daily: every day;
//   - alternate: every other day, counted from startsOn (startsOn, +2, +4…);
//   - weekly: once a week, on the one day in Days (startsOn's weekday when
//     Days is empty);
//   - custom: on each weekday listed in Days.
type Frequency string

const (
	FrequencyDaily     Frequency = "daily"
	FrequencyAlternate Frequency = "alternate"
	FrequencyWeekly    Frequency = "weekly"
	FrequencyCustom    Frequency = "custom"
)

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool {
	return f == FrequencyDaily || f == FrequencyAlternate || f == FrequencyWeekly || f == FrequencyCustom
}

// Shift is the part of the day a round runs in.
type Shift string

const (
	ShiftMorning Shift = "morning"
	ShiftEvening Shift = "evening"
)

// Valid reports whether s is a known shift.
func (s Shift) Valid() bool { return s == ShiftMorning || s == ShiftEvening }

// SubscriptionStatus is whether a subscription generates deliveries: only
// active ones do. A paused subscription waits for its owner; an ended one
// is kept for the record.
type SubscriptionStatus string

const (
	SubscriptionActive SubscriptionStatus = "active"
	SubscriptionPaused SubscriptionStatus = "paused"
	SubscriptionEnded  SubscriptionStatus = "ended"
)

// Valid reports whether s is a known subscription status.
func (s SubscriptionStatus) Valid() bool {
	return s == SubscriptionActive || s == SubscriptionPaused || s == SubscriptionEnded
}

// Weekdays are the names Days uses, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Subscription is a standing order: Quantity units of a product for a
// customer, on the days its frequency says, in one shift, from StartsOn
// (inclusive) to EndsOn (inclusive, "" when open-ended).
type Subscription struct {
	ID          int64              `json:"id"`
	CustomerID  int64              `json:"customerId"`
	VendorID    int64              `json:"vendorId"`
	ProductID   int64              `json:"productId"`
	ProductName string             `json:"productName"`
	Unit        string             `json:"unit"`
	Quantity    int                `json:"quantity"`
	Frequency   Frequency          `json:"frequency"`
	Days        []string           `json:"days"`
	Shift       Shift              `json:"shift"`
	StartsOn    string             `json:"startsOn"`
	EndsOn      string             `json:"endsOn,omitempty"`
	Status      SubscriptionStatus `json:"status"`
	Pauses      []*Pause           `json:"pauses"` // pauses not cancelled, earliest first
	CreatedAt   time.Time          `json:"createdAt"`
	UpdatedAt   time.Time          `json:"updatedAt"`
}

// Pause stops a subscription from From to To (inclusive dates): a
// customer's holiday.
type Pause struct {
	ID             int64     `json:"id"`
	SubscriptionID int64     `json:"subscriptionId"`
	From           string    `json:"from"`
	To             string    `json:"to"`
	CreatedAt      time.Time `json:"createdAt"`
}

// SubscriptionCreate is the input of CreateSubscription. StartsOn defaults
// to the business's today.
type SubscriptionCreate struct {
	CustomerID int64     `json:"customerId"`
	ProductID  int64     `json:"productId"`
	Quantity   int       `json:"quantity"`
	Frequency  Frequency `json:"frequency"`
	Days       []string  `json:"days,omitempty"`
	Shift      Shift     `json:"shift"`
	StartsOn   string    `json:"startsOn"`
	EndsOn     string    `json:"endsOn,omitempty"`
}

// SubscriptionUpdate changes the non-nil fields of a subscription. A change
// applies to deliveries generated from then on. An empty EndsOn removes
// the end date.
type SubscriptionUpdate struct {
	Quantity  *int                `json:"quantity,omitempty"`
	Frequency *Frequency          `json:"frequency,omitempty"`
	Days      *[]string           `json:"days,omitempty"`
	Shift     *Shift              `json:"shift,omitempty"`
	EndsOn    *string             `json:"endsOn,omitempty"`
	Status    *SubscriptionStatus `json:"status,omitempty"`
}

// PauseCreate is the input of AddPause.
type PauseCreate struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// SubscriptionService manages standing orders and their pauses.
type SubscriptionService interface {
	// FindSubscriptions lists a customer's subscriptions (all visible ones
	// when customerID is 0), newest first.
	FindSubscriptions(ctx context.Context, customerID int64, p Page) ([]*Subscription, int, error)
	FindSubscriptionByID(ctx context.Context, id int64) (*Subscription, error)
	CreateSubscription(ctx context.Context, in SubscriptionCreate) (*Subscription, error)
	UpdateSubscription(ctx context.Context, id int64, in SubscriptionUpdate) (*Subscription, error)
	AddPause(ctx context.Context, subscriptionID int64, in PauseCreate) (*Subscription, error)
	CancelPause(ctx context.Context, subscriptionID, pauseID int64) (*Subscription, error)
}

// DueOn reports whether the subscription delivers on day (YYYY-MM-DD): it
// is active, the day lies within its dates and outside its pauses, and its
// frequency falls on the day. The customer's status is the caller's to
// check.
func (s *Subscription) DueOn(day string) bool {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil || s.Status != SubscriptionActive || day < s.StartsOn || (s.EndsOn != "" && day > s.EndsOn) {
		return false
	}
	for _, p := range s.Pauses {
		if day >= p.From && day <= p.To {
			return false
		}
	}
	wd := Weekdays[(int(d.Weekday())+6)%7]
	switch s.Frequency {
	case FrequencyDaily:
		return true
	case FrequencyAlternate:
		start, err := time.Parse(time.DateOnly, s.StartsOn)
		// Dates parse as UTC midnights, so the difference is whole days.
		return err == nil && int(d.Sub(start).Hours()/24)%2 == 0
	case FrequencyWeekly:
		if len(s.Days) == 0 {
			start, err := time.Parse(time.DateOnly, s.StartsOn)
			return err == nil && start.Weekday() == d.Weekday()
		}
		return s.Days[0] == wd
	case FrequencyCustom:
		for _, x := range s.Days {
			if x == wd {
				return true
			}
		}
	}
	return false
}
