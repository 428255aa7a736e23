package auth

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

type usersByID map[int64]*domain.User

func (m usersByID) FindUserByID(ctx context.Context, id int64) (*domain.User, error) {
	if a := domain.ActorFrom(ctx); a == nil || a.UserID != id {
		return nil, domain.Errorf(domain.CodeForbidden, "read as someone else")
	}
	u, ok := m[id]
	if !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "user not found")
	}
	return u, nil
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	tok := NewTokens(testSecret, time.Minute, nil)
	active := &domain.User{ID: 1, Name: "Ann", Role: domain.RoleAdmin, Status: domain.UserActive}
	suspended := &domain.User{ID: 2, Name: "Sam", Role: domain.RoleVendor, Status: domain.UserSuspended}
	gone := &domain.User{ID: 3, Name: "Gus", Role: domain.RoleVendor, Status: domain.UserActive}
	users := usersByID{1: active, 2: suspended}
	// The token says vendor; the stored user is an admin now.
	promoted, _, _ := tok.Issue(&domain.User{ID: 1, Name: "Ann", Role: domain.RoleVendor})
	sus, _, _ := tok.Issue(suspended)
	gn, _, _ := tok.Issue(gone)
	tests := []struct {
		name, token, code string
		role              domain.Role
	}{
		{"current role wins", promoted, "", domain.RoleAdmin},
		{"suspended", sus, domain.CodeUnauthorized, ""},
		{"deleted", gn, CodeTokenInvalid, ""},
		{"no token", "", CodeAuthRequired, ""},
		{"garbage", "x.y.z", CodeTokenInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := tok.Authenticate(context.Background(), users, tt.token)
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if tt.code == "" && u.Actor().Role != tt.role {
				t.Errorf("role = %s, want %s", u.Actor().Role, tt.role)
			}
		})
	}
}
