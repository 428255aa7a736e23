package domain

import (
	"context"
	"time"
)

// CodeSessionRevoked refuses a token whose session has ended: logged out,
// revoked because its refresh token was used twice, or ended by an admin's
// change to the account (password, status, role). Log in again.
const CodeSessionRevoked = "SESSION_REVOKED"

// ErrRefreshReused is the refusal of a refresh token that was already
// spent; its session has just been ended. Transports compare with
// errors.Is to log the security event and disconnect the session's sockets.
var ErrRefreshReused = &Error{Code: CodeSessionRevoked, Message: "this refresh token was already used; the session has been ended for safety, log in again"}

// Why a session ended (Session.RevokedReason and security events).
const (
	SessionLogout        = "logout"               // the user logged out
	SessionRefreshReused = "refresh_token_reused" // a spent refresh token came back: stolen or replayed
	SessionPassword      = "password_changed"     // the account's password was set
	SessionSuspended     = "suspended"            // the account was suspended
	SessionReactivated   = "reactivated"          // the account was reactivated
	SessionRoleChanged   = "role_changed"         // the account's role changed
)

// Session is one login of a user (a "family" of refresh tokens): every
// refresh token and access token issued from one login carries its ID, and
// ending the session refuses them all.
type Session struct {
	ID            string     `json:"id"`
	UserID        int64      `json:"userId"`
	CreatedAt     time.Time  `json:"createdAt"`
	LastUsedAt    time.Time  `json:"lastUsedAt"`
	ExpiresAt     time.Time  `json:"expiresAt"`
	RevokedAt     *time.Time `json:"revokedAt,omitempty"`
	RevokedReason string     `json:"revokedReason,omitempty"`
	Address       string     `json:"address,omitempty"`
	UserAgent     string     `json:"userAgent,omitempty"`
}

// SessionMeta describes the client starting or refreshing a session; it
// is kept for the user's and the admins' information and for security
// events.
type SessionMeta struct {
	Address   string
	UserAgent string
}

// SessionGrant is a session with the identifier of its one valid refresh
// token, which the transport signs into the token it hands out.
type SessionGrant struct {
	Session   *Session
	User      *User
	RefreshID string
}

// SessionService starts, rotates, checks and ends login sessions. Starting
// and refreshing need no actor: the caller has just proved who it is with a
// password or a signed refresh token.
type SessionService interface {
	// StartSession opens a session for an active user.
	StartSession(ctx context.Context, userID int64, meta SessionMeta) (*SessionGrant, error)
	// RefreshSession spends the refresh token refreshID of session id and
	// returns the session with a new one. A refresh token that was already
	// spent ends the session (CodeSessionRevoked) and records a security
	// event: either a thief or the user holds a copy, and nobody can tell
	// which.
	RefreshSession(ctx context.Context, id, refreshID string, meta SessionMeta) (*SessionGrant, error)
	// CheckSession refuses (CodeSessionRevoked) a session that has ended or
	// does not belong to userID.
	CheckSession(ctx context.Context, id string, userID int64) error
	// SessionUser reads user userID (CodeNotFound when gone) and whether
	// its session id is live, in one read: the check of every
	// authenticated request. It needs no actor.
	SessionUser(ctx context.Context, id string, userID int64) (u *User, live bool, err error)
	// EndSession ends a session of userID (logout); ending an ended session
	// is not an error.
	EndSession(ctx context.Context, id string, userID int64, reason string) error
}
