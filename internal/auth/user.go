package auth

import (
	"context"

	"github.com/livedesk/livedesk/internal/domain"
)

// UserReader reads a user; domain.UserService implements it.
type UserReader interface {
	FindUserByID(ctx context.Context, id int64) (*domain.User, error)
}

// SessionChecker refuses a session that has ended; domain.SessionService
// implements it.
type SessionChecker interface {
	CheckSession(ctx context.Context, id string, userID int64) error
}

// SessionUsers reads a user and whether one of its sessions is live, in
// one read; domain.SessionService implements it.
type SessionUsers interface {
	SessionUser(ctx context.Context, id string, userID int64) (*domain.User, bool, error)
}

// Authenticate verifies an access token, checks that its session has not
// ended and returns its user as stored now, refusing a user who has since
// been suspended or deleted. Every door (REST requests, Socket.IO
// handshakes, auth:refresh) should use it rather than Verify alone, so that
// a logout, a suspension or a role change takes effect at once, whatever a
// still-valid token says. The returned user's Actor() is the actor of
// service calls.
func (t *Tokens) Authenticate(ctx context.Context, sessions SessionUsers, token string) (*domain.User, *Claims, error) {
	c, err := t.Verify(token)
	if err != nil {
		return nil, nil, err
	}
	u, live, err := sessions.SessionUser(ctx, c.SessionID, c.UserID)
	switch {
	case domain.ErrorCode(err) == domain.CodeNotFound:
		return nil, nil, &domain.Error{Code: CodeTokenInvalid, Message: "the token's user no longer exists"}
	case err != nil:
		return nil, nil, err
	// The user first: a suspended user hears that it is suspended rather
	// than that its session (ended by the suspension) is over.
	case u.Status != domain.UserActive:
		return nil, nil, &domain.Error{Code: domain.CodeUnauthorized, Message: "this account is suspended"}
	case !live:
		return nil, nil, &domain.Error{Code: CodeSessionRevoked, Message: "this session has ended; log in again"}
	}
	return u, c, nil
}

// CurrentUser reads the user a verified token names and refuses one that
// is gone (CodeTokenInvalid) or suspended (domain.CodeUnauthorized).
func CurrentUser(ctx context.Context, users UserReader, c *Claims) (*domain.User, error) {
	u, err := users.FindUserByID(domain.WithActor(ctx, c.Actor()), c.UserID)
	switch {
	case domain.ErrorCode(err) == domain.CodeNotFound:
		return nil, &domain.Error{Code: CodeTokenInvalid, Message: "the token's user no longer exists"}
	case err != nil:
		return nil, err
	case u.Status != domain.UserActive:
		return nil, &domain.Error{Code: domain.CodeUnauthorized, Message: "this account is suspended"}
	}
	return u, nil
}
