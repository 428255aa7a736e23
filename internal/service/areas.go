package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

const areaColumns = `id, vendor_id, name, sort_order, created_at, updated_at`

func scanArea(sc scanner) (*domain.Area, error) {
	var ar domain.Area
	var created, updated int64
	if err := sc.Scan(&ar.ID, &ar.VendorID, &ar.Name, &ar.SortOrder, &created, &updated); err != nil {
		return nil, err
	}
	ar.CreatedAt, ar.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &ar, nil
}

// maxPosition bounds sort orders and positions: room for any real round.
const maxPosition = 1_000_000

// validateRoundFields checks a customer's position and note, returning the
// trimmed note.
func validateRoundFields(position int, note string) (string, error) {
	if position < 0 || position > maxPosition {
		return "", domain.Invalid("position", "position must be between 0 and %d", maxPosition)
	}
	note = strings.TrimSpace(note)
	if len(note) > 1000 {
		return "", domain.Invalid("note", "note must be at most 1000 characters")
	}
	return note, checkText("note", note, true)
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// findArea reads an area visible to a.
func findArea(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64) (*domain.Area, error) {
	ar, err := scanArea(tx.QueryRow(ctx, `SELECT `+areaColumns+` FROM areas WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("area")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read area %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && ar.VendorID != v {
		return nil, notFound("area")
	}
	return ar, nil
}

// checkArea verifies that a customer of vendorID may be placed in areaID
// (0 always may).
func checkArea(ctx context.Context, tx *store.Tx, areaID, vendorID int64) error {
	if areaID == 0 {
		return nil
	}
	if areaID < 0 {
		return domain.Invalid("areaId", "areaId must be an area's id, or 0 for none")
	}
	ar, err := findArea(ctx, tx, domain.SystemActor(), areaID)
	if domain.ErrorCode(err) == domain.CodeNotFound || (err == nil && ar.VendorID != vendorID) {
		return domain.Invalid("areaId", "areaId must be one of the customer's vendor's areas")
	}
	return err
}

func validateAreaFields(name string, sortOrder int) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", domain.Invalid("name", "name is required")
	}
	if len(name) > 100 {
		return "", domain.Invalid("name", "name must be at most 100 characters")
	}
	if sortOrder < 0 || sortOrder > maxPosition {
		return "", domain.Invalid("sortOrder", "sortOrder must be between 0 and %d", maxPosition)
	}
	return name, checkText("name", name, false)
}

// FindAreas lists the areas visible to the actor in round order.
func (s *service) FindAreas(ctx context.Context, vendorID int64) ([]*domain.Area, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if v := vendorScope(a); v != 0 {
		vendorID = v
	}
	q := `SELECT ` + areaColumns + ` FROM areas`
	var args []any
	if vendorID != 0 {
		q += ` WHERE vendor_id = ?`
		args = append(args, vendorID)
	}
	q += ` ORDER BY vendor_id, sort_order, name, id`
	list := []*domain.Area{}
	err = s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("failed to list areas: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			ar, err := scanArea(rows)
			if err != nil {
				return fmt.Errorf("failed to scan area: %w", err)
			}
			list = append(list, ar)
		}
		return rows.Err()
	})
	return list, err
}

// CreateArea adds a delivery area. A vendor always creates its own.
func (s *service) CreateArea(ctx context.Context, in domain.AreaCreate) (*domain.Area, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	name, err := validateAreaFields(in.Name, in.SortOrder)
	if err != nil {
		return nil, err
	}
	vendorID := in.VendorID
	if v := vendorScope(a); v != 0 {
		vendorID = v
	}
	ar := &domain.Area{VendorID: vendorID, Name: name, SortOrder: in.SortOrder}
	err = s.writeOnce(ctx, "area.create", in, &ar, func(tx *store.Tx) error {
		now := s.stamp(tx)
		ar.CreatedAt, ar.UpdatedAt = now, now
		if _, err := checkVendor(ctx, tx, vendorID); err != nil {
			return err
		}
		if err := uniqueName(ctx, tx, "areas", vendorID, name, 0); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO areas (vendor_id, name, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			ar.VendorID, ar.Name, ar.SortOrder, micros(now), micros(now)).Scan(&ar.ID); err != nil {
			return fmt.Errorf("failed to insert area: %w", err)
		}
		return appendEvent(ctx, tx, a, now, domain.ActionAreaCreated, domain.EntityArea, ar.ID, ar.VendorID,
			fmt.Sprintf("Area %s added by %s", ar.Name, a.Name), map[string]any{"area": ar, "change": "created"})
	})
	if err != nil {
		return nil, err
	}
	return ar, nil
}

// UpdateArea renames or reorders an area visible to the actor.
func (s *service) UpdateArea(ctx context.Context, id int64, in domain.AreaUpdate) (*domain.Area, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var ar *domain.Area
	err = s.writeOnce(ctx, "area.update", idInput{id, in}, &ar, func(tx *store.Tx) error {
		now := s.stamp(tx)
		if ar, err = findArea(ctx, tx, a, id); err != nil {
			return err
		}
		name, order := ar.Name, ar.SortOrder
		if in.Name != nil {
			name = *in.Name
		}
		if in.SortOrder != nil {
			order = *in.SortOrder
		}
		if name, err = validateAreaFields(name, order); err != nil {
			return err
		}
		if name == ar.Name && order == ar.SortOrder {
			return nil
		}
		if err := uniqueName(ctx, tx, "areas", ar.VendorID, name, ar.ID); err != nil {
			return err
		}
		ar.Name, ar.SortOrder, ar.UpdatedAt = name, order, now
		if _, err := tx.Exec(ctx, `UPDATE areas SET name = ?, sort_order = ?, updated_at = ? WHERE id = ?`, name, order, micros(now), ar.ID); err != nil {
			return fmt.Errorf("failed to update area: %w", err)
		}
		return appendEvent(ctx, tx, a, now, domain.ActionAreaUpdated, domain.EntityArea, ar.ID, ar.VendorID,
			fmt.Sprintf("Area %s updated by %s", ar.Name, a.Name), map[string]any{"area": ar, "change": "updated"})
	})
	if err != nil {
		return nil, err
	}
	return ar, nil
}

// uniqueName refuses a second area or product of the same name (any case)
// for one vendor, naming the field, before the database's constraint would.
func uniqueName(ctx context.Context, tx *store.Tx, table string, vendorID int64, name string, exceptID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE vendor_id = ? AND lower(name) = lower(?) AND id <> ?`,
		vendorID, name, exceptID).Scan(&n); err != nil {
		return fmt.Errorf("failed to check name: %w", err)
	}
	if n > 0 {
		return &domain.Error{Code: domain.CodeConflict, Field: "name", Message: fmt.Sprintf("the vendor already has %q", name)}
	}
	return nil
}
