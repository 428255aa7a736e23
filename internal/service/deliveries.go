package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const deliveryColumns = `d.id, d.customer_id, c.name, d.vendor_id, d.scheduled_for, d.items, d.quantity, d.amount_cents, d.status, d.note, d.delivered_at, d.created_at, d.updated_at, r.created_at, r.reason,
	d.subscription_id, d.shift, d.product_id, d.reason, d.reason_text`

// deliveryFrom reads deliveries with their customer and their reversal, if
// any: a reversal never changes the delivery row.
const deliveryFrom = ` FROM deliveries d JOIN customers c ON c.id = d.customer_id LEFT JOIN reversals r ON r.entity = 'delivery' AND r.entity_id = d.id`

func scanDelivery(sc scanner) (*domain.Delivery, error) {
	var d domain.Delivery
	var delivered, reversed, sub, product sql.NullInt64
	var reason, shift sql.NullString
	var created, updated int64
	if err := sc.Scan(&d.ID, &d.CustomerID, &d.CustomerName, &d.VendorID, &d.ScheduledFor, &d.Items, &d.Quantity, &d.AmountCents,
		&d.Status, &d.Note, &delivered, &created, &updated, &reversed, &reason, &sub, &shift, &product, &d.Reason, &d.ReasonText); err != nil {
		return nil, err
	}
	d.SubscriptionID, d.Shift, d.ProductID = sub.Int64, domain.Shift(shift.String), product.Int64
	if delivered.Valid {
		t := fromMicros(delivered.Int64)
		d.DeliveredAt = &t
	}
	if reversed.Valid {
		t := fromMicros(reversed.Int64)
		d.ReversedAt, d.ReversalReason = &t, reason.String
	}
	d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &d, nil
}

// findDelivery reads a delivery visible to a: a vendor sees the deliveries
// of its current customers (those it delivered before a customer moved
// away are no longer its to read).
func findDelivery(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64, lock bool) (*domain.Delivery, error) {
	d, _, err := findDeliveryOwner(ctx, tx, a, id, lock)
	return d, err
}

// findDeliveryOwner is findDelivery that also returns the vendor of the
// delivery's customer, the audience of events about it.
func findDeliveryOwner(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64, lock bool) (*domain.Delivery, int64, error) {
	q := `SELECT ` + deliveryColumns + `, c.vendor_id` + deliveryFrom + ` WHERE d.id = ?`
	if lock {
		// Only the delivery row: the customer's balance is changed with an
		// atomic UPDATE, not read-modify-write.
		if fu := tx.Dialect().ForUpdate; fu != "" {
			q += fu + " OF d"
		}
	}
	var owner int64
	d, err := scanDelivery(extraScan{tx.QueryRow(ctx, q, id), &owner})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, notFound("delivery")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("failed to read delivery %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && owner != v {
		return nil, 0, notFound("delivery")
	}
	return d, owner, nil
}

// extraScan scans one more column after those a scan function reads.
type extraScan struct {
	sc    scanner
	extra any
}

func (e extraScan) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra)...) }

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

