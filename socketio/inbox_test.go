package socketio_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
)

// TestInboxNeverBlocksReader checks that a client flooding events while its
// handler waits on EmitWithAck does not stop the connection's reads: the
// awaited acknowledgement and the pongs still get through (no ping timeout),
// and an abrupt close then ends the socket (OnDisconnect runs, the
// namespace forgets it) and leaves no handler goroutine behind.
func TestInboxNeverBlocksReader(t *testing.T) {
	// Not parallel: it counts goroutines.
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			reasons := make(chan socketio.DisconnectReason, 1)
			answered := make(chan string, 1)
			srv, url := startServer(t, socketio.Options{Engine: engineio.Options{
				PingInterval: 200 * time.Millisecond, PingTimeout: 300 * time.Millisecond,
			}}, func(srv *socketio.Server) {
				srv.Of("/").OnConnection(func(s *socketio.Socket) {
					s.OnDisconnect(func(r socketio.DisconnectReason) { reasons <- r })
					s.On("start", func(ctx context.Context, _ socketio.Args, _ socketio.AckFunc) {
						a, err := s.EmitWithAck(ctx, "question")
						if err != nil {
							answered <- err.Error()
							return
						}
						answered <- a.String()
						// Waits like a handler watching its socket, until
						// the connection ends.
						<-ctx.Done()
					})
					s.On("ev", func(context.Context, socketio.Args, socketio.AckFunc) {})
				})
			})
			c := dial(t, url, tr)
			mustConnect(t, c, "/", "")
			if err := c.SendText(`2["start"]`); err != nil {
				t.Fatal(err)
			}
			expectText(t, c, `20["question"]`)
			// Sent from a goroutine: a polling POST whose packets the server
			// cannot take blocks.
			go func() {
				for i := 0; i < 200; i++ {
					if c.SendText(fmt.Sprintf(`2["ev",%d]`, i)) != nil {
						return
					}
				}
				_ = c.SendText(`30["yes"]`)
			}()
			if got := waitFor(t, answered); got != `["yes"]` {
				t.Fatalf("EmitWithAck returned %s, want [\"yes\"]", got)
			}
			// Several heartbeats: the reader keeps answering pings.
			select {
			case r := <-reasons:
				t.Fatalf("socket left with %q while its handler waited", r)
			case <-time.After(time.Second):
			}
			if n := srv.Of("/").Len(); n != 1 {
				t.Fatalf("namespace has %d sockets, want 1", n)
			}

			c.Abort()
			if r := waitFor(t, reasons); r != socketio.ReasonTransportClose && r != socketio.ReasonTransportError && r != socketio.ReasonPingTimeout {
				t.Fatalf("socket left with %q, want a transport close", r)
			}
			if n := srv.Of("/").Len(); n != 0 {
				t.Fatalf("namespace still has %d sockets after the close", n)
			}
			waitNoGoroutine(t, "TestInboxNeverBlocksReader")
		})
	}
}

// waitNoGoroutine waits until no goroutine's stack mentions fn.
func waitNoGoroutine(t *testing.T, fn string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		var left []string
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			if strings.Contains(g, fn+".") && !strings.Contains(g, "testing.tRunner") {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left running %s:\n%s", len(left), fn, strings.Join(left, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInboxOverflow checks the documented policy: events beyond
// MaxPendingEvents while the handler is busy disconnect the socket from its
// namespace with ReasonInboxOverflow, and the connection's other namespaces
// carry on.
func TestInboxOverflow(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			reasons := make(chan socketio.DisconnectReason, 2)
			started := make(chan struct{}, 100)
			release := make(chan struct{})
			_, url := startServer(t, socketio.Options{MaxPendingEvents: 10}, func(srv *socketio.Server) {
				srv.Of("/").OnConnection(func(s *socketio.Socket) {
					s.OnDisconnect(func(r socketio.DisconnectReason) { reasons <- r })
					s.On("ev", func(ctx context.Context, _ socketio.Args, _ socketio.AckFunc) {
						started <- struct{}{}
						select {
						case <-release:
						case <-ctx.Done():
						}
					})
				})
				srv.Of("/other").OnConnection(func(s *socketio.Socket) {
					s.On("ping", func(_ context.Context, _ socketio.Args, ack socketio.AckFunc) { _ = ack("pong") })
				})
			})
			c := dial(t, url, tr)
			mustConnect(t, c, "/", "")
			mustConnect(t, c, "/other", "")
			// One event runs, ten wait, the twelfth overflows. (A packet for
			// "/" after that would close the connection: the namespace is
			// no longer joined.)
			if err := c.SendText(`2["ev",0]`); err != nil {
				t.Fatal(err)
			}
			waitFor(t, started)
			for i := 1; i < 12; i++ {
				if err := c.SendText(fmt.Sprintf(`2["ev",%d]`, i)); err != nil {
					t.Fatal(err)
				}
			}
			expectText(t, c, "1")
			if r := waitFor(t, reasons); r != socketio.ReasonInboxOverflow {
				t.Fatalf("socket left with %q, want %q", r, socketio.ReasonInboxOverflow)
			}
			close(release)
			if err := c.SendText(`2/other,1["ping"]`); err != nil {
				t.Fatal(err)
			}
			expectText(t, c, `3/other,1["pong"]`)
		})
	}
}
