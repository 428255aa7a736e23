package socketio_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/internal/siotest"
)

func TestDisconnectReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		trigger func(t *testing.T, srv *socketio.Server, s *socketio.Socket, c *siotest.Client)
		want    socketio.DisconnectReason
	}{
		{"client namespace disconnect", func(t *testing.T, _ *socketio.Server, _ *socketio.Socket, c *siotest.Client) {
			_ = c.SendText("1")
		}, socketio.ReasonClientNamespaceDisconnect},
		{"server namespace disconnect", func(t *testing.T, _ *socketio.Server, s *socketio.Socket, c *siotest.Client) {
			s.Disconnect(false)
			expectText(t, c, "1")
		}, socketio.ReasonServerNamespaceDisconnect},
		{"server namespace disconnect with close", func(t *testing.T, _ *socketio.Server, s *socketio.Socket, c *siotest.Client) {
			s.Disconnect(true)
			expectClosed(t, c)
		}, socketio.ReasonServerNamespaceDisconnect},
		{"transport close", func(t *testing.T, _ *socketio.Server, _ *socketio.Socket, c *siotest.Client) {
			c.Close()
		}, socketio.ReasonTransportClose},
		{"parse error", func(t *testing.T, _ *socketio.Server, _ *socketio.Socket, c *siotest.Client) {
			_ = c.SendText(`2{"bad":1}`)
			expectClosed(t, c)
		}, socketio.ReasonParseError},
		{"lying attachment count", func(t *testing.T, _ *socketio.Server, _ *socketio.Socket, c *siotest.Client) {
			_ = c.SendText(`51-["x",{"_placeholder":true,"num":7}]`)
			_ = c.SendBinary([]byte{1})
			expectClosed(t, c)
		}, socketio.ReasonParseError},
		{"ping timeout", func(t *testing.T, _ *socketio.Server, _ *socketio.Socket, c *siotest.Client) {
			c.StopPonging()
		}, socketio.ReasonPingTimeout},
		{"server shutting down", func(t *testing.T, srv *socketio.Server, _ *socketio.Socket, c *siotest.Client) {
			go func() { _ = srv.Close(context.Background()) }()
			expectClosed(t, c)
		}, socketio.ReasonServerShuttingDown},
	}
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				sockets := make(chan *socketio.Socket, 1)
				reasons := make(chan socketio.DisconnectReason, 4)
				var opts socketio.Options
				if tt.want == socketio.ReasonPingTimeout {
					opts.Engine = engineio.Options{PingInterval: 100 * time.Millisecond, PingTimeout: 100 * time.Millisecond}
				}
				srv, url := startServer(t, opts, func(srv *socketio.Server) {
					srv.Of("/").OnConnection(func(s *socketio.Socket) {
						s.OnDisconnect(func(r socketio.DisconnectReason) { reasons <- r })
						sockets <- s
					})
				})
				c := dial(t, url, tr)
				mustConnect(t, c, "/", "")
				s := waitFor(t, sockets)
				tt.trigger(t, srv, s, c)
				if got := waitFor(t, reasons); got != tt.want {
					t.Fatalf("reason %q, want %q", got, tt.want)
				}
				select {
				case r := <-reasons:
					t.Fatalf("second disconnect notification %q", r)
				case <-time.After(100 * time.Millisecond):
				}
				if s.Connected() || srv.Of("/").Len() != 0 {
					t.Fatalf("socket still connected after %q", tt.want)
				}
			})
		}
	}
}

// TestDisconnectExactlyOnce closes sockets from several goroutines at once,
// through every path, and counts the notifications.
func TestDisconnectExactlyOnce(t *testing.T) {
	t.Parallel()
	const n = 20
	var notified atomic.Int32
	sockets := make(chan *socketio.Socket, n)
	srv, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(socketio.DisconnectReason) { notified.Add(1) })
			sockets <- s
		})
		srv.Of("/b").OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(socketio.DisconnectReason) { notified.Add(1) })
			sockets <- s
		})
	})
	var clients []*siotest.Client
	var all []*socketio.Socket
	for i := 0; i < n/2; i++ {
		c := dial(t, url, transports[i%2])
		mustConnect(t, c, "/", "")
		mustConnect(t, c, "/b", "")
		clients = append(clients, c)
		all = append(all, waitFor(t, sockets), waitFor(t, sockets))
	}
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Add(4)
		go func() { defer wg.Done(); s.Disconnect(false) }()
		go func() { defer wg.Done(); s.Disconnect(i%3 == 0) }()
		go func() { defer wg.Done(); clients[i/2].Close() }()
		go func() { defer wg.Done(); _ = srv.Of("/").DisconnectSockets(context.Background(), true) }()
	}
	wg.Wait()
	_ = srv.Close(context.Background())
	deadline := time.Now().Add(wait)
	for notified.Load() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if got := notified.Load(); got != n {
		t.Fatalf("%d disconnect notifications for %d sockets", got, n)
	}
}
