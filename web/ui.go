// Package web serves the dashboard's production build (web/dist) embedded in
// the binary. The build is embedded only when the Go build has the `ui` tag
// (make build does this after `npm run build`), so a plain `go build` works on
// a fresh clone and serves a page that says how to build the UI.
package web

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Built reports whether this binary carries the dashboard.
func Built() bool {
	_, ok := distFS()
	return ok
}

// Handler serves the dashboard: static files from the build, index.html for
// every other path (client-side routing), and security headers on all of it.
func Handler() http.Handler {
	fsys, ok := distFS()
	if !ok {
		return secure(http.HandlerFunc(notBuilt))
	}
	return serveBuild(fsys)
}

// serveBuild serves one build of the dashboard (web/dist).
func serveBuild(fsys fs.FS) http.Handler {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return secure(http.HandlerFunc(notBuilt))
	}
	files := http.FileServerFS(fsys)
	return secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(fsys, name); err == nil && !st.IsDir() {
				switch {
				case strings.HasPrefix(name, "assets/"):
					// Vite fingerprints everything under assets/.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				case name == "sw.js":
					// The service worker (web/pwa/sw.js): the browser must
					// see a new build's worker at once, and it controls the
					// whole origin from the root.
					w.Header().Set("Cache-Control", "no-cache")
					w.Header().Set("Service-Worker-Allowed", "/")
				case name == "manifest.webmanifest":
					w.Header().Set("Content-Type", "application/manifest+json")
					w.Header().Set("Cache-Control", "no-cache")
				default:
					// Unfingerprinted files (the manifest's icons, other
					// worker scripts): browsers must revalidate them.
					w.Header().Set("Cache-Control", "no-cache")
				}
				files.ServeHTTP(w, r)
				return
			}
			if path.Ext(name) != "" {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
	}))
}

// secure adds the headers that keep the dashboard out of frames and limit
// what a script injection could reach: connect-src 'self' lets the page
// talk to its own origin only (its API and its socket, ws: and wss: of the
// same host included), so an injected script cannot send what it finds to
// another site with fetch or a WebSocket.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func notBuilt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(`<!doctype html><meta charset="utf-8"><title>Livedesk: UI not built</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The dashboard is not built into this binary</h1>
<p>The API is running. To build and serve the dashboard, run <code>make run</code>
(or <code>make build</code>, which runs <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>
and builds the server with <code>go build -tags ui</code>).</p>
<p>Health: <a href="/healthz">/healthz</a></p>
</body>`))
}
