package service

import (
	"bytes"
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

var _ domain.AlertService = (*service)(nil)

const alertColumns = `id, rule, severity, status, subject_entity, subject_id, message, raised_at, updated_at,
	acked_by, acked_by_name, ack_note, acked_at, resolved_at`

func scanAlert(sc scanner) (*domain.Alert, error) {
	var a domain.Alert
	var raised, updated int64
	var ackedBy, ackedAt, resolvedAt sql.NullInt64
	var ackedByName, note sql.NullString
	if err := sc.Scan(&a.ID, &a.Rule, &a.Severity, &a.Status, &a.Subject.Entity, &a.Subject.ID, &a.Message,
		&raised, &updated, &ackedBy, &ackedByName, &note, &ackedAt, &resolvedAt); err != nil {
		return nil, err
	}
	a.RaisedAt, a.UpdatedAt = fromMicros(raised), fromMicros(updated)
	if ackedBy.Valid {
		id := ackedBy.Int64
		a.AckedBy = &id
	}
	a.AckedByName, a.AckNote = ackedByName.String, note.String
	if ackedAt.Valid {
		t := fromMicros(ackedAt.Int64)
		a.AckedAt = &t
	}
	if resolvedAt.Valid {
		t := fromMicros(resolvedAt.Int64)
		a.ResolvedAt = &t
	}
	return &a, nil
}

// FindAlerts lists alerts, newest first.
func (s *service) FindAlerts(ctx context.Context, f domain.AlertFilter) ([]*domain.Alert, error) {
	if _, err := adminActor(ctx, "see and manage alerts"); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, domain.Invalid("status", "status must be open, acked or resolved")
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 100
	case f.Limit > 500:
		f.Limit = 500
	}
	q := `SELECT ` + alertColumns + ` FROM alerts`
	args := []any{}
	if f.Status != "" {
		q += ` WHERE status = ?`
		args = append(args, string(f.Status))
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	out := []*domain.Alert{}
	err := s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("failed to query alerts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAlert(rows)
			if err != nil {
				return fmt.Errorf("failed to scan alert: %w", err)
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, err
}

// AckAlert acknowledges an open alert. Acknowledging an acked alert again
// answers it as it is (a second admin's click is not an error); a resolved
// alert is CodeConflict.
func (s *service) AckAlert(ctx context.Context, in domain.AlertAck) (*domain.Alert, error) {
	a, err := adminActor(ctx, "see and manage alerts")
	if err != nil {
		return nil, err
	}
	if in.ID <= 0 {
		return nil, domain.Invalid("id", "id must be a positive alert id")
	}
	in.Note = strings.TrimSpace(in.Note)
	if len(in.Note) > 500 {
		return nil, domain.Invalid("note", "note must be at most 500 characters")
	}
	var out *domain.Alert
	err = s.write(ctx, func(tx *store.Tx) error {
		al, err := alertByID(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		switch al.Status {
		case domain.AlertResolved:
			return domain.Errorf(domain.CodeConflict, "alert %d is already resolved", al.ID)
		case domain.AlertAcked:
			out = al
			return nil
		}
		at := s.stamp(tx)
		if _, err := tx.Exec(ctx, `UPDATE alerts SET status = 'acked', acked_by = ?, acked_by_name = ?, ack_note = ?, acked_at = ?, updated_at = ?
			WHERE id = ?`, a.UserID, a.Name, in.Note, micros(at), micros(at), al.ID); err != nil {
			return fmt.Errorf("failed to acknowledge alert: %w", err)
		}
		if out, err = alertByID(ctx, tx, al.ID); err != nil {
			return err
		}
		return appendAlertEvent(ctx, tx, a, at, domain.ActionAlertUpdated, out,
			fmt.Sprintf("%s acknowledged alert %s", a.Name, out.Rule))
	})
	return out, err
}

func alertByID(ctx context.Context, tx *store.Tx, id int64) (*domain.Alert, error) {
	al, err := scanAlert(tx.QueryRow(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("alert")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read alert %d: %w", id, err)
	}
	return al, nil
}

func appendAlertEvent(ctx context.Context, tx *store.Tx, a *domain.Actor, at time.Time, action string, al *domain.Alert, summary string) error {
	return appendEvent(ctx, tx, a, at, action, domain.EntityAlert, al.ID, 0, summary, map[string]any{"alert": al})
}

// alertRulesKey is the settings key of the alert rules (JSON).
const alertRulesKey = "alert_rules"

// AlertRules returns the rules in force.
func (s *service) AlertRules(ctx context.Context) (*domain.AlertRules, error) {
	if _, err := adminActor(ctx, "see and manage alerts"); err != nil {
		return nil, err
	}
	var r *domain.AlertRules
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		r, err = alertRules(ctx, tx)
		return err
	})
	return r, err
}

// alertRules reads the stored rules over the defaults, so that a rule
// added later gets its default in an older document.
func alertRules(ctx context.Context, tx *store.Tx) (*domain.AlertRules, error) {
	r := domain.DefaultAlertRules()
	var v string
	err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, alertRulesKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return &r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the alert rules: %w", err)
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return nil, fmt.Errorf("failed to decode the alert rules: %w", err)
	}
	return &r, nil
}

// UpdateAlertRules applies a partial document to the rules in force.
func (s *service) UpdateAlertRules(ctx context.Context, patch []byte) (*domain.AlertRules, error) {
	a, err := adminActor(ctx, "see and manage alerts")
	if err != nil {
		return nil, err
	}
	var out *domain.AlertRules
	err = s.writeOnce(ctx, "alert.rules_update", string(patch), &out, func(tx *store.Tx) error {
		r, err := alertRules(ctx, tx)
		if err != nil {
			return err
		}
		if err := decodeRulesPatch(patch, r); err != nil {
			return err
		}
		if err := r.Validate(); err != nil {
			return err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("failed to encode the alert rules: %w", err)
		}
		at := s.stamp(tx)
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			alertRulesKey, string(b), micros(at)); err != nil {
			return fmt.Errorf("failed to store the alert rules: %w", err)
		}
		out = r
		return appendEvent(ctx, tx, a, at, domain.ActionAlertRulesUpdated, domain.EntityAlert, 0, 0,
			a.Name+" changed the alert rules", map[string]any{"rules": r})
	})
	return out, err
}

// decodeRulesPatch decodes patch over r strictly: an unknown field or a
// wrong type is CodeInvalid naming the field.
func decodeRulesPatch(patch []byte, r *domain.AlertRules) error {
	if len(bytes.TrimSpace(patch)) == 0 || string(bytes.TrimSpace(patch)) == "null" {
		return domain.Invalid("", "a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(patch))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return domain.Invalid(te.Field, "%s has the wrong type: want %s", te.Field, te.Type)
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			f = strings.Trim(f, `"`)
			return domain.Invalid(f, "unknown field %q", f)
		}
		return domain.Invalid("", "the body must be a JSON object: %v", err)
	}
	return nil
}
