package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/livedesk/livedesk/bench/internal/restclient"
)

// server is the livedesk process under test.
type server struct {
	cmd *exec.Cmd
	url string
	// metrics is the URL of /metrics, on its own listener.
	metrics string
	dir     string
	stderr  *bytes.Buffer
	done    chan error
}

// startServer creates an admin with `livedesk user create` and serves on a
// random port.
func startServer(ctx context.Context, bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "livedesk-soak-")
	if err != nil {
		return nil, err
	}
	db := "sqlite:" + filepath.Join(dir, "soak.db")
	out, err := exec.CommandContext(ctx, bin, "user", "create", "--db", db, "--email", adminEmail, "--password", adminPassword, "--role", "admin").CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("failed to create the admin: %v\n%s", err, out)
	}
	// Every simulated client comes from 127.0.0.1: no per-address limits.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--token-ttl", "3h", "--log-level", "warn", "--shutdown-grace", "20s",
		"--metrics-addr", "127.0.0.1:0", "--max-conns-per-ip", "0", "--max-http-conns-per-ip", "0", "--handshakes-per-ip", "0")
	s := &server{cmd: cmd, dir: dir, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = &limitedWriter{b: s.stderr, max: 1 << 20}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("failed to start %s: %w", bin, err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Livedesk metrics on "); ok {
				s.metrics = u // printed before the listening line
			}
			if u, ok := strings.CutPrefix(sc.Text(), "Livedesk listening on "); ok {
				urls <- u
			}
		}
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case s.url = <-urls:
		return s, nil
	case err := <-s.done:
		os.RemoveAll(dir)
		return nil, fmt.Errorf("server exited at start: %v\n%s", err, s.stderr)
	case <-time.After(60 * time.Second):
		s.kill()
		return nil, fmt.Errorf("server did not start in 60s\n%s", s.stderr)
	}
}

const (
	adminEmail    = "soak-admin@livedesk.test"
	adminPassword = "soak-admin-password"
)

// stop sends SIGTERM and returns the exit error (nil for status 0).
func (s *server) stop(grace time.Duration) error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		os.RemoveAll(s.dir)
		return err
	case <-time.After(grace):
		s.kill()
		return fmt.Errorf("server still running %v after SIGTERM", grace)
	}
}

func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	os.RemoveAll(s.dir)
}

// limitedWriter keeps the first max bytes of the server's log.
type limitedWriter struct {
	b   *bytes.Buffer
	max int
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if room := w.max - w.b.Len(); room > 0 {
		w.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// api is a JSON client of the REST API.
type api struct {
	restclient.Client
	Metrics string // the URL of /metrics
}

// do is Do without extra headers.
func (a *api) do(ctx context.Context, method, path string, body any, out any) (int, error) {
	return a.Do(ctx, method, path, body, nil, out)
}

// login returns a token.
func (a *api) login(ctx context.Context, email, password string) (string, int64, error) {
	var r struct {
		Token string `json:"token"`
		User  struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	if _, err := a.do(ctx, "POST", "/api/auth/login", map[string]string{"email": email, "password": password}, &r); err != nil {
		return "", 0, err
	}
	return r.Token, r.User.ID, nil
}

// metrics scrapes the server's /metrics into series → value.
func (a *api) metrics(ctx context.Context) (map[string]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", a.Metrics, nil)
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			m[line[:i]] = v
		}
	}
	return m, sc.Err()
}
