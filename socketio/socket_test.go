package socketio_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	type seen struct {
		auth, header, query, addr string
		// The socket's accessors agree with its handshake, built once.
		consistent bool
	}
	tests := []struct {
		name string
		auth string
		mw   socketio.Middleware
		want string // prefix of the answer
	}{
		{"accepted", `{"token":"good"}`, nil, `0{"sid":"`},
		{"refused with data", `{"token":"bad"}`, func(context.Context, *socketio.Socket) error {
			return &socketio.ConnectError{Message: "token invalid", Data: map[string]string{"code": "TOKEN_INVALID"}}
		}, `4{"message":"token invalid","data":{"code":"TOKEN_INVALID"}}`},
		{"refused with a plain error", `{}`, func(context.Context, *socketio.Socket) error {
			return errors.New("nope")
		}, `4{"message":"nope"}`},
	}
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				got := make(chan seen, 1)
				connected := make(chan bool, 1)
				_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
					ns := srv.Of("/")
					ns.Use(func(_ context.Context, s *socketio.Socket) error {
						h := s.Handshake()
						var a struct{ Token string }
						_ = h.DecodeAuth(&a)
						got <- seen{a.Token, h.Headers.Get("User-Agent"), h.Query.Get("EIO"), h.Address,
							s.Handshake() == h && string(s.Auth()) == string(h.Auth) && s.Address() == h.Address}
						return nil
					})
					if tt.mw != nil {
						ns.Use(tt.mw)
					}
					ns.OnConnection(func(*socketio.Socket) { connected <- true })
				})
				c := dial(t, url, tr)
				if err := c.SendText("0" + tt.auth); err != nil {
					t.Fatal(err)
				}
				ans, err := c.NextText(wait)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(ans, tt.want) {
					t.Fatalf("answer %q, want prefix %q", ans, tt.want)
				}
				s := waitFor(t, got)
				if s.query != "4" || s.addr != "127.0.0.1" || s.header == "" || !s.consistent {
					t.Fatalf("middleware saw %+v, want EIO=4, 127.0.0.1, a User-Agent and consistent accessors", s)
				}
				if tt.mw == nil {
					waitFor(t, connected)
				}
			})
		}
	}
}

func TestEmitWithAck(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			type result struct {
				args socketio.Args
				err  error
			}
			results := make(chan result, 2)
			_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
				srv.Of("/").OnConnection(func(s *socketio.Socket) {
					go func() {
						args, err := s.EmitWithAck(context.Background(), "question", "ping", []byte{9})
						results <- result{args, err}
						ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
						defer cancel()
						_, err = s.EmitWithAck(ctx, "ignored")
						results <- result{err: err}
					}()
				})
			})
			c := dial(t, url, tr)
			mustConnect(t, c, "/", "")
			p, err := c.NextPacket(wait)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != socketio.PacketBinaryEvent || !p.HasID || string(p.Data) != `["question","ping",{"_placeholder":true,"num":0}]` || len(p.Attachments) != 1 {
				t.Fatalf("got %+v, want a binary event with an ack id", p)
			}
			_ = c.SendText("61-" + itoa(p.ID) + `["pong",{"_placeholder":true,"num":0}]`)
			_ = c.SendBinary([]byte{7, 8})
			r := waitFor(t, results)
			var s string
			var b []byte
			if r.err != nil || r.args.Len() != 2 || r.args.Decode(0, &s) != nil || r.args.Decode(1, &b) != nil || s != "pong" || string(b) != "\x07\x08" {
				t.Fatalf("ack: got %v %v (%q %v), want [pong <07 08>]", r.args, r.err, s, b)
			}
			r = waitFor(t, results)
			if !errors.Is(r.err, context.DeadlineExceeded) {
				t.Fatalf("unanswered ack: got %v, want context.DeadlineExceeded", r.err)
			}
		})
	}
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestAckOnce(t *testing.T) {
	t.Parallel()
	errs := make(chan error, 1)
	_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.On("twice", func(_ context.Context, _ socketio.Args, ack socketio.AckFunc) {
				_ = ack("first")
				errs <- ack("second")
			})
		})
	})
	c := dial(t, url, "websocket")
	mustConnect(t, c, "/", "")
	_ = c.SendText(`21["twice"]`)
	expectText(t, c, `31["first"]`)
	if err := waitFor(t, errs); !errors.Is(err, socketio.ErrAckSent) {
		t.Fatalf("second ack: got %v, want ErrAckSent", err)
	}
}

func TestConnectTimeout(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			_, url := startServer(t, socketio.Options{ConnectTimeout: 200 * time.Millisecond}, nil)
			start := time.Now()
			c := dial(t, url, tr)
			expectClosed(t, c)
			if d := time.Since(start); d < 150*time.Millisecond {
				t.Fatalf("closed after %v, before the connect timeout", d)
			}
		})
	}
}

func TestDynamicNamespace(t *testing.T) {
	t.Parallel()
	var setups atomic.Int32
	_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.OfMatch(func(name string, _ *socketio.Handshake) bool {
			return strings.HasPrefix(name, "/tenant-")
		}, func(ns *socketio.Namespace) {
			setups.Add(1)
			ns.OnConnection(func(s *socketio.Socket) { _ = s.Emit("welcome", ns.Name()) })
		})
	})
	for _, tr := range transports {
		c := dial(t, url, tr)
		mustConnect(t, c, "/tenant-42", "")
		expectText(t, c, `2/tenant-42,["welcome","/tenant-42"]`)
		_ = c.SendText("0/other,")
		expectText(t, c, `4/other,{"message":"Invalid namespace"}`)
	}
	if n := setups.Load(); n != 1 {
		t.Fatalf("setup ran %d times, want 1", n)
	}
}

func TestHandlersRunInOrder(t *testing.T) {
	t.Parallel()
	got := make(chan int, 100)
	_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			var mu sync.Mutex
			s.On("n", func(_ context.Context, args socketio.Args, _ socketio.AckFunc) {
				mu.Lock()
				defer mu.Unlock()
				var n int
				_ = args.Decode(0, &n)
				got <- n
			})
		})
	})
	c := dial(t, url, "websocket")
	mustConnect(t, c, "/", "")
	for i := 0; i < 100; i++ {
		_ = c.SendText(`2["n",` + itoa(uint64(i)) + `]`)
	}
	for i := 0; i < 100; i++ {
		if n := waitFor(t, got); n != i {
			t.Fatalf("event %d handled as number %d", i, n)
		}
	}
}

func TestEmitReservedEvent(t *testing.T) {
	t.Parallel()
	errs := make(chan error, 1)
	_, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) { errs <- s.Emit("disconnect") })
	})
	c := dial(t, url, "websocket")
	mustConnect(t, c, "/", "")
	if err := waitFor(t, errs); !errors.Is(err, socketio.ErrReservedEvent) {
		t.Fatalf("got %v, want ErrReservedEvent", err)
	}
}
