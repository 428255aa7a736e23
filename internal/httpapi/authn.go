package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/clientip"
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

// authed requires a valid access token of a session that has not ended,
// of a user who is still active, and puts that user, as read now, in the
// context as the actor. Checking the session and re-reading the user (one
// query: two primary-key lookups joined) is what makes a logout, a password
// reset, a suspension or a role change take effect on the very next request
// rather than when the token expires.
func (s *server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" && bearer(r) == "" {
			s.security(r, domain.SecurityTokenRefused, "", "malformed Authorization header on "+r.Method+" "+r.URL.Path)
			s.error(w, r, &domain.Error{Code: auth.CodeTokenInvalid, Message: "the Authorization header must be \"Bearer <token>\""})
			return
		}
		u, _, err := s.Tokens.Authenticate(r.Context(), s.Sessions, bearer(r))
		if domain.ErrorCode(err) == auth.CodeTokenInvalid {
			s.security(r, domain.SecurityTokenRefused, "", "access token refused on "+r.Method+" "+r.URL.Path+": "+domain.ErrorMessage(err))
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		if ri := infoFrom(r.Context()); ri != nil {
			ri.userID = u.ID
		}
		ctx := domain.WithClientAddr(domain.WithActor(r.Context(), u.Actor()), clientip.Addr(r))
		s.touch(ctx, u)
		s.withIdempotency(next).ServeHTTP(w, r.WithContext(ctx))
	})
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
