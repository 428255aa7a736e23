package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// httpFrom is an HTTP client whose connections come from the loopback
// address ip (127.0.0.2, 127.0.0.3...: every 127/8 address is local on
// Linux), so a test can play several clients on one machine.
func httpFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// loginFrom posts a login from ip and returns the status and the answer.
func loginFrom(t *testing.T, base, ip, email, password string) (int, map[string]any) {
	t.Helper()
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	req, _ := http.NewRequest("POST", base+"/api/auth/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpFrom(ip).Do(req)
	if err != nil {
		t.Fatalf("login from %s: %v", ip, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	return resp.StatusCode, m
}

// attackThenLogIn has an attacker on 127.0.0.2 guess the admin's password
// until it is refused, then checks that the attacker stays refused (its
// guessing is slow) while the admin, on 127.0.0.3, logs in with the right
// password.
func attackThenLogIn(t *testing.T, base string) {
	t.Helper()
	limited := 0
	for i := range 30 {
		got, m := loginFrom(t, base, "127.0.0.2", "boss@app.test", fmt.Sprintf("guess-%d", i))
		switch got {
		case 401:
		case 429:
			limited++
		default:
			t.Fatalf("guess %d = %d %v", i, got, m)
		}
	}
	if limited == 0 {
		t.Fatal("30 wrong passwords from one address were never refused")
	}
	if got, _ := loginFrom(t, base, "127.0.0.2", "boss@app.test", "boss-password"); got != 429 {
		t.Errorf("the attacker's address with the right password = %d, want still 429", got)
	}
	start := time.Now()
	got, m := loginFrom(t, base, "127.0.0.3", "boss@app.test", "boss-password")
	if got != 200 || m["token"] == nil {
		t.Fatalf("the owner from another address = %d %v, want 200 with a token", got, m)
	}
	t.Logf("the owner logged in from 127.0.0.3 in %v during the attack", time.Since(start).Round(time.Millisecond))
}

// TestLoginAttackElsewhereDoesNotLockOut: failures from 127.0.0.2 do not
// stop the right password from 127.0.0.3, connecting directly.
func TestLoginAttackElsewhereDoesNotLockOut(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	attackThenLogIn(t, a.base)
}

// TestLoginBruteForce guesses passwords from one address: the limiter
// answers 429 with Retry-After, and then even the right password from that
// address waits.
func TestLoginBruteForce(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	c := &client{t: t, base: a.base}
	limited := 0
	for i := range 30 {
		got, m := c.do("POST", "/api/auth/login", map[string]any{"email": "boss@app.test", "password": fmt.Sprintf("guess-%d", i)})
		switch got {
		case 401:
		case 429:
			limited++
		default:
			t.Fatalf("guess %d = %d %v", i, got, m)
		}
	}
	if limited == 0 {
		t.Fatal("30 wrong passwords were never rate limited")
	}
	if got, _ := c.do("POST", "/api/auth/login", map[string]any{"email": "boss@app.test", "password": "boss-password"}); got != 429 {
		t.Fatalf("right password from the guessing address = %d, want 429", got)
	}
}

// nginxConf renders deploy/nginx/livedesk.conf the way
// test/cluster/lib/nginx.mjs does: only the lines marked "# deploy:" change.
func nginxConf(t *testing.T, upstream string, port int) string {
	t.Helper()
	raw, err := os.ReadFile("../../deploy/nginx/livedesk.conf")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	placed := false
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.Contains(line, "# deploy: instances"):
			if !placed {
				out = append(out, fmt.Sprintf("    server %s max_fails=1 fail_timeout=10s;", upstream))
				placed = true
			}
		case strings.Contains(line, "# deploy: listen"):
			out = append(out, fmt.Sprintf("    listen 127.0.0.1:%d;", port))
		case strings.Contains(line, "# deploy: server_name"):
			out = append(out, "    server_name localhost;")
		default:
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// startNginx runs the shipped nginx config on a free port in front of
// base, and returns the proxy's URL.
func startNginx(t *testing.T, base string) string {
	t.Helper()
	if _, err := exec.LookPath("nginx"); err != nil {
		if os.Getenv("LIVEDESK_REQUIRE_SERVICES") == "1" {
			t.Fatal("nginx is not installed (apt-get install -y nginx)")
		}
		t.Skip("nginx is not installed: the shipped proxy config is NOT tested")
	}
	port := freeTCPPort(t)
	dir := t.TempDir()
	for _, d := range []string{"logs", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	// Workers run as an unprivileged user when nginx starts as root.
	_ = os.Chmod(dir, 0o755)
	_ = os.Chmod(filepath.Join(dir, "tmp"), 0o777)
	upstream := strings.TrimPrefix(base, "http://")
	if err := os.WriteFile(filepath.Join(dir, "livedesk.conf"), []byte(nginxConf(t, upstream, port)), 0o644); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log %[1]s/logs/access.log;
  client_body_temp_path %[1]s/tmp/body;
  proxy_temp_path %[1]s/tmp/proxy;
  fastcgi_temp_path %[1]s/tmp/fastcgi;
  uwsgi_temp_path %[1]s/tmp/uwsgi;
  scgi_temp_path %[1]s/tmp/scgi;
  include %[1]s/livedesk.conf;
}
`, dir)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;"}
	if out, err := exec.Command("nginx", append([]string{"-t", "-q"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	cmd := exec.Command("nginx", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx never answered /healthz\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLoginAttackThroughNginx: behind the shipped nginx config, with the
// proxy in --trusted-proxies, the instance tells the attacker on
// 127.0.0.2 from the owner on 127.0.0.3 (it would otherwise see every
// client as the proxy's 127.0.0.1, and 20 failures from anyone would lock
// everyone out). The proxy also refuses to publish /metrics.
func TestLoginAttackThroughNginx(t *testing.T) {
	t.Parallel()
	log := &lockedWriter{}
	a := startAppLog(t, log, "--trusted-proxies", "127.0.0.1/32")
	proxy := startNginx(t, a.base)
	attackThenLogIn(t, proxy)
	if got := log.String(); !strings.Contains(got, "security: login refused") || !strings.Contains(got, "remote=127.0.0.2") {
		t.Errorf("the security events do not name the attacker's address 127.0.0.2:\n%s", got)
	}
	resp, err := http.Get(proxy + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /metrics through nginx = %d, want 403 or 404", resp.StatusCode)
	}
}

// TestSlowBodyCutLongPollNot: with --read-timeout 2s, a request body that
// trickles in is cut off after about 2 s (408), while an Engine.IO
// long-poll waits its full 25 s ping interval and is answered normally.
func TestSlowBodyCutLongPollNot(t *testing.T) {
	t.Parallel()
	a := startApp(t, "--read-timeout", "2s", "--write-timeout", "30s")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The long-poll starts first: it takes 25 s.
	polled := make(chan error, 1)
	go func() { polled <- longPoll(ctx, a.base, a.vendor.token) }()

	conn, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	go func() { // one byte every 200 ms: 200 s for the whole body
		for range 1000 {
			time.Sleep(200 * time.Millisecond)
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("slow body: no answer after %v: %v", took, err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "REQUEST_TIMEOUT") || took < 1500*time.Millisecond || took > 6*time.Second {
		t.Fatalf("slow body: %d %s after %v, want 408 REQUEST_TIMEOUT after about 2s", resp.StatusCode, body, took)
	}
	if err := <-polled; err != nil {
		t.Fatal(err)
	}
}

// longPoll opens a polling session, connects the socket with token, and
// then waits on a GET with nothing to receive: the server must hold it for
// the ping interval (25 s) and answer with a ping, not cut it at the REST
// deadline.
func longPoll(ctx context.Context, base, token string) error {
	u := base + "/socket.io/?EIO=4&transport=polling"
	get := func(url string) (string, time.Duration, error) {
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", time.Since(start), err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return "", time.Since(start), fmt.Errorf("GET = %d %s", resp.StatusCode, b)
		}
		return string(b), time.Since(start), err
	}
	open, _, err := get(u)
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	var hs struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(open, "0")), &hs); err != nil || hs.SID == "" {
		return fmt.Errorf("handshake answer %q", open)
	}
	u += "&sid=" + hs.SID
	req, _ := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(`40{"token":"`+token+`"}`))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if got, _, err := get(u); err != nil || !strings.HasPrefix(got, "40") {
		return fmt.Errorf("CONNECT answer %q, %v", got, err)
	}
	// Whatever the server sends first (the initial stats...), the poll
	// that finally carries the ping must have waited the whole interval.
	for {
		got, took, err := get(u)
		if err != nil {
			return fmt.Errorf("long-poll cut after %v: %w", took, err)
		}
		if got == "2" {
			if took < 20*time.Second {
				return fmt.Errorf("the ping came after %v, want a long-poll of about 25s", took)
			}
			return nil
		}
	}
}

// TestHandshakeRatePerAddress: with --handshakes-per-ip 0.01 (one every
// 100 s, so that a slow machine refills nothing meanwhile) an address gets
// its burst of 20 new sessions, then 429 with Retry-After; another address
// is not affected.
func TestHandshakeRatePerAddress(t *testing.T) {
	t.Parallel()
	a := startApp(t, "--handshakes-per-ip", "0.01")
	handshake := func(ip string) (int, string) {
		resp, err := httpFrom(ip).Get(a.base + "/socket.io/?EIO=4&transport=polling")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	for i := range 20 {
		if got, _ := handshake("127.0.0.2"); got != 200 {
			t.Fatalf("handshake %d within the burst = %d", i+1, got)
		}
	}
	if got, ra := handshake("127.0.0.2"); got != 429 || ra == "" {
		t.Fatalf("21st handshake at once = %d (Retry-After %q), want 429 with Retry-After", got, ra)
	}
	if got, _ := handshake("127.0.0.3"); got != 200 {
		t.Fatalf("another address = %d, want 200", got)
	}
}
