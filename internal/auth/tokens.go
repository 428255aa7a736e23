// Package auth issues and verifies Livedesk's access and refresh tokens
// (HS256 JWTs), rate-limits logins and provides the signing secret. The REST
// API and the real-time layer share it, so a token is refused for the same
// reason, with the same error code, whichever door it knocks on.
package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/livedesk/livedesk/internal/domain"
)

// Error codes of refused tokens. They travel verbatim in REST errors and in
// Socket.IO connect_error data, and clients switch on them.
const (
	CodeAuthRequired = "AUTH_REQUIRED" // no token at all
	CodeTokenExpired = "TOKEN_EXPIRED" // a genuine token past its expiry: refresh and retry
	CodeTokenInvalid = "TOKEN_INVALID" // malformed, forged, signed with another key or algorithm
)

const (
	issuer          = "livedesk"
	accessAudience  = "livedesk"
	refreshAudience = "livedesk-refresh"
	// leeway tolerates small clock differences between instances.
	leeway = 30 * time.Second
	// DefaultRefreshTTL is how long a refresh token stays usable.
	DefaultRefreshTTL = 7 * 24 * time.Hour
)

// Claims are what a verified token says about its bearer.
type Claims struct {
	UserID    int64
	Role      domain.Role
	Name      string
	ID        string // jti
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Actor returns the bearer as the actor of service calls.
func (c *Claims) Actor() *domain.Actor {
	return &domain.Actor{UserID: c.UserID, Name: c.Name, Role: c.Role}
}

// jwtClaims is the wire form of Claims.
type jwtClaims struct {
	Role domain.Role `json:"role"`
	Name string      `json:"name"`
	jwt.RegisteredClaims
}

// Tokens issues and verifies tokens signed with one secret. It is safe for
// concurrent use.
type Tokens struct {
	secret     []byte
	ttl        time.Duration
	refreshTTL time.Duration
	now        func() time.Time
}

// NewTokens returns a token issuer whose access tokens live ttl. now is the
// clock (time.Now when nil); tests pass their own.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) *Tokens {
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: secret, ttl: ttl, refreshTTL: DefaultRefreshTTL, now: now}
}

// WithRefreshTTL returns a copy of t whose refresh tokens live d.
func (t *Tokens) WithRefreshTTL(d time.Duration) *Tokens {
	c := *t
	c.refreshTTL = d
	return &c
}

// TTL returns the lifetime of access tokens.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue returns a signed access token for u and its expiry.
func (t *Tokens) Issue(u *domain.User) (string, time.Time, error) {
	return t.issue(u, accessAudience, t.ttl)
}

// IssueRefresh returns a signed refresh token for u and its expiry. A
// refresh token is refused where an access token is expected, and the other
// way round.
func (t *Tokens) IssueRefresh(u *domain.User) (string, time.Time, error) {
	return t.issue(u, refreshAudience, t.refreshTTL)
}

func (t *Tokens) issue(u *domain.User, audience string, ttl time.Duration) (string, time.Time, error) {
	if u == nil || u.ID <= 0 {
		return "", time.Time{}, errors.New("failed to issue token: no user")
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("failed to issue token: %w", err)
	}
	now := t.now().UTC().Truncate(time.Second)
	exp := now.Add(ttl)
	c := jwtClaims{
		Role: u.Role,
		Name: u.Name,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   strconv.FormatInt(u.ID, 10),
			Audience:  jwt.ClaimStrings{audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        hex.EncodeToString(id[:]),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("failed to sign token: %w", err)
	}
	return s, exp, nil
}

// Verify checks an access token and returns its claims. Errors are
// *domain.Error with code CodeAuthRequired (empty token), CodeTokenExpired
// or CodeTokenInvalid.
func (t *Tokens) Verify(token string) (*Claims, error) {
	return t.verify(token, accessAudience)
}

// VerifyRefresh checks a refresh token, with the same errors as Verify.
func (t *Tokens) VerifyRefresh(token string) (*Claims, error) {
	return t.verify(token, refreshAudience)
}

func (t *Tokens) verify(token, audience string) (*Claims, error) {
	if token == "" {
		return nil, &domain.Error{Code: CodeAuthRequired, Message: "authentication required"}
	}
	p := jwt.NewParser(
		// Only HS256: this refuses "none", RS256-with-our-secret-as-public-key
		// confusion and anything else a forger might try.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(t.now),
	)
	var c jwtClaims
	_, err := p.ParseWithClaims(token, &c, func(tok *jwt.Token) (any, error) {
		if _, ok := tok.Method.(*jwt.SigningMethodHMAC); !ok || tok.Method.Alg() != jwt.SigningMethodHS256.Alg() {
			return nil, fmt.Errorf("unexpected signing method %v", tok.Header["alg"])
		}
		return t.secret, nil
	})
	if err != nil {
		return nil, classify(err)
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 || !c.Role.Valid() {
		return nil, invalid()
	}
	out := &Claims{UserID: id, Role: c.Role, Name: c.Name, ID: c.ID}
	if c.IssuedAt != nil {
		out.IssuedAt = c.IssuedAt.UTC()
	}
	if c.ExpiresAt != nil {
		out.ExpiresAt = c.ExpiresAt.UTC()
	}
	return out, nil
}

// classify turns a parser error into a domain error. The signature is
// checked before any claim, so "expired" is only ever said of a token we
// signed ourselves; any other claim problem makes the token invalid even if
// it is also expired.
func classify(err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed),
		errors.Is(err, jwt.ErrTokenSignatureInvalid),
		errors.Is(err, jwt.ErrTokenUnverifiable),
		errors.Is(err, jwt.ErrTokenInvalidAudience),
		errors.Is(err, jwt.ErrTokenInvalidIssuer),
		errors.Is(err, jwt.ErrTokenUsedBeforeIssued),
		errors.Is(err, jwt.ErrTokenNotValidYet),
		errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return invalid()
	case errors.Is(err, jwt.ErrTokenExpired):
		return &domain.Error{Code: CodeTokenExpired, Message: "token expired; refresh it or log in again"}
	}
	return invalid()
}

func invalid() error {
	return &domain.Error{Code: CodeTokenInvalid, Message: "invalid token"}
}
