package socketio_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// failingStore refuses every save and take, as a database that is down.
type failingStore struct{}

func (failingStore) SaveSession(context.Context, socketio.Session) error { return errors.New("down") }
func (failingStore) TakeSession(context.Context, string) (socketio.Session, bool, error) {
	return socketio.Session{}, false, errors.New("down")
}

// lockedBuffer is a log destination written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRecoveryLogsNoFullIDs: the private session id is the credential that
// resumes a session (its rooms and data), so the warnings of a failing
// session store carry a shortened id, never the whole pid or socket id.
func TestRecoveryLogsNoFullIDs(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	logger := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	gone := make(chan struct{}, 4)
	_, url := startServer(t, socketio.Options{Logger: logger, Recovery: &socketio.RecoveryOptions{Store: failingStore{}}}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(socketio.DisconnectReason) { gone <- struct{}{} })
		})
	})
	c := dial(t, url, "websocket")
	first := parseAnswer(t, mustConnect(t, c, "/", ""))
	c.Close()
	waitFor(t, gone)
	c2 := dial(t, url, "websocket")
	mustConnect(t, c2, "/", `{"pid":"`+first.PID+`","offset":"1"}`)
	deadline := time.Now().Add(wait)
	log := out.String()
	for !strings.Contains(log, "failed to take session") || !strings.Contains(log, "failed to save session") {
		if time.Now().After(deadline) {
			t.Fatalf("no warning of the failing store:\n%s", log)
		}
		time.Sleep(10 * time.Millisecond)
		log = out.String()
	}
	for _, id := range []string{first.PID, first.SID} {
		if strings.Contains(log, id) {
			t.Fatalf("the log holds a whole id %q:\n%s", id, log)
		}
	}
}
