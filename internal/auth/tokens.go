// Package auth issues and verifies Livedesk's access and refresh tokens
// (HS256 JWTs with a key id, so that the signing key can be rotated),
// rate-limits logins and provides the signing keys. The REST
// API and the real-time layer share it, so a token is refused for the same
// reason, with the same error code, whichever door it knocks on.
package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
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
	// CodeSessionRevoked: the token's session has ended (logout, refresh
	// token reuse, an admin's change to the account). Log in again.
	CodeSessionRevoked = domain.CodeSessionRevoked
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
	SessionID string // sid: the login session the token belongs to
	ID        string // jti; of a refresh token, the id its session spends
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Actor returns the bearer as the actor of service calls.
func (c *Claims) Actor() *domain.Actor {
	return &domain.Actor{UserID: c.UserID, Name: c.Name, Role: c.Role}
}

// jwtClaims is the wire form of Claims.
type jwtClaims struct {
	Role      domain.Role `json:"role"`
	Name      string      `json:"name"`
	SessionID string      `json:"sid"`
	jwt.RegisteredClaims
}

// Tokens issues tokens signed with one key and verifies tokens signed with
// any of its keys, picked by the token's kid header. It is safe for
// concurrent use.
type Tokens struct {
	keys       *keyring
	ttl        time.Duration
	refreshTTL time.Duration
	now        func() time.Time
}

// NewTokens returns a token issuer with one key, secret, whose access
// tokens live ttl. now is the clock (time.Now when nil); tests pass their
// own.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) *Tokens {
	t, err := NewTokensWithKeys([]Key{{ID: KeyID(secret), Secret: secret}}, ttl, now)
	if err != nil {
		panic(err) // one key with a derived id cannot be refused
	}
	return t
}

// NewTokensWithKeys returns a token issuer that signs with keys[0] and
// verifies with any of keys.
func NewTokensWithKeys(keys []Key, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if now == nil {
		now = time.Now
	}
	kr, err := newKeyring(keys)
	if err != nil {
		return nil, err
	}
	return &Tokens{keys: kr, ttl: ttl, refreshTTL: DefaultRefreshTTL, now: now}, nil
}

// WithRefreshTTL returns a copy of t whose refresh tokens live d.
func (t *Tokens) WithRefreshTTL(d time.Duration) *Tokens {
	c := *t
	c.refreshTTL = d
	return &c
}

// TTL returns the lifetime of access tokens.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// RefreshTTL returns the lifetime of refresh tokens.
func (t *Tokens) RefreshTTL() time.Duration { return t.refreshTTL }

// Issue returns a signed access token for u in session sessionID, and its
// expiry.
func (t *Tokens) Issue(u *domain.User, sessionID string) (string, time.Time, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("failed to issue token: %w", err)
	}
	return t.issue(u, sessionID, hex.EncodeToString(id[:]), accessAudience, t.ttl)
}

// IssueRefresh returns a signed refresh token for u in session sessionID,
// and its expiry; refreshID is the id the session will spend it by. A
// refresh token is refused where an access token is expected, and the other
// way round.
func (t *Tokens) IssueRefresh(u *domain.User, sessionID, refreshID string) (string, time.Time, error) {
	if refreshID == "" {
		return "", time.Time{}, errors.New("failed to issue refresh token: no refresh id")
	}
	return t.issue(u, sessionID, refreshID, refreshAudience, t.refreshTTL)
}

func (t *Tokens) issue(u *domain.User, sessionID, jti, audience string, ttl time.Duration) (string, time.Time, error) {
	if u == nil || u.ID <= 0 {
		return "", time.Time{}, errors.New("failed to issue token: no user")
	}
	if sessionID == "" {
		return "", time.Time{}, errors.New("failed to issue token: no session")
	}
	now := t.now().UTC().Truncate(time.Second)
	exp := now.Add(ttl)
	c := jwtClaims{
		Role:      u.Role,
		Name:      u.Name,
		SessionID: sessionID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   strconv.FormatInt(u.ID, 10),
			Audience:  jwt.ClaimStrings{audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        jti,
		},
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = t.keys.signing.ID
	s, err := tok.SignedString(t.keys.signing.Secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("failed to sign token: %w", err)
	}
	return s, exp, nil
}

// Verify checks an access token and returns its claims. Errors are
// *domain.Error with code CodeAuthRequired (empty token), CodeTokenExpired
// or CodeTokenInvalid.
func (t *Tokens) Verify(token string) (*Claims, error) {
	return t.verify(token, accessAudience, false)
}

// VerifyRefresh checks a refresh token, with the same errors as Verify.
func (t *Tokens) VerifyRefresh(token string) (*Claims, error) {
	return t.verify(token, refreshAudience, false)
}

// VerifyIgnoringExpiry checks an access token as Verify does but accepts
// one past its expiry. Logout uses it: ending the session a genuine token
// names is harmless however old the token, and a user must be able to log
// out of a session whose access token has just expired.
func (t *Tokens) VerifyIgnoringExpiry(token string) (*Claims, error) {
	return t.verify(token, accessAudience, true)
}

func (t *Tokens) verify(token, audience string, anyAge bool) (*Claims, error) {
	if token == "" {
		return nil, &domain.Error{Code: CodeAuthRequired, Message: "authentication required"}
	}
	opts := []jwt.ParserOption{
		// Only HS256: this refuses "none", RS256-with-our-secret-as-public-key
		// confusion and anything else a forger might try.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(t.now),
	}
	if anyAge {
		// The signature is still checked; the claims are checked below,
		// all but the expiry.
		opts = []jwt.ParserOption{jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithoutClaimsValidation()}
	}
	var c jwtClaims
	if _, err := jwt.NewParser(opts...).ParseWithClaims(token, &c, t.keys.lookup); err != nil {
		return nil, classify(err)
	}
	if anyAge && (c.Issuer != issuer || !slices.Contains(c.Audience, audience) || c.ExpiresAt == nil) {
		return nil, invalid()
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 || !c.Role.Valid() || c.SessionID == "" {
		// A token without a session predates revocable sessions: log in again.
		return nil, invalid()
	}
	out := &Claims{UserID: id, Role: c.Role, Name: c.Name, SessionID: c.SessionID, ID: c.ID}
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
