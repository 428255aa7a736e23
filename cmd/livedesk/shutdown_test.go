package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/rawsocket"
)

// serveProcess starts `livedesk serve` as a separate process (this test
// binary acting as main) and returns it with its base URL.
func serveProcess(t *testing.T, args ...string) (*exec.Cmd, string, *lockedWriter) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "LIVEDESK_TEST_AS_MAIN=1")
	stderr := &lockedWriter{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Livedesk listening on "); ok {
				urls <- u
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u, stderr
	case <-time.After(30 * time.Second):
		t.Fatalf("server process never printed its address\n%s", stderr)
	}
	return nil, "", nil
}

// lockedWriter collects a process's output for failure messages.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestGracefulShutdownSIGTERM sends SIGTERM to a serving process with
// connected sockets and a request in flight. Each socket gets `error
// {code: SERVER_SHUTTING_DOWN}` and then its transport closes, with no
// Socket.IO DISCONNECT packet (which would stop the official client from
// reconnecting); the request in flight finishes and its write is durable;
// the process exits 0 within the grace period.
func TestGracefulShutdownSIGTERM(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "livedesk.db")
	if out, err := runCmd(t, "user", "create", "--db", db, "--email", "boss@stop.test", "--password", "boss-password", "--role", "admin"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	if out, err := runCmd(t, "user", "create", "--db", db, "--email", "v@stop.test", "--password", "vendor-password", "--role", "vendor"); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	const grace = 10 * time.Second
	cmd, base, stderr := serveProcess(t, "--db", db, "--shutdown-grace", grace.String())
	admin := &client{t: t, base: base}
	admin.token, _ = admin.must(200, "POST", "/api/auth/login", map[string]any{"email": "boss@stop.test", "password": "boss-password"})["token"].(string)
	vendor := &client{t: t, base: base}
	vendor.token, _ = vendor.must(200, "POST", "/api/auth/login", map[string]any{"email": "v@stop.test", "password": "vendor-password"})["token"].(string)
	vendorID := num(vendor.must(200, "GET", "/api/me", nil), "id")
	custID := num(admin.must(201, "POST", "/api/customers", map[string]any{"name": "C", "phone": "+91 98450 12345", "vendorId": vendorID}), "id")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var socks []*rawsocket.Client
	for _, tok := range []string{admin.token, admin.token, vendor.token} {
		c, _, err := rawsocket.Dial(ctx, base, rawsocket.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Connect(ctx, map[string]string{"token": tok}); err != nil {
			t.Fatal(err)
		}
		socks = append(socks, c)
	}

	// A request in flight: headers and half of the body sent.
	body := fmt.Sprintf(`{"customerId":%d,"amountCents":700,"method":"cash","idempotencyKey":"in-flight"}`, custID)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/payments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", admin.token, len(body), body[:len(body)/2])
	// Give the server time to have read the headers and started the
	// handler (it then counts as active, not idle, for Shutdown).
	time.Sleep(200 * time.Millisecond)

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i, c := range socks {
		var got []string
		for {
			p, err := c.Next(ctx)
			if err != nil {
				break // transport closed
			}
			switch {
			case p.Type == '1':
				got = append(got, "DISCONNECT")
			case p.Type == '2' && p.Event == "error":
				var e struct{ Code string }
				_ = p.Arg(0, &e)
				got = append(got, "error:"+e.Code)
			}
		}
		if len(got) == 0 || got[len(got)-1] != "error:SERVER_SHUTTING_DOWN" || strings.Contains(strings.Join(got, ","), "DISCONNECT") {
			t.Errorf("socket %d saw %v before its transport closed, want error:SERVER_SHUTTING_DOWN last and no DISCONNECT", i, got)
		}
	}
	// The rest of the in-flight body: the request completes.
	if _, err := io.WriteString(conn, body[len(body)/2:]); err != nil {
		t.Fatalf("in-flight request cut off: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(grace))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no answer: %v\n%s", err, stderr)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("in-flight payment = %d, want 201", resp.StatusCode)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v, want status 0\n%s", err, stderr)
		}
		t.Logf("exited 0 %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(grace + 5*time.Second):
		t.Fatalf("process still running %v after SIGTERM (grace %v)\n%s", time.Since(start), grace, stderr)
	}
	// The in-flight write is durable: a new server on the database has it,
	// and its event is in the log for the clients to recover.
	base2 := startServer(t, "--db", db)
	admin2 := &client{t: t, base: base2, token: admin.token}
	pays := admin2.must(200, "GET", "/api/payments", nil)
	if num(pays, "total") != 1 {
		t.Errorf("payments after restart: %v, want the in-flight one", pays)
	}
	evs := admin2.must(200, "GET", "/api/events?after=0&limit=100", nil)
	items, _ := evs["items"].([]any)
	if len(items) == 0 || !strings.Contains(fmt.Sprint(items[len(items)-1]), "in-flight") {
		t.Errorf("the last event is not the in-flight payment: %v", items)
	}
}
