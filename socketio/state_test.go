package socketio_test

import (
	"context"
	"testing"

	"github.com/livedesk/livedesk/socketio"
)

// TestInvalidStateClosesConnection checks that, as the specification says
// and the reference server does, a packet for a namespace the client has not
// joined (before any CONNECT too), a CONNECT_ERROR from the client and a
// second CONNECT for a joined namespace close the connection; the joined
// sockets leave with "forced server close".
func TestInvalidStateClosesConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		join bool // join "/" first
		send string
	}{
		{"event before any CONNECT", false, `2["hello"]`},
		{"ack before any CONNECT", false, `31["x"]`},
		{"DISCONNECT before any CONNECT", false, `1`},
		{"CONNECT_ERROR before any CONNECT", false, `4{"message":"x"}`},
		{"event for a namespace not joined", true, `2/custom,["hello"]`},
		{"DISCONNECT for a namespace not joined", true, `1/custom,`},
		{"CONNECT_ERROR from the client", true, `4{"message":"x"}`},
		{"second CONNECT of a joined namespace", true, `0`},
	}
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				reasons := make(chan socketio.DisconnectReason, 2)
				_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
					conformance(srv)
					srv.Of("/").OnConnection(func(s *socketio.Socket) {
						s.OnDisconnect(func(r socketio.DisconnectReason) { reasons <- r })
					})
				})
				c := dial(t, url, tr)
				if tt.join {
					mustConnect(t, c, "/", "")
					expectText(t, c, `2["auth",{}]`)
				}
				if err := c.SendText(tt.send); err != nil {
					t.Fatal(err)
				}
				expectClosed(t, c)
				if tt.join {
					if r := waitFor(t, reasons); r != socketio.ReasonForcedServerClose {
						t.Fatalf("socket left with %q, want %q", r, socketio.ReasonForcedServerClose)
					}
				}
			})
		}
	}
}

// TestValidStateKeepsConnection is the counterpart: a namespace left can be
// joined again on the same connection, and packets of a joined namespace
// keep it open.
func TestValidStateKeepsConnection(t *testing.T) {
	t.Parallel()
	_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.On("echo", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) { _ = ack(args.Values()...) })
		})
	})
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			c := dial(t, url, tr)
			mustConnect(t, c, "/", "")
			if err := c.SendText(`1`); err != nil {
				t.Fatal(err)
			}
			mustConnect(t, c, "/", "")
			if err := c.SendText(`21["echo",1]`); err != nil {
				t.Fatal(err)
			}
			expectText(t, c, `31[1]`)
		})
	}
}
