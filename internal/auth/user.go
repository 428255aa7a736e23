package auth

import (
	"context"

	"github.com/livedesk/livedesk/internal/domain"
)

// UserReader reads a user; domain.UserService implements it.
type UserReader interface {
	FindUserByID(ctx context.Context, id int64) (*domain.User, error)
}

// Authenticate verifies an access token and returns its user as stored
// now, refusing a user who has since been suspended or deleted. Every door
// (REST requests, Socket.IO handshakes, auth:refresh) should use it rather
// than Verify alone, so that a suspension or a role change takes effect at
// once, whatever a still-valid token says. The returned user's Actor() is
// the actor of service calls.
func (t *Tokens) Authenticate(ctx context.Context, users UserReader, token string) (*domain.User, error) {
	c, err := t.Verify(token)
	if err != nil {
		return nil, err
	}
	return CurrentUser(ctx, users, c)
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
