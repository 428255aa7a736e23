package service

import (
	"context"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// Subject ids of security_burst alerts that are about no one account
// (entity "security").
const (
	SecurityLogins int64 = 1 // logins refused by the login limits, over every account
)

// securityBursts finds the bursts of the security_burst rule in the
// security events of the last WindowMinutes: failed logins for one
// existing account from several addresses (an account under attack from
// many machines, which the per-address login limits do not see), and many
// logins refused by the login limits (someone hammering the login).
//
// Security events are in the database, so every instance sees the same
// bursts. The window is the rule's hysteresis: a burst stays an alert
// until its events have aged out of it.
func securityBursts(ctx context.Context, tx *store.Tx, r domain.SecurityBurstRule, now time.Time) ([]finding, error) {
	window := time.Duration(r.WindowMinutes) * time.Minute
	since := micros(now.Add(-window))
	rows, err := tx.Query(ctx, `SELECT u.id, u.email, u.role, COUNT(DISTINCT e.address), COUNT(*)
		FROM security_events e JOIN users u ON u.email = e.email
		WHERE e.kind = ? AND e.at >= ? AND e.email <> ''
		GROUP BY u.id, u.email, u.role HAVING COUNT(DISTINCT e.address) >= ? ORDER BY u.id`,
		domain.SecurityLoginFailed, since, r.Addresses)
	if err != nil {
		return nil, fmt.Errorf("failed to find failed-login bursts: %w", err)
	}
	defer rows.Close()
	var out []finding
	for rows.Next() {
		var id, addresses, attempts int64
		var email, role string
		if err := rows.Scan(&id, &email, &role, &addresses, &attempts); err != nil {
			return nil, fmt.Errorf("failed to scan a failed-login burst: %w", err)
		}
		sev := domain.SeverityWarning
		if role == string(domain.RoleAdmin) {
			sev = domain.SeverityCritical // an admin account can do anything
		}
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: domain.EntityUser, ID: id},
			Severity: sev,
			Message: fmt.Sprintf("Failed logins for %s (%s) from %d addresses in the last %s",
				email, role, addresses, windowText(window)),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var limited int64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM security_events WHERE kind = ? AND at >= ?`,
		domain.SecurityLoginRateLimited, since).Scan(&limited); err != nil {
		return nil, fmt.Errorf("failed to count rate-limited logins: %w", err)
	}
	if limited >= int64(r.RateLimited) {
		out = append(out, finding{
			Subject:  domain.AlertSubject{Entity: domain.EntitySecurity, ID: SecurityLogins},
			Severity: domain.SeverityWarning,
			// On a 1-2-5 scale: updated as the burst grows markedly.
			Message: fmt.Sprintf("%s logins refused by the login limits in the last %s", atLeast(limited), windowText(window)),
		})
	}
	return out, nil
}
