package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/domain"
)

// session is what login and refresh return. RefreshToken is absent when
// the refresh token travels in the cookie (the dashboard).
type session struct {
	Token        string       `json:"token"`
	ExpiresAt    time.Time    `json:"expiresAt"`
	RefreshToken string       `json:"refreshToken,omitempty"`
	SessionID    string       `json:"sessionId"`
	User         *domain.User `json:"user"`
}

// The dashboard's refresh token lives in an HttpOnly cookie that only the
// refresh route ever receives, so no page script (nor an injected one) can
// read it. A client asks for it with the header sessionHeader: cookie, on
// login and on every refresh; apps that are not browsers leave the header
// out and keep the refresh token in the body.
const (
	refreshCookie     = "livedesk_refresh"
	refreshCookiePath = "/api/auth/refresh"
	sessionHeader     = "X-Livedesk-Session"
	sessionCookieMode = "cookie"
)

// cookieMode reports whether the client keeps its refresh token in the
// cookie.
func cookieMode(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get(sessionHeader), sessionCookieMode)
}

// checkCookieOrigin is the CSRF defence of the cookie path, on top of the
// cookie's SameSite=Strict: the request must carry the custom header (which
// a cross-origin page cannot send without a CORS preflight this API never
// grants for it) and come from a page of this very origin, by its Origin
// header (which browsers send on every POST) and, when the browser sends
// it, Sec-Fetch-Site.
func checkCookieOrigin(r *http.Request) error {
	forbidden := &domain.Error{Code: domain.CodeForbidden, Message: "the session cookie may only be used by pages of this site"}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return forbidden
	}
	u, err := url.Parse(r.Header.Get("Origin"))
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return forbidden
	}
	return nil
}

// secureRequest reports whether the page talking to us was served over
// HTTPS: a TLS connection to us, or a browser whose Origin says https (a
// TLS-terminating proxy in front of us). The cookie is then marked Secure.
func secureRequest(r *http.Request) bool {
	// clientip.HTTPS: TLS to us, or X-Forwarded-Proto: https from a proxy
	// in --trusted-proxies.
	return clientip.HTTPS(r) || strings.HasPrefix(strings.ToLower(r.Header.Get("Origin")), "https://")
}

func (s *server) setRefreshCookie(w http.ResponseWriter, r *http.Request, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: refreshCookie, Value: token, Path: refreshCookiePath,
		MaxAge: int(maxAge / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureRequest(r),
	})
}

func (s *server) clearRefreshCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: refreshCookie, Value: "", Path: refreshCookiePath,
		MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureRequest(r),
	})
}

func sessionMeta(r *http.Request) domain.SessionMeta {
	return domain.SessionMeta{Address: clientip.Addr(r), UserAgent: r.UserAgent()}
}

// handleLogin exchanges an email and password for a session. It takes
// only application/json, which a hostile page cannot make a browser send
// cross-origin without a CORS preflight. Failed attempts are limited by
// loginGuard: per client address and per (account, address) pair refused,
// per account only slowed down, so that nobody elsewhere can lock the
// account's owner out. Only failures count, so people who type their
// password right are never held back, however many of them share an
// address (a NAT, a proxy, a test harness).
func (s *server) handleLogin() http.Handler {
	type request struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireJSON(r); err != nil {
			s.error(w, r, err)
			return
		}
		if cookieMode(r) {
			if err := checkCookieOrigin(r); err != nil {
				s.error(w, r, err)
				return
			}
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
		at, wait, err := s.logins.admit(r.Context(), strings.ToLower(req.Email), clientip.Addr(r))
		if err != nil {
			if domain.ErrorCode(err) == domain.CodeRateLimited {
				s.security(r, domain.SecurityLoginRateLimited, req.Email, "login refused by the login limits: "+domain.ErrorMessage(err))
			}
			if wait > 0 {
				retryAfter(w, wait)
			}
			s.error(w, r, err)
			return
		}
		u, err := s.Users.Authenticate(r.Context(), req.Email, req.Password)
		at.done(domain.ErrorCode(err) == domain.CodeUnauthorized)
		if domain.ErrorCode(err) == domain.CodeUnauthorized {
			s.security(r, domain.SecurityLoginFailed, req.Email, "login refused: "+domain.ErrorMessage(err))
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		g, err := s.Sessions.StartSession(r.Context(), u.ID, sessionMeta(r))
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.grant(w, r, g)
	})
}

