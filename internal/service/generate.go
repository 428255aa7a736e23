package service

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// generateWindow is how far from today a day may be generated on demand:
// a missed day can be caught up, tomorrow prepared, and a typo in the year
// does not fill the books with deliveries.
const generateWindow = 31

// dueSubscription is a subscription with what generation needs to price
// its delivery.
type dueSubscription struct {
	sub          *domain.Subscription
	customerName string
	priceCents   int64 // the customer's rate, or the product's price
}

// GenerateDeliveries creates the deliveries of a day from the active
// subscriptions of active customers: one per subscription, day and shift,
// enforced by the database (deliveries_subscription_day), so that calls on
// any number of instances at once create each delivery exactly once. Each
// vendor with new deliveries gets one deliveries.generated event.
func (s *service) GenerateDeliveries(ctx context.Context, in domain.GenerateRequest) (*domain.GenerateResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	today := s.day(s.now())
	if in.Date == "" {
		in.Date = today
	}
	if err := validDate("date", in.Date); err != nil {
		return nil, err
	}
	day, _ := time.Parse(dateLayout, in.Date)
	t0, _ := time.Parse(dateLayout, today)
	if diff := day.Sub(t0).Hours() / 24; diff < -generateWindow || diff > generateWindow {
		return nil, domain.Invalid("date", "date must be within %d days of today (%s)", generateWindow, today)
	}
	if in.Shift != "" && !in.Shift.Valid() {
		return nil, domain.Invalid("shift", "shift must be morning or evening")
	}
	if v := vendorScope(a); v != 0 {
		if in.VendorID != 0 && in.VendorID != v {
			return nil, domain.Errorf(domain.CodeForbidden, "a vendor generates only its own deliveries")
		}
		in.VendorID = v
	}
	res := &domain.GenerateResult{Date: in.Date}
	err = s.writeOnce(ctx, "deliveries.generate", in, &res, func(tx *store.Tx) error {
		now := s.stamp(tx)
		*res = domain.GenerateResult{Date: in.Date} // a retried transaction starts over
		if in.VendorID != 0 && a.IsAdmin() {
			if _, err := checkVendor(ctx, tx, in.VendorID); err != nil {
				return err
			}
		}
		due, err := dueSubscriptions(ctx, tx, in)
		if err != nil {
			return err
		}
		created, vendors, err := insertGenerated(ctx, tx, due, in.Date, now)
		if err != nil {
			return err
		}
		for _, ids := range created {
			res.Created += len(ids)
		}
		res.Existing = len(due) - res.Created
		// The events go last: they take the event-log lock until commit.
		for _, v := range vendors {
			ids := created[v]
			g := domain.DeliveriesGenerated{Date: in.Date, Shift: in.Shift, VendorID: v, Created: len(ids), DeliveryIDs: ids}
			shift := "both shifts"
			if in.Shift != "" {
				shift = "the " + string(in.Shift) + " shift"
			}
			summary := fmt.Sprintf("%d deliveries generated for %s, %s, by %s", len(ids), in.Date, shift, a.Name)
			if err := appendEvent(ctx, tx, a, now, domain.ActionDeliveriesGenerated, domain.EntityRound, 0, v, summary,
				map[string]any{"generated": g}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// generateChunk is how many deliveries one INSERT writes: one round trip
// per chunk instead of per delivery, well under SQLite's limit of bound
// variables.
const generateChunk = 200

// insertGenerated inserts the due subscriptions' deliveries of day, in
// subscription order, skipping those that exist, and returns the ids it
// created by vendor (in id order) and the vendors in the order met.
func insertGenerated(ctx context.Context, tx *store.Tx, due []dueSubscription, day string, now time.Time) (map[int64][]int64, []int64, error) {
	created := map[int64][]int64{}
	var vendors []int64
	vendorOf := map[int64]int64{} // subscription → vendor
	for start := 0; start < len(due); start += generateChunk {
		part := due[start:min(start+generateChunk, len(due))]
		var q strings.Builder
		q.WriteString(`INSERT INTO deliveries (customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note,
			created_at, updated_at, subscription_id, shift, product_id) VALUES `)
		args := make([]any, 0, len(part)*11)
		for i, d := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(`(?, ?, ?, ?, ?, ?, 'scheduled', '', ?, ?, ?, ?, ?)`)
			sub := d.sub
			vendorOf[sub.ID] = sub.VendorID
			args = append(args, sub.CustomerID, sub.VendorID, day, sub.ProductName, sub.Quantity, d.priceCents*int64(sub.Quantity),
				micros(now), micros(now), sub.ID, sub.Shift, sub.ProductID)
		}
		q.WriteString(` ON CONFLICT (subscription_id, scheduled_for, shift) DO NOTHING RETURNING id, subscription_id`)
		rows, err := tx.Query(ctx, q.String(), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("failed to insert generated deliveries: %w", err)
		}
		for rows.Next() {
			var id, subID int64
			if err := rows.Scan(&id, &subID); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("failed to read generated deliveries: %w", err)
			}
			v := vendorOf[subID]
			if _, ok := created[v]; !ok {
				vendors = append(vendors, v)
			}
			created[v] = append(created[v], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("failed to insert generated deliveries: %w", err)
		}
	}
	for _, ids := range created {
		slices.Sort(ids)
	}
	slices.Sort(vendors)
	return created, vendors, nil
}

// dueSubscriptions returns the subscriptions that deliver on the request's
// day, in id order (so that concurrent generators insert in the same order
// and wait for each other instead of deadlocking).
func dueSubscriptions(ctx context.Context, tx *store.Tx, in domain.GenerateRequest) ([]dueSubscription, error) {
	q := `SELECT ` + subscriptionColumns + `, c.name, p.price_cents, cr.price_cents` + subscriptionFrom + `
		JOIN customers c ON c.id = s.customer_id
		LEFT JOIN customer_rates cr ON cr.customer_id = s.customer_id AND cr.product_id = s.product_id
		WHERE s.status = 'active' AND s.starts_on <= ? AND (s.ends_on IS NULL OR s.ends_on >= ?)
		AND c.status = 'active' AND c.vendor_id = s.vendor_id AND p.active = 1`
	args := []any{in.Date, in.Date}
	if in.Shift != "" {
		q += ` AND s.shift = ?`
		args = append(args, in.Shift)
	}
	if in.VendorID != 0 {
		q += ` AND s.vendor_id = ?`
		args = append(args, in.VendorID)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("failed to read subscriptions: %w", err)
	}
	var all []dueSubscription
	var subs []*domain.Subscription
	for rows.Next() {
		var d dueSubscription
		var rate sql.NullInt64
		sub, err := scanSubscription(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &d.customerName, &d.priceCents, &rate)...)
		}))
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("failed to scan subscription: %w", err)
		}
		if rate.Valid {
			d.priceCents = rate.Int64
		}
		d.sub = sub
		all = append(all, d)
		subs = append(subs, sub)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to read subscriptions: %w", err)
	}
	if err := loadPauses(ctx, tx, subs); err != nil {
		return nil, err
	}
	due := all[:0]
	for _, d := range all {
		if d.sub.DueOn(in.Date) {
			due = append(due, d)
		}
	}
	return due, nil
}

// scanFunc adapts a function to the scanner interface.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// RunDailyGeneration generates the business day's deliveries now (catching
// up a day missed while no instance ran) and then at the start of each
// business day in the business time zone, until ctx ends. Every instance
// may run it: the database creates each delivery once.
func (s *Services) RunDailyGeneration(ctx context.Context, log *slog.Logger) {
	ctx = domain.WithActor(ctx, domain.SystemActor())
	for {
		now := s.svc.now()
		wait := time.Minute // retry soon after a failure
		res, err := s.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{Date: s.svc.day(now)})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("failed to generate the day's deliveries", "err", err)
		} else {
			log.Info("generated the day's deliveries", "date", res.Date, "created", res.Created, "existing", res.Existing)
			wait = s.untilNextDay(now)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// untilNextDay is the time from now to the next business day's start (a
// second past midnight in the business time zone).
func (s *Services) untilNextDay(now time.Time) time.Duration {
	loc := s.svc.loc()
	local := now.In(loc)
	y, m, d := local.Date()
	next := time.Date(y, m, d+1, 0, 0, 1, 0, loc)
	return next.Sub(now)
}
