package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// maxAnalyticsDays bounds the range of one analytics call.
const maxAnalyticsDays = 3 * 366

// Analytics computes per-bucket series over a date range and the top
// vendors, visible to the actor. Revenue is counted on the day a delivery
// was delivered, payments and new customers on the day they were recorded,
// deliveries (and how many of them were delivered) on their scheduled day.
func (s *service) Analytics(ctx context.Context, q domain.AnalyticsQuery) (*domain.Analytics, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if q.Interval == "" {
		q.Interval = domain.IntervalDay
	}
	if !q.Interval.Valid() {
		return nil, domain.Invalid("interval", "interval must be day, week or month")
	}
	now := s.now()
	from, to, err := s.analyticsRange(&q, now)
	if err != nil {
		return nil, err
	}
	loc := s.loc()
	out := &domain.Analytics{TimeZone: loc.String(), From: q.From, To: q.To, Interval: q.Interval, Series: []domain.AnalyticsPoint{}, TopVendors: []domain.VendorRank{}}
	index := map[string]int{}
	for p := bucketStart(from, q.Interval); !p.After(to); p = nextBucket(p, q.Interval) {
		index[p.Format(dateLayout)] = len(out.Series)
		out.Series = append(out.Series, bucket(p, nextBucket(p, q.Interval), from, to.AddDate(0, 0, 1), now, loc))
	}
	d := s.db.Dialect()
	group := func(col string) string {
		switch q.Interval {
		case domain.IntervalWeek:
			return d.WeekStart(col)
		case domain.IntervalMonth:
			return d.MonthStart(col)
		}
		return col
	}
	// Each query groups one measure by bucket; fold adds it to the series.
	type measure struct {
		query string
		add   func(p *domain.AnalyticsPoint, n, sum int64)
	}
	cond, vargs := vendorCond(a, "vendor_id")
	measures := []measure{
		{`SELECT ` + group("delivered_on") + ` AS b, COUNT(*), COALESCE(SUM(amount_cents), 0) FROM deliveries
			WHERE status = 'delivered' AND delivered_on >= ? AND delivered_on <= ?` + notReversed("delivery", "deliveries.id") + cond + ` GROUP BY b`,
			func(p *domain.AnalyticsPoint, _, sum int64) { p.RevenueCents += sum }},
		{`SELECT ` + group("created_on") + ` AS b, COUNT(*), COALESCE(SUM(amount_cents), 0) FROM payments
			WHERE created_on >= ? AND created_on <= ?` + notReversed("payment", "payments.id") + cond + ` GROUP BY b`,
			func(p *domain.AnalyticsPoint, _, sum int64) { p.PaymentsCents += sum }},
		{`SELECT ` + group("created_on") + ` AS b, COUNT(*), 0 FROM customers
			WHERE created_on >= ? AND created_on <= ?` + cond + ` GROUP BY b`,
			func(p *domain.AnalyticsPoint, n, _ int64) { p.NewCustomers += int(n) }},
		{`SELECT ` + group("scheduled_for") + ` AS b, COUNT(*), COALESCE(SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0) FROM deliveries
			WHERE scheduled_for >= ? AND scheduled_for <= ?` + countedDelivery("status", "deliveries.id") + cond + ` GROUP BY b`,
			func(p *domain.AnalyticsPoint, n, delivered int64) {
				p.Deliveries += int(n)
				p.Delivered += int(delivered)
			}},
		{`SELECT ` + group("scheduled_for") + ` AS b, COUNT(DISTINCT customer_id), 0 FROM deliveries
			WHERE ` + activeSubscriberDelivery("deliveries") + ` AND scheduled_for >= ? AND scheduled_for <= ?` + countedDelivery("status", "deliveries.id") + cond + ` GROUP BY b`,
			func(p *domain.AnalyticsPoint, n, _ int64) { p.ActiveSubscribers += int(n) }},
	}
	err = s.read(ctx, func(tx *store.Tx) error {
		var err error
		if out.Seq, err = tx.LastEventSeq(ctx); err != nil {
			return err
		}
		for _, m := range measures {
			if err := foldBuckets(ctx, tx, m.query, append([]any{q.From, q.To}, vargs...), func(b string, n, sum int64) {
				if i, ok := index[b]; ok {
					m.add(&out.Series[i], n, sum)
				}
			}); err != nil {
				return err
			}
		}
		out.TopVendors, err = topVendors(ctx, tx, a, q.From, q.To)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out.Series {
		p := &out.Series[i]
		p.CollectionRate = collectionRate(p.PaymentsCents, p.RevenueCents)
	}
	return out, nil
}

// analyticsRange fills q's default range (the 30 days up to the
// business's today) and parses it: from and to are the first and last day.
func (s *service) analyticsRange(q *domain.AnalyticsQuery, now time.Time) (from, to time.Time, err error) {
	if q.To == "" {
		q.To = s.day(now)
	}
	if to, err = time.Parse(dateLayout, q.To); err != nil {
		return from, to, domain.Invalid("to", "to must be a date as YYYY-MM-DD")
	}
	if q.From == "" {
		q.From = to.AddDate(0, 0, -29).Format(dateLayout)
	}
	if from, err = time.Parse(dateLayout, q.From); err != nil {
		return from, to, domain.Invalid("from", "from must be a date as YYYY-MM-DD")
	}
	if to.Before(from) {
		return from, to, domain.Invalid("to", "to must not be before from")
	}
	if to.Sub(from) > maxAnalyticsDays*24*time.Hour {
		return from, to, domain.Invalid("to", "the range is limited to %d days", maxAnalyticsDays)
	}
	return from, to, nil
}

func foldBuckets(ctx context.Context, tx *store.Tx, query string, args []any, fn func(b string, n, sum int64)) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("failed to aggregate analytics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b string
		var n, sum int64
		if err := rows.Scan(&b, &n, &sum); err != nil {
			return fmt.Errorf("failed to scan analytics: %w", err)
		}
		fn(b, n, sum)
	}
	return rows.Err()
}

// topVendors ranks vendors by revenue delivered in the range (vendors see
// only themselves), at most ten.
func topVendors(ctx context.Context, tx *store.Tx, a *domain.Actor, from, to string) ([]domain.VendorRank, error) {
	cond, vargs := vendorCond(a, "u.id")
	rows, err := tx.Query(ctx, `SELECT u.id, u.name,
			COALESCE((SELECT SUM(d.amount_cents) FROM deliveries d WHERE d.vendor_id = u.id AND d.status = 'delivered' AND d.delivered_on >= ? AND d.delivered_on <= ?`+notReversed("delivery", "d.id")+`), 0),
			(SELECT COUNT(*) FROM deliveries d WHERE d.vendor_id = u.id AND d.scheduled_for >= ? AND d.scheduled_for <= ?`+countedDelivery("d.status", "d.id")+`),
			(SELECT COUNT(*) FROM customers c WHERE c.vendor_id = u.id)
		FROM users u WHERE u.role = 'vendor'`+cond, append([]any{from, to, from, to}, vargs...)...)
	if err != nil {
		return nil, fmt.Errorf("failed to rank vendors: %w", err)
	}
	defer rows.Close()
	ranks := []domain.VendorRank{}
	for rows.Next() {
		var r domain.VendorRank
		if err := rows.Scan(&r.VendorID, &r.Name, &r.RevenueCents, &r.Deliveries, &r.Customers); err != nil {
			return nil, fmt.Errorf("failed to scan vendor rank: %w", err)
		}
		ranks = append(ranks, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to rank vendors: %w", err)
	}
	sort.SliceStable(ranks, func(i, j int) bool {
		if ranks[i].RevenueCents != ranks[j].RevenueCents {
			return ranks[i].RevenueCents > ranks[j].RevenueCents
		}
		return ranks[i].VendorID < ranks[j].VendorID
	})
	if len(ranks) > 10 {
		ranks = ranks[:10]
	}
	return ranks, nil
}

func bucketStart(t time.Time, iv domain.Interval) time.Time {
	switch iv {
	case domain.IntervalWeek:
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	case domain.IntervalMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func nextBucket(t time.Time, iv domain.Interval) time.Time {
	switch iv {
	case domain.IntervalWeek:
		return t.AddDate(0, 0, 7)
	case domain.IntervalMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// bucket is the point of the period [start, next) (days) with the moments
// it covers: the period clipped to the range [from, end) of days, as
// midnights of loc. It is partial when clipped or not over at now.
func bucket(start, next, from, end, now time.Time, loc *time.Location) domain.AnalyticsPoint {
	first, stop := start, next
	if first.Before(from) {
		first = from
	}
	if stop.After(end) {
		stop = end
	}
	midnight := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc) }
	p := domain.AnalyticsPoint{Period: start.Format(dateLayout), Start: midnight(first), End: midnight(stop)}
	p.Partial = !first.Equal(start) || !stop.Equal(next) || p.End.After(now)
	return p
}
