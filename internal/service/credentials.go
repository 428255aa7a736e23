package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when an email is unknown, so that a login
// attempt takes about as long whether or not the account exists. It is a
// constant (a bcrypt hash at the default cost of a password nobody has) to
// spare every program start the cost of hashing.
const dummyHash = "$2a$10$YM2SwNzYifzNdD/iNRAU9OMU99Ykwxrdkm.fAA3ll8bLI1IqSvFzG"

func normalizeEmail(email string) (string, error) {
	if err := checkText("email", email, false); err != nil {
		return "", err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", domain.Invalid("email", "email is required")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", domain.Invalid("email", "email is not a valid address")
	}
	return email, nil
}

func validatePassword(pw string) error {
	if len(pw) < 8 {
		return domain.Invalid("password", "password must be at least 8 characters")
	}
	if len(pw) > 72 {
		return domain.Invalid("password", "password must be at most 72 bytes")
	}
	return nil
}

func (s *service) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.opts.PasswordCost)
	if err != nil {
		return "", fmt.Errorf("failed to hash password: %w", err)
	}
	return string(h), nil
}

// Authenticate checks credentials; it needs no actor.
func (s *service) Authenticate(ctx context.Context, email, password string) (*domain.User, error) {
	bad := domain.Errorf(domain.CodeUnauthorized, "invalid email or password")
	if checkText("email", email, false) != nil {
		// No such address can exist; PostgreSQL would refuse to compare a NUL.
		_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return nil, bad
	}
	email = strings.ToLower(strings.TrimSpace(email))
	var u *domain.User
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
		if errors.Is(err, sql.ErrNoRows) {
			u = nil
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to read user: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if u == nil {
		_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return nil, bad
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Status != domain.UserActive {
		return nil, bad
	}
	if u.Role == domain.RoleStaff {
		if err := s.read(ctx, func(tx *store.Tx) error { return fillStaffAreas(ctx, tx, u) }); err != nil {
			return nil, err
		}
	}
	return u, nil
}
