package domain

import (
	"context"
	"time"
)

// SecurityEvent is a security-relevant happening kept for monitoring:
// failed and refused logins, refused tokens, a reused refresh token,
// account changes. It never holds a password, a token or a full query
// string; Address is the trusted client address (clientip).
//
// Seq is the event-log seq of the security.event entry appended with it
// (0 for the few rows recorded before the events joined the log); it is
// the cursor of GET /api/security/events and of security:event.
type SecurityEvent struct {
	ID        int64     `json:"-"`
	Seq       int64     `json:"seq,omitempty"` // always set on security:event and in the list; absent in log payloads (the entry's seq)
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Address   string    `json:"address"`
	UserID    int64     `json:"userId,omitempty"`
	Email     string    `json:"email,omitempty"`
	SessionID string    `json:"-"`
	Detail    string    `json:"detail"`
}

// Kinds of security events.
const (
	SecurityLoginFailed       = "login_failed"       // wrong email or password, or an account that may not log in
	SecurityLoginRateLimited  = "login_rate_limited" // a login refused by the login limits (429)
	SecurityTokenRefused      = "token_refused"      // a forged, malformed or unusable token (REST or socket)
	SecurityRefreshReused     = "refresh_reuse"      // a spent refresh token came back; its session was ended
	SecurityOriginRefused     = "origin_refused"     // a WebSocket from an origin that is not allowed
	SecurityConnectionRefused = "connection_refused" // a socket refused by the per-address connection limits
	SecurityPasswordChanged   = "password_changed"
	SecurityRoleChanged       = "role_changed"
	SecurityStatusChanged     = "status_changed"
	SecurityUserCreated       = "user_created"
	SecuritySessionsRevoked   = "sessions_revoked" // an account change ended the user's sessions
)

// SecurityKinds lists every kind, for validation and documentation.
var SecurityKinds = []string{
	SecurityLoginFailed, SecurityLoginRateLimited, SecurityTokenRefused, SecurityRefreshReused,
	SecurityOriginRefused, SecurityConnectionRefused, SecurityPasswordChanged, SecurityRoleChanged,
	SecurityStatusChanged, SecurityUserCreated, SecuritySessionsRevoked,
}

// Actions and entity of the event-log entries of security events (admins
// only: VendorID 0).
const (
	ActionSecurityEvent = "security.event"
	EntitySecurity      = "security"
)

// SecurityQuery selects security events: Seq > After, of Kind when set,
// oldest first, at most Limit (1..1000, default 100).
type SecurityQuery struct {
	After int64
	Kind  string
	Limit int
}

// SecurityService records and lists security events.
type SecurityService interface {
	// RecordSecurityEvent records a happening seen by a transport (a
	// failed login, a refused token or socket). It needs no actor. Noisy
	// kinds are rate-bound: see the service's securityThrottle.
	RecordSecurityEvent(ctx context.Context, e *SecurityEvent) error
	// SecurityEvents lists recorded events (admins only).
	SecurityEvents(ctx context.Context, q SecurityQuery) ([]*SecurityEvent, error)
}

type clientAddrKey struct{}

// WithClientAddr returns a context carrying the trusted client address of
// the request, which security events of account changes record.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddrFrom returns the context's client address, or "".
func ClientAddrFrom(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}
