package service

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// AnalyticsBreakdown is revenue and quantity delivered in the range by
// product or by area (see figures.go): a delivery counts for its product,
// or for its customer's current area, only when that product or area
// belongs to the vendor that delivered it; otherwise (a one-off delivery,
// a customer without an area, or one that moved to another vendor since)
// it counts in the row without an id. So a vendor never reads another
// vendor's product or area names.
func (s *service) AnalyticsBreakdown(ctx context.Context, by string, q domain.AnalyticsQuery) (*domain.Breakdown, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var join, cols, group string
	switch by {
	case domain.BreakdownProduct:
		join = ` LEFT JOIN products g ON g.id = d.product_id AND g.vendor_id = d.vendor_id`
		cols, group = `g.id, COALESCE(g.name, ''), COALESCE(g.vendor_id, 0), COALESCE(g.unit, '')`, `g.id, g.name, g.vendor_id, g.unit`
	case domain.BreakdownArea:
		join = ` JOIN customers c ON c.id = d.customer_id LEFT JOIN areas g ON g.id = c.area_id AND g.vendor_id = d.vendor_id`
		cols, group = `g.id, COALESCE(g.name, ''), COALESCE(g.vendor_id, 0), ''`, `g.id, g.name, g.vendor_id`
	default:
		return nil, domain.Invalid("by", "by must be product or area")
	}
	if _, _, err := s.analyticsRange(&q, s.now()); err != nil {
		return nil, err
	}
	out := &domain.Breakdown{TimeZone: s.loc().String(), From: q.From, To: q.To, By: by, Rows: []domain.BreakdownRow{}}
	cond, vargs := vendorCond(a, "d.vendor_id")
	err = s.read(ctx, func(tx *store.Tx) error {
		var err error
		if out.Seq, err = tx.LastEventSeq(ctx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+cols+`, COUNT(*), COALESCE(SUM(d.quantity), 0), COALESCE(SUM(d.amount_cents), 0)
			FROM deliveries d`+join+`
			WHERE d.status = 'delivered' AND d.delivered_on >= ? AND d.delivered_on <= ?`+notReversed("delivery", "d.id")+cond+`
			GROUP BY `+group, append([]any{q.From, q.To}, vargs...)...)
		if err != nil {
			return fmt.Errorf("failed to break analytics down by %s: %w", by, err)
		}
		defer rows.Close()
		for rows.Next() {
			var r domain.BreakdownRow
			var id sql.NullInt64
			if err := rows.Scan(&id, &r.Name, &r.VendorID, &r.Unit, &r.Delivered, &r.Quantity, &r.RevenueCents); err != nil {
				return fmt.Errorf("failed to scan the breakdown: %w", err)
			}
			if id.Valid {
				r.ID = &id.Int64
			}
			out.Rows = append(out.Rows, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out.Rows, func(i, j int) bool {
		x, y := out.Rows[i], out.Rows[j]
		if x.RevenueCents != y.RevenueCents {
			return x.RevenueCents > y.RevenueCents
		}
		if (x.ID == nil) != (y.ID == nil) {
			return y.ID == nil
		}
		return x.ID != nil && *x.ID < *y.ID
	})
	return out, nil
}

// VendorComparison sets every vendor's figures for the range side by side
// (admins only), each defined as in the analytics series: revenue and
// quantity by delivery day for the vendor that delivered, payments for
// the vendor the customer had when paying, deliveries (and delivered,
// failed) by scheduled day, active subscribers over the whole range, and
// active customers and outstanding now, for the customer's current vendor.
func (s *service) VendorComparison(ctx context.Context, q domain.AnalyticsQuery) (*domain.VendorComparison, error) {
	if _, err := adminActor(ctx, "compare vendors"); err != nil {
		return nil, err
	}
	if _, _, err := s.analyticsRange(&q, s.now()); err != nil {
		return nil, err
	}
	out := &domain.VendorComparison{TimeZone: s.loc().String(), From: q.From, To: q.To, Vendors: []domain.VendorFigures{}}
	r := []any{q.From, q.To}
	args := append(append(append(append(append([]any{}, r...), r...), r...), r...), r...)
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		if out.Seq, err = tx.LastEventSeq(ctx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT u.id, u.name, u.status,
				COALESCE((SELECT SUM(d.amount_cents) FROM deliveries d WHERE d.vendor_id = u.id AND d.status = 'delivered' AND d.delivered_on >= ? AND d.delivered_on <= ?`+notReversed("delivery", "d.id")+`), 0),
				COALESCE((SELECT SUM(d.quantity) FROM deliveries d WHERE d.vendor_id = u.id AND d.status = 'delivered' AND d.delivered_on >= ? AND d.delivered_on <= ?`+notReversed("delivery", "d.id")+`), 0),
				COALESCE((SELECT SUM(p.amount_cents) FROM payments p WHERE p.vendor_id = u.id AND p.created_on >= ? AND p.created_on <= ?`+notReversed("payment", "p.id")+`), 0),
				(SELECT COUNT(*) FROM deliveries d WHERE d.vendor_id = u.id AND d.scheduled_for >= ? AND d.scheduled_for <= ?`+countedDelivery("d.status", "d.id")+`),
				(SELECT COUNT(DISTINCT d.customer_id) FROM deliveries d WHERE d.vendor_id = u.id AND `+activeSubscriberDelivery("d")+` AND d.scheduled_for >= ? AND d.scheduled_for <= ?`+countedDelivery("d.status", "d.id")+`),
				(SELECT COUNT(*) FROM customers c WHERE c.vendor_id = u.id AND c.status = 'active'),
				COALESCE((SELECT SUM(c.balance_cents) FROM customers c WHERE c.vendor_id = u.id AND c.balance_cents > 0), 0)
			FROM users u WHERE u.role = 'vendor' ORDER BY u.id`, args...)
		if err != nil {
			return fmt.Errorf("failed to compare vendors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v domain.VendorFigures
			if err := rows.Scan(&v.VendorID, &v.Name, &v.Status, &v.RevenueCents, &v.Quantity, &v.PaymentsCents, &v.Deliveries,
				&v.ActiveSubscribers, &v.ActiveCustomers, &v.OutstandingCents); err != nil {
				return fmt.Errorf("failed to scan vendor figures: %w", err)
			}
			v.CollectionRate = collectionRate(v.PaymentsCents, v.RevenueCents)
			out.Vendors = append(out.Vendors, v)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("failed to compare vendors: %w", err)
		}
		return vendorStatuses(ctx, tx, q, out.Vendors)
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out.Vendors, func(i, j int) bool {
		if out.Vendors[i].RevenueCents != out.Vendors[j].RevenueCents {
			return out.Vendors[i].RevenueCents > out.Vendors[j].RevenueCents
		}
		return out.Vendors[i].VendorID < out.Vendors[j].VendorID
	})
	return out, nil
}

// vendorStatuses adds how many of each vendor's counted deliveries
// scheduled in the range were delivered and how many failed.
func vendorStatuses(ctx context.Context, tx *store.Tx, q domain.AnalyticsQuery, vendors []domain.VendorFigures) error {
	index := map[int64]*domain.VendorFigures{}
	for i := range vendors {
		index[vendors[i].VendorID] = &vendors[i]
	}
	rows, err := tx.Query(ctx, `SELECT d.vendor_id, d.status, COUNT(*) FROM deliveries d
		WHERE d.scheduled_for >= ? AND d.scheduled_for <= ? AND d.status IN ('delivered', 'failed')`+notReversed("delivery", "d.id")+`
		GROUP BY d.vendor_id, d.status`, q.From, q.To)
	if err != nil {
		return fmt.Errorf("failed to count vendors' deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var status domain.DeliveryStatus
		var n int
		if err := rows.Scan(&id, &status, &n); err != nil {
			return fmt.Errorf("failed to scan vendors' deliveries: %w", err)
		}
		if v := index[id]; v != nil {
			if status == domain.DeliveryDelivered {
				v.Delivered = n
			} else {
				v.Failed = n
			}
		}
	}
	return rows.Err()
}
