package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// Session lifetimes. A refresh token lives SessionIdle past its issue, and
// every refresh issues a new one, so a session in use stays alive; but no
// session outlives SessionMaxAge from its login, so even a session kept
// busy by a thief ends.
const (
	SessionIdle   = 7 * 24 * time.Hour
	SessionMaxAge = 30 * 24 * time.Hour
	// sessionsKept is how long ended and expired sessions stay in the table
	// (for the user's and the admins' information) before they are deleted.
	sessionsKept = 30 * 24 * time.Hour
)

var _ domain.SessionService = (*service)(nil)

const sessionColumns = `id, user_id, refresh_hash, created_at, last_used_at, expires_at, revoked_at, revoked_reason, address, user_agent`

// sessionRow is a session as stored, with the hash of its live refresh token.
type sessionRow struct {
	domain.Session
	refreshHash string
}

func scanSession(sc scanner) (*sessionRow, error) {
	var r sessionRow
	var created, used, expires int64
	var revoked sql.NullInt64
	if err := sc.Scan(&r.ID, &r.UserID, &r.refreshHash, &created, &used, &expires, &revoked, &r.RevokedReason, &r.Address, &r.UserAgent); err != nil {
		return nil, err
	}
	r.CreatedAt, r.LastUsedAt, r.ExpiresAt = fromMicros(created), fromMicros(used), fromMicros(expires)
	if revoked.Valid {
		t := fromMicros(revoked.Int64)
		r.RevokedAt = &t
	}
	return &r, nil
}

func findSession(ctx context.Context, tx *store.Tx, id string) (*sessionRow, error) {
	r, err := scanSession(tx.QueryRow(ctx, `SELECT `+sessionColumns+` FROM auth_sessions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read session: %w", err)
	}
	return r, nil
}

// randomID returns 128 random bits in hex.
func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("failed to generate an identifier: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

func refreshHash(refreshID string) string {
	h := sha256.Sum256([]byte(refreshID))
	return hex.EncodeToString(h[:])
}

func revoked(message string) error {
	return &domain.Error{Code: domain.CodeSessionRevoked, Message: message}
}

// clip keeps client-supplied metadata to a sane size.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// StartSession opens a session for an active user.
func (s *service) StartSession(ctx context.Context, userID int64, meta domain.SessionMeta) (*domain.SessionGrant, error) {
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	refreshID, err := randomID()
	if err != nil {
		return nil, err
	}
	now := s.now()
	g := &domain.SessionGrant{RefreshID: refreshID, Session: &domain.Session{
		ID: id, UserID: userID, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(SessionIdle),
		Address: clip(meta.Address, 64), UserAgent: clip(meta.UserAgent, 256),
	}}
	err = s.write(ctx, func(tx *store.Tx) error {
		u, err := findUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Status != domain.UserActive {
			return domain.Errorf(domain.CodeUnauthorized, "this account is suspended")
		}
		g.User = u
		// Forget sessions long over, a few at a time, so the table stays small.
		if _, err := tx.Exec(ctx, `DELETE FROM auth_sessions WHERE expires_at < ?`, micros(now.Add(-sessionsKept))); err != nil {
			return fmt.Errorf("failed to delete old sessions: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO auth_sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at, address, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, userID, refreshHash(refreshID), micros(now), micros(now), micros(g.Session.ExpiresAt), g.Session.Address, g.Session.UserAgent); err != nil {
			return fmt.Errorf("failed to insert session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// RefreshSession spends a refresh token and rotates it. See
// domain.SessionService.
func (s *service) RefreshSession(ctx context.Context, id, refreshID string, meta domain.SessionMeta) (*domain.SessionGrant, error) {
	next, err := randomID()
	if err != nil {
		return nil, err
	}
	now := s.now()
	var (
		g       *domain.SessionGrant
		refusal error
	)
	err = s.write(ctx, func(tx *store.Tx) error {
		r, err := findSession(ctx, tx, id)
		if err != nil {
			return err
		}
		if r == nil {
			refusal = revoked("this session no longer exists; log in again")
			return nil
		}
		// The user first: a suspended user hears that it is suspended.
		u, err := findUser(ctx, tx, r.UserID)
		if err != nil {
			return err
		}
		if u.Status != domain.UserActive {
			refusal = domain.Errorf(domain.CodeUnauthorized, "this account is suspended")
			return nil
		}
		switch {
		case r.RevokedAt != nil:
			refusal = revoked("this session has ended; log in again")
			return nil
		case !now.Before(r.ExpiresAt):
			refusal = &domain.Error{Code: domain.CodeSessionRevoked, Message: "this session has expired; log in again"}
			return nil
		}
		hash := refreshHash(refreshID)
		if subtle.ConstantTimeCompare([]byte(hash), []byte(r.refreshHash)) != 1 {
			refusal = domain.ErrRefreshReused
			return s.reuse(ctx, tx, r, meta, now)
		}
		exp := now.Add(SessionIdle)
		if limit := r.CreatedAt.Add(SessionMaxAge); limit.Before(exp) {
			exp = limit
		}
		// The condition on refresh_hash makes the spend atomic: of two
		// refreshes racing with one token, the second finds no row and is
		// the reuse it is.
		res, err := tx.Exec(ctx, `UPDATE auth_sessions SET refresh_hash = ?, rotations = rotations + 1, last_used_at = ?, expires_at = ?, address = ?, user_agent = ?
			WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL`,
			refreshHash(next), micros(now), micros(exp), clip(meta.Address, 64), clip(meta.UserAgent, 256), id, hash)
		if err != nil {
			return fmt.Errorf("failed to rotate the refresh token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("failed to rotate the refresh token: %w", err)
		} else if n == 0 {
			refusal = domain.ErrRefreshReused
			return s.reuse(ctx, tx, r, meta, now)
		}
		r.LastUsedAt, r.ExpiresAt = now, exp
		r.Address, r.UserAgent = clip(meta.Address, 64), clip(meta.UserAgent, 256)
		sess := r.Session
		g = &domain.SessionGrant{Session: &sess, User: u, RefreshID: next}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refusal != nil {
		return nil, refusal
	}
	return g, nil
}

// reuse ends a session whose spent refresh token came back, and records
// the security event. It is committed although the refresh is refused.
func (s *service) reuse(ctx context.Context, tx *store.Tx, r *sessionRow, meta domain.SessionMeta, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL`,
		micros(now), domain.SessionRefreshReused, r.ID); err != nil {
		return fmt.Errorf("failed to revoke the session: %w", err)
	}
	return securityEntry(ctx, tx, now, &domain.SecurityEvent{
		At: now, Kind: domain.SecurityRefreshReused, UserID: r.UserID, SessionID: r.ID, Address: meta.Address,
		Detail: fmt.Sprintf("a spent refresh token was presented (user agent %q); the session, started %s from %s, was ended",
			clip(meta.UserAgent, 120), r.CreatedAt.Format(time.RFC3339), r.Address),
	})
}

// CheckSession refuses a session that has ended or is another user's.
func (s *service) CheckSession(ctx context.Context, id string, userID int64) error {
	var r *sessionRow
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		r, err = findSession(ctx, tx, id)
		return err
	})
	switch {
	case err != nil:
		return err
	case r == nil || r.UserID != userID:
		return revoked("this session no longer exists; log in again")
	case r.RevokedAt != nil:
		return revoked("this session has ended; log in again")
	}
	return nil
}

