package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// staffScope is what a staff member may work: its vendor's customers in
// its areas, deliveries of its shifts (and one-off ones without a shift),
// on the business's today and tomorrow.
type staffScope struct {
	VendorID int64
	AreaIDs  []int64
	Shifts   []domain.Shift
	Days     []string
}

func errStaffForbidden() error {
	return domain.Errorf(domain.CodeForbidden, "staff can only work the round of their areas and shifts")
}

func errNotOnRound(what string) error {
	return domain.Errorf(domain.CodeForbidden, "this %s is not on your round (your areas and shifts, today and tomorrow)", what)
}

// parseShifts reads the shifts column ("morning,evening").
func parseShifts(s string) []domain.Shift {
	if s == "" {
		return nil
	}
	var out []domain.Shift
	for _, p := range strings.Split(s, ",") {
		out = append(out, domain.Shift(p))
	}
	return out
}

// normalizeShifts checks a staff member's shifts: both when none is given,
// each known, none twice, in a stable order.
func normalizeShifts(in []domain.Shift) ([]domain.Shift, error) {
	if len(in) == 0 {
		return []domain.Shift{domain.ShiftMorning, domain.ShiftEvening}, nil
	}
	var out []domain.Shift
	for _, sh := range []domain.Shift{domain.ShiftMorning, domain.ShiftEvening} {
		if slices.Contains(in, sh) {
			out = append(out, sh)
		}
	}
	for _, sh := range in {
		if !sh.Valid() {
			return nil, domain.Invalid("shifts", "shifts must be morning and/or evening")
		}
	}
	if len(out) != len(in) {
		return nil, domain.Invalid("shifts", "a shift is listed twice")
	}
	return out, nil
}

