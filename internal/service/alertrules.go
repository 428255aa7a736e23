package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// LargePaymentWindow is how long a large payment stays an alert: the alert
// is resolved when the payment is reversed or is older than this (whoever
// needed to check it has had a day).
const LargePaymentWindow = 24 * time.Hour

// DependencyStatus is the outcome of one readiness check (the ones behind
// /readyz), for the dependency_down rule. ID is the alert subject's id:
// DependencyDatabase or DependencyRedis.
type DependencyStatus struct {
	ID   int64
	Name string
	Err  error // nil: ready
}

// Subject ids of dependency_down alerts (entity "dependency").
const (
	DependencyDatabase int64 = 1
	DependencyRedis    int64 = 2
)

// EvaluateAlerts runs every enabled rule once and raises, updates and
// resolves alerts to match (see reconcile). It is safe to call from every
// instance at once, on every commit and on a timer: each rule is one
// serialised write transaction. A disabled rule resolves its alerts. deps
// are this instance's readiness checks just made, for dependency_down.
func (s *Services) EvaluateAlerts(ctx context.Context, deps ...DependencyStatus) error {
	return s.svc.evaluateAlerts(ctx, AlertInputs{Deps: deps})
}

// AlertInputs is what an instance knows that the database does not: its
// readiness checks (dependency_down) and its socket totals
// (socket_errors). Without Sockets, socket_errors is not evaluated at all
// (its alerts are left as they are): the caller serves no sockets.
type AlertInputs struct {
	Deps    []DependencyStatus
	Sockets *SocketStats
}

// EvaluateAlertsWith is EvaluateAlerts with every input of an instance.
func (s *Services) EvaluateAlertsWith(ctx context.Context, in AlertInputs) error {
	return s.svc.evaluateAlerts(ctx, in)
}

