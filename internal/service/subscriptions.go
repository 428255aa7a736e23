package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const subscriptionColumns = `s.id, s.customer_id, s.vendor_id, s.product_id, p.name, p.unit, s.quantity, s.frequency, s.days, s.shift,
	s.starts_on, s.ends_on, s.status, s.created_at, s.updated_at`

const subscriptionFrom = ` FROM subscriptions s JOIN products p ON p.id = s.product_id`

func scanSubscription(sc scanner) (*domain.Subscription, error) {
	var sub domain.Subscription
	var days string
	var ends sql.NullString
	var created, updated int64
	if err := sc.Scan(&sub.ID, &sub.CustomerID, &sub.VendorID, &sub.ProductID, &sub.ProductName, &sub.Unit, &sub.Quantity, &sub.Frequency,
		&days, &sub.Shift, &sub.StartsOn, &ends, &sub.Status, &created, &updated); err != nil {
		return nil, err
	}
	sub.Days = splitDays(days)
	sub.EndsOn = ends.String
	sub.Pauses = []*domain.Pause{}
	sub.CreatedAt, sub.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &sub, nil
}

func splitDays(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// normalizeDays validates weekday names against the frequency and returns
// them Monday first, without duplicates.
func normalizeDays(f domain.Frequency, days []string) ([]string, error) {
	out := []string{}
	for _, wd := range domain.Weekdays {
		for _, d := range days {
			if strings.ToLower(strings.TrimSpace(d)) == wd {
				out = append(out, wd)
				break
			}
		}
	}
	for _, d := range days {
		if !slices.Contains(domain.Weekdays, strings.ToLower(strings.TrimSpace(d))) {
			return nil, domain.Invalid("days", "days must be weekday names: mon, tue, wed, thu, fri, sat, sun")
		}
	}
	switch f {
	case domain.FrequencyDaily, domain.FrequencyAlternate:
		if len(out) > 0 {
			return nil, domain.Invalid("days", "days are only for weekly and custom subscriptions")
		}
	case domain.FrequencyWeekly:
		if len(out) > 1 {
			return nil, domain.Invalid("days", "a weekly subscription delivers on one day; use custom for several")
		}
	case domain.FrequencyCustom:
		if len(out) == 0 {
			return nil, domain.Invalid("days", "a custom subscription needs at least one day")
		}
	}
	return out, nil
}

func validQuantity(q int) error {
	if q <= 0 || q > 10000 {
		return domain.Invalid("quantity", "quantity must be between 1 and 10000")
	}
	return nil
}

// findSubscription reads a subscription visible to a, with its pauses.
func findSubscription(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64, lock bool) (*domain.Subscription, error) {
	q := `SELECT ` + subscriptionColumns + subscriptionFrom + ` WHERE s.id = ?`
	if lock {
		if fu := tx.Dialect().ForUpdate; fu != "" {
			q += fu + " OF s"
		}
	}
	sub, err := scanSubscription(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("subscription")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read subscription %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && sub.VendorID != v {
		return nil, notFound("subscription")
	}
	// A vendor sees the subscription while the customer is its own: a
	// customer moved away takes its (ended) subscriptions out of reach.
	if _, err := findCustomer(ctx, tx, a, sub.CustomerID, false); err != nil {
		return nil, notFound("subscription")
	}
	return sub, loadPauses(ctx, tx, []*domain.Subscription{sub})
}

// FindSubscriptions lists subscriptions visible to the actor, newest first.
func (s *service) FindSubscriptions(ctx context.Context, customerID int64, pg domain.Page) ([]*domain.Subscription, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	where := ` WHERE 1=1`
	var args []any
	if v := vendorScope(a); v != 0 {
		// Its own subscriptions of its own customers (see findSubscription).
		where += ` AND s.vendor_id = ? AND s.customer_id IN (SELECT id FROM customers WHERE vendor_id = ?)`
		args = append(args, v, v)
	}
	if customerID != 0 {
		where += ` AND s.customer_id = ?`
		args = append(args, customerID)
	}
	var list []*domain.Subscription
	var total int
	err = s.read(ctx, func(tx *store.Tx) error {
		if customerID != 0 {
			if _, err := findInputCustomer(ctx, tx, a, customerID); err != nil {
				return err
			}
		}
		var err error
		list, total, err = readPage(ctx, tx, pageQuery{
			what: "subscriptions", args: args, order: "s.id DESC",
			count: `SELECT COUNT(*) FROM subscriptions s` + where,
			list:  `SELECT ` + subscriptionColumns + subscriptionFrom + where,
		}, pg.Normalize(), scanSubscription)
		if err != nil {
			return err
		}
		return loadPauses(ctx, tx, list)
	})
	return list, total, err
}

// FindSubscriptionByID returns a subscription visible to the actor.
func (s *service) FindSubscriptionByID(ctx context.Context, id int64) (*domain.Subscription, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var sub *domain.Subscription
	err = s.read(ctx, func(tx *store.Tx) error {
		sub, err = findSubscription(ctx, tx, a, id, false)
		return err
	})
	return sub, err
}

// CreateSubscription starts a standing order for a customer visible to the
// actor, of one of the customer's vendor's active products.
func (s *service) CreateSubscription(ctx context.Context, in domain.SubscriptionCreate) (*domain.Subscription, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.CustomerID <= 0 {
		return nil, domain.Invalid("customerId", "customerId is required")
	}
	if in.ProductID <= 0 {
		return nil, domain.Invalid("productId", "productId is required")
	}
	if err := validQuantity(in.Quantity); err != nil {
		return nil, err
	}
	if !in.Frequency.Valid() {
		return nil, domain.Invalid("frequency", "frequency must be daily, alternate, weekly or custom")
	}
	days, err := normalizeDays(in.Frequency, in.Days)
	if err != nil {
		return nil, err
	}
	if !in.Shift.Valid() {
		return nil, domain.Invalid("shift", "shift must be morning or evening")
	}
	if in.StartsOn == "" {
		in.StartsOn = s.day(s.now())
	}
	if err := validDate("startsOn", in.StartsOn); err != nil {
		return nil, err
	}
	if in.EndsOn != "" {
		if err := validDate("endsOn", in.EndsOn); err != nil {
			return nil, err
		}
		if in.EndsOn < in.StartsOn {
			return nil, domain.Invalid("endsOn", "endsOn must not be before startsOn")
		}
	}
	var sub *domain.Subscription
	err = s.writeOnce(ctx, "subscription.create", in, &sub, func(tx *store.Tx) error {
		now := s.stamp(tx)
		c, err := findInputCustomer(ctx, tx, a, in.CustomerID)
		if err != nil {
			return err
		}
		if c.Status == domain.CustomerInactive {
			return domain.Invalid("customerId", "the customer is inactive: reactivate it first")
		}
		p, err := findProduct(ctx, tx, a, in.ProductID)
		if domain.ErrorCode(err) == domain.CodeNotFound || (err == nil && p.VendorID != c.VendorID) {
			return domain.Invalid("productId", "productId must be one of the customer's vendor's products")
		}
		if err != nil {
			return err
		}
		if !p.Active {
			return domain.Invalid("productId", "the product %s is no longer sold", p.Name)
		}
		sub = &domain.Subscription{CustomerID: c.ID, VendorID: c.VendorID, ProductID: p.ID, ProductName: p.Name, Unit: p.Unit,
			Quantity: in.Quantity, Frequency: in.Frequency, Days: days, Shift: in.Shift, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
			Status: domain.SubscriptionActive, Pauses: []*domain.Pause{}, CreatedAt: now, UpdatedAt: now}
		if err := insertSubscription(ctx, tx, sub); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, now, domain.ActionSubscriptionCreated, domain.EntitySubscription, sub.ID, sub.VendorID,
			fmt.Sprintf("%s subscribed to %s × %d %s (%s, %s) from %s by %s", c.Name, p.Name, sub.Quantity, p.Unit, frequencyWords(sub), sub.Shift, domain.FormatDay(sub.StartsOn), a.Name),
			map[string]any{"subscription": sub, "change": "created"})
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// insertSubscription stores a new subscription (validated by the caller)
// and sets its id.
func insertSubscription(ctx context.Context, tx *store.Tx, sub *domain.Subscription) error {
	if err := tx.QueryRow(ctx, `INSERT INTO subscriptions (customer_id, vendor_id, product_id, quantity, frequency, days, shift, starts_on, ends_on, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sub.CustomerID, sub.VendorID, sub.ProductID, sub.Quantity, sub.Frequency, strings.Join(sub.Days, ","), sub.Shift,
		sub.StartsOn, nullDate(sub.EndsOn), sub.Status, micros(sub.CreatedAt), micros(sub.UpdatedAt)).Scan(&sub.ID); err != nil {
		return fmt.Errorf("failed to insert subscription: %w", err)
	}
	return nil
}

func nullDate(d string) any {
	if d == "" {
		return nil
	}
	return d
}

func frequencyWords(sub *domain.Subscription) string {
	if len(sub.Days) > 0 {
		return string(sub.Frequency) + " " + strings.Join(sub.Days, ",")
	}
	return string(sub.Frequency)
}

// UpdateSubscription changes a subscription visible to the actor. Pausing
// or ending it cancels the deliveries it already generated from today on
// that are still scheduled. An ended subscription cannot change.
func (s *service) UpdateSubscription(ctx context.Context, id int64, in domain.SubscriptionUpdate) (*domain.Subscription, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.Quantity != nil {
		if err := validQuantity(*in.Quantity); err != nil {
			return nil, err
		}
	}
	if in.Frequency != nil && !in.Frequency.Valid() {
		return nil, domain.Invalid("frequency", "frequency must be daily, alternate, weekly or custom")
	}
	if in.Shift != nil && !in.Shift.Valid() {
		return nil, domain.Invalid("shift", "shift must be morning or evening")
	}
	if in.Status != nil && !in.Status.Valid() {
		return nil, domain.Invalid("status", "status must be active, paused or ended")
	}
	if in.EndsOn != nil && *in.EndsOn != "" {
		if err := validDate("endsOn", *in.EndsOn); err != nil {
			return nil, err
		}
	}
	var sub *domain.Subscription
	err = s.writeOnce(ctx, "subscription.update", idInput{id, in}, &sub, func(tx *store.Tx) error {
		now := s.stamp(tx)
		if sub, err = findSubscription(ctx, tx, a, id, true); err != nil {
			return err
		}
		if sub.Status == domain.SubscriptionEnded {
			return &domain.Error{Code: domain.CodeInvalidTransition, Field: "status", Message: "the subscription has ended: start a new one"}
		}
		old := *sub
		var changes []string
		if in.Quantity != nil && *in.Quantity != sub.Quantity {
			sub.Quantity = *in.Quantity
			changes = append(changes, fmt.Sprintf("quantity %d → %d", old.Quantity, sub.Quantity))
		}
		freq, days := sub.Frequency, sub.Days
		if in.Frequency != nil {
			freq = *in.Frequency
		}
		if in.Days != nil {
			days = *in.Days
		} else if in.Frequency != nil && (freq == domain.FrequencyDaily || freq == domain.FrequencyAlternate) {
			days = nil // a new frequency that takes no days drops the old ones
		}
		if days, err = normalizeDays(freq, days); err != nil {
			return err
		}
		if freq != sub.Frequency || !slices.Equal(days, sub.Days) {
			sub.Frequency, sub.Days = freq, days
			changes = append(changes, "schedule "+frequencyWords(sub))
		}
		if in.Shift != nil && *in.Shift != sub.Shift {
			sub.Shift = *in.Shift
			changes = append(changes, "shift "+string(sub.Shift))
		}
		if in.EndsOn != nil && *in.EndsOn != sub.EndsOn {
			if *in.EndsOn != "" && *in.EndsOn < sub.StartsOn {
				return domain.Invalid("endsOn", "endsOn must not be before startsOn")
			}
			sub.EndsOn = *in.EndsOn
			changes = append(changes, "ends "+map[bool]string{true: "never", false: domain.FormatDay(sub.EndsOn)}[sub.EndsOn == ""])
		}
		if in.Status != nil && *in.Status != sub.Status {
			sub.Status = *in.Status
			changes = append(changes, string(sub.Status))
		}
		if len(changes) == 0 {
			return nil
		}
		sub.UpdatedAt = now
		if _, err := tx.Exec(ctx, `UPDATE subscriptions SET quantity = ?, frequency = ?, days = ?, shift = ?, ends_on = ?, status = ?, updated_at = ? WHERE id = ?`,
			sub.Quantity, sub.Frequency, strings.Join(sub.Days, ","), sub.Shift, nullDate(sub.EndsOn), sub.Status, micros(now), sub.ID); err != nil {
			return fmt.Errorf("failed to update subscription: %w", err)
		}
		if err := s.reconcileGenerated(ctx, tx, a, sub, s.day(now), now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, now, domain.ActionSubscriptionUpdated, domain.EntitySubscription, sub.ID, sub.VendorID,
			fmt.Sprintf("Subscription #%d (%s) updated by %s: %s", sub.ID, sub.ProductName, a.Name, strings.Join(changes, ", ")),
			map[string]any{"subscription": sub, "change": "updated"})
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// reconcileGenerated brings the subscription's deliveries already
// generated for today and later, and still scheduled, in line with its new
// terms: one the subscription no longer calls for (paused, ended, an end
// date before it, a day no longer in its schedule) is cancelled; one of
// the old shift moves to the new shift (so that generating the day again
// cannot add a second one). Each change has its own delivery event. A new
// quantity applies from the next generated day.
func (s *service) reconcileGenerated(ctx context.Context, tx *store.Tx, a *domain.Actor, sub *domain.Subscription, today string, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT id, scheduled_for, shift FROM deliveries WHERE subscription_id = ? AND status = 'scheduled' AND scheduled_for >= ? ORDER BY id`,
		sub.ID, today)
	if err != nil {
		return fmt.Errorf("failed to find generated deliveries: %w", err)
	}
	type generated struct {
		id         int64
		day, shift string
	}
	var list []generated
	for rows.Next() {
		var g generated
		if err := rows.Scan(&g.id, &g.day, &g.shift); err != nil {
			rows.Close()
			return fmt.Errorf("failed to scan generated delivery: %w", err)
		}
		list = append(list, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("failed to read generated deliveries: %w", err)
	}
	cancelled := domain.DeliveryCancelled
	for _, g := range list {
		if !sub.DueOn(g.day) {
			if _, err := s.applyDeliveryUpdate(ctx, tx, a, g.id, &deliveryInput{status: &cancelled}, now); err != nil {
				return err
			}
			continue
		}
		if g.shift == string(sub.Shift) {
			continue
		}
		d, owner, err := findDeliveryOwner(ctx, tx, domain.SystemActor(), g.id, true)
		if err != nil {
			return err
		}
		d.Shift, d.UpdatedAt = sub.Shift, now
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET shift = ?, updated_at = ? WHERE id = ?`, d.Shift, micros(now), d.ID); err != nil {
			return fmt.Errorf("failed to move delivery to the %s shift: %w", d.Shift, err)
		}
		if err := appendEvent(ctx, tx, a, now, domain.ActionDeliveryUpdated, domain.EntityDelivery, d.ID, owner,
			fmt.Sprintf("Delivery #%d for %s on %s moved to the %s shift by %s", d.ID, d.CustomerName, d.ScheduledFor, d.Shift, a.Name),
			&domain.DeliveryChange{Delivery: d, PreviousStatus: d.Status}); err != nil {
			return err
		}
	}
	return nil
}

// cancelGenerated cancels a subscription's still-scheduled deliveries
// between from and to (inclusive), each with its own delivery event, as
// if cancelled one at a time.
func (s *service) cancelGenerated(ctx context.Context, tx *store.Tx, a *domain.Actor, subID int64, from, to string, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT id FROM deliveries WHERE subscription_id = ? AND status = 'scheduled' AND scheduled_for >= ? AND scheduled_for <= ? ORDER BY id`,
		subID, from, to)
	if err != nil {
		return fmt.Errorf("failed to find generated deliveries: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("failed to scan delivery id: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("failed to read generated deliveries: %w", err)
	}
	cancelled := domain.DeliveryCancelled
	for _, id := range ids {
		if _, err := s.applyDeliveryUpdate(ctx, tx, a, id, &deliveryInput{status: &cancelled}, now); err != nil {
			return err
		}
	}
	return nil
}

// endSubscriptions ends a customer's subscriptions when it moves to another
// vendor, each with a subscription.updated event for admins only (the old
// vendor is told the customer left; the new one never had them).
func endSubscriptions(ctx context.Context, tx *store.Tx, a *domain.Actor, c *domain.Customer, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT id FROM subscriptions WHERE customer_id = ? AND status <> 'ended' ORDER BY id`, c.ID)
	if err != nil {
		return fmt.Errorf("failed to find subscriptions: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("failed to scan subscription id: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("failed to find subscriptions: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `UPDATE subscriptions SET status = 'ended', updated_at = ? WHERE id = ?`, micros(now), id); err != nil {
			return fmt.Errorf("failed to end subscription: %w", err)
		}
		sub, err := findSubscription(ctx, tx, domain.SystemActor(), id, false)
		if err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, a, now, domain.ActionSubscriptionUpdated, domain.EntitySubscription, sub.ID, 0,
			fmt.Sprintf("Subscription #%d (%s) of %s ended: the customer moved to another vendor", sub.ID, sub.ProductName, c.Name),
			map[string]any{"subscription": sub, "change": "updated"}); err != nil {
			return err
		}
	}
	return nil
}
