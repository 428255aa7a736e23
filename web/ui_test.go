package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandlerWithoutBuildExplains(t *testing.T) {
	if Built() {
		t.Skip("built with -tags ui; the embedded build is tested by the browser tests")
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/customers", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "make run") {
		t.Errorf("body does not say how to build the UI: %q", rec.Body.String())
	}
	if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY", got)
	}
}

// TestContentSecurityPolicyConnectsToOwnOriginOnly: the page may open
// connections (fetch, WebSocket) to its own origin only.
func TestContentSecurityPolicyConnectsToOwnOriginOnly(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	var connect string
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "connect-src ") {
			connect = d
		}
	}
	if connect != "connect-src 'self'" {
		t.Errorf("connect-src directive = %q (CSP %q), want \"connect-src 'self'\"", connect, csp)
	}
}

// TestServiceWorkerAndManifestHeaders: the service worker is revalidated on
// every load (a new build's worker is seen at once) and may control the
// whole origin; the manifest has its media type; fingerprinted assets stay
// immutable; an unknown page falls back to index.html (the offline shell's
// routes).
func TestServiceWorkerAndManifestHeaders(t *testing.T) {
	h := serveBuild(fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>x</title>")},
		"sw.js":                {Data: []byte("self.addEventListener('fetch', () => {})")},
		"manifest.webmanifest": {Data: []byte(`{"name":"Livedesk"}`)},
		"assets/index-abc.js":  {Data: []byte("console")},
	})
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	sw := get("/sw.js")
	if sw.Code != 200 || sw.Header().Get("Cache-Control") != "no-cache" || sw.Header().Get("Service-Worker-Allowed") != "/" ||
		!strings.HasPrefix(sw.Header().Get("Content-Type"), "text/javascript") {
		t.Errorf("sw.js: %d %v", sw.Code, sw.Header())
	}
	m := get("/manifest.webmanifest")
	if m.Code != 200 || m.Header().Get("Content-Type") != "application/manifest+json" || m.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("manifest: %d %v", m.Code, m.Header())
	}
	if a := get("/assets/index-abc.js"); a.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control = %q", a.Header().Get("Cache-Control"))
	}
	if p := get("/today"); p.Code != 200 || !strings.Contains(p.Body.String(), "<title>x</title>") || p.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("/today: %d %q %v", p.Code, p.Body.String(), p.Header())
	}
}
