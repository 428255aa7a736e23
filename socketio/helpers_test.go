package socketio_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/internal/siotest"
)

var transports = []string{"polling", "websocket", "upgrade"}

const wait = 10 * time.Second

// startServer serves a Socket.IO server configured by opts and setup on a
// local HTTP server and returns the server and its /socket.io/ URL.
func startServer(t *testing.T, opts socketio.Options, setup func(srv *socketio.Server)) (*socketio.Server, string) {
	t.Helper()
	if opts.Engine.PingInterval == 0 {
		opts.Engine.PingInterval = 5 * time.Second
		opts.Engine.PingTimeout = 5 * time.Second
	}
	srv := socketio.NewServer(opts)
	if setup != nil {
		setup(srv)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
		hs.Close()
	})
	return srv, hs.URL + "/socket.io/"
}

func dial(t *testing.T, url, transport string) *siotest.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := siotest.Dial(ctx, url, transport)
	if err != nil {
		t.Fatalf("dial %s: %v", transport, err)
	}
	t.Cleanup(c.Close)
	return c
}

func mustConnect(t *testing.T, c *siotest.Client, nsp, auth string) string {
	t.Helper()
	ans, err := c.Connect(nsp, auth)
	if err != nil {
		t.Fatalf("connect %s: %v", nsp, err)
	}
	return ans
}

func expectText(t *testing.T, c *siotest.Client, want string) {
	t.Helper()
	got, err := c.NextText(wait)
	if err != nil {
		t.Fatalf("waiting for %q: %v", want, err)
	}
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func expectClosed(t *testing.T, c *siotest.Client) {
	t.Helper()
	for {
		f, err := c.Next(wait)
		if err == siotest.ErrClosed {
			return
		}
		if err != nil {
			t.Fatalf("waiting for close: %v", err)
		}
		_ = f
	}
}

func waitFor[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatal("timed out")
	}
	var zero T
	return zero
}

// conformance installs the handlers of cmd/conformance-server.
func conformance(srv *socketio.Server) {
	setup := func(ns *socketio.Namespace, main bool) {
		ns.OnConnection(func(s *socketio.Socket) {
			_ = s.Emit("auth", s.Handshake().Auth)
			if main {
				s.On("message", func(_ context.Context, args socketio.Args, _ socketio.AckFunc) {
					_ = s.Emit("message-back", args.Values()...)
				})
				s.On("message-with-ack", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
					if ack != nil {
						_ = ack(args.Values()...)
					}
				})
			}
			s.On("echo", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
				if ack != nil {
					_ = ack(args.Values()...)
				}
			})
			s.On("broadcast", func(ctx context.Context, args socketio.Args, _ socketio.AckFunc) {
				_ = ns.Emit(ctx, "broadcast", args.Values()...)
			})
		})
	}
	setup(srv.Of("/"), true)
	setup(srv.Of("/custom"), false)
}

var _ = engineio.TransportPolling

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
