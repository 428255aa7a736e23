package push

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckEndpoint: https to public addresses only, unless the host is
// allowed; names are resolved (localhost is loopback).
func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	g := NewGuard([]string{"127.0.0.1", "Relay.Internal:8443"})
	ctx := context.Background()
	for _, tt := range []struct {
		endpoint string
		ok       bool
	}{
		{"https://8.8.8.8/push/x", true},
		{"https://[2001:4860:4860::8888]/push/x", true},
		{"http://127.0.0.1:9999/push/x", true}, // allowed: http and loopback
		{"https://relay.internal/push", true},  // allowed by name (never resolved)
		{"http://8.8.8.8/push/x", false},       // plain http
		{"ftp://8.8.8.8/x", false},
		{"https://10.0.0.1/x", false},
		{"https://172.16.5.4/x", false},
		{"https://192.168.1.1/x", false},
		{"https://127.0.0.2/x", false},
		{"https://[::1]/x", false},
		{"https://[::ffff:127.0.0.1]/x", false},
		{"https://[fe80::1]/x", false},
		{"https://[fd00::1]/x", false},
		{"https://169.254.169.254/latest/meta-data", false},
		{"https://100.64.0.1/x", false},
		{"https://0.0.0.0/x", false},
		{"https://224.0.0.1/x", false},
		{"https://localhost/x", false}, // a name that resolves to loopback
		{"https://user:pw@8.8.8.8/x", false},
		{"https:///x", false},
	} {
		err := g.CheckEndpoint(ctx, tt.endpoint)
		if (err == nil) != tt.ok {
			t.Errorf("CheckEndpoint(%s) = %v, want ok %v", tt.endpoint, err, tt.ok)
		}
	}
}

// TestClientRefusesInternalAtConnect: the dialer checks the address it is
// about to connect to, whatever the name resolved to when the endpoint was
// stored (DNS rebinding), and follows no redirect; an allowed host
// connects.
func TestClientRefusesInternalAtConnect(t *testing.T) {
	t.Parallel()
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Redirect(w, r, "http://10.0.0.1/steal", http.StatusFound)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	closed := NewGuard(nil).Client(0)
	for _, u := range []string{srv.URL, "http://localhost" + port} {
		resp, err := closed.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s connected through a guard that allows nothing", u)
		}
		if !strings.Contains(err.Error(), "refused to connect") {
			t.Errorf("GET %s: %v, want a refusal by the guard", u, err)
		}
	}
	if hits != 0 {
		t.Fatalf("the internal server was reached %d times", hits)
	}
	open := NewGuard([]string{"127.0.0.1"}).Client(0)
	resp, err := open.Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed host: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || hits != 1 {
		t.Fatalf("allowed host answered %d after %d hits; want the redirect itself, not followed", resp.StatusCode, hits)
	}
}
