// Pauses of standing orders: a customer's holidays.

package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// maxPauseDays bounds one pause: a longer absence is an ended subscription.
const maxPauseDays = 366

// loadPauses fills the (not cancelled) pauses of subs.
func loadPauses(ctx context.Context, tx *store.Tx, subs []*domain.Subscription) error {
	if len(subs) == 0 {
		return nil
	}
	byID := map[int64]*domain.Subscription{}
	ids := make([]string, 0, len(subs))
	for _, sub := range subs {
		byID[sub.ID] = sub
		ids = append(ids, fmt.Sprint(sub.ID))
	}
	// The ids are integers read from the database, safe to inline.
	rows, err := tx.Query(ctx, `SELECT id, subscription_id, from_on, to_on, created_at FROM subscription_pauses
		WHERE cancelled_at IS NULL AND subscription_id IN (`+strings.Join(ids, ",")+`) ORDER BY from_on, id`)
	if err != nil {
		return fmt.Errorf("failed to read pauses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p domain.Pause
		var created int64
		if err := rows.Scan(&p.ID, &p.SubscriptionID, &p.From, &p.To, &created); err != nil {
			return fmt.Errorf("failed to scan pause: %w", err)
		}
		p.CreatedAt = fromMicros(created)
		byID[p.SubscriptionID].Pauses = append(byID[p.SubscriptionID].Pauses, &p)
	}
	return rows.Err()
}

// AddPause pauses a subscription from one date to another (inclusive). The
// pause must not be over already nor overlap another; deliveries already
// generated in it that are still scheduled are cancelled.
func (s *service) AddPause(ctx context.Context, subscriptionID int64, in domain.PauseCreate) (*domain.Subscription, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := validDate("from", in.From); err != nil {
		return nil, err
	}
	if err := validDate("to", in.To); err != nil {
		return nil, err
	}
	if in.To < in.From {
		return nil, domain.Invalid("to", "to must not be before from")
	}
	f, _ := time.Parse(dateLayout, in.From)
	t, _ := time.Parse(dateLayout, in.To)
	if t.Sub(f) >= maxPauseDays*24*time.Hour {
		return nil, domain.Invalid("to", "a pause lasts at most %d days; end the subscription instead", maxPauseDays)
	}
	if in.To < s.day(s.now()) {
		return nil, domain.Invalid("to", "the pause is already over")
	}
	var sub *domain.Subscription
	err = s.writeOnce(ctx, "subscription.pause", idInput{subscriptionID, in}, &sub, func(tx *store.Tx) error {
		now := s.stamp(tx)
		if sub, err = findSubscription(ctx, tx, a, subscriptionID, true); err != nil {
			return err
		}
		if sub.Status == domain.SubscriptionEnded {
			return &domain.Error{Code: domain.CodeInvalidTransition, Field: "status", Message: "the subscription has ended"}
		}
		for _, p := range sub.Pauses {
			if in.From <= p.To && in.To >= p.From {
				return &domain.Error{Code: domain.CodeConflict, Field: "from",
					Message: fmt.Sprintf("overlaps the pause from %s to %s", p.From, p.To)}
			}
		}
		p := &domain.Pause{SubscriptionID: sub.ID, From: in.From, To: in.To, CreatedAt: now}
		if err := tx.QueryRow(ctx, `INSERT INTO subscription_pauses (subscription_id, from_on, to_on, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			sub.ID, p.From, p.To, micros(now)).Scan(&p.ID); err != nil {
			return fmt.Errorf("failed to insert pause: %w", err)
		}
		sub.Pauses = append(sub.Pauses, p)
		slices.SortFunc(sub.Pauses, func(x, y *domain.Pause) int { return strings.Compare(x.From, y.From) })
		if err := s.cancelGenerated(ctx, tx, a, sub.ID, in.From, in.To, now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, now, domain.ActionSubscriptionUpdated, domain.EntitySubscription, sub.ID, sub.VendorID,
			fmt.Sprintf("Subscription #%d (%s) paused from %s to %s by %s", sub.ID, sub.ProductName, domain.FormatDay(p.From), domain.FormatDay(p.To), a.Name),
			map[string]any{"subscription": sub, "change": "paused"})
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// CancelPause cancels a pause: the subscription delivers on its days again
// (days already past are not generated again; generate them on demand).
func (s *service) CancelPause(ctx context.Context, subscriptionID, pauseID int64) (*domain.Subscription, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var sub *domain.Subscription
	err = s.writeOnce(ctx, "subscription.pause.cancel", idInput{subscriptionID, pauseID}, &sub, func(tx *store.Tx) error {
		now := s.stamp(tx)
		if sub, err = findSubscription(ctx, tx, a, subscriptionID, true); err != nil {
			return err
		}
		i := slices.IndexFunc(sub.Pauses, func(p *domain.Pause) bool { return p.ID == pauseID })
		if i < 0 {
			return notFound("pause")
		}
		p := sub.Pauses[i]
		if _, err := tx.Exec(ctx, `UPDATE subscription_pauses SET cancelled_at = ? WHERE id = ?`, micros(now), p.ID); err != nil {
			return fmt.Errorf("failed to cancel pause: %w", err)
		}
		sub.Pauses = slices.Delete(sub.Pauses, i, i+1)
		return appendEvent(ctx, tx, a, now, domain.ActionSubscriptionUpdated, domain.EntitySubscription, sub.ID, sub.VendorID,
			fmt.Sprintf("Subscription #%d (%s): pause from %s to %s cancelled by %s", sub.ID, sub.ProductName, domain.FormatDay(p.From), domain.FormatDay(p.To), a.Name),
			map[string]any{"subscription": sub, "change": "pause_cancelled"})
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}
