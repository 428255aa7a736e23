package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeWithRedis: --redis plugs the instance into the cluster channel
// and /readyz answers for Redis too; an unreachable Redis does not stop the
// instance from starting (events come from the log), it only makes it not
// ready until Redis answers.
func TestServeWithRedis(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "\n*** redis-server NOT FOUND: the --redis readiness test is NOT running"
		if os.Getenv("LIVEDESK_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	port := freeTCPPort(t)
	redisURL := "redis://127.0.0.1:" + strconv.Itoa(port)
	base := startServer(t, "--db", "sqlite:"+t.TempDir()+"/x.db", "--redis", redisURL, "--instance-id", "ready-test")

	status, body := get(t, base+"/readyz")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Fatalf("/readyz without Redis = %d %s, want 503 naming redis", status, body)
	}
	if status, _ := get(t, base+"/healthz"); status != http.StatusOK {
		t.Fatalf("/healthz without Redis = %d, want 200", status)
	}

	cmd := exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body = get(t, base+"/readyz")
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz once Redis runs = %d %s, want 200", status, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
