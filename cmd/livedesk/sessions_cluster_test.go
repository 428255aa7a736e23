package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/rawsocket"
)

// TestSessionEndsAcrossInstances: two instances on one PostgreSQL database
// and one Redis. A socket connected to instance B is disconnected with
// SESSION_REVOKED within a second when its session ends on instance A: by a
// logout (told through the Redis adapter) and by a password reset (read from
// the shared event log).
func TestSessionEndsAcrossInstances(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "\n*** redis-server NOT FOUND: the cross-instance session test is NOT running"
		if os.Getenv("LIVEDESK_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	port := freeTCPPort(t)
	redis := exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := redis.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = redis.Process.Kill()
		_ = redis.Wait()
	})
	redisURL := "redis://127.0.0.1:" + strconv.Itoa(port)
	db := dbURL(t, "postgres")
	for _, u := range [][]string{{"boss@cluster.test", "boss-password", "admin"}, {"v@cluster.test", "vendor-password", "vendor"}} {
		if out, err := runCmd(t, "user", "create", "--db", db, "--email", u[0], "--password", u[1], "--role", u[2]); err != nil {
			t.Fatalf("user create: %v\n%s", err, out)
		}
	}
	a := &app{t: t, base: startServer(t, "--db", db, "--redis", redisURL, "--instance-id", "a")}
	b := &app{t: t, base: startServer(t, "--db", db, "--redis", redisURL, "--instance-id", "b")}
	for _, inst := range []*app{a, b} {
		deadline := time.Now().Add(10 * time.Second)
		for status, _ := get(t, inst.base+"/readyz"); status != 200; status, _ = get(t, inst.base+"/readyz") {
			if time.Now().After(deadline) {
				t.Fatal("an instance never became ready")
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	admin, _ := a.sessionOf("boss@cluster.test", "boss-password")

	// A logout on A ends the socket on B.
	vendor, _ := a.sessionOf("v@cluster.test", "vendor-password")
	sock := b.socket(vendor.token)
	waitConnected(t, sock)
	t0 := time.Now()
	vendor.must(200, "POST", "/api/auth/logout", nil)
	if d := revokedWithin(t, sock, t0); d > time.Second {
		t.Errorf("logout on A: the socket on B was disconnected after %v, want within 1s", d)
	}

	// A password reset on A ends the socket on B.
	vendor, _ = a.sessionOf("v@cluster.test", "vendor-password")
	me := vendor.must(200, "GET", "/api/me", nil)
	sock = b.socket(vendor.token)
	waitConnected(t, sock)
	admin.must(200, "PATCH", fmt.Sprintf("/api/users/%d", num(me, "id")), map[string]any{"password": "another-password"})
	t0 = time.Now() // from the reset's answer: its bcrypt hashing is not the revocation
	if d := revokedWithin(t, sock, t0); d > time.Second {
		t.Errorf("password reset on A: the socket on B was disconnected after %v, want within 1s", d)
	}
	refusedConnect(t, b, vendor.token, "SESSION_REVOKED")
}

// waitConnected waits for the socket's first stats, so that it is fully
// connected (in its rooms) before the test acts.
func waitConnected(t *testing.T, s *rawsocket.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.NextEvent(ctx, "stats:updated"); err != nil {
		t.Fatalf("socket never got its first stats: %v", err)
	}
}
