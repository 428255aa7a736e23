package service

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// note is a notification for one user, before its subscriptions are known.
type note struct {
	user int64
	n    domain.PushNotification
}

// ClaimPushes reads the events after the shared push cursor (at most
// limit), turns them into notifications for the users who may see them and
// chose that kind, and moves the cursor past them. The move is a compare
// and swap: of several instances reading the same range, one moves it and
// sends; the others get nothing. The first call starts the cursor at the
// end of the log (no notifications for history).
func (s *service) ClaimPushes(ctx context.Context, limit int) (*domain.PushClaim, error) {
	if _, err := adminActor(ctx, "send notifications"); err != nil {
		return nil, err
	}
	var (
		cursor  int64
		started = true
		evs     []*domain.Event
		msgs    []*domain.PushMessage
		skipped int
	)
	err := s.read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `SELECT seq FROM push_cursor WHERE id = 1`).Scan(&cursor)
		if errors.Is(err, sql.ErrNoRows) {
			started = false
			cursor, err = tx.LastEventSeq(ctx)
			return err
		}
		if err != nil {
			return fmt.Errorf("failed to read the push cursor: %w", err)
		}
		// No subscription, nobody to tell: the cursor stays (no write per
		// commit where push is unused) and jumps to the end of the log when
		// the first subscription is stored (AddPushSubscription).
		var subs int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM push_subscriptions`).Scan(&subs); err != nil || subs == 0 {
			return err
		}
		if evs, err = tx.Events(ctx, store.EventQuery{After: cursor, Limit: eventLimit(limit)}); err != nil || len(evs) == 0 {
			return err
		}
		notes, err := s.pushNotes(ctx, tx, evs)
		if err != nil {
			return err
		}
		msgs, skipped, err = pushMessages(ctx, tx, notes)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !started {
		return &domain.PushClaim{}, s.write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO push_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, cursor)
			return err
		})
	}
	if len(evs) == 0 {
		return &domain.PushClaim{}, nil
	}
	won := false
	err = s.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Exec(ctx, `UPDATE push_cursor SET seq = ? WHERE id = 1 AND seq = ?`, evs[len(evs)-1].Seq, cursor)
		if err != nil {
			return fmt.Errorf("failed to move the push cursor: %w", err)
		}
		n, err := r.RowsAffected()
		won = err == nil && n == 1
		return err
	})
	if err != nil {
		return nil, err
	}
	if !won {
		return &domain.PushClaim{}, nil
	}
	return &domain.PushClaim{Messages: msgs, Skipped: skipped, More: len(evs) == eventLimit(limit)}, nil
}

// pushNotes decides who is told of what, then merges several notes of one
// kind for one user into one (a pause cancels the day's stop in the same
// breath).
func (s *service) pushNotes(ctx context.Context, tx *store.Tx, evs []*domain.Event) ([]note, error) {
	rules, err := alertRules(ctx, tx)
	if err != nil {
		return nil, err
	}
	today := s.day(s.now())
	var (
		notes  []note
		admins []int64
		staff  = map[int64][]*staffMember{} // by vendor
	)
	toAdmins := func(n domain.PushNotification) error {
		if admins == nil {
			if admins, err = activeAdmins(ctx, tx); err != nil {
				return err
			}
		}
		for _, id := range admins {
			notes = append(notes, note{id, n})
		}
		return nil
	}
	for _, ev := range evs {
		var p struct {
			Payment        *domain.Payment       `json:"payment"`
			Alert          *domain.Alert         `json:"alert"`
			Delivery       *domain.Delivery      `json:"delivery"`
			PreviousStatus domain.DeliveryStatus `json:"previousStatus"`
			Subscription   *domain.Subscription  `json:"subscription"`
			Change         string                `json:"change"`
		}
		if len(ev.Payload) > 0 && json.Unmarshal(ev.Payload, &p) != nil {
			continue
		}
		switch {
		case ev.Action == domain.ActionPaymentAdded && p.Payment != nil && p.Payment.AmountCents > rules.LargePayment.ThresholdCents:
			name := customerName(ctx, tx, p.Payment.CustomerID)
			money, err := textMoney(ctx, tx)
			if err != nil {
				return nil, err
			}
			if err := toAdmins(domain.PushNotification{Kind: domain.PushLargePayment, Title: "Large payment: " + money(p.Payment.AmountCents),
				Body: fmt.Sprintf("%s paid %s (%s), above %s: check it is not a typo.", name, money(p.Payment.AmountCents), p.Payment.Method, money(rules.LargePayment.ThresholdCents)),
				URL:  fmt.Sprintf("/customers/%d", p.Payment.CustomerID), Tag: fmt.Sprintf("payment-%d", p.Payment.ID), Seq: ev.Seq}); err != nil {
				return nil, err
			}
		case ev.Action == domain.ActionAlertRaised && p.Alert != nil:
			kind := domain.PushAlerts
			switch {
			case p.Alert.Rule == "failure_rate":
				kind = domain.PushFailedDeliveries
			case p.Alert.Rule == "large_payment" || p.Alert.Severity != domain.SeverityCritical:
				continue // large payments are told as they are recorded
			}
			if err := toAdmins(domain.PushNotification{Kind: kind, Title: alertTitle(p.Alert), Body: p.Alert.Message,
				URL: "/", Tag: fmt.Sprintf("alert-%d", p.Alert.ID), Seq: ev.Seq}); err != nil {
				return nil, err
			}
		case ev.VendorID != 0 && (ev.Action == domain.ActionDeliveryCreated || ev.Action == domain.ActionDeliveryUpdated ||
			ev.Action == domain.ActionSubscriptionUpdated):
			n, ok := roundChange(ev, p.Delivery, p.PreviousStatus, p.Subscription, p.Change, today)
			if !ok {
				continue
			}
			members, ok := staff[ev.VendorID]
			if !ok {
				if members, err = s.staffMembers(ctx, tx, ev.VendorID); err != nil {
					return nil, err
				}
				staff[ev.VendorID] = members
			}
			for _, m := range members {
				var err error
				if p.Delivery != nil {
					err = m.scope.checkDelivery(ctx, tx, p.Delivery.ID)
				} else if slices.Contains(m.scope.Shifts, p.Subscription.Shift) {
					err = m.scope.checkCustomer(ctx, tx, p.Subscription.CustomerID)
				} else {
					continue
				}
				switch {
				case err == nil:
					notes = append(notes, note{m.id, n})
				case domain.ErrorCode(err) != domain.CodeForbidden:
					return nil, err
				}
			}
		}
	}
	return mergeNotes(notes), nil
}

// roundChange is the staff notification of a change to today's round: a
// new delivery, a cancelled stop, a pause that covers today.
func roundChange(ev *domain.Event, d *domain.Delivery, prev domain.DeliveryStatus, sub *domain.Subscription, change, today string) (domain.PushNotification, bool) {
	n := domain.PushNotification{Kind: domain.PushRoundChanges, URL: "/", Seq: ev.Seq}
	switch {
	case d != nil && d.ScheduledFor == today && ev.Action == domain.ActionDeliveryCreated:
		n.Title, n.Body, n.Tag = "New delivery today", fmt.Sprintf("%s: %s × %d", d.CustomerName, d.Items, d.Quantity), fmt.Sprintf("delivery-%d", d.ID)
	case d != nil && d.ScheduledFor == today && d.Status == domain.DeliveryCancelled && prev != domain.DeliveryCancelled:
		n.Title, n.Body, n.Tag = "Stop cancelled today", fmt.Sprintf("%s: %s is cancelled", d.CustomerName, d.Items), fmt.Sprintf("delivery-%d", d.ID)
	case sub != nil && change == "paused" && pausedOn(sub, today):
		n.Title, n.Body, n.Tag = "Paused today", fmt.Sprintf("%s × %d is paused today (subscription #%d)", sub.ProductName, sub.Quantity, sub.ID), fmt.Sprintf("subscription-%d", sub.ID)
	default:
		return n, false
	}
	return n, true
}

func pausedOn(sub *domain.Subscription, day string) bool {
	for _, p := range sub.Pauses {
		if p.From <= day && day <= p.To {
			return true
		}
	}
	return false
}

func alertTitle(a *domain.Alert) string {
	if a.Rule == "failure_rate" {
		return "Failed deliveries above the limit"
	}
	return "Critical alert: " + a.Rule
}

// mergeNotes keeps one round_changes note per user: the note itself when
// it is alone, else a summary that opens the round (a pause and the stop it
// cancels arrive together). Other kinds stay one per subject: each large
// payment or alert opens its own page.
func mergeNotes(notes []note) []note {
	type key struct {
		user int64
		kind domain.PushKind
	}
	count := map[key]int{}
	for _, n := range notes {
		count[key{n.user, n.n.Kind}]++
	}
	var out []note
	seen := map[key]bool{}
	for _, n := range notes {
		k := key{n.user, n.n.Kind}
		if n.n.Kind != domain.PushRoundChanges {
			out = append(out, n)
			continue
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if c := count[k]; c > 1 {
			n.n.Title = fmt.Sprintf("%d updates: %s", c, n.n.Title)
			n.n.Body = fmt.Sprintf("%s, and %d more.", n.n.Body, c-1)
			n.n.Tag = string(n.n.Kind)
		}
		out = append(out, n)
	}
	return out
}

// pushMessages addresses each note to every subscription of its user,
// except the notes of kinds the user turned off: those are only counted
// (skipped, one per subscription).
func pushMessages(ctx context.Context, tx *store.Tx, notes []note) (out []*domain.PushMessage, skipped int, err error) {
	for _, n := range notes {
		on := 1
		err := tx.QueryRow(ctx, `SELECT enabled FROM push_prefs WHERE user_id = ? AND kind = ?`, n.user, string(n.n.Kind)).Scan(&on)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("failed to read a notification choice: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ? ORDER BY id`, n.user)
		if err != nil {
			return nil, 0, fmt.Errorf("failed to read push subscriptions: %w", err)
		}
		for rows.Next() {
			if on == 0 {
				skipped++
				continue
			}
			m := &domain.PushMessage{UserID: n.user, Notification: n.n}
			if err := rows.Scan(&m.SubscriptionID, &m.Endpoint, &m.Keys.P256dh, &m.Keys.Auth); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("failed to read push subscriptions: %w", err)
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
	}
	return out, skipped, nil
}

func activeAdmins(ctx context.Context, tx *store.Tx) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM users WHERE role = ? AND status = ? ORDER BY id`, string(domain.RoleAdmin), string(domain.UserActive))
	if err != nil {
		return nil, fmt.Errorf("failed to read admins: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// staffMember is an active staff member with its round.
type staffMember struct {
	id    int64
	scope *staffScope
}

func (s *service) staffMembers(ctx context.Context, tx *store.Tx, vendorID int64) ([]*staffMember, error) {
	ids, err := vendorStaff(ctx, tx, vendorID)
	if err != nil {
		return nil, err
	}
	var out []*staffMember
	for _, id := range ids {
		_, sc, err := s.staffActor(ctx, tx, &domain.Actor{UserID: id, Role: domain.RoleStaff})
		if domain.ErrorCode(err) == domain.CodeForbidden {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, &staffMember{id, sc})
	}
	return out, nil
}

func customerName(ctx context.Context, tx *store.Tx, id int64) string {
	var name string
	if tx.QueryRow(ctx, `SELECT name FROM customers WHERE id = ?`, id).Scan(&name) != nil {
		return fmt.Sprintf("Customer #%d", id)
	}
	return name
}