func (s *service) evaluateAlerts(ctx context.Context, in AlertInputs) error {
	deps := in.Deps
	var rules *domain.AlertRules
	if err := s.db.ReadTx(ctx, func(tx *store.Tx) (err error) {
		rules, err = alertRules(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	minDur := time.Duration(rules.MinDurationSeconds) * time.Second
	type ruleRun struct {
		id      string
		enabled bool
		minDur  time.Duration
		find    func(ctx context.Context, tx *store.Tx, now time.Time) ([]finding, error)
		// scope, when set, limits the rule to the alerts whose subject it
		// accepts: the findings are complete for those subjects only.
		scope func(domain.AlertSubject) bool
	}
	runs := []ruleRun{
		// A payment is a one-off fact: raised at once, resolved at once.
		{domain.RuleLargePayment, rules.LargePayment.Enabled, 0, func(ctx context.Context, tx *store.Tx, now time.Time) ([]finding, error) {
			return largePayments(ctx, tx, rules.LargePayment, now)
		}, nil},
		// A balance is a state, but it moves only by deliberate entries:
		// raised and resolved at once, updated as it moves.
		{domain.RuleBalanceOverLimit, rules.BalanceOverLimit.Enabled, 0, func(ctx context.Context, tx *store.Tx, _ time.Time) ([]finding, error) {
			return balancesOverLimit(ctx, tx, rules.BalanceOverLimit)
		}, nil},
		{domain.RuleDependencyDown, rules.DependencyDown.Enabled, minDur, func(context.Context, *store.Tx, time.Time) ([]finding, error) {
			return dependenciesDown(deps), nil
		}, nil},
		// Deliveries go out in bursts; the cut-off is a fixed time: at once.
		{domain.RuleShiftCutoff, rules.ShiftCutoff.Enabled, 0, func(ctx context.Context, tx *store.Tx, now time.Time) ([]finding, error) {
			return s.lateShifts(ctx, tx, rules.ShiftCutoff, now)
		}, nil},
		{domain.RuleFailureRate, rules.FailureRate.Enabled, minDur, func(ctx context.Context, tx *store.Tx, now time.Time) ([]finding, error) {
			return failureRates(ctx, tx, rules.FailureRate, s.day(now))
		}, nil},
		// The window is the hysteresis: raised at once, resolved when the
		// burst has aged out of it.
		{domain.RuleSecurityBurst, rules.SecurityBurst.Enabled, 0, func(ctx context.Context, tx *store.Tx, now time.Time) ([]finding, error) {
			return securityBursts(ctx, tx, rules.SecurityBurst, now)
		}, nil},
	}
	if st := in.Sockets; st != nil {
		// Each instance judges its own sockets and answers for its own
		// alert only. The counts are taken once per evaluation (the dry
		// run and the write see the same).
		var found []finding
		if rules.SocketErrors.Enabled {
			found = s.socketFindings(*st, rules.SocketErrors, s.now())
		}
		mine := InstanceSubject(st.Instance)
		runs = append(runs, ruleRun{domain.RuleSocketErrors, rules.SocketErrors.Enabled, minDur,
			func(context.Context, *store.Tx, time.Time) ([]finding, error) { return found, nil },
			func(subj domain.AlertSubject) bool { return subj == mine }})
	}
	for _, r := range runs {
		run := func(tx *store.Tx, dry bool) error {
			var found []finding
			if r.enabled {
				var err error
				if found, err = r.find(ctx, tx, s.now()); err != nil {
					return err
				}
			}
			return s.reconcile(ctx, tx, r.id, found, r.minDur, r.scope, dry)
		}
		// Usually nothing changes: find out in a read transaction, and
		// take the write lock only when there is something to write.
		err := s.db.ReadTx(ctx, func(tx *store.Tx) error { return run(tx, true) })
		if errors.Is(err, errWouldWrite) {
			err = s.write(ctx, func(tx *store.Tx) error { return run(tx, false) })
		}
		if err != nil {
			return fmt.Errorf("failed to evaluate alert rule %s: %w", r.id, err)
		}
	}
	return nil
}

// largePayments finds unreversed payments above the threshold recorded in
// the last LargePaymentWindow.
func largePayments(ctx context.Context, tx *store.Tx, r domain.LargePaymentRule, now time.Time) ([]finding, error) {
	money, err := textMoney(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT p.id, p.amount_cents, c.name FROM payments p
		JOIN customers c ON c.id = p.customer_id
		LEFT JOIN reversals r ON r.entity = 'payment' AND r.entity_id = p.id
		WHERE r.id IS NULL AND p.amount_cents > ? AND p.created_at >= ? ORDER BY p.id`,
		r.ThresholdCents, micros(now.Add(-LargePaymentWindow)))
	if err != nil {
		return nil, fmt.Errorf("failed to find large payments: %w", err)
	}
	defer rows.Close()
	var out []finding
	for rows.Next() {
		var id, amount int64
		var name string
		if err := rows.Scan(&id, &amount, &name); err != nil {
			return nil, fmt.Errorf("failed to scan payment: %w", err)
		}
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: domain.EntityPayment, ID: id},
			Severity: domain.SeverityWarning,
			Message: fmt.Sprintf("Payment #%d of %s from %s is above %s: check it is not a typo",
				id, money(amount), name, money(r.ThresholdCents)),
		})
	}
	return out, rows.Err()
}

// failureRates finds vendors whose failed deliveries scheduled for today
// (business day) are above Percent of their finished ones (delivered or
// failed), once there are at least MinAttempts.
func failureRates(ctx context.Context, tx *store.Tx, r domain.FailureRateRule, today string) ([]finding, error) {
	rows, err := tx.Query(ctx, `SELECT d.vendor_id, u.name,
			SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), COUNT(*)
		FROM deliveries d JOIN users u ON u.id = d.vendor_id
		WHERE d.scheduled_for = ? AND d.status IN ('delivered', 'failed')
		GROUP BY d.vendor_id, u.name ORDER BY d.vendor_id`, today)
	if err != nil {
		return nil, fmt.Errorf("failed to count failed deliveries: %w", err)
	}
	defer rows.Close()
	var out []finding
	for rows.Next() {
		var vendor, failed, total int64
		var name string
		if err := rows.Scan(&vendor, &name, &failed, &total); err != nil {
			return nil, fmt.Errorf("failed to scan failure rate: %w", err)
		}
		if total < int64(r.MinAttempts) || failed*100 <= int64(r.Percent)*total {
			continue
		}
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: "vendor", ID: vendor},
			Severity: domain.SeverityWarning,
			Message: fmt.Sprintf("%s failed %d of %d deliveries today (%d%%, above %d%%)",
				name, failed, total, failed*100/total, r.Percent),
		})
	}
	return out, rows.Err()
}

// balancesOverLimit finds customers whose balance (what they owe) is above
// their credit limit, or the business default when they have none.
func balancesOverLimit(ctx context.Context, tx *store.Tx, r domain.BalanceOverLimitRule) ([]finding, error) {
	money, err := textMoney(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT id, name, balance_cents, COALESCE(credit_limit_cents, ?) FROM customers
		WHERE balance_cents > COALESCE(credit_limit_cents, ?) ORDER BY id`, r.DefaultCreditLimitCents, r.DefaultCreditLimitCents)
	if err != nil {
		return nil, fmt.Errorf("failed to find balances over limit: %w", err)
	}
	defer rows.Close()
	var out []finding
	for rows.Next() {
		var id, balance, limit int64
		var name string
		if err := rows.Scan(&id, &name, &balance, &limit); err != nil {
			return nil, fmt.Errorf("failed to scan customer: %w", err)
		}
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: domain.EntityCustomer, ID: id},
			Severity: domain.SeverityWarning,
			Message:  fmt.Sprintf("%s owes %s, above the credit limit of %s", name, money(balance), money(limit)),
		})
	}
	return out, rows.Err()
}

