package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// finding is one subject for which a rule's condition holds now.
type finding struct {
	Subject  domain.AlertSubject
	Severity domain.AlertSeverity
	Message  string
}

// condition is what alert_conditions remembers of a (rule, subject).
type condition struct {
	on    bool
	since time.Time
}

// reconcile brings rule's alerts in line with what holds now (findings,
// the complete set for the rule): a condition that has held for minDur is
// raised (alert:raised), an active alert whose message or severity changed
// is updated (alert:updated), and an active alert whose condition has been
// gone for minDur is resolved (alert:resolved). A condition that comes and
// goes within minDur raises nothing, and a raised alert whose condition
// flickers off and on within minDur stays as it is: no flapping storm.
//
// It runs in a write transaction, which the store serialises across every
// instance (LockWrites), so evaluators on several instances agree; the
// partial unique index on alerts makes a double raise impossible anyway.
//
// With dry set it changes nothing and returns errWouldWrite at the first
// change it would make: the evaluator runs it in a read transaction first,
// so that the usual evaluation (nothing changed) never takes the write lock.
//
// With scope set, only the alerts and conditions of the subjects it
// accepts are considered: the rule's findings are complete for those only
// (socket_errors: each instance answers for itself).
func (s *service) reconcile(ctx context.Context, tx *store.Tx, rule string, findings []finding, minDur time.Duration,
	scope func(domain.AlertSubject) bool, dry bool) error {
	now := s.stamp(tx)
	// wouldWrite is called before each first change of a path.
	wouldWrite := func() error {
		if dry {
			return errWouldWrite
		}
		return nil
	}
	active, err := activeAlerts(ctx, tx, rule)
	if err != nil {
		return err
	}
	conds, err := alertConditions(ctx, tx, rule)
	if err != nil {
		return err
	}
	if scope != nil {
		maps.DeleteFunc(active, func(subj domain.AlertSubject, _ *domain.Alert) bool { return !scope(subj) })
		maps.DeleteFunc(conds, func(subj domain.AlertSubject, _ condition) bool { return !scope(subj) })
	}
	sys := domain.SystemActor()
	seen := map[domain.AlertSubject]bool{}
	for _, f := range findings {
		seen[f.Subject] = true
		c, ok := conds[f.Subject]
		if !ok || !c.on {
			c = condition{on: true, since: now}
			if ok && active[f.Subject] != nil {
				// It came back before the alert was resolved: the alert
				// simply lasts.
				c.since = active[f.Subject].RaisedAt
			}
			if err := wouldWrite(); err != nil {
				return err
			}
			if err := setCondition(ctx, tx, rule, f.Subject, c); err != nil {
				return err
			}
		}
		if al := active[f.Subject]; al != nil {
			if al.Message == f.Message && al.Severity == f.Severity {
				continue
			}
			if err := wouldWrite(); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE alerts SET message = ?, severity = ?, updated_at = ? WHERE id = ?`,
				f.Message, string(f.Severity), micros(now), al.ID); err != nil {
				return fmt.Errorf("failed to update alert %d: %w", al.ID, err)
			}
			if err := s.alertEvent(ctx, tx, sys, now, domain.ActionAlertUpdated, al.ID, "Alert updated: "+f.Message); err != nil {
				return err
			}
			continue
		}
		if now.Sub(c.since) < minDur {
			continue
		}
		if err := wouldWrite(); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO alerts (rule, severity, status, subject_entity, subject_id, message, raised_at, updated_at)
			VALUES (?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id`,
			rule, string(f.Severity), f.Subject.Entity, f.Subject.ID, f.Message, micros(now), micros(now)).Scan(&id); err != nil {
			return fmt.Errorf("failed to raise alert %s: %w", rule, err)
		}
		if err := s.alertEvent(ctx, tx, sys, now, domain.ActionAlertRaised, id, "Alert: "+f.Message); err != nil {
			return err
		}
	}
	for subj, al := range active {
		if seen[subj] {
			continue
		}
		c, ok := conds[subj]
		if !ok || c.on {
			c = condition{on: false, since: now}
			if err := wouldWrite(); err != nil {
				return err
			}
			if err := setCondition(ctx, tx, rule, subj, c); err != nil {
				return err
			}
		}
		if now.Sub(c.since) < minDur {
			continue
		}
		if err := wouldWrite(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE alerts SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ?`,
			micros(now), micros(now), al.ID); err != nil {
			return fmt.Errorf("failed to resolve alert %d: %w", al.ID, err)
		}
		if err := deleteCondition(ctx, tx, rule, subj); err != nil {
			return err
		}
		if err := s.alertEvent(ctx, tx, sys, now, domain.ActionAlertResolved, al.ID, "Alert resolved: "+al.Message); err != nil {
			return err
		}
	}
	// A condition that ended before it was ever raised is forgotten.
	for subj, c := range conds {
		if c.on && !seen[subj] && active[subj] == nil {
			if err := wouldWrite(); err != nil {
				return err
			}
			if err := deleteCondition(ctx, tx, rule, subj); err != nil {
				return err
			}
		}
	}
	return nil
}

// errWouldWrite is what a dry reconcile returns when there is work to do.
var errWouldWrite = errors.New("alerts: reconcile would write")

// alertEvent appends the event of a change to alert id, with the alert as
// it now reads.
func (s *service) alertEvent(ctx context.Context, tx *store.Tx, a *domain.Actor, at time.Time, action string, id int64, summary string) error {
	al, err := alertByID(ctx, tx, id)
	if err != nil {
		return err
	}
	return appendAlertEvent(ctx, tx, a, at, action, al, summary)
}

func activeAlerts(ctx context.Context, tx *store.Tx, rule string) (map[domain.AlertSubject]*domain.Alert, error) {
	rows, err := tx.Query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE rule = ? AND status <> 'resolved'`, rule)
	if err != nil {
		return nil, fmt.Errorf("failed to read active alerts: %w", err)
	}
	defer rows.Close()
	out := map[domain.AlertSubject]*domain.Alert{}
	for rows.Next() {
		al, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("failed to scan alert: %w", err)
		}
		out[al.Subject] = al
	}
	return out, rows.Err()
}

