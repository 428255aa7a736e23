package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// maxBulkIDs bounds one bulk status change (a long round fits; a mistake
// does not lock the database for long).
const maxBulkIDs = 500

// Round returns a day's deliveries in walking order with the customers'
// details and the round's counters.
//
// Staff get the round of their assigned areas and shifts only, for today
// or tomorrow; asking for another day, shift or area is CodeForbidden.
func (s *service) Round(ctx context.Context, q domain.RoundQuery) (*domain.Round, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if q.Date == "" {
		q.Date = s.day(s.now())
	}
	if err := validDate("date", q.Date); err != nil {
		return nil, err
	}
	if q.Shift != "" && !q.Shift.Valid() {
		return nil, domain.Invalid("shift", "shift must be morning or evening")
	}
	if v := vendorScope(a); v != 0 && !a.IsStaff() {
		q.VendorID = v
	}
	if a.IsStaff() {
		q.VendorID = 0 // the staff round's filter (below) names the vendor
	}
	where := ` WHERE d.scheduled_for = ?`
	args := []any{q.Date}
	if q.Shift != "" {
		// One-off deliveries without a shift are on every shift's round.
		where += ` AND (d.shift = ? OR d.shift IS NULL)`
		args = append(args, q.Shift)
	}
	if q.VendorID != 0 {
		// The customer's vendor: open deliveries follow a moved customer.
		where += ` AND c.vendor_id = ?`
		args = append(args, q.VendorID)
	}
	if q.AreaID != 0 {
		where += ` AND c.area_id = ?`
		args = append(args, q.AreaID)
	}
	r := &domain.Round{Date: q.Date, Shift: q.Shift, Stops: []*domain.RoundStop{}}
	r.Counters.Quantities = []domain.ProductQuantity{}
	err = s.read(ctx, func(tx *store.Tx) error {
		a, sc, err := s.staffActor(ctx, tx, a)
		if err != nil {
			return err
		}
		if sc != nil {
			switch {
			case !slices.Contains(sc.Days, q.Date):
				return &domain.Error{Code: domain.CodeForbidden, Field: "date", Message: "staff see the round of today and tomorrow only"}
			case q.Shift != "" && !slices.Contains(sc.Shifts, q.Shift):
				return &domain.Error{Code: domain.CodeForbidden, Field: "shift", Message: "this shift is not one of yours"}
			case q.AreaID != 0 && !slices.Contains(sc.AreaIDs, q.AreaID):
				return &domain.Error{Code: domain.CodeForbidden, Field: "areaId", Message: "this area is not one of yours"}
			}
			cond, cargs := sc.roundFilter()
			where += cond
			args = append(args, cargs...)
		}
		if q.AreaID != 0 {
			if _, err := findArea(ctx, tx, a, q.AreaID); err != nil {
				if de, ok := err.(*domain.Error); ok && de.Code == domain.CodeNotFound {
					de.Field = "areaId"
				}
				return err
			}
		}
		if r.Seq, err = tx.LastEventSeq(ctx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+deliveryColumns+`, c.address, c.phone, c.balance_cents, c.note, c.position,
			ar.id, ar.name, p.unit`+deliveryFrom+`
			LEFT JOIN areas ar ON ar.id = c.area_id
			LEFT JOIN products p ON p.id = d.product_id`+where+`
			ORDER BY (ar.id IS NULL), ar.sort_order, ar.name, c.position, c.name, d.customer_id, (d.shift IS NULL), d.shift, d.id`, args...)
		if err != nil {
			return fmt.Errorf("failed to read the round: %w", err)
		}
		defer rows.Close()
		qty := map[string]*domain.ProductQuantity{}
		var order []string
		for rows.Next() {
			st := &domain.RoundStop{}
			var areaID sql.NullInt64
			var areaName, unit sql.NullString
			d, err := scanDelivery(scanFunc(func(dest ...any) error {
				return rows.Scan(append(dest, &st.Address, &st.Phone, &st.BalanceCents, &st.CustomerNote, &st.Position,
					&areaID, &areaName, &unit)...)
			}))
			if err != nil {
				return fmt.Errorf("failed to scan the round: %w", err)
			}
			st.Delivery, st.AreaID, st.AreaName = d, areaID.Int64, areaName.String
			r.Stops = append(r.Stops, st)
			r.Counters.Add(d.Status)
			if d.Status == domain.DeliveryCancelled || d.Status == domain.DeliverySkipped {
				continue
			}
			key := fmt.Sprintf("%d/%s", d.ProductID, d.Items)
			if d.ProductID != 0 {
				key = fmt.Sprint(d.ProductID)
			}
			pq, ok := qty[key]
			if !ok {
				pq = &domain.ProductQuantity{ProductID: d.ProductID, Name: d.Items, Unit: unit.String}
				qty[key] = pq
				order = append(order, key)
			}
			pq.Quantity += d.Quantity
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("failed to read the round: %w", err)
		}
		for _, k := range order {
			r.Counters.Quantities = append(r.Counters.Quantities, *qty[k])
		}
		slices.SortStableFunc(r.Counters.Quantities, func(x, y domain.ProductQuantity) int {
			if x.Name < y.Name {
				return -1
			}
			if x.Name > y.Name {
				return 1
			}
			return 0
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateDeliveryStatuses applies one status change to many deliveries in
// one transaction, each exactly as UpdateDelivery would (workflow rule,
// CUSTOMER_NOT_ACTIVE, charge, its own event), and reports each id: a
// refused id does not stop the others. A database failure stops the call
// and applies nothing, so that it can be retried whole; with an
// idempotency key the retry is answered with the first result. A reason
// is required for failed and skipped.
//
// Staff may mark only deliveries of their round (an id off it is refused
// with CodeForbidden, the others applied) and only out_for_delivery,
// delivered, failed or skipped.
func (s *service) UpdateDeliveryStatuses(ctx context.Context, in domain.BulkStatus) (*domain.BulkStatusResult, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsStaff() && in.Status.Valid() && !staffStatus(in.Status) {
		return nil, &domain.Error{Code: domain.CodeForbidden, Field: "status", Message: "staff mark deliveries out_for_delivery, delivered, failed or skipped only"}
	}
	if len(in.IDs) == 0 {
		return nil, domain.Invalid("ids", "ids must list at least one delivery")
	}
	if len(in.IDs) > maxBulkIDs {
		return nil, domain.Invalid("ids", "at most %d deliveries at once", maxBulkIDs)
	}
	seen := map[int64]bool{}
	for _, id := range in.IDs {
		if id <= 0 {
			return nil, domain.Invalid("ids", "ids must be positive delivery ids")
		}
		if seen[id] {
			return nil, domain.Invalid("ids", "delivery %d is listed twice", id)
		}
		seen[id] = true
	}
	if in.Status == "" {
		return nil, domain.Invalid("status", "status is required")
	}
	up := domain.DeliveryUpdate{Status: &in.Status}
	if in.ExpectedStatus != "" {
		up.ExpectedStatus = &in.ExpectedStatus
	}
	if in.Reason != "" {
		up.Reason = &in.Reason
	}
	if in.ReasonText != "" {
		up.ReasonText = &in.ReasonText
	}
	v, err := validateDeliveryUpdate(up, true)
	if err != nil {
		return nil, err
	}
	if ctx, err = withInputKey(ctx, in.IdempotencyKey); err != nil {
		return nil, err
	}
	input := in
	input.IdempotencyKey = ""
	var res *domain.BulkStatusResult
	err = s.writeOnce(ctx, "delivery.status", input, &res, func(tx *store.Tx) error {
		now := s.stamp(tx)
		a, sc, err := s.staffActor(ctx, tx, a)
		if err != nil {
			return err
		}
		res = &domain.BulkStatusResult{Results: make([]domain.BulkStatusItem, 0, len(in.IDs))}
		for _, id := range in.IDs {
			var ch *domain.DeliveryChange
			var err error
			if sc != nil {
				err = sc.checkDelivery(ctx, tx, id)
			}
			if err == nil {
				ch, err = s.applyDeliveryUpdate(ctx, tx, a, id, v, now)
			}
			item := domain.BulkStatusItem{ID: id}
			var de *domain.Error
			switch {
			case err == nil:
				item.OK, item.Delivery, item.PreviousStatus = true, ch.Delivery, ch.PreviousStatus
				res.Succeeded++
			case errors.As(err, &de) && de.Code != domain.CodeInternal && de.Code != domain.CodeUnavailable:
				// Refused before anything was written for this id.
				item.Error = de
				res.Failed++
			default:
				return err
			}
			res.Results = append(res.Results, item)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
