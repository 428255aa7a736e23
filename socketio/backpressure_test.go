package socketio_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
)

// TestSlowClientDropped checks that a client that stops reading is dropped
// by its bounded send queue while broadcasts go on without waiting, and
// that the other clients keep receiving.
func TestSlowClientDropped(t *testing.T) {
	t.Parallel()
	reasons := make(chan socketio.DisconnectReason, 2)
	joined := make(chan struct{}, 2)
	srv, url := startServer(t, socketio.Options{Engine: engineio.Options{
		SendQueue: 32, PingInterval: 20 * time.Second, PingTimeout: 20 * time.Second,
	}}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(r socketio.DisconnectReason) { reasons <- r })
			joined <- struct{}{}
		})
	})
	// The slow client: a raw WebSocket that connects and then never reads.
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if _, _, err := ws.Read(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ws.Write(ctx, websocket.MessageText, []byte("40")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, joined)
	fast := dial(t, url, "websocket")
	mustConnect(t, fast, "/", "")
	waitFor(t, joined)

	// Pre-encoded, so that the loop measures queueing, not JSON encoding.
	// The fast client reads each broadcast before the next: a client that
	// keeps up is never dropped, however fast the server queues (32 MB in
	// all, more than the slow client's socket buffers and queue hold).
	big := json.RawMessage(`"` + strings.Repeat("x", 64<<10) + `"`)
	start := time.Now()
	var slowest time.Duration
	for i := 0; i < 500; i++ {
		t0 := time.Now()
		if err := srv.Of("/").Emit(ctx, "big", big); err != nil {
			t.Fatal(err)
		}
		slowest = max(slowest, time.Since(t0))
		if _, err := fast.Next(wait); err != nil {
			t.Fatalf("fast client, message %d: %v", i, err)
		}
	}
	t.Logf("500 broadcasts in %v, slowest emit %v", time.Since(start), slowest)
	// A broadcaster that waited for the slow client would hang until the
	// heartbeat gave up on it, 40 s from now; the bound leaves room for a
	// busy machine under the race detector.
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("500 broadcasts took %v: the broadcaster waited for a client", d)
	}
	if r := waitFor(t, reasons); r != socketio.ReasonTransportError {
		t.Fatalf("slow client left with %q, want %q", r, socketio.ReasonTransportError)
	}
}
