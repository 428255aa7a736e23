package auth

import (
	"encoding/base64"
	"encoding/json"
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
	s, exp, err := tok.Issue(u, "sess-1")
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
	if c.UserID != 42 || c.Role != domain.RoleVendor || c.Name != "Ada" || c.ID == "" || c.SessionID != "sess-1" || !c.ExpiresAt.Equal(exp) || !c.IssuedAt.Equal(now) {
		t.Errorf("claims = %+v", c)
	}
	a := c.Actor()
	if a.UserID != 42 || a.Role != domain.RoleVendor || a.Name != "Ada" {
		t.Errorf("actor = %+v", a)
	}
	s2, _, _ := tok.Issue(u, "sess-1")
	c2, _ := tok.Verify(s2)
	if c2.ID == c.ID {
		t.Error("two tokens share a jti")
	}
}

// forge signs arbitrary claims with an arbitrary method and key.
func forge(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = KeyID(testSecret) // our key's id: only the algorithm or the claims are wrong
	s, err := tok.SignedString(key)
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
	good, _, _ := tok.Issue(u, "s")
	refresh, _, _ := tok.IssueRefresh(u, "s", "r1")
	old, _, _ := NewTokens(testSecret, 15*time.Minute, fixedClock(now.Add(-time.Hour))).Issue(u, "s")
	// Within the leeway: still accepted.
	justExpired, _, _ := NewTokens(testSecret, 15*time.Minute, fixedClock(now.Add(-15*time.Minute-10*time.Second))).Issue(u, "s")
	otherKey, _, _ := NewTokens([]byte("another-secret-another-secret-xx"), 15*time.Minute, fixedClock(now)).Issue(u, "s")
	oldOtherKey, _, _ := NewTokens([]byte("another-secret-another-secret-xx"), 15*time.Minute, fixedClock(now.Add(-time.Hour))).Issue(u, "s")
	claims := func(mut func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "livedesk", "aud": "livedesk", "sub": "7", "role": "admin", "name": "Bo",
			"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": "x", "sid": "s"}
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
		{"no session", forge(t, jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { delete(c, "sid") })), CodeTokenInvalid},
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
	if _, err := tok.Verify(forge(t, jwt.SigningMethodHS256, testSecret, claims(nil))); err != nil {
		t.Errorf("the forge helper's well-formed token is refused, so the cases above prove nothing: %v", err)
	}
	if c, err := tok.VerifyRefresh(refresh); err != nil || c.UserID != 7 || c.SessionID != "s" || c.ID != "r1" {
		t.Errorf("VerifyRefresh(refresh token) = %+v, %v", c, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey := Key{ID: "2026-01", Secret: []byte("old-secret-old-secret-old-secret!!")}
	newKey := Key{ID: "2026-06", Secret: []byte("new-secret-new-secret-new-secret!!")}
	u := &domain.User{ID: 7, Name: "Bo", Role: domain.RoleAdmin}
	before, err := NewTokensWithKeys([]Key{oldKey}, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	during, err := NewTokensWithKeys([]Key{newKey, oldKey}, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	after, err := NewTokensWithKeys([]Key{newKey}, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	oldTok, _, _ := before.Issue(u, "s")
	newTok, _, _ := during.Issue(u, "s")
	if kid := headerKID(t, newTok); kid != "2026-06" {
		t.Errorf("kid of a new token = %q, want the first key's 2026-06", kid)
	}
	if _, err := during.Verify(oldTok); err != nil {
		t.Errorf("during the rotation a token of the old key is refused: %v", err)
	}
	if _, err := before.Verify(newTok); domain.ErrorCode(err) != CodeTokenInvalid {
		t.Errorf("an instance without the new key accepted its token: %v", err)
	}
	if _, err := after.Verify(oldTok); domain.ErrorCode(err) != CodeTokenInvalid {
		t.Errorf("after the old key is removed its token is still accepted: %v", err)
	}
	if _, err := after.Verify(newTok); err != nil {
		t.Errorf("new token refused after the rotation: %v", err)
	}
	// A token that names the new key but is signed with the old one.
	parts := strings.Split(oldTok, ".")
	parts[0] = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"2026-06","typ":"JWT"}`))
	if _, err := during.Verify(strings.Join(parts, ".")); domain.ErrorCode(err) != CodeTokenInvalid {
		t.Errorf("a token whose kid names another key verified: %v", err)
	}
}

func headerKID(t *testing.T, tok string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		KID string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.KID
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	secret := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		spec string
		ids  []string
		bad  bool
	}{
		{spec: secret, ids: []string{KeyID([]byte(secret))}},
		{spec: "k2:" + secret + "2, k1:" + secret + "1", ids: []string{"k2", "k1"}},
		{spec: "# rotated 2026-06\nk2:" + secret + "\n\nk1:" + secret + "\n", ids: []string{"k2", "k1"}},
		{spec: "short", bad: true},
		{spec: "k1:short", bad: true},
		{spec: "k1:" + secret + ",k1:" + secret + "x", bad: true},
		{spec: " , ", bad: true},
	}
	for _, tt := range tests {
		keys, err := ParseKeys(tt.spec)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseKeys(%q) accepted %v", tt.spec, keys)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseKeys(%q): %v", tt.spec, err)
			continue
		}
		var ids []string
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		if strings.Join(ids, " ") != strings.Join(tt.ids, " ") {
			t.Errorf("ParseKeys(%q) ids = %v, want %v", tt.spec, ids, tt.ids)
		}
	}
}

func TestVerifyIgnoringExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tok := NewTokens(testSecret, 15*time.Minute, fixedClock(now))
	u := &domain.User{ID: 7, Name: "Bo", Role: domain.RoleAdmin}
	old, _, _ := NewTokens(testSecret, 15*time.Minute, fixedClock(now.Add(-48*time.Hour))).Issue(u, "s")
	if c, err := tok.VerifyIgnoringExpiry(old); err != nil || c.SessionID != "s" {
		t.Errorf("VerifyIgnoringExpiry(expired genuine token) = %+v, %v", c, err)
	}
	forged, _, _ := NewTokens([]byte("another-secret-another-secret-xx"), 15*time.Minute, fixedClock(now)).Issue(u, "s")
	refresh, _, _ := tok.IssueRefresh(u, "s", "r")
	for name, bad := range map[string]string{"forged": forged, "refresh": refresh, "garbage": "a.b.c"} {
		if _, err := tok.VerifyIgnoringExpiry(bad); domain.ErrorCode(err) != CodeTokenInvalid {
			t.Errorf("VerifyIgnoringExpiry(%s) = %v, want %s", name, err, CodeTokenInvalid)
		}
	}
}
