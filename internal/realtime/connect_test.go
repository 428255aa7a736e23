package realtime

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
)

func TestTokenOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		auth      string
		token     string
		wantCode  string
		wantToken string
	}{
		{auth: `{}`, wantCode: CodeAuthRequired},
		{auth: `{"token":null}`, wantCode: CodeAuthRequired},
		{auth: `{"token":""}`, wantCode: CodeAuthRequired},
		{auth: `[]`, wantCode: CodeAuthRequired},
		{auth: `{"token":12345}`, wantCode: CodeTokenInvalid},
		{auth: `{"token":{"a":1}}`, wantCode: CodeTokenInvalid},
		{auth: `{"token":["x"]}`, wantCode: CodeTokenInvalid},
		{auth: `{"token":"abc","pid":"p","offset":"3-1"}`, wantToken: "abc"},
	}
	for _, tt := range tests {
		got, err := tokenOf(json.RawMessage(tt.auth))
		if code := domain.ErrorCode(err); err != nil && code != tt.wantCode || err == nil && tt.wantCode != "" {
			t.Errorf("tokenOf(%s) error = %v (code %q), want code %q", tt.auth, err, code, tt.wantCode)
		}
		if got != tt.wantToken {
			t.Errorf("tokenOf(%s) = %q, want %q", tt.auth, got, tt.wantToken)
		}
	}
}

// TestVerifyRefusesExpiredTokens checks that the socket layer refuses a
// token as soon as it expires, although the verifier's leeway would still
// accept it: the expiry timer would disconnect such a socket at once.
func TestVerifyRefusesExpiredTokens(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	issuer := auth.NewTokens([]byte("0123456789abcdef0123456789abcdef"), 5*time.Second, func() time.Time { return t0 })
	token, exp, err := issuer.Issue(&domain.User{ID: 7, Name: "Ann", Role: domain.RoleAdmin, Status: domain.UserActive}, "s")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   time.Time
		want string // error code, "" = accepted
	}{
		{t0, ""},
		{exp.Add(-time.Millisecond), ""},
		{exp, CodeTokenExpired},
		{exp.Add(10 * time.Second), CodeTokenExpired}, // within the verifier's leeway
		{exp.Add(time.Hour), CodeTokenExpired},
	}
	for _, tt := range tests {
		now := func() time.Time { return tt.at }
		h := &Hub{
			deps: Deps{Tokens: auth.NewTokens([]byte("0123456789abcdef0123456789abcdef"), 5*time.Second, now)},
			opts: Options{Now: now},
		}
		claims, err := h.verify(token)
		if got := domain.ErrorCode(err); err != nil && got != tt.want || err == nil && tt.want != "" {
			t.Errorf("verify at exp%+v: error %v (code %q), want code %q", tt.at.Sub(exp), err, got, tt.want)
		}
		if err == nil && claims.UserID != 7 {
			t.Errorf("verify at exp%+v: user %d, want 7", tt.at.Sub(exp), claims.UserID)
		}
	}
}
