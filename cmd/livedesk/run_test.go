package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServer runs `livedesk serve` on port 0 and returns its base URL.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	return startServerEnv(t, nil, args...)
}

// startServerEnv is startServer with environment variables.
func startServerEnv(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	base, _ := startServerURLs(t, env, args...)
	return base
}

// startServerURLs is startServerEnv returning also the URL of /metrics
// (on its own port 0, since tests run many servers at once).
func startServerURLs(t *testing.T, env map[string]string, args ...string) (base, metrics string) {
	t.Helper()
	return startServerLog(t, env, io.Discard, args...)
}

// startServerLog is startServerURLs writing the server's log to stderr.
func startServerLog(t *testing.T, env map[string]string, stderr io.Writer, args ...string) (base, metrics string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	getenv := func(k string) string { return env[k] }
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, args...), getenv, pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not stop within 15s")
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "Livedesk metrics on "); ok {
			metrics = url
		}
		if url, ok := strings.CutPrefix(sc.Text(), "Livedesk listening on "); ok {
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			return url, metrics
		}
	}
	t.Fatal("server never printed its address")
	return "", ""
}

func TestServeHealthz(t *testing.T) {
	url := startServer(t, "--db", "sqlite:"+t.TempDir()+"/x.db")
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz = %d, want 200", resp.StatusCode)
	}
}

func TestRunRejectsUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("run(frobnicate) = %v, want an error naming the command", err)
	}
}