func alertConditions(ctx context.Context, tx *store.Tx, rule string) (map[domain.AlertSubject]condition, error) {
	rows, err := tx.Query(ctx, `SELECT subject_entity, subject_id, state, since FROM alert_conditions WHERE rule = ?`, rule)
	if err != nil {
		return nil, fmt.Errorf("failed to read alert conditions: %w", err)
	}
	defer rows.Close()
	out := map[domain.AlertSubject]condition{}
	for rows.Next() {
		var subj domain.AlertSubject
		var state string
		var since int64
		if err := rows.Scan(&subj.Entity, &subj.ID, &state, &since); err != nil {
			return nil, fmt.Errorf("failed to scan alert condition: %w", err)
		}
		out[subj] = condition{on: state == "on", since: fromMicros(since)}
	}
	return out, rows.Err()
}

func setCondition(ctx context.Context, tx *store.Tx, rule string, subj domain.AlertSubject, c condition) error {
	state := "off"
	if c.on {
		state = "on"
	}
	if _, err := tx.Exec(ctx, `INSERT INTO alert_conditions (rule, subject_entity, subject_id, state, since) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (rule, subject_entity, subject_id) DO UPDATE SET state = excluded.state, since = excluded.since`,
		rule, subj.Entity, subj.ID, state, micros(c.since)); err != nil {
		return fmt.Errorf("failed to store alert condition: %w", err)
	}
	return nil
}

func deleteCondition(ctx context.Context, tx *store.Tx, rule string, subj domain.AlertSubject) error {
	if _, err := tx.Exec(ctx, `DELETE FROM alert_conditions WHERE rule = ? AND subject_entity = ? AND subject_id = ?`,
		rule, subj.Entity, subj.ID); err != nil {
		return fmt.Errorf("failed to delete alert condition: %w", err)
	}
	return nil
}
