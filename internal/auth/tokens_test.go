package auth

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/livedesk/livedesk/internal/domain"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestIssueVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tok := NewTokens(testSecret, 15*time.Minute, fixedClock(now))
	u := &domain.User{ID: 42, Name: "Ada", Role: domain.RoleVendor}
	s, exp, err := tok.Issue(u)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(15 * time.Minute); !exp.Equal(want) {
		t.Errorf("exp = %v, want %v", exp, want)
	}
	c, err := tok.Verify(s)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.UserID != 42 || c.Role != domain.RoleVendor || c.Name != "Ada" || c.ID == "" || !c.ExpiresAt.Equal(exp) || !c.IssuedAt.Equal(now) {
		t.Errorf("claims = %+v", c)
	}
	a := c.Actor()
	if a.UserID != 42 || a.Role != domain.RoleVendor || a.Name != "Ada" {
		t.Errorf("actor = %+v", a)
	}
	s2, _, _ := tok.Issue(u)
	c2, _ := tok.Verify(s2)
	if c2.ID == c.ID {
		t.Error("two tokens share a jti")
	}
}

// forge signs arbitrary claims with an arbitrary method and key.
func forge(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tok := NewTokens(testSecret, 15*time.Minute, fixedClock(now))
	u := &domain.User{ID: 7, Name: "Bo", Role: domain.RoleAdmin}
	good, _, _ := tok.Issue(u)
	refresh, _, _ := tok.IssueRefresh(u)
	old, _, _ := NewTokens(testSecret, 15*time.Minute, fixedClock(now.Add(-time.Hour))).Issue(u)
	// Within the leeway: still accepted.
	justExpired, _, _ := NewTokens(testSecret, 15*time.Minute, fixedClock(now.Add(-15*time.Minute-10*time.Second))).Issue(u)
	otherKey, _, _ := NewTokens([]byte("another-secret-another-secret-xx"), 15*time.Minute, fixedClock(now)).Issue(u)
	oldOtherKey, _, _ := NewTokens([]byte("another-secret-another-secret-xx"), 15*time.Minute, fixedClock(now.Add(-time.Hour))).Issue(u)
	claims := func(mut func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "livedesk", "aud": "livedesk", "sub": "7", "role": "admin", "name": "Bo",
			"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": "x"}
		if mut != nil {
			mut(c)
		}
		return c
	}
	none := forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil))
	// "none" with a signature part left empty, hand-made.
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	body := strings.Split(good, ".")[1]
	noneHand := hdr + "." + body + "."
	noneUpper := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"NONE","typ":"JWT"}`)) + "." + body + "."
	hs512 := forge(t, jwt.SigningMethodHS512, testSecret, claims(nil))
	hs384 := forge(t, jwt.SigningMethodHS384, testSecret, claims(nil))
	tampered := func() string {
		parts := strings.Split(good, ".")
		parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"livedesk","aud":"livedesk","sub":"1","role":"admin","name":"Root","iat":` +
			itoa(now.Unix()) + `,"exp":` + itoa(now.Add(time.Hour).Unix()) + `}`))
		return strings.Join(parts, ".")
	}()

	tests := []struct {
		name  string
		token string
		code  string
	}{
		{"empty", "", CodeAuthRequired},
		{"garbage", "not-a-token", CodeTokenInvalid},
		{"three dots of garbage", "a.b.c", CodeTokenInvalid},
		{"expired", old, CodeTokenExpired},
		{"expired and forged", oldOtherKey, CodeTokenInvalid},
		{"wrong key", otherKey, CodeTokenInvalid},
		{"alg none (library)", none, CodeTokenInvalid},
		{"alg none (hand-made)", noneHand, CodeTokenInvalid},
		{"alg NONE", noneUpper, CodeTokenInvalid},
		{"HS512 with our key", hs512, CodeTokenInvalid},
		{"HS384 with our key", hs384, CodeTokenInvalid},
		{"tampered payload", tampered, CodeTokenInvalid},
		{"refresh token used as access token", refresh, CodeTokenInvalid},
		{"wrong issuer", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["iss"] = "evil" })), CodeTokenInvalid},
		{"wrong audience", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["aud"] = "other" })), CodeTokenInvalid},
		{"no expiry", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { delete(c, "exp") })), CodeTokenInvalid},
		{"issued in the future", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })), CodeTokenInvalid},
		{"bad subject", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["sub"] = "root" })), CodeTokenInvalid},
		{"bad role", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["role"] = "superuser" })), CodeTokenInvalid},
		{"expired and wrong audience", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) {
			c["aud"] = "other"
			c["exp"] = now.Add(-time.Hour).Unix()
		})), CodeTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tok.Verify(tt.token)
			if err == nil {
				t.Fatalf("Verify accepted the token: %+v", c)
			}
			if got := domain.ErrorCode(err); got != tt.code {
				t.Errorf("code = %s, want %s (%v)", got, tt.code, err)
			}
		})
	}
	if _, err := tok.Verify(justExpired); err != nil {
		t.Errorf("a token expired 10s ago (within leeway) was refused: %v", err)
	}
	if _, err := tok.Verify(good); err != nil {
		t.Errorf("good token refused: %v", err)
	}
	if _, err := tok.VerifyRefresh(good); domain.ErrorCode(err) != CodeTokenInvalid {
		t.Errorf("VerifyRefresh(access token) = %v, want %s", err, CodeTokenInvalid)
	}
	if c, err := tok.VerifyRefresh(refresh); err != nil || c.UserID != 7 {
		t.Errorf("VerifyRefresh(refresh token) = %+v, %v", c, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
