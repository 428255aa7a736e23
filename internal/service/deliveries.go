package service

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const deliveryColumns = `d.id, d.customer_id, c.name, d.vendor_id, d.scheduled_for, d.items, d.quantity, d.amount_cents, d.status, d.note, d.delivered_at, d.created_at, d.updated_at`

const deliveryFrom = ` FROM deliveries d JOIN customers c ON c.id = d.customer_id`

func scanDelivery(sc scanner) (*domain.Delivery, error) {
	var d domain.Delivery
	var delivered sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&d.ID, &d.CustomerID, &d.CustomerName, &d.VendorID, &d.ScheduledFor, &d.Items, &d.Quantity, &d.AmountCents,
		&d.Status, &d.Note, &delivered, &created, &updated); err != nil {
		return nil, err
	}
	if delivered.Valid {
		t := fromMicros(delivered.Int64)
		d.DeliveredAt = &t
	}
	d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &d, nil
}

func findDelivery(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64, lock bool) (*domain.Delivery, error) {
	q := `SELECT ` + deliveryColumns + deliveryFrom + ` WHERE d.id = ?`
	if lock {
		// Only the delivery row: the customer's balance is changed with an
		// atomic UPDATE, not read-modify-write.
		if fu := tx.Dialect().ForUpdate; fu != "" {
			q += fu + " OF d"
		}
	}
	d, err := scanDelivery(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("delivery")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read delivery %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && d.VendorID != v {
		return nil, notFound("delivery")
	}
	return d, nil
}

// FindDeliveryByID returns a delivery visible to the actor.
func (s *service) FindDeliveryByID(ctx context.Context, id int64) (*domain.Delivery, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *domain.Delivery
	err = s.read(ctx, func(tx *store.Tx) error {
		d, err = findDelivery(ctx, tx, a, id, false)
		return err
	})
	return d, err
}

func validDate(field, v string) error {
	if _, err := time.Parse(dateLayout, v); err != nil {
		return domain.Invalid(field, "%s must be a date as YYYY-MM-DD", field)
	}
	return nil
}

// FindDeliveries lists deliveries visible to the actor, latest scheduled first.
func (s *service) FindDeliveries(ctx context.Context, f domain.DeliveryFilter) ([]*domain.Delivery, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, domain.Invalid("status", "unknown status %q", f.Status)
	}
	where := ` WHERE 1=1`
	var args []any
	if v := vendorScope(a); v != 0 {
		where += ` AND d.vendor_id = ?`
		args = append(args, v)
	} else if f.VendorID != 0 {
		where += ` AND d.vendor_id = ?`
		args = append(args, f.VendorID)
	}
	if f.CustomerID != 0 {
		where += ` AND d.customer_id = ?`
		args = append(args, f.CustomerID)
	}
	if f.Status != "" {
		where += ` AND d.status = ?`
		args = append(args, f.Status)
	}
	if f.From != "" {
		if err := validDate("from", f.From); err != nil {
			return nil, 0, err
		}
		where += ` AND d.scheduled_for >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		if err := validDate("to", f.To); err != nil {
			return nil, 0, err
		}
		where += ` AND d.scheduled_for <= ?`
		args = append(args, f.To)
	}
	p := f.Page.Normalize()
	return listPage(ctx, s, pageQuery{
		what: "deliveries", args: args, order: "d.scheduled_for DESC, d.id DESC",
		count: `SELECT COUNT(*) FROM deliveries d` + where,
		list:  `SELECT ` + deliveryColumns + deliveryFrom + where,
	}, p, scanDelivery)
}

// CreateDelivery schedules a delivery for a customer visible to the actor.
func (s *service) CreateDelivery(ctx context.Context, in domain.DeliveryCreate) (*domain.Delivery, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.CustomerID <= 0 {
		return nil, domain.Invalid("customerId", "customerId is required")
	}
	if err := validDate("scheduledFor", in.ScheduledFor); err != nil {
		return nil, err
	}
	items := strings.TrimSpace(in.Items)
	if items == "" {
		return nil, domain.Invalid("items", "items is required")
	}
	if len(items) > 200 {
		return nil, domain.Invalid("items", "items must be at most 200 characters")
	}
	if in.Quantity <= 0 || in.Quantity > 10000 {
		return nil, domain.Invalid("quantity", "quantity must be between 1 and 10000")
	}
	if in.AmountCents < 0 || in.AmountCents > 1e11 {
		return nil, domain.Invalid("amountCents", "amountCents must be zero or positive")
	}
	note := strings.TrimSpace(in.Note)
	if len(note) > 1000 {
		return nil, domain.Invalid("note", "note must be at most 1000 characters")
	}
	now := s.now()
	var d *domain.Delivery
	err = s.write(ctx, func(tx *store.Tx) error {
		c, err := findCustomer(ctx, tx, a, in.CustomerID, false)
		if err != nil {
			if de, ok := err.(*domain.Error); ok && de.Code == domain.CodeNotFound {
				de.Field = "customerId"
			}
			return err
		}
		vendorID := c.VendorID
		if in.VendorID != 0 && in.VendorID != c.VendorID {
			if !a.IsAdmin() {
				return domain.Invalid("vendorId", "a vendor can only deliver to its own customers")
			}
			if _, err := checkVendor(ctx, tx, in.VendorID); err != nil {
				return err
			}
			vendorID = in.VendorID
		}
		d = &domain.Delivery{CustomerID: c.ID, CustomerName: c.Name, VendorID: vendorID, ScheduledFor: in.ScheduledFor, Items: items,
			Quantity: in.Quantity, AmountCents: in.AmountCents, Status: domain.DeliveryScheduled, Note: note, CreatedAt: now, UpdatedAt: now}
		if err := tx.QueryRow(ctx, `INSERT INTO deliveries (customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.CustomerID, d.VendorID, d.ScheduledFor, d.Items, d.Quantity, d.AmountCents, d.Status, d.Note, micros(now), micros(now)).Scan(&d.ID); err != nil {
			return fmt.Errorf("failed to insert delivery: %w", err)
		}
		summary := fmt.Sprintf("Delivery #%d (%s × %d, %s) scheduled for %s on %s by %s",
			d.ID, d.Items, d.Quantity, money(d.AmountCents), c.Name, d.ScheduledFor, a.Name)
		return appendEvent(ctx, tx, a, now, domain.ActionDeliveryCreated, domain.EntityDelivery, d.ID, d.VendorID, summary,
			map[string]any{"delivery": d, "previousStatus": domain.DeliveryStatus("")})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// deliveryRequest is what an idempotent UpdateDelivery remembers of the
// call, to refuse the same key with other data.
type deliveryRequest struct {
	DeliveryID int64                  `json:"deliveryId"`
	Status     *domain.DeliveryStatus `json:"status,omitempty"`
	Note       *string                `json:"note,omitempty"`
}

// UpdateDelivery moves a delivery through its workflow and/or changes its
// note. Delivering charges the customer (a ledger entry) in the same
// transaction. With an IdempotencyKey, a retry returns the stored result.
func (s *service) UpdateDelivery(ctx context.Context, id int64, in domain.DeliveryUpdate) (*domain.DeliveryChange, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if in.Status == nil && in.Note == nil {
		return nil, domain.Invalid("status", "status or note is required")
	}
	if in.Status != nil && !in.Status.Valid() {
		return nil, domain.Invalid("status", "unknown status %q", *in.Status)
	}
	var note string
	if in.Note != nil {
		note = strings.TrimSpace(*in.Note)
		if len(note) > 1000 {
			return nil, domain.Invalid("note", "note must be at most 1000 characters")
		}
	}
	key := strings.TrimSpace(in.IdempotencyKey)
	if len(key) > 200 {
		return nil, domain.Invalid("idempotencyKey", "idempotencyKey must be at most 200 characters")
	}
	req, _ := json.Marshal(deliveryRequest{DeliveryID: id, Status: in.Status, Note: in.Note})
	now := s.now()
	var change *domain.DeliveryChange
	err = s.write(ctx, func(tx *store.Tx) error {
		if key != "" {
			// Claim the key first. A concurrent retry blocks on the unique
			// key (PostgreSQL) or the single writer (SQLite) until this
			// transaction ends, then finds the stored result.
			res, err := tx.Exec(ctx, `INSERT INTO delivery_updates (idempotency_key, delivery_id, request, result, created_at)
				VALUES (?, ?, ?, '', ?) ON CONFLICT (idempotency_key) DO NOTHING`, key, id, string(req), micros(now))
			if err != nil {
				return fmt.Errorf("failed to claim idempotency key: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				change, err = storedDeliveryUpdate(ctx, tx, a, key, string(req))
				return err
			}
		}
		d, err := findDelivery(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		prev := d.Status
		change = &domain.DeliveryChange{Delivery: d, PreviousStatus: prev}
		var changes []string
		if in.Status != nil && *in.Status != prev {
			if !prev.CanTransition(*in.Status) {
				return &domain.Error{Code: domain.CodeInvalidTransition, Field: "status",
					Message: fmt.Sprintf("a delivery cannot go from %s to %s", prev, *in.Status)}
			}
			d.Status = *in.Status
			changes = append(changes, "status")
		} else if in.Status != nil && prev.Final() {
			// Re-sending a final status is refused like any move out of it,
			// so a client learns the delivery is closed.
			return &domain.Error{Code: domain.CodeInvalidTransition, Field: "status",
				Message: fmt.Sprintf("the delivery is already %s", prev)}
		}
		if in.Note != nil && note != d.Note {
			d.Note = note
			changes = append(changes, "note")
		}
		if len(changes) > 0 {
			var deliveredAt, deliveredOn any
			if d.Status == domain.DeliveryDelivered && prev != domain.DeliveryDelivered {
				t := now
				d.DeliveredAt = &t
				deliveredAt, deliveredOn = micros(now), s.day(now)
			} else if d.DeliveredAt != nil {
				deliveredAt, deliveredOn = micros(*d.DeliveredAt), s.day(*d.DeliveredAt)
			}
			d.UpdatedAt = now
			if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = ?, note = ?, delivered_at = ?, delivered_on = ?, updated_at = ? WHERE id = ?`,
				d.Status, d.Note, deliveredAt, deliveredOn, micros(now), d.ID); err != nil {
				return fmt.Errorf("failed to update delivery: %w", err)
			}
			if d.Status == domain.DeliveryDelivered && prev != domain.DeliveryDelivered && d.AmountCents != 0 {
				if _, err := addLedger(ctx, tx, d.CustomerID, "delivery", d.ID, d.AmountCents, micros(now)); err != nil {
					return err
				}
			}
			if err := appendEvent(ctx, tx, a, now, domain.ActionDeliveryUpdated, domain.EntityDelivery, d.ID, d.VendorID,
				deliverySummary(d, prev, changes, a), change); err != nil {
				return err
			}
		}
		if key != "" {
			b, err := json.Marshal(change)
			if err != nil {
				return fmt.Errorf("failed to encode result: %w", err)
			}
			if _, err := tx.Exec(ctx, `UPDATE delivery_updates SET result = ? WHERE idempotency_key = ?`, string(b), key); err != nil {
				return fmt.Errorf("failed to store idempotent result: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// storedDeliveryUpdate returns the result of an earlier call with key.
func storedDeliveryUpdate(ctx context.Context, tx *store.Tx, a *domain.Actor, key, req string) (*domain.DeliveryChange, error) {
	var deliveryID int64
	var storedReq, result string
	if err := tx.QueryRow(ctx, `SELECT delivery_id, request, result FROM delivery_updates WHERE idempotency_key = ?`, key).
		Scan(&deliveryID, &storedReq, &result); err != nil {
		return nil, fmt.Errorf("failed to read idempotent result: %w", err)
	}
	// The key's owner must be able to see the delivery: a vendor cannot
	// probe another vendor's keys.
	if _, err := findDelivery(ctx, tx, a, deliveryID, false); err != nil {
		return nil, err
	}
	if storedReq != req {
		return nil, &domain.Error{Code: domain.CodeConflict, Field: "idempotencyKey",
			Message: "idempotencyKey was already used for a different change"}
	}
	var change domain.DeliveryChange
	if err := json.Unmarshal([]byte(result), &change); err != nil {
		return nil, fmt.Errorf("failed to decode idempotent result: %w", err)
	}
	return &change, nil
}

func deliverySummary(d *domain.Delivery, prev domain.DeliveryStatus, changes []string, a *domain.Actor) string {
	who := fmt.Sprintf("Delivery #%d for %s", d.ID, d.CustomerName)
	if d.Status == prev {
		return fmt.Sprintf("%s: note updated by %s", who, a.Name)
	}
	var what string
	switch d.Status {
	case domain.DeliveryOutForDelivery:
		what = "out for delivery"
	case domain.DeliveryDelivered:
		what = fmt.Sprintf("delivered (%s charged)", money(d.AmountCents))
	case domain.DeliveryFailed:
		what = "failed"
	case domain.DeliveryCancelled:
		what = "cancelled"
	default:
		what = string(d.Status)
	}
	s := fmt.Sprintf("%s %s, marked by %s", who, what, a.Name)
	if len(changes) > 1 {
		s += " (note updated)"
	}
	return s
}