// handleRefresh spends a refresh token for a new access token and a new
// refresh token of the same session. Only a refresh token is accepted
// (body {"refreshToken"}, or the cookie with the session header); an
// access token is refused, so that a stolen access token cannot be turned
// into a long-lived session. A refresh token that was already spent ends
// its session: see domain.SessionService.RefreshSession.
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
		token := req.RefreshToken
		if token == "" && cookieMode(r) {
			if err := checkCookieOrigin(r); err != nil {
				s.error(w, r, err)
				return
			}
			if c, err := r.Cookie(refreshCookie); err == nil {
				token = c.Value
			}
		}
		if token == "" {
			msg := `send {"refreshToken"} (or, from the dashboard, the session cookie with ` + sessionHeader + `: cookie)`
			if r.Header.Get("Authorization") != "" {
				s.error(w, r, &domain.Error{Code: auth.CodeTokenInvalid, Message: "an access token cannot be refreshed; " + msg})
				return
			}
			s.error(w, r, &domain.Error{Code: auth.CodeAuthRequired, Message: msg})
			return
		}
		claims, err := s.Tokens.VerifyRefresh(token)
		if err != nil {
			s.refused(w, r, err)
			return
		}
		g, err := s.Sessions.RefreshSession(r.Context(), claims.SessionID, claims.ID, sessionMeta(r))
		if err != nil {
			if errors.Is(err, domain.ErrRefreshReused) {
				s.Logger.WarnContext(r.Context(), "security: a spent refresh token was presented; its session is ended",
					"user_id", claims.UserID, "session", shortID(claims.SessionID), "remote", clientip.Addr(r), "request_id", requestID(r.Context()))
				s.sessionEnded(claims.SessionID)
			}
			s.refused(w, r, err)
			return
		}
		s.grant(w, r, g)
	})
}

// refused answers a failed refresh; a dashboard whose cookie is no good
// loses it.
func (s *server) refused(w http.ResponseWriter, r *http.Request, err error) {
	if cookieMode(r) && statusOf(domain.ErrorCode(err)) == http.StatusUnauthorized {
		s.clearRefreshCookie(w, r)
	}
	s.error(w, r, err)
}

// handleLogout ends the session of the access token in the Authorization
// header (even one just expired), or of the refresh token in the body, and
// disconnects the session's sockets. Ending an ended session succeeds.
func (s *server) handleLogout() http.Handler {
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
			claims, err = s.Tokens.VerifyIgnoringExpiry(bearer(r))
		default:
			err = &domain.Error{Code: auth.CodeAuthRequired, Message: `send Authorization: Bearer <access token> or {"refreshToken"}`}
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		if ri := infoFrom(r.Context()); ri != nil {
			ri.userID = claims.UserID
		}
		if err := s.Sessions.EndSession(r.Context(), claims.SessionID, claims.UserID, domain.SessionLogout); err != nil {
			s.error(w, r, err)
			return
		}
		s.sessionEnded(claims.SessionID)
		s.clearRefreshCookie(w, r)
		s.respond(w, r, http.StatusOK, map[string]bool{"ok": true})
	})
}

// sessionEnded tells the real-time layer (of every instance) to disconnect
// the session's sockets.
func (s *server) sessionEnded(id string) {
	if s.OnSessionEnded != nil {
		s.OnSessionEnded(id)
	}
}

// grant issues the tokens of a started or refreshed session and answers
// with them, the refresh token in the cookie or in the body.
func (s *server) grant(w http.ResponseWriter, r *http.Request, g *domain.SessionGrant) {
	u := g.User
	if ri := infoFrom(r.Context()); ri != nil {
		ri.userID = u.ID
	}
	s.touch(domain.WithActor(r.Context(), u.Actor()), u)
	token, exp, err := s.Tokens.Issue(u, g.Session.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	refresh, refreshExp, err := s.Tokens.IssueRefresh(u, g.Session.ID, g.RefreshID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if g.Session.ExpiresAt.Before(refreshExp) {
		refreshExp = g.Session.ExpiresAt
	}
	out := &session{Token: token, ExpiresAt: exp, SessionID: g.Session.ID, User: u}
	if cookieMode(r) {
		s.setRefreshCookie(w, r, refresh, refreshExp.Sub(s.now()))
	} else {
		out.RefreshToken = refresh
	}
	// Tokens must not be kept by caches between us and the client.
	w.Header().Set("Cache-Control", "no-store")
	s.respond(w, r, http.StatusOK, out)
}

// shortID is enough of an identifier for a log line, and not enough to use.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
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
