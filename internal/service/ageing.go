package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// ageingBands are the dues-ageing buckets, by age in days of a customer's
// oldest unpaid charge: 0–30, 31–60, 61–90 and over 90 (max -1: none).
var ageingBands = []struct {
	name     string
	min, max int
}{{"0-30", 0, 30}, {"31-60", 31, 60}, {"61-90", 61, 90}, {"90+", 91, -1}}

// ageingBand returns the index of the band of an age in days.
func ageingBand(days int) int {
	for i, b := range ageingBands {
		if b.max < 0 || days <= b.max {
			return i
		}
	}
	return len(ageingBands) - 1
}

// DuesAgeing ages what each customer owes at the end of asOf (a day of the
// business time zone; today when empty; never in the future).
//
// A customer's balance on asOf is the sum of its ledger entries up to the
// end of that day, leaving out reversed payments and reversed deliveries
// (and their reversal entries) whenever they were reversed, as every figure
// does. Only customers whose balance is positive owe money. Payments pay
// charges oldest first (FIFO: by the moment the charge was made, then its
// ledger entry), so the charges still unpaid are the newest ones that make
// up the balance: walking back from the newest charge, the oldest unpaid
// charge is the one at which the charges walked reach the balance. Its
// day (the business-local day it was charged, i.e. delivered) gives the
// age in whole days on asOf, and the customer's whole balance goes in that
// age's bucket.
//
// Customers belong to their current vendor (outstanding belongs to the
// customer's current vendor); vendorID limits the ageing to one vendor's
// customers. A vendor sees only its own (another vendorId is refused).
func (s *service) DuesAgeing(ctx context.Context, asOf string, vendorID int64) (*domain.DuesAgeing, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if v := vendorScope(a); v != 0 {
		if vendorID != 0 && vendorID != v {
			return nil, &domain.Error{Code: domain.CodeForbidden, Field: "vendorId", Message: "a vendor sees only its own customers' dues"}
		}
		vendorID = v
	}
	loc := s.loc()
	today := s.day(s.now())
	if asOf == "" {
		asOf = today
	}
	day, err := time.Parse(dateLayout, asOf)
	if err != nil || len(asOf) != len(dateLayout) {
		return nil, domain.Invalid("asOf", "asOf must be a date as YYYY-MM-DD")
	}
	if asOf > today {
		return nil, domain.Invalid("asOf", "asOf must not be after today (%s)", today)
	}
	// The end of asOf in the business time zone, as ledger entries' moments.
	end := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	out := &domain.DuesAgeing{TimeZone: loc.String(), AsOf: asOf, VendorID: vendorID,
		Buckets: make([]domain.AgeingBucket, len(ageingBands)), Customers: []domain.AgeingCustomer{}}
	for i, b := range ageingBands {
		out.Buckets[i] = domain.AgeingBucket{Bucket: b.name, MinDays: b.min}
		if b.max >= 0 {
			out.Buckets[i].MaxDays = &b.max
		}
	}
	cond, args := "", []any{micros(end)}
	if vendorID != 0 {
		cond, args = " AND c.vendor_id = ?", append(args, vendorID)
	}
	err = s.read(ctx, func(tx *store.Tx) error {
		var err error
		if out.Seq, err = tx.LastEventSeq(ctx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT c.id, c.name, c.vendor_id, e.amount_cents, e.created_at
			FROM ledger_entries e JOIN customers c ON c.id = e.customer_id
			WHERE e.kind IN ('delivery', 'payment') AND e.created_at < ?
				AND NOT EXISTS (SELECT 1 FROM reversals rv WHERE rv.entity = e.kind AND rv.entity_id = e.ref_id)`+cond+`
			ORDER BY c.id, e.created_at, e.id`, args...)
		if err != nil {
			return fmt.Errorf("failed to read the ledger for ageing: %w", err)
		}
		defer rows.Close()
		var cur *ageingCustomer
		flush := func() {
			if cur != nil {
				if c, ok := cur.age(day, loc); ok {
					out.Customers = append(out.Customers, c)
				}
			}
		}
		for rows.Next() {
			var id, vendor, amount, at int64
			var name string
			if err := rows.Scan(&id, &name, &vendor, &amount, &at); err != nil {
				return fmt.Errorf("failed to scan the ledger for ageing: %w", err)
			}
			if cur == nil || cur.id != id {
				flush()
				cur = &ageingCustomer{id: id, name: name, vendor: vendor}
			}
			cur.balance += amount
			if amount > 0 {
				cur.charges = append(cur.charges, charge{amount, at})
			}
		}
		flush()
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, c := range out.Customers {
		b := &out.Buckets[ageingBand(c.AgeDays)]
		b.Customers++
		b.BalanceCents += c.BalanceCents
		out.TotalCents += c.BalanceCents
	}
	sort.SliceStable(out.Customers, func(i, j int) bool {
		x, y := out.Customers[i], out.Customers[j]
		if x.AgeDays != y.AgeDays {
			return x.AgeDays > y.AgeDays
		}
		if x.BalanceCents != y.BalanceCents {
			return x.BalanceCents > y.BalanceCents
		}
		return x.CustomerID < y.CustomerID
	})
	return out, nil
}

type charge struct{ amount, at int64 }

// ageingCustomer gathers one customer's counted ledger up to asOf, charges
// in the order they were made.
type ageingCustomer struct {
	id, vendor int64
	name       string
	balance    int64
	charges    []charge
}

// age finds the oldest charge FIFO leaves unpaid; false when the customer
// owes nothing.
func (c *ageingCustomer) age(asOf time.Time, loc *time.Location) (domain.AgeingCustomer, bool) {
	if c.balance <= 0 {
		return domain.AgeingCustomer{}, false
	}
	var unpaid int64
	oldest := c.charges[0]
	for i := len(c.charges) - 1; i >= 0; i-- {
		unpaid += c.charges[i].amount
		if unpaid >= c.balance {
			oldest = c.charges[i]
			break
		}
	}
	on := fromMicros(oldest.at).In(loc)
	charged := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	days := int(asOf.Sub(charged).Hours() / 24)
	return domain.AgeingCustomer{CustomerID: c.id, Name: c.name, VendorID: c.vendor, BalanceCents: c.balance,
		OldestUnpaidOn: charged.Format(dateLayout), AgeDays: days, Bucket: ageingBands[ageingBand(days)].name}, true
}