// staffStatus reports whether staff may set a delivery to st.
func staffStatus(st domain.DeliveryStatus) bool {
	switch st {
	case domain.DeliveryOutForDelivery, domain.DeliveryDelivered, domain.DeliveryFailed, domain.DeliverySkipped:
		return true
	}
	return false
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
		where += ` AND c.vendor_id = ?`
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
		count: `SELECT COUNT(*) FROM deliveries d JOIN customers c ON c.id = d.customer_id` + where,
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
	now := s.now()
	if in.ScheduledFor == "" {
		// The business's today, not UTC's: at 04:30 in India it is
		// still yesterday in UTC.
		in.ScheduledFor = s.day(now)
	}
	if err := s.validScheduledFor(in.ScheduledFor, now); err != nil {
		return nil, err
	}
	items := strings.TrimSpace(in.Items)
	if items == "" {
		return nil, domain.Invalid("items", "items is required")
	}
	if err := checkText("items", items, false); err != nil {
		return nil, err
	}
	if len(items) > 200 {
		return nil, domain.Invalid("items", "items must be at most 200 characters")
	}
	if in.Quantity <= 0 || in.Quantity > 10000 {
		return nil, domain.Invalid("quantity", "quantity must be between 1 and 10000")
	}
	if in.AmountCents < 0 {
		return nil, domain.Invalid("amountCents", "amountCents must be zero or positive")
	}
	if in.AmountCents > maxAmountCents {
		return nil, domain.AmountTooLarge("amountCents")
	}
	note := strings.TrimSpace(in.Note)
	if len(note) > 1000 {
		return nil, domain.Invalid("note", "note must be at most 1000 characters")
	}
	if err := checkText("note", note, true); err != nil {
		return nil, err
	}
	if in.Shift != "" && !in.Shift.Valid() {
		return nil, domain.Invalid("shift", "shift must be morning or evening")
	}
	var d *domain.Delivery
	err = s.writeOnce(ctx, "delivery.create", in, &d, func(tx *store.Tx) error {
		now := s.stamp(tx)
		c, err := findInputCustomer(ctx, tx, a, in.CustomerID)
		if err != nil {
			return err
		}
		if c.Status != domain.CustomerActive {
			return notActive("customerId", c)
		}
		// A delivery is the customer's vendor's: another vendor could not
		// see it, and the customer's vendor would be charged for a drop it
		// never made. Move the customer first to change vendors.
		vendorID := c.VendorID
		if in.VendorID != 0 && in.VendorID != c.VendorID {
			return domain.Invalid("vendorId", "vendorId must be the customer's vendor (%d); move the customer to change it", c.VendorID)
		}
		d = &domain.Delivery{CustomerID: c.ID, CustomerName: c.Name, VendorID: vendorID, ScheduledFor: in.ScheduledFor, Items: items,
			Quantity: in.Quantity, AmountCents: in.AmountCents, Status: domain.DeliveryScheduled, Note: note, CreatedAt: now, UpdatedAt: now, Shift: in.Shift}
		if err := tx.QueryRow(ctx, `INSERT INTO deliveries (customer_id, vendor_id, scheduled_for, items, quantity, amount_cents, status, note, created_at, updated_at, shift)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.CustomerID, d.VendorID, d.ScheduledFor, d.Items, d.Quantity, d.AmountCents, d.Status, d.Note, micros(now), micros(now), nullShift(d.Shift)).Scan(&d.ID); err != nil {
			return fmt.Errorf("failed to insert delivery: %w", err)
		}
		money, err := textMoney(ctx, tx)
		if err != nil {
			return err
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

// deliveryInput is a validated DeliveryUpdate.
type deliveryInput struct {
	status     *domain.DeliveryStatus
	note       *string
	reason     domain.Reason
	reasonText string
	expected   *domain.DeliveryStatus
}

// validateDeliveryUpdate checks an update's fields. needReason makes a
// reason mandatory for failed (bulk changes); skipped always needs one.
func validateDeliveryUpdate(in domain.DeliveryUpdate, needReason bool) (*deliveryInput, error) {
	if in.Status == nil && in.Note == nil {
		return nil, domain.Invalid("status", "status or note is required")
	}
	if in.Status != nil && !in.Status.Valid() {
		return nil, domain.Invalid("status", "unknown status %q", *in.Status)
	}
	v := &deliveryInput{status: in.Status}
	if in.ExpectedStatus != nil {
		if !in.ExpectedStatus.Valid() {
			return nil, domain.Invalid("expectedStatus", "unknown status %q", *in.ExpectedStatus)
		}
		v.expected = in.ExpectedStatus
	}
	if in.Note != nil {
		note := strings.TrimSpace(*in.Note)
		if len(note) > 1000 {
			return nil, domain.Invalid("note", "note must be at most 1000 characters")
		}
		if err := checkText("note", note, true); err != nil {
			return nil, err
		}
		v.note = &note
	}
	if in.Reason != nil {
		v.reason = *in.Reason
	}
	if in.ReasonText != nil {
		v.reasonText = strings.TrimSpace(*in.ReasonText)
	}
	switch {
	case in.Status == nil || !in.Status.NeedsReason():
		if v.reason != "" || v.reasonText != "" {
			return nil, domain.Invalid("reason", "a reason is given only with status failed or skipped")
		}
	case v.reason == "":
		if *in.Status == domain.DeliverySkipped || needReason {
			return nil, domain.Invalid("reason", "a %s delivery needs a reason: not_home, refused, no_access, out_of_stock or other", *in.Status)
		}
	case !v.reason.Valid():
		return nil, domain.Invalid("reason", "reason must be not_home, refused, no_access, out_of_stock or other")
	case v.reason == domain.ReasonOther && v.reasonText == "":
		return nil, domain.Invalid("reasonText", "reasonText is required when the reason is other")
	case len(v.reasonText) > 200:
		return nil, domain.Invalid("reasonText", "reasonText must be at most 200 characters")
	}
	if err := checkText("reasonText", v.reasonText, false); err != nil {
		return nil, err
	}
	return v, nil
}

// UpdateDelivery moves a delivery through its workflow and/or changes its
// note. Delivering charges the customer (a ledger entry) in the same
// transaction. With an IdempotencyKey, a retry returns the stored result.
//
// Staff may change only the status of a delivery on their round, to
// out_for_delivery, delivered, failed or skipped, with a reason for failed
// and skipped.
func (s *service) UpdateDelivery(ctx context.Context, id int64, in domain.DeliveryUpdate) (*domain.DeliveryChange, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsStaff() {
		if in.Note != nil {
			return nil, &domain.Error{Code: domain.CodeForbidden, Field: "note", Message: "staff change a delivery's status only"}
		}
		if in.Status != nil && in.Status.Valid() && !staffStatus(*in.Status) {
			return nil, &domain.Error{Code: domain.CodeForbidden, Field: "status", Message: "staff mark deliveries out_for_delivery, delivered, failed or skipped only"}
		}
	}
	v, err := validateDeliveryUpdate(in, a.IsStaff())
	if err != nil {
		return nil, err
	}
	if ctx, err = withInputKey(ctx, in.IdempotencyKey); err != nil {
		return nil, err
	}
	var change *domain.DeliveryChange
	err = s.writeOnce(ctx, "delivery.update", deliveryRequest{ID: id, Status: in.Status, Note: in.Note, Reason: in.Reason, ReasonText: in.ReasonText, ExpectedStatus: in.ExpectedStatus},
		&change, func(tx *store.Tx) error {
			a, sc, err := s.staffActor(ctx, tx, a)
			if err != nil {
				return err
			}
			if sc != nil {
				if err := sc.checkDelivery(ctx, tx, id); err != nil {
					return err
				}
			}
			change, err = s.applyDeliveryUpdate(ctx, tx, a, id, v, s.stamp(tx))
			return err
		})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// applyDeliveryUpdate changes one delivery in the caller's transaction:
// the workflow rule, the charge of a delivery and the event.
func (s *service) applyDeliveryUpdate(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64, v *deliveryInput, now time.Time) (*domain.DeliveryChange, error) {
	d, owner, err := findDeliveryOwner(ctx, tx, a, id, true)
	if err != nil {
		return nil, err
	}
	prev := d.Status
	change := &domain.DeliveryChange{Delivery: d, PreviousStatus: prev}
	var changes []string
	if v.expected != nil && *v.expected != prev && (v.status == nil || !prev.StillAsSeen(*v.expected, *v.status)) {
		return nil, s.statusConflict(ctx, tx, d, domain.CodeConflict)
	}
	if v.status != nil && *v.status != prev {
		if !prev.CanTransition(*v.status) {
			if prev.Final() {
				return nil, s.statusConflict(ctx, tx, d, domain.CodeInvalidTransition)
			}
			return nil, &domain.Error{Code: domain.CodeInvalidTransition, Field: "status",
				Message: fmt.Sprintf("a delivery cannot go from %s to %s", prev, *v.status)}
		}
		if *v.status == domain.DeliveryDelivered {
			// Charging needs an active customer; failing, skipping or
			// cancelling the drop stays possible.
			c, err := findCustomer(ctx, tx, domain.SystemActor(), d.CustomerID, false)
			if err != nil {
				return nil, err
			}
			if c.Status != domain.CustomerActive {
				return nil, notActive("status", c)
			}
		}
		d.Status = *v.status
		d.Reason, d.ReasonText = v.reason, v.reasonText
		changes = append(changes, "status")
	} else if v.status != nil && prev.Final() {
		// Re-sending a final status is refused like any move out of it,
		// so a client learns the delivery is closed (and by whom).
		return nil, s.statusConflict(ctx, tx, d, domain.CodeInvalidTransition)
	}
	if v.note != nil && *v.note != d.Note {
		d.Note = *v.note
		changes = append(changes, "note")
	}
	if len(changes) == 0 {
		return change, nil
	}
	var deliveredAt, deliveredOn any
	if d.Status == domain.DeliveryDelivered && prev != domain.DeliveryDelivered {
		t := now
		d.DeliveredAt = &t
		deliveredAt, deliveredOn = micros(now), s.day(now)
	} else if d.DeliveredAt != nil {
		deliveredAt, deliveredOn = micros(*d.DeliveredAt), s.day(*d.DeliveredAt)
	}
	d.UpdatedAt = now
	if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = ?, note = ?, delivered_at = ?, delivered_on = ?, updated_at = ?, reason = ?, reason_text = ? WHERE id = ?`,
		d.Status, d.Note, deliveredAt, deliveredOn, micros(now), d.Reason, d.ReasonText, d.ID); err != nil {
		return nil, fmt.Errorf("failed to update delivery: %w", err)
	}
	if d.Status == domain.DeliveryDelivered && prev != domain.DeliveryDelivered && d.AmountCents != 0 {
		if _, err := addLedger(ctx, tx, d.CustomerID, "delivery", d.ID, d.AmountCents, micros(now)); err != nil {
			return nil, err
		}
	}
	money := func(int64) string { return "" } // only a delivery delivered says an amount
	if d.Status == domain.DeliveryDelivered && prev != domain.DeliveryDelivered {
		if money, err = textMoney(ctx, tx); err != nil {
			return nil, err
		}
	}
	if err := appendEvent(ctx, tx, a, now, domain.ActionDeliveryUpdated, domain.EntityDelivery, d.ID, owner,
		deliverySummary(d, prev, changes, a, money), change); err != nil {
		return nil, err
	}
	return change, nil
}

// deliveryRequest is what an UpdateDelivery call asks, for the
// idempotency fingerprint (reason fields are left out when empty, so a
// request without them fingerprints as before they existed).
type deliveryRequest struct {
	ID             int64                  `json:"id"`
	Status         *domain.DeliveryStatus `json:"status,omitempty"`
	Note           *string                `json:"note,omitempty"`
	Reason         *domain.Reason         `json:"reason,omitempty"`
	ReasonText     *string                `json:"reasonText,omitempty"`
	ExpectedStatus *domain.DeliveryStatus `json:"expectedStatus,omitempty"`
}

func deliverySummary(d *domain.Delivery, prev domain.DeliveryStatus, changes []string, a *domain.Actor, money func(int64) string) string {
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
	case domain.DeliveryFailed, domain.DeliverySkipped:
		what = string(d.Status)
		if d.Reason != "" {
			what += " (" + reasonWords(d.Reason, d.ReasonText) + ")"
		}
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

// reasonWords is a reason as the activity feed shows it.
func reasonWords(r domain.Reason, text string) string {
	if r == domain.ReasonOther {
		return text
	}
	return strings.ReplaceAll(string(r), "_", " ")
}

// nullShift stores a one-off delivery's missing shift as NULL.
func nullShift(s domain.Shift) any {
	if s == "" {
		return nil
	}
	return string(s)
}
