package auth

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// liveSessions holds the sessions that have not ended, by id and user.
type liveSessions map[string]int64

func (m liveSessions) CheckSession(_ context.Context, id string, userID int64) error {
	if m[id] != userID {
		return &domain.Error{Code: domain.CodeSessionRevoked, Message: "ended"}
	}
	return nil
}

// sessionUsers joins the two, as the service's one query does.
type sessionUsers struct {
	users    usersByID
	sessions liveSessions
}

func (s sessionUsers) SessionUser(ctx context.Context, id string, userID int64) (*domain.User, bool, error) {
	u, ok := s.users[userID]
	if !ok {
		return nil, false, domain.Errorf(domain.CodeNotFound, "user not found")
	}
	return u, s.sessions.CheckSession(ctx, id, userID) == nil, nil
}

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
	sessions := liveSessions{"s1": 1, "s2": 2, "s3": 3}
	promoted, _, _ := tok.Issue(&domain.User{ID: 1, Name: "Ann", Role: domain.RoleVendor}, "s1")
	sus, _, _ := tok.Issue(suspended, "s2")
	gn, _, _ := tok.Issue(gone, "s3")
	ended, _, _ := tok.Issue(active, "s-ended")
	othersSession, _, _ := tok.Issue(active, "s2")
	tests := []struct {
		name, token, code string
		role              domain.Role
	}{
		{"current role wins", promoted, "", domain.RoleAdmin},
		{"suspended", sus, domain.CodeUnauthorized, ""},
		{"deleted", gn, CodeTokenInvalid, ""},
		{"session ended", ended, CodeSessionRevoked, ""},
		{"another user's session", othersSession, CodeSessionRevoked, ""},
		{"no token", "", CodeAuthRequired, ""},
		{"garbage", "x.y.z", CodeTokenInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, _, err := tok.Authenticate(context.Background(), sessionUsers{users, sessions}, tt.token)
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if tt.code == "" && u.Actor().Role != tt.role {
				t.Errorf("role = %s, want %s", u.Actor().Role, tt.role)
			}
		})
	}
}
