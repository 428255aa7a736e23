package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/rawsocket"
)

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines(msg string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, `msg="`+msg+`"`) {
			out = append(out, line)
		}
	}
	return out
}

// TestSocketLifecycleLogs checks that every socket lifecycle event logs one
// line (connect, refusal, disconnect with its reason, recovery) and that
// no token ever reaches the log.
func TestSocketLifecycleLogs(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	l := startLiveHubLog(t, Options{}, slog.New(slog.NewTextHandler(logs, nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	c, err := l.dial(t, "admin")
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.NextEvent(ctx, EventStats)
	if err != nil {
		t.Fatal(err)
	}
	var args []json.RawMessage
	_ = json.Unmarshal(first.Args, &args)
	var offset string
	_ = json.Unmarshal(args[len(args)-1], &offset)
	pid := c.PID
	c.Close() // transport close: recoverable
	// The server saves the session before it logs the disconnect: only
	// then can the socket come back and recover it (a reconnect that
	// overtook the server's reading of the close found no session).
	for wait := time.Now().Add(10 * time.Second); len(logs.lines("socket disconnected")) == 0; {
		if time.Now().After(wait) {
			t.Fatal("the first socket's disconnect was never logged")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A refused socket with a secret-looking token.
	const secret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.bm90LWEtc2lnbmF0dXJl"
	r, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ce *rawsocket.ConnectError
	if _, err := r.Connect(ctx, map[string]string{"token": secret}); !errors.As(err, &ce) {
		t.Fatalf("forged token connected: %v", err)
	}

	// The first socket comes back and recovers its session.
	back, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := back.Connect(ctx, map[string]string{"token": l.tok["admin"], "pid": pid, "offset": offset}); err != nil {
		t.Fatal(err)
	}
	if err := back.Send(ctx, "41"); err != nil { // explicit disconnect
		t.Fatal(err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, disc, ref := logs.lines("socket connected"), logs.lines("socket disconnected"), logs.lines("socket refused")
		if len(conn) == 2 && len(disc) == 2 && len(ref) == 1 {
			if !strings.Contains(conn[0], "recovered=false") || !strings.Contains(conn[1], "recovered=true") {
				t.Errorf("connect lines do not tell the recovery: %q", conn)
			}
			if !strings.Contains(disc[0], `reason="transport close"`) || !strings.Contains(disc[1], `reason="client namespace disconnect"`) {
				t.Errorf("disconnect lines do not carry their reasons: %q", disc)
			}
			for _, line := range append(conn, disc...) {
				if !strings.Contains(line, "sid=") || !strings.Contains(line, "user_id=") {
					t.Errorf("lifecycle line without sid or user: %q", line)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("want 2 connect, 2 disconnect and 1 refusal lines, got %d %d %d:\n%s", len(conn), len(disc), len(ref), logs.b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	logs.mu.Lock()
	all := logs.b.String()
	logs.mu.Unlock()
	for _, tok := range []string{secret, l.tok["admin"], "bm90LWEtc2lnbmF0dXJl"} {
		if strings.Contains(all, tok) {
			t.Fatalf("a token reached the log:\n%s", all)
		}
	}
}