// dependenciesDown turns failed readiness checks into findings. The
// message names the dependency only (not the error text, which varies
// from one check to the next and would update the alert every time).
func dependenciesDown(deps []DependencyStatus) []finding {
	var out []finding
	for _, d := range deps {
		if d.Err == nil {
			continue
		}
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: "dependency", ID: d.ID},
			Severity: domain.SeverityCritical,
			Message:  d.Name + " is not ready",
		})
	}
	return out
}

// lateShifts finds vendors with deliveries of today's shifts still
// scheduled (not out) after the shift's cut-off, one finding per vendor.
func (s *service) lateShifts(ctx context.Context, tx *store.Tx, r domain.ShiftCutoffRule, now time.Time) ([]finding, error) {
	local := now.In(s.loc())
	clock := local.Format("15:04")
	var shifts []string
	if clock >= r.MorningCutoff {
		shifts = append(shifts, string(domain.ShiftMorning))
	}
	if clock >= r.EveningCutoff {
		shifts = append(shifts, string(domain.ShiftEvening))
	}
	if len(shifts) == 0 {
		return nil, nil
	}
	q := `SELECT d.vendor_id, u.name, d.shift, COUNT(*) FROM deliveries d JOIN users u ON u.id = d.vendor_id
		WHERE d.scheduled_for = ? AND d.status = 'scheduled' AND d.shift IN (?` + strings.Repeat(", ?", len(shifts)-1) + `)
		GROUP BY d.vendor_id, u.name, d.shift ORDER BY d.vendor_id, d.shift DESC`
	args := []any{local.Format(dateLayout)}
	for _, sh := range shifts {
		args = append(args, sh)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("failed to find late shifts: %w", err)
	}
	defer rows.Close()
	var out []finding
	cutoff := map[string]string{string(domain.ShiftMorning): r.MorningCutoff, string(domain.ShiftEvening): r.EveningCutoff}
	for rows.Next() {
		var vendor, n int64
		var name, shift string
		if err := rows.Scan(&vendor, &name, &shift, &n); err != nil {
			return nil, fmt.Errorf("failed to scan late shift: %w", err)
		}
		part := fmt.Sprintf("%d %s deliveries not out after the %s cut-off", n, shift, cutoff[shift])
		if len(out) > 0 && out[len(out)-1].Subject.ID == vendor {
			out[len(out)-1].Message += "; " + part
			continue
		}
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: "vendor", ID: vendor},
			Severity: domain.SeverityWarning,
			Message:  name + ": " + part,
		})
	}
	return out, rows.Err()
}