func formatShifts(sh []domain.Shift) string {
	parts := make([]string, len(sh))
	for i, s := range sh {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

// staffDays returns the business's today and tomorrow.
func (s *service) staffDays() []string {
	t := s.now().In(s.loc())
	return []string{t.Format(dateLayout), t.AddDate(0, 0, 1).Format(dateLayout)}
}

// staffActor reads a staff actor's assignment in tx, as it is now (an
// assignment changed a second ago applies): it returns the actor limited
// to its vendor and the scope. Other actors are returned as they are, with
// a nil scope. A staff member that is no longer active, or whose vendor is
// not, is refused.
func (s *service) staffActor(ctx context.Context, tx *store.Tx, a *domain.Actor) (*domain.Actor, *staffScope, error) {
	if !a.IsStaff() {
		return a, nil, nil
	}
	var (
		vendorID     sql.NullInt64
		role, status string
		shifts       string
		vendorStatus sql.NullString
		vendorRole   sql.NullString
	)
	err := tx.QueryRow(ctx, `SELECT u.role, u.status, u.vendor_id, u.shifts, v.status, v.role
		FROM users u LEFT JOIN users v ON v.id = u.vendor_id WHERE u.id = ?`, a.UserID).
		Scan(&role, &status, &vendorID, &shifts, &vendorStatus, &vendorRole)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errStaffForbidden()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read staff member %d: %w", a.UserID, err)
	}
	if role != string(domain.RoleStaff) || status != string(domain.UserActive) || !vendorID.Valid ||
		vendorStatus.String != string(domain.UserActive) || vendorRole.String != string(domain.RoleVendor) {
		return nil, nil, errStaffForbidden()
	}
	sc := &staffScope{VendorID: vendorID.Int64, Shifts: parseShifts(shifts), Days: s.staffDays()}
	if sc.AreaIDs, err = staffAreas(ctx, tx, a.UserID); err != nil {
		return nil, nil, err
	}
	sa := *a
	sa.VendorID = sc.VendorID
	return &sa, sc, nil
}

// staffAreas returns the areas assigned to a staff member, in id order.
func staffAreas(ctx context.Context, tx *store.Tx, userID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT area_id FROM staff_areas WHERE user_id = ? ORDER BY area_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("failed to read staff areas: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("failed to read staff areas: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to read staff areas: %w", err)
	}
	return ids, nil
}

// fillStaffAreas sets the AreaIDs of the staff among users.
func fillStaffAreas(ctx context.Context, tx *store.Tx, users ...*domain.User) error {
	for _, u := range users {
		if u == nil || u.Role != domain.RoleStaff {
			continue
		}
		ids, err := staffAreas(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		u.AreaIDs = ids
	}
	return nil
}

// checkStaffAreas checks that areaIDs are distinct areas of vendorID. None
// is allowed: the staff member then has an empty round until assigned one.
func checkStaffAreas(ctx context.Context, tx *store.Tx, vendorID int64, areaIDs []int64) error {
	if len(areaIDs) > 100 {
		return domain.Invalid("areaIds", "at most 100 areas")
	}
	seen := map[int64]bool{}
	for _, id := range areaIDs {
		if id <= 0 || seen[id] {
			return domain.Invalid("areaIds", "areaIds must be distinct area ids")
		}
		seen[id] = true
		var owner int64
		err := tx.QueryRow(ctx, `SELECT vendor_id FROM areas WHERE id = ?`, id).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != vendorID) {
			return domain.Invalid("areaIds", "area %d is not an area of vendor %d", id, vendorID)
		}
		if err != nil {
			return fmt.Errorf("failed to read area %d: %w", id, err)
		}
	}
	return nil
}

// setStaffAreas replaces a staff member's areas.
func setStaffAreas(ctx context.Context, tx *store.Tx, userID int64, areaIDs []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM staff_areas WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("failed to clear staff areas: %w", err)
	}
	for _, id := range areaIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO staff_areas (user_id, area_id) VALUES (?, ?)`, userID, id); err != nil {
			return fmt.Errorf("failed to assign area %d: %w", id, err)
		}
	}
	return nil
}

// inClause returns "(?, ?, …)" and its arguments.
func inClause[T any](vs []T) (string, []any) {
	args := make([]any, len(vs))
	marks := make([]string, len(vs))
	for i, v := range vs {
		args[i], marks[i] = v, "?"
	}
	return "(" + strings.Join(marks, ", ") + ")", args
}

// roundFilter returns the SQL condition (on d and c) of the staff round.
func (sc *staffScope) roundFilter() (string, []any) {
	if len(sc.AreaIDs) == 0 || len(sc.Shifts) == 0 {
		return ` AND 1 = 0`, nil
	}
	areas, areaArgs := inClause(sc.AreaIDs)
	days, dayArgs := inClause(sc.Days)
	shifts, shiftArgs := inClause(sc.Shifts)
	args := append([]any{sc.VendorID}, areaArgs...)
	args = append(args, dayArgs...)
	args = append(args, shiftArgs...)
	return ` AND c.vendor_id = ? AND c.area_id IN ` + areas + ` AND d.scheduled_for IN ` + days +
		` AND (d.shift IS NULL OR d.shift IN ` + shifts + `)`, args
}

// checkDelivery refuses a delivery that is not on the staff round.
func (sc *staffScope) checkDelivery(ctx context.Context, tx *store.Tx, id int64) error {
	cond, args := sc.roundFilter()
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries d JOIN customers c ON c.id = d.customer_id WHERE d.id = ?`+cond,
		append([]any{id}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("failed to check the staff round: %w", err)
	}
	if n == 0 {
		return errNotOnRound("delivery")
	}
	return nil
}

// checkCustomer refuses a customer without a delivery on the staff round.
func (sc *staffScope) checkCustomer(ctx context.Context, tx *store.Tx, customerID int64) error {
	cond, args := sc.roundFilter()
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries d JOIN customers c ON c.id = d.customer_id WHERE c.id = ?`+cond,
		append([]any{customerID}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("failed to check the staff round: %w", err)
	}
	if n == 0 {
		return &domain.Error{Code: domain.CodeForbidden, Field: "customerId",
			Message: "this customer is not on your round (your areas and shifts, today and tomorrow)"}
	}
	return nil
}
