package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

var _ domain.SecurityService = (*service)(nil)

// How security events reach the event log (and so every instance's
// admins, live and after a reconnect), keeping "one change, one log
// entry":
//
//   - a happening that is not otherwise a change (a failed login, a
//     refused token or socket, a reused refresh token) appends its own
//     entry, action security.event (admins only, VendorID 0), whose
//     payload is {"security": [event]};
//   - the security events of an account change (user_created,
//     password_changed, role_changed, status_changed, sessions_revoked)
//     ride on that change's user.* entry, in its payload's "security"
//     list, and the real-time layer sends one security:event per item.
//
// Either way each row of security_events carries the seq of its entry:
// the cursor of GET /api/security/events and of security:event. Several
// rows may share a seq (one account change); a page never splits them.

// securityEntry appends the security.event log entry of standalone
// events and keeps their rows.
func securityEntry(ctx context.Context, tx *store.Tx, now time.Time, evs ...*domain.SecurityEvent) error {
	a := domain.ActorFrom(ctx)
	if a == nil {
		a = &domain.Actor{Name: "system"}
	}
	for _, e := range evs {
		prepareSecurity(ctx, e, now)
	}
	e := evs[0]
	summary := "Security: " + e.Kind
	if e.Email != "" {
		summary += " " + e.Email
	}
	if e.Address != "" {
		summary += " from " + e.Address
	}
	if err := appendEvent(ctx, tx, a, now, domain.ActionSecurityEvent, domain.EntitySecurity, e.UserID, 0, summary,
		map[string]any{"security": evs}); err != nil {
		return err
	}
	return keepSecurityRows(ctx, tx, evs)
}

// prepareSecurity fills and bounds the fields of e.
func prepareSecurity(ctx context.Context, e *domain.SecurityEvent, now time.Time) {
	if e.At.IsZero() {
		e.At = now
	}
	if e.Address == "" {
		e.Address = domain.ClientAddrFrom(ctx)
	}
	e.Address = clip(e.Address, 64)
	e.Email = clip(strings.ToLower(strings.TrimSpace(e.Email)), 254)
	e.Detail = clip(e.Detail, 1000)
}

// keepSecurityRows stores the rows of events just carried by the log
// entry the transaction appended last.
func keepSecurityRows(ctx context.Context, tx *store.Tx, evs []*domain.SecurityEvent) error {
	for _, e := range evs {
		e.Seq = tx.LastSeq()
		var user any
		if e.UserID > 0 {
			user = e.UserID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO security_events (seq, at, kind, user_id, email, session_id, address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, micros(e.At), e.Kind, user, e.Email, e.SessionID, e.Address, e.Detail); err != nil {
			return fmt.Errorf("failed to record a security event: %w", err)
		}
	}
	return nil
}

// RecordSecurityEvent records a happening a transport saw. Kinds an
// unauthenticated caller can cause at will go through the throttle first:
// a burst is written once, and its size is reported with the next event of
// the same kind, address and account.
func (s *service) RecordSecurityEvent(ctx context.Context, e *domain.SecurityEvent) error {
	if !slices.Contains(domain.SecurityKinds, e.Kind) {
		return domain.Invalid("kind", "unknown security event kind %q", e.Kind)
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	if noisy(e.Kind) {
		write, note := s.throttle.admit(e.Kind+"\x00"+e.Address+"\x00"+strings.ToLower(e.Email), e.At)
		if !write {
			return nil
		}
		if note != "" {
			e.Detail = strings.TrimSpace(e.Detail + " " + note)
		}
	}
	return s.write(ctx, func(tx *store.Tx) error { return securityEntry(ctx, tx, e.At, e) })
}

// noisy reports whether anybody, unauthenticated, can cause the kind.
func noisy(kind string) bool {
	switch kind {
	case domain.SecurityLoginFailed, domain.SecurityLoginRateLimited, domain.SecurityTokenRefused,
		domain.SecurityOriginRefused, domain.SecurityConnectionRefused:
		return true
	}
	return false
}

// SecurityEvents lists security events (admins only).
func (s *service) SecurityEvents(ctx context.Context, q domain.SecurityQuery) ([]*domain.SecurityEvent, error) {
	if _, err := adminActor(ctx, "see security events"); err != nil {
		return nil, err
	}
	if q.After < 0 {
		return nil, domain.Invalid("after", "after must be a seq (0 or more)")
	}
	if q.Kind != "" && !slices.Contains(domain.SecurityKinds, q.Kind) {
		return nil, domain.Invalid("kind", "unknown kind %q; one of %s", q.Kind, strings.Join(domain.SecurityKinds, ", "))
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 1000)
	where, args := `seq > ?`, []any{q.After}
	if q.Kind != "" {
		where += ` AND kind = ?`
		args = append(args, q.Kind)
	}
	args = append(args, q.Limit)
	out := []*domain.SecurityEvent{}
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = securityRows(ctx, tx, where+` ORDER BY seq, id LIMIT ?`, args); err != nil || len(out) < q.Limit {
			return err
		}
		// A full page ends with all the rows of its last seq.
		last := out[len(out)-1]
		rest := []any{last.Seq, last.ID}
		if q.Kind != "" {
			rest = append(rest, q.Kind)
		}
		more, err := securityRows(ctx, tx, `seq = ? AND id > ?`+map[bool]string{true: ` AND kind = ?`}[q.Kind != ""]+` ORDER BY id`, rest)
		out = append(out, more...)
		return err
	})
	return out, err
}

func securityRows(ctx context.Context, tx *store.Tx, where string, args []any) ([]*domain.SecurityEvent, error) {
	rows, err := tx.Query(ctx, `SELECT id, seq, at, kind, COALESCE(user_id, 0), email, session_id, address, detail
		FROM security_events WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("failed to list security events: %w", err)
	}
	defer rows.Close()
	out := []*domain.SecurityEvent{}
	for rows.Next() {
		var e domain.SecurityEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Seq, &at, &e.Kind, &e.UserID, &e.Email, &e.SessionID, &e.Address, &e.Detail); err != nil {
			return nil, fmt.Errorf("failed to read a security event: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}
