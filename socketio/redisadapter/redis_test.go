package redisadapter_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// sharedRedis is the Redis of the developer machine and CI, used only when
// no private redis-server can be started.
const sharedRedis = "127.0.0.1:6379"

// redisServer is the Redis a test runs against: a private redis-server on a
// free port when the binary exists (so that a test may stop and restart it
// without disturbing anyone), else the shared one.
type redisServer struct {
	t       testing.TB
	Addr    string
	private bool
	port    int
	dir     string
	cmd     *exec.Cmd
}

// startRedis returns a running Redis, or skips the test loudly (fails under
// LIVEDESK_REQUIRE_SERVICES=1) when there is none.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err == nil {
		r := &redisServer{t: t, private: true, port: freePort(t), dir: t.TempDir()}
		r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port))
		r.Start()
		t.Cleanup(r.Stop)
		return r
	}
	if err := ping(sharedRedis); err != nil {
		unavailable(t, fmt.Sprintf("no redis-server binary, and Redis at %s: %v", sharedRedis, err))
	}
	return &redisServer{t: t, Addr: sharedRedis}
}

func unavailable(t testing.TB, why string) {
	t.Helper()
	msg := "\n*** REDIS UNAVAILABLE: " + why + "\n*** Redis adapter tests are NOT running. Set LIVEDESK_REQUIRE_SERVICES=1 to make this fatal."
	if os.Getenv("LIVEDESK_REQUIRE_SERVICES") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Start runs the private server and waits until it answers.
func (r *redisServer) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--loglevel", "warning")
	if err := r.cmd.Start(); err != nil {
		unavailable(r.t, "cannot start redis-server: "+err.Error())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := ping(r.Addr)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.Stop()
			unavailable(r.t, "redis-server did not answer: "+err.Error())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop kills the private server (as a crash would) and waits for it.
func (r *redisServer) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// Client returns a client of the server with the short timeouts a cluster
// node should use, closed when the test ends.
func (r *redisServer) Client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{
		Addr:         r.Addr,
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		MaxRetries:   1,
	})
	r.t.Cleanup(func() { rdb.Close() })
	return rdb
}

func ping(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, MaxRetries: -1})
	defer rdb.Close()
	return rdb.Ping(ctx).Err()
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
