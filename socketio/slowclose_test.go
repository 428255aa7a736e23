package socketio_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
)

// slowStore is a session store whose saves take a while, as a remote
// store's can (the save waits up to 5 s).
type slowStore struct {
	delay time.Duration
	saved chan string
}

func (s slowStore) SaveSession(_ context.Context, sess socketio.Session) error {
	time.Sleep(s.delay)
	s.saved <- sess.PID
	return nil
}

func (s slowStore) TakeSession(context.Context, string) (socketio.Session, bool, error) {
	return socketio.Session{}, false, nil
}

// TestSlowClientsDoNotStallBinaryEmit: a binary broadcast (sent to each
// client as a batch of frames) that overflows the queues of N clients
// closes them, but their close path (here a slow session save) runs off
// the broadcaster: the Emit returns at once, not after N saves.
func TestSlowClientsDoNotStallBinaryEmit(t *testing.T) {
	t.Parallel()
	const n = 6
	const slow = 300 * time.Millisecond
	joined := make(chan struct{}, n)
	store := slowStore{delay: slow, saved: make(chan string, n)}
	srv, url := startServer(t, socketio.Options{
		Engine:   engineio.Options{SendQueue: 4},
		Recovery: &socketio.RecoveryOptions{Store: store},
	}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(*socketio.Socket) { joined <- struct{}{} })
	})
	// Polling clients that connect and then never poll: their queues fill.
	for range n {
		res, err := http.Get(url + "?EIO=4&transport=polling")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var open struct {
			SID string `json:"sid"`
		}
		if err := json.Unmarshal(body[1:], &open); err != nil {
			t.Fatalf("open packet %q: %v", body, err)
		}
		res, err = http.Post(url+"?EIO=4&transport=polling&sid="+open.SID, "text/plain", strings.NewReader("40"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		waitFor(t, joined)
	}
	var slowest time.Duration
	for i := 0; i < 4; i++ {
		start := time.Now()
		if err := srv.Of("/").Emit(context.Background(), "bin", []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		slowest = max(slowest, time.Since(start))
	}
	if slowest >= slow {
		t.Errorf("a binary Emit took %v: the close path of the clients it overflowed ran on it", slowest)
	}
	for range n {
		waitFor(t, store.saved)
	}
}
