package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// cookieReq is a dashboard request: the session header and the page's
// Origin; cookie, when set, is the refresh cookie the browser would send.
func cookieReq(method, path, body, origin, cookie string) *http.Request {
	r := httptest.NewRequest(method, "http://desk.example"+path, strings.NewReader(body))
	r.Host = "desk.example"
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(sessionHeader, sessionCookieMode)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: refreshCookie, Value: cookie})
	}
	return r
}

func refreshCookieOf(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == refreshCookie {
			return c
		}
	}
	return nil
}

// TestDashboardCookieFlow: the dashboard's refresh token lives in an
// HttpOnly, SameSite=Strict cookie scoped to the refresh route, never in a
// body; it is rotated by every refresh; only same-origin pages that send
// the session header may use it.
func TestDashboardCookieFlow(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		serve := func(r *http.Request) (*httptest.ResponseRecorder, *response) {
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, r)
			res := &response{status: rec.Code, raw: rec.Body.Bytes()}
			_ = json.Unmarshal(res.raw, &res.body)
			return rec, res
		}
		login := `{"email":"a@example.com","password":"password-vendorA"}`

		rec, res := serve(cookieReq("POST", "/api/auth/login", login, "http://desk.example", ""))
		if res.status != 200 || res.str("token") == "" || res.str("sessionId") == "" {
			t.Fatalf("cookie login = %d %s", res.status, res.raw)
		}
		if strings.Contains(string(res.raw), "refreshToken") {
			t.Errorf("the refresh token is in the body of a cookie login: %s", res.raw)
		}
		c := refreshCookieOf(t, rec)
		if c == nil || c.Value == "" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/auth/refresh" || c.Secure || c.MaxAge <= 0 {
			t.Fatalf("refresh cookie = %+v (Set-Cookie %q)", c, rec.Header().Values("Set-Cookie"))
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", rec.Header().Get("Cache-Control"))
		}
		// Served over HTTPS (a TLS-terminating proxy: the page's Origin says so), the cookie is Secure.
		rec, _ = serve(cookieReq("POST", "/api/auth/login", login, "https://desk.example", ""))
		if sc := refreshCookieOf(t, rec); sc == nil || !sc.Secure {
			t.Errorf("cookie of an HTTPS page = %+v, want Secure", sc)
		}

		// Refresh: new access token, rotated cookie, no token in the body.
		rec, res = serve(cookieReq("POST", "/api/auth/refresh", "", "http://desk.example", c.Value))
		c2 := refreshCookieOf(t, rec)
		if res.status != 200 || res.str("token") == "" || strings.Contains(string(res.raw), "refreshToken") || c2 == nil || c2.Value == c.Value {
			t.Fatalf("cookie refresh = %d %s, cookie %+v", res.status, res.raw, c2)
		}

		// CSRF: another origin, no origin, a cross-site fetch, or no session
		// header cannot use the cookie.
		for name, r := range map[string]*http.Request{
			"other origin": cookieReq("POST", "/api/auth/refresh", "", "https://evil.example", c2.Value),
			"no origin":    cookieReq("POST", "/api/auth/refresh", "", "", c2.Value),
			"cross-site": func() *http.Request {
				r := cookieReq("POST", "/api/auth/refresh", "", "http://desk.example", c2.Value)
				r.Header.Set("Sec-Fetch-Site", "cross-site")
				return r
			}(),
		} {
			if _, res := serve(r); res.status != 403 {
				t.Errorf("%s: %d %s, want 403", name, res.status, res.raw)
			}
		}
		noHeader := cookieReq("POST", "/api/auth/refresh", "", "http://desk.example", c2.Value)
		noHeader.Header.Del(sessionHeader)
		if _, res := serve(noHeader); res.status != 401 || res.str("error.code") != "AUTH_REQUIRED" {
			t.Errorf("cookie without the session header: %d %s, want 401 AUTH_REQUIRED", res.status, res.raw)
		}
		if _, res := serve(cookieReq("POST", "/api/auth/login", login, "https://evil.example", "")); res.status != 403 {
			t.Errorf("cookie login from another origin: %d, want 403", res.status)
		}

		// The spent cookie comes back (a copy): the session ends, the cookie is cleared.
		rec, res = serve(cookieReq("POST", "/api/auth/refresh", "", "http://desk.example", c.Value))
		if res.status != 401 || res.str("error.code") != "SESSION_REVOKED" {
			t.Fatalf("reused cookie = %d %s", res.status, res.raw)
		}
		if cl := refreshCookieOf(t, rec); cl == nil || cl.MaxAge >= 0 || cl.Path != "/api/auth/refresh" {
			t.Errorf("cookie not cleared after a refused refresh: %+v", cl)
		}
		if _, res := serve(cookieReq("POST", "/api/auth/refresh", "", "http://desk.example", c2.Value)); res.status != 401 {
			t.Errorf("the family's live cookie after a reuse: %d, want 401", res.status)
		}
		if !strings.Contains(a.logs.String(), "security: a spent refresh token was presented") {
			t.Error("the reuse was not logged as a security event")
		}

		// Logout clears the cookie.
		_, res = serve(cookieReq("POST", "/api/auth/login", login, "http://desk.example", ""))
		out := cookieReq("POST", "/api/auth/logout", "", "http://desk.example", "")
		out.Header.Set("Authorization", "Bearer "+res.str("token"))
		rec, res = serve(out)
		if cl := refreshCookieOf(t, rec); res.status != 200 || cl == nil || cl.MaxAge >= 0 {
			t.Errorf("logout = %d %s, cookie %+v", res.status, res.raw, cl)
		}
	})
}

// TestLogoutEveryRole: any user, admin or vendor, ends its own session and
// nothing else; a suspended user's logout succeeds (its session had ended
// with the suspension); tokens that are not ours end nothing.
func TestLogoutEveryRole(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a := newTestAPI(t, db, Options{})
		ctx := domain.WithActor(context.Background(), domain.SystemActor())
		for _, who := range []string{"admin", "vendorA", "vendorB"} {
			id, _ := strconv.ParseInt(a.vars[who], 10, 64)
			u, err := a.svc.Users.FindUserByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			a.tok[who+"-2"] = a.login(u) // a second device
			a.tok[who+"-out"] = a.login(u)
			if r := a.do(who+"-out", "POST", "/api/auth/logout", "", nil); r.status != 200 {
				t.Errorf("%s logs out: %d %s", who, r.status, r.raw)
			}
			if r := a.do(who+"-out", "GET", "/api/me", "", nil); r.status != 401 || r.str("error.code") != "SESSION_REVOKED" {
				t.Errorf("%s after logout: %d %s", who, r.status, r.raw)
			}
			for _, other := range []string{who, who + "-2"} {
				if r := a.do(other, "GET", "/api/me", "", nil); r.status != 200 {
					t.Errorf("%s's other session after its logout: %d %s", other, r.status, r.raw)
				}
			}
		}
		if r := a.do("suspended", "POST", "/api/auth/logout", "", nil); r.status != 200 {
			t.Errorf("suspended logs out: %d %s", r.status, r.raw)
		}
		for _, bad := range []string{"wrongKey", "algNone", "garbage"} {
			if r := a.do(bad, "POST", "/api/auth/logout", "", nil); r.status != 401 {
				t.Errorf("logout with %s: %d", bad, r.status)
			}
		}
		// The sweep's shared tokens still work: nothing above ended them.
		for _, who := range []string{"admin", "vendorA", "vendorB"} {
			if r := a.do(who, "GET", "/api/me", "", nil); r.status != 200 {
				t.Errorf("%s: %d", who, r.status)
			}
		}
	})
}