// SessionUser reads a user and the state of one of its sessions with one
// query.
func (s *service) SessionUser(ctx context.Context, id string, userID int64) (*domain.User, bool, error) {
	var (
		u    *domain.User
		live bool
	)
	err := s.read(ctx, func(tx *store.Tx) error {
		var (
			owner   sql.NullInt64
			revoked sql.NullInt64
		)
		row := tx.QueryRow(ctx, `SELECT `+userColumnsOf("u")+`, s.user_id, s.revoked_at
			FROM users u LEFT JOIN auth_sessions s ON s.id = ? WHERE u.id = ?`, id, userID)
		var err error
		u, err = scanUser(withExtra{row, []any{&owner, &revoked}})
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("user")
		}
		if err != nil {
			return fmt.Errorf("failed to read user %d and its session: %w", userID, err)
		}
		live = owner.Valid && owner.Int64 == userID && !revoked.Valid
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return u, live, nil
}

// userColumnsOf is userColumns qualified with a table alias.
func userColumnsOf(alias string) string {
	cols := strings.Split(userColumns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// withExtra scans a row's trailing columns into extra, after the columns
// the wrapped scan asks for.
type withExtra struct {
	sc    scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

// EndSession ends one session of userID.
func (s *service) EndSession(ctx context.Context, id string, userID int64, reason string) error {
	now := s.now()
	return s.write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
			micros(now), reason, id, userID); err != nil {
			return fmt.Errorf("failed to end the session: %w", err)
		}
		return nil
	})
}

// revokeUserSessions ends every live session of a user, in the
// transaction of the change that requires it, and returns the security
// event, which the change's log entry carries.
func revokeUserSessions(ctx context.Context, tx *store.Tx, a *domain.Actor, userID int64, reason string, now time.Time) (*domain.SecurityEvent, error) {
	res, err := tx.Exec(ctx, `UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL`,
		micros(now), reason, userID)
	if err != nil {
		return nil, fmt.Errorf("failed to end the user's sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("failed to end the user's sessions: %w", err)
	}
	return &domain.SecurityEvent{
		At: now, Kind: domain.SecuritySessionsRevoked, UserID: userID,
		Detail: fmt.Sprintf("%d session(s) ended (%s) by %s (user %d)", n, reason, a.Name, a.UserID),
	}, nil
}
