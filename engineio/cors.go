package engineio

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORS configures the Cross-Origin Resource Sharing answers of the polling
// transport. The zero value sends no CORS headers, so browsers only allow
// same-origin pages.
type CORS struct {
	// AllowedOrigins lists the origins (scheme://host[:port]) allowed to
	// connect; "*" allows any origin.
	AllowedOrigins []string
	// AllowCredentials allows cookies and HTTP authentication. With "*" the
	// request's origin is echoed back, since browsers refuse a literal "*"
	// together with credentials.
	AllowCredentials bool
	// AllowedHeaders lists the request headers a preflight allows; empty
	// echoes Access-Control-Request-Headers.
	AllowedHeaders []string
	// ExposedHeaders lists the response headers scripts may read.
	ExposedHeaders []string
	// MaxAge lets browsers cache a preflight answer; zero omits the header.
	MaxAge time.Duration
}

func (c *CORS) enabled() bool { return len(c.AllowedOrigins) > 0 }

func (c *CORS) anyOrigin() bool { return slices.Contains(c.AllowedOrigins, "*") }

// allows reports whether origin is in the allow-list.
func (c *CORS) allows(origin string) bool {
	if origin == "" {
		return false
	}
	if c.anyOrigin() {
		return true
	}
	for _, o := range c.AllowedOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// apply writes the CORS headers for r and reports whether r was a preflight
// request, which it has answered completely.
func (c *CORS) apply(w http.ResponseWriter, r *http.Request) (preflight bool) {
	if !c.enabled() {
		return false
	}
	h := w.Header()
	origin := r.Header.Get("Origin")
	switch {
	case c.anyOrigin() && !c.AllowCredentials:
		h.Set("Access-Control-Allow-Origin", "*")
	case c.allows(origin):
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	default:
		// Not allowed: answer without CORS headers and let the browser
		// block the response.
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		return false
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposedHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposedHeaders, ","))
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h.Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
	if len(c.AllowedHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowedHeaders, ","))
	} else if reqH := r.Header.Get("Access-Control-Request-Headers"); reqH != "" {
		h.Set("Access-Control-Allow-Headers", reqH)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	if c.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(int(c.MaxAge/time.Second)))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// sameOrigin is the default WebSocket origin check: a request without Origin
// (not from a browser) or whose Origin host equals the Host header passes,
// and so does any origin the CORS allow-list accepts. It protects against
// cross-site WebSocket hijacking, which CORS alone does not cover because
// browsers do not apply CORS to WebSocket handshakes.
func (c *CORS) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if c.allows(origin) {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// SameOrigin is the default WebSocket origin check (see sameOrigin), for
// an application's CheckOrigin that wraps it (to record refusals, say).
func (c *CORS) SameOrigin(r *http.Request) bool { return c.sameOrigin(r) }

// validHeaderValue reports whether v has no control characters, the check
// the reference applies to Origin before trusting it.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
