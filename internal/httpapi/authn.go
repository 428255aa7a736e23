package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
)

// bearer returns the token of an `Authorization: Bearer` header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// authed requires a valid access token of a user who is still active and
// puts that user, as read now, in the context as the actor. Re-reading the
// user (one primary-key lookup) is what makes a suspension or a role change
// take effect on the very next request rather than when the token expires.
func (s *server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" && bearer(r) == "" {
			s.error(w, r, &domain.Error{Code: auth.CodeTokenInvalid, Message: "the Authorization header must be \"Bearer <token>\""})
			return
		}
		u, err := s.Tokens.Authenticate(r.Context(), s.Users, bearer(r))
		if err != nil {
			s.error(w, r, err)
			return
		}
		if ri := infoFrom(r.Context()); ri != nil {
			ri.userID = u.ID
		}
		ctx := domain.WithActor(r.Context(), u.Actor())
		s.touch(ctx, u)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// currentUser re-reads the token's user and refuses one that is gone or
// suspended.
func (s *server) currentUser(r *http.Request, c *auth.Claims) (*domain.User, error) {
	return auth.CurrentUser(r.Context(), s.Users, c)
}

// lastSeenEvery is how stale a user's last-seen time may get before a
// request refreshes it: often enough for "active 3 min ago", rarely enough
// that reads do not turn into writes.
const lastSeenEvery = time.Minute

// touch records that u is active, when its last-seen time is stale.
func (s *server) touch(ctx context.Context, u *domain.User) {
	if u.LastSeenAt != nil && s.now().Sub(*u.LastSeenAt) < lastSeenEvery {
		return
	}
	if err := s.Users.TouchLastSeen(ctx, u.ID); err != nil {
		// Cosmetic: a busy database must not fail the request.
		s.Logger.WarnContext(ctx, "failed to record last seen", "err", err, "user_id", u.ID)
	}
}

// adminOnly refuses vendors with 403. The services check too; this keeps
// the rule visible in routes.go and covers endpoints with no service.
func (s *server) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !domain.ActorFrom(r.Context()).IsAdmin() {
			s.error(w, r, &domain.Error{Code: domain.CodeForbidden, Message: "only admins may do this"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
