package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// StaffRecipients returns the staff members an event concerns, as they are
// assigned now: a delivery (created, changed, reversed) on their round, a
// payment or reversal of a customer on their round, a subscription of a
// customer on their round for one of their shifts, and generated
// deliveries on their round. Nothing else reaches staff: customers'
// details, products, areas, users, alerts and figures go beyond the round.
func (s *service) StaffRecipients(ctx context.Context, ev *domain.Event) ([]domain.StaffRecipient, error) {
	if _, err := adminActor(ctx, "compute the audience of events"); err != nil {
		return nil, err
	}
	if ev.VendorID == 0 {
		return nil, nil
	}
	var p struct {
		Delivery     *domain.Delivery            `json:"delivery"`
		Payment      *domain.Payment             `json:"payment"`
		Subscription *domain.Subscription        `json:"subscription"`
		Generated    *domain.DeliveriesGenerated `json:"generated"`
	}
	switch ev.Action {
	case domain.ActionDeliveryCreated, domain.ActionDeliveryUpdated, domain.ActionDeliveryReversed,
		domain.ActionPaymentAdded, domain.ActionPaymentReversed,
		domain.ActionSubscriptionCreated, domain.ActionSubscriptionUpdated, domain.ActionDeliveriesGenerated:
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return nil, fmt.Errorf("failed to decode event %d: %w", ev.Seq, err)
		}
	default:
		return nil, nil
	}
	var out []domain.StaffRecipient
	err := s.read(ctx, func(tx *store.Tx) error {
		ids, err := vendorStaff(ctx, tx, ev.VendorID)
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, id := range ids {
			_, sc, err := s.staffActor(ctx, tx, &domain.Actor{UserID: id, Role: domain.RoleStaff})
			if domain.ErrorCode(err) == domain.CodeForbidden {
				continue // suspended meanwhile, or its vendor is
			}
			if err != nil {
				return err
			}
			r, ok, err := sc.concerns(ctx, tx, p.Delivery, p.Payment, p.Subscription, p.Generated)
			if err != nil {
				return err
			}
			if ok {
				r.UserID = id
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}

// vendorStaff returns the active staff members of a vendor.
func vendorStaff(ctx context.Context, tx *store.Tx, vendorID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM users WHERE role = ? AND status = ? AND vendor_id = ? ORDER BY id`,
		string(domain.RoleStaff), string(domain.UserActive), vendorID)
	if err != nil {
		return nil, fmt.Errorf("failed to read the vendor's staff: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("failed to read the vendor's staff: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// concerns reports whether one of an event's entities is on the round.
func (sc *staffScope) concerns(ctx context.Context, tx *store.Tx, d *domain.Delivery, p *domain.Payment,
	sub *domain.Subscription, g *domain.DeliveriesGenerated) (domain.StaffRecipient, bool, error) {
	var r domain.StaffRecipient
	onRound := func(err error) (domain.StaffRecipient, bool, error) {
		if domain.ErrorCode(err) == domain.CodeForbidden {
			return r, false, nil
		}
		return r, err == nil, err
	}
	switch {
	case d != nil:
		return onRound(sc.checkDelivery(ctx, tx, d.ID))
	case p != nil:
		return onRound(sc.checkCustomer(ctx, tx, p.CustomerID))
	case sub != nil:
		if !slices.Contains(sc.Shifts, sub.Shift) {
			return r, false, nil
		}
		return onRound(sc.checkCustomer(ctx, tx, sub.CustomerID))
	case g != nil:
		if !slices.Contains(sc.Days, g.Date) || len(g.DeliveryIDs) == 0 {
			return r, false, nil
		}
		ids, err := sc.roundDeliveries(ctx, tx, g.Date)
		if err != nil {
			return r, false, err
		}
		for _, id := range g.DeliveryIDs {
			if ids[id] {
				r.DeliveryIDs = append(r.DeliveryIDs, id)
			}
		}
		return r, len(r.DeliveryIDs) > 0, nil
	}
	return r, false, nil
}

// roundDeliveries returns the ids of the deliveries on the round on day.
func (sc *staffScope) roundDeliveries(ctx context.Context, tx *store.Tx, day string) (map[int64]bool, error) {
	cond, args := sc.roundFilter()
	rows, err := tx.Query(ctx, `SELECT d.id FROM deliveries d JOIN customers c ON c.id = d.customer_id WHERE d.scheduled_for = ?`+cond,
		append([]any{day}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("failed to read the staff round: %w", err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("failed to read the staff round: %w", err)
		}
		ids[id] = true
	}
	return ids, rows.Err()
}
