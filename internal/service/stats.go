package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// vendorCond returns a "AND col = ?" condition and its argument for the
// actor's vendor scope (nothing for admins).
func vendorCond(a *domain.Actor, col string) (string, []any) {
	if v := vendorScope(a); v != 0 {
		return " AND " + col + " = ?", []any{v}
	}
	return "", nil
}

// Stats computes the dashboard figures visible to the actor, in one read
// snapshot that also gives the last seq they include.
func (s *service) Stats(ctx context.Context) (*domain.Stats, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	today := s.day(now)
	monthStart := today[:8] + "01"
	epoch, err := s.db.EventEpoch(ctx)
	if err != nil {
		return nil, err
	}
	st := &domain.Stats{TimeZone: s.loc().String(), Today: today, Epoch: epoch, At: now}
	err = s.read(ctx, func(tx *store.Tx) error {
		var err error
		if st.Seq, err = tx.LastEventSeq(ctx); err != nil {
			return err
		}
		cond, args := vendorCond(a, "vendor_id")
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM customers WHERE status = 'active'`+cond, args...).Scan(&st.ActiveCustomers); err != nil {
			return fmt.Errorf("failed to count active customers: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(balance_cents), 0) FROM customers WHERE balance_cents > 0`+cond, args...).Scan(&st.OutstandingCents); err != nil {
			return fmt.Errorf("failed to sum balances: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT status, CASE WHEN `+reversedExists("delivery", "deliveries.id")+` THEN 1 ELSE 0 END, COUNT(*)
			FROM deliveries WHERE scheduled_for = ?`+cond+` GROUP BY 1, 2`, append([]any{today}, args...)...)
		if err != nil {
			return fmt.Errorf("failed to count deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var status domain.DeliveryStatus
			var reversed, n int
			if err := rows.Scan(&status, &reversed, &n); err != nil {
				return fmt.Errorf("failed to scan delivery counts: %w", err)
			}
			if reversed == 1 {
				st.DeliveriesToday.AddReversed(n)
			} else {
				st.DeliveriesToday.Add(status, n)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("failed to count deliveries: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT
				COALESCE(SUM(CASE WHEN delivered_on = ? THEN amount_cents ELSE 0 END), 0),
				COALESCE(SUM(amount_cents), 0)
			FROM deliveries WHERE status = 'delivered' AND delivered_on >= ? AND delivered_on <= ?`+notReversed("delivery", "deliveries.id")+cond,
			append([]any{today, monthStart, today}, args...)...).Scan(&st.RevenueTodayCents, &st.RevenueMonthCents); err != nil {
			return fmt.Errorf("failed to sum revenue: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(amount_cents), 0) FROM payments WHERE created_on = ?`+notReversed("payment", "payments.id")+cond,
			append([]any{today}, args...)...).Scan(&st.PaymentsToday, &st.PaymentsTodayCents); err != nil {
			return fmt.Errorf("failed to sum payments: %w", err)
		}
		vcond, vargs := vendorCond(a, "id")
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'vendor' AND status = 'active'`+vcond, vargs...).Scan(&st.ActiveVendors); err != nil {
			return fmt.Errorf("failed to count vendors: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// VendorMetrics returns figures for vendors: admins for the given vendors
// (all when ids is empty), a vendor only for itself.
func (s *service) VendorMetrics(ctx context.Context, ids []int64) ([]domain.VendorMetrics, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if ids, err = uniqueIDs("ids", ids); err != nil {
		return nil, err
	}
	if !a.IsAdmin() {
		if len(ids) > 0 && !slices.Contains(ids, a.UserID) {
			return []domain.VendorMetrics{}, nil
		}
		ids = []int64{a.UserID}
	}
	now := s.now()
	today := s.day(now)
	// 29 calendar days back from the business's today (not 29×24 hours,
	// which a change to or from summer time would make a day off).
	first, _ := time.Parse(dateLayout, today)
	since := first.AddDate(0, 0, -29).Format(dateLayout)
	where := ` WHERE u.role = 'vendor'`
	var args []any
	if len(ids) > 0 {
		where += ` AND u.id IN (` + placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	var out []domain.VendorMetrics
	err = s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT u.id,
				(SELECT COUNT(*) FROM customers c WHERE c.vendor_id = u.id),
				(SELECT COUNT(*) FROM customers c WHERE c.vendor_id = u.id AND c.status = 'active'),
				(SELECT COUNT(*) FROM deliveries d WHERE d.vendor_id = u.id AND d.scheduled_for >= ? AND d.scheduled_for <= ?`+countedDelivery("d.status", "d.id")+`),
				(SELECT COUNT(*) FROM deliveries d WHERE d.vendor_id = u.id AND d.scheduled_for >= ? AND d.scheduled_for <= ? AND d.status = 'delivered'`+notReversed("delivery", "d.id")+`),
				COALESCE((SELECT SUM(d.amount_cents) FROM deliveries d WHERE d.vendor_id = u.id AND d.status = 'delivered' AND d.delivered_on >= ? AND d.delivered_on <= ?`+notReversed("delivery", "d.id")+`), 0),
				COALESCE((SELECT SUM(c.balance_cents) FROM customers c WHERE c.vendor_id = u.id AND c.balance_cents > 0), 0)
			FROM users u`+where+` ORDER BY u.id`, append([]any{since, today, since, today, since, today}, args...)...)
		if err != nil {
			return fmt.Errorf("failed to compute vendor metrics: %w", err)
		}
		defer rows.Close()
		out = []domain.VendorMetrics{}
		for rows.Next() {
			var m domain.VendorMetrics
			if err := rows.Scan(&m.VendorID, &m.Customers, &m.ActiveCustomers, &m.Deliveries30d, &m.Delivered30d, &m.RevenueCents30d, &m.OutstandingCents); err != nil {
				return fmt.Errorf("failed to scan vendor metrics: %w", err)
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}
