package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
)

// session is what login and refresh return.
type session struct {
	Token        string       `json:"token"`
	ExpiresAt    time.Time    `json:"expiresAt"`
	RefreshToken string       `json:"refreshToken"`
	User         *domain.User `json:"user"`
}

func (s *server) newSession(u *domain.User) (*session, error) {
	token, exp, err := s.Tokens.Issue(u)
	if err != nil {
		return nil, err
	}
	refresh, _, err := s.Tokens.IssueRefresh(u)
	if err != nil {
		return nil, err
	}
	return &session{Token: token, ExpiresAt: exp, RefreshToken: refresh, User: u}, nil
}

// handleLogin exchanges an email and password for a session. Failed
// attempts are limited per client address (against one address trying many
// accounts) and per account (against many addresses trying one account).
// Only failures count, so people who type their password right are never
// held back, however many of them share an address (a NAT, a proxy, a test
// harness); an address or account over its limit is refused before the
// password is even checked.
func (s *server) handleLogin() http.Handler {
	type request struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientIP(r)
		if ok, wait := s.perIP.Check(ip); !ok {
			s.rateLimited(w, r, wait)
			return
		}
		var req request
		if err := s.decode(w, r, &req); err != nil {
			s.error(w, r, err)
			return
		}
		req.Email = strings.TrimSpace(req.Email)
		switch {
		case req.Email == "":
			s.error(w, r, domain.Invalid("email", "email is required"))
			return
		case req.Password == "":
			s.error(w, r, domain.Invalid("password", "password is required"))
			return
		}
		account := strings.ToLower(req.Email)
		if ok, wait := s.perAcct.Check(account); !ok {
			s.rateLimited(w, r, wait)
			return
		}
		u, err := s.Users.Authenticate(r.Context(), req.Email, req.Password)
		if err != nil {
			if domain.ErrorCode(err) == domain.CodeUnauthorized {
				s.perIP.Allow(ip)
				s.perAcct.Allow(account)
			}
			s.error(w, r, err)
			return
		}
		s.startSession(w, r, u)
	})
}

// handleRefresh exchanges a refresh token (body {"refreshToken"}) or a
// still-valid access token (Authorization: Bearer) for a new session. The
// user is read again, so a suspended user gets nothing and a changed role
// or name is in the new token.
func (s *server) handleRefresh() http.Handler {
	type request struct {
		RefreshToken string `json:"refreshToken"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := s.decodeOptional(w, r, &req); err != nil {
			s.error(w, r, err)
			return
		}
		var (
			claims *auth.Claims
			err    error
		)
		switch {
		case req.RefreshToken != "":
			claims, err = s.Tokens.VerifyRefresh(req.RefreshToken)
		case r.Header.Get("Authorization") != "":
			claims, err = s.Tokens.Verify(bearer(r))
		default:
			err = &domain.Error{Code: auth.CodeAuthRequired, Message: "send {\"refreshToken\"} or an Authorization: Bearer token"}
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		u, err := s.currentUser(r, claims)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.startSession(w, r, u)
	})
}

func (s *server) startSession(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if ri := infoFrom(r.Context()); ri != nil {
		ri.userID = u.ID
	}
	s.touch(domain.WithActor(r.Context(), u.Actor()), u)
	sess, err := s.newSession(u)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.respond(w, r, http.StatusOK, sess)
}

func (s *server) rateLimited(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	retryAfter(w, wait)
	s.error(w, r, &domain.Error{Code: domain.CodeRateLimited, Message: "too many login attempts; retry later"})
}

// handleMe returns the current user.
func (s *server) handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := domain.ActorFrom(r.Context())
		u, err := s.Users.FindUserByID(r.Context(), a.UserID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.respond(w, r, http.StatusOK, u)
	})
}
