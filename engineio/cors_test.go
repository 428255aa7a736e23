package engineio

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCORS(t *testing.T) {
	t.Parallel()
	list := CORS{AllowedOrigins: []string{"https://app.example"}}
	tests := []struct {
		name        string
		cors        CORS
		method      string
		origin      string
		reqHeaders  string
		wantStatus  int
		wantOrigin  string
		wantCreds   string
		wantMethods bool
		wantHeaders string
		wantMaxAge  string
		wantVary    string
	}{
		{name: "disabled", cors: CORS{}, method: "GET", origin: "https://app.example", wantStatus: 200},
		{name: "any origin", cors: CORS{AllowedOrigins: []string{"*"}}, method: "GET", origin: "https://x.example", wantStatus: 200, wantOrigin: "*"},
		{name: "any origin with credentials echoes", cors: CORS{AllowedOrigins: []string{"*"}, AllowCredentials: true}, method: "GET", origin: "https://x.example", wantStatus: 200, wantOrigin: "https://x.example", wantCreds: "true", wantVary: "Origin"},
		{name: "listed origin", cors: list, method: "GET", origin: "https://app.example", wantStatus: 200, wantOrigin: "https://app.example", wantVary: "Origin"},
		{name: "unlisted origin", cors: list, method: "GET", origin: "https://evil.example", wantStatus: 200},
		{name: "preflight", cors: CORS{AllowedOrigins: []string{"*"}, MaxAge: time.Hour}, method: "OPTIONS", origin: "https://x.example", reqHeaders: "content-type", wantStatus: 204, wantOrigin: "*", wantMethods: true, wantHeaders: "content-type", wantMaxAge: "3600", wantVary: "Access-Control-Request-Headers"},
		{name: "preflight with fixed headers", cors: CORS{AllowedOrigins: []string{"https://app.example"}, AllowedHeaders: []string{"X-Token"}, AllowCredentials: true}, method: "OPTIONS", origin: "https://app.example", reqHeaders: "x-other", wantStatus: 204, wantOrigin: "https://app.example", wantCreds: "true", wantMethods: true, wantHeaders: "X-Token", wantVary: "Origin"},
		{name: "preflight from unlisted origin", cors: list, method: "OPTIONS", origin: "https://evil.example", wantStatus: 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(Options{CORS: tt.cors})
			t.Cleanup(func() { _ = srv.Close(t.Context()) })
			req := httptest.NewRequest(tt.method, "/engine.io/?EIO=4&transport=polling", nil)
			req.Header.Set("Origin", tt.origin)
			if tt.method == "OPTIONS" {
				req.Header.Set("Access-Control-Request-Method", "POST")
				if tt.reqHeaders != "" {
					req.Header.Set("Access-Control-Request-Headers", tt.reqHeaders)
				}
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			res := rec.Result()
			check := func(name, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			check("Allow-Origin", res.Header.Get("Access-Control-Allow-Origin"), tt.wantOrigin)
			check("Allow-Credentials", res.Header.Get("Access-Control-Allow-Credentials"), tt.wantCreds)
			check("Allow-Headers", res.Header.Get("Access-Control-Allow-Headers"), tt.wantHeaders)
			check("Max-Age", res.Header.Get("Access-Control-Max-Age"), tt.wantMaxAge)
			check("Vary", res.Header.Get("Vary"), tt.wantVary)
			if got := res.Header.Get("Access-Control-Allow-Methods") != ""; got != tt.wantMethods {
				t.Errorf("Allow-Methods present = %v, want %v", got, tt.wantMethods)
			}
		})
	}
}

// TestCORSOnErrors checks that error answers carry CORS headers too, so
// that a browser script can read the error code.
func TestCORSOnErrors(t *testing.T) {
	t.Parallel()
	srv := NewServer(Options{CORS: CORS{AllowedOrigins: []string{"*"}}})
	req := httptest.NewRequest("GET", "/engine.io/?EIO=3&transport=polling", nil)
	req.Header.Set("Origin", "https://x.example")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("got %d with Allow-Origin %q, want 400 with *", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
}

func TestValidHeaderValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"", true},
		{"https://a.example", true},
		{"https://a.example\tb", true},
		{"http://a\x01b", false},
		{"http://a\nb", false},
		{"http://a\x7fb", false},
	} {
		if got := validHeaderValue(tt.v); got != tt.want {
			t.Errorf("validHeaderValue(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
