package socketio_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/internal/siotest"
)

// TestBroadcast connects four sockets a, b, c, d with rooms
// a:{red} b:{red,blue} c:{blue} d:{} and checks who receives each kind of
// broadcast.
func TestBroadcast(t *testing.T) {
	t.Parallel()
	rooms := map[string][]string{"a": {"red"}, "b": {"red", "blue"}, "c": {"blue"}, "d": nil}
	tests := []struct {
		name string
		emit func(ns *socketio.Namespace, ids map[string]string) error
		want string
	}{
		{"everyone", func(ns *socketio.Namespace, _ map[string]string) error { return ns.Emit(context.Background(), "x") }, "abcd"},
		{"one room", func(ns *socketio.Namespace, _ map[string]string) error {
			return ns.To("red").Emit(context.Background(), "x")
		}, "ab"},
		{"two rooms, once each", func(ns *socketio.Namespace, _ map[string]string) error {
			return ns.To("red").In("blue").Emit(context.Background(), "x")
		}, "abc"},
		{"except a room", func(ns *socketio.Namespace, _ map[string]string) error {
			return ns.Except("blue").Emit(context.Background(), "x")
		}, "ad"},
		{"room except room", func(ns *socketio.Namespace, _ map[string]string) error {
			return ns.To("red").Except("blue").Emit(context.Background(), "x")
		}, "a"},
		{"socket id room", func(ns *socketio.Namespace, ids map[string]string) error {
			return ns.To(ids["d"]).Emit(context.Background(), "x")
		}, "d"},
		{"from a socket, sender excluded", func(ns *socketio.Namespace, ids map[string]string) error {
			s, _ := ns.Socket(ids["b"])
			return s.To("red").Emit(context.Background(), "x")
		}, "a"},
		{"socket broadcast", func(ns *socketio.Namespace, ids map[string]string) error {
			s, _ := ns.Socket(ids["a"])
			return s.Broadcast().Emit(context.Background(), "x")
		}, "bcd"},
		// Volatile events may be dropped: TestVolatileBroadcast has them.
		{"local compressed", func(ns *socketio.Namespace, _ map[string]string) error {
			return ns.Local().To("blue").Compress(true).Emit(context.Background(), "x")
		}, "bc"},
		{"empty room", func(ns *socketio.Namespace, _ map[string]string) error {
			return ns.To("green").Emit(context.Background(), "x")
		}, ""},
	}
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				joined := make(chan struct{}, 4)
				srv, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
					srv.Of("/").OnConnection(func(s *socketio.Socket) {
						var name string
						_ = s.Handshake().DecodeAuth(&struct{ Name *string }{&name})
						s.Join(rooms[name]...)
						joined <- struct{}{}
					})
				})
				clients := map[string]*siotest.Client{}
				ids := map[string]string{}
				for _, name := range []string{"a", "b", "c", "d"} {
					c := dial(t, url, tr)
					ans := mustConnect(t, c, "/", `{"name":"`+name+`"}`)
					ids[name] = strings.Split(ans, `"`)[3]
					clients[name] = c
					waitFor(t, joined)
				}
				if err := tt.emit(srv.Of("/"), ids); err != nil {
					t.Fatal(err)
				}
				// The expected receivers get the event however busy the
				// machine is; the others must not get it in the meantime.
				for _, name := range strings.Split(tt.want, "") {
					if name == "" {
						continue
					}
					expectText(t, clients[name], `2["x"]`)
				}
				for name, c := range clients {
					if strings.Contains(tt.want, name) {
						continue
					}
					if f, err := c.Next(200 * time.Millisecond); err == nil {
						t.Fatalf("%s received %q, want nothing (receivers %q)", name, f.Data, tt.want)
					}
				}
			})
		}
	}
}

func TestAdapterOperations(t *testing.T) {
	t.Parallel()
	joined := make(chan string, 3)
	srv, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			_ = s.SetData(map[string]string{"user": "u-" + s.Handshake().Query.Get("u")})
			joined <- s.ID()
		})
	})
	ctx := context.Background()
	ns := srv.Of("/")
	var clients []*siotest.Client
	var ids []string
	for _, u := range []string{"1", "2", "3"} {
		c := dial(t, url+"?u="+u, "websocket")
		ids = append(ids, parseAnswer(t, mustConnect(t, c, "/", "")).SID)
		clients = append(clients, c)
	}
	for range ids {
		waitFor(t, joined)
	}

	if err := ns.To(ids[0], ids[1]).SocketsJoin(ctx, "vip"); err != nil {
		t.Fatal(err)
	}
	infos, err := ns.To("vip").FetchSockets(ctx)
	if err != nil || len(infos) != 2 {
		t.Fatalf("FetchSockets(vip) = %d sockets, %v; want 2", len(infos), err)
	}
	for _, in := range infos {
		if len(in.Rooms) != 2 || in.Handshake == nil || !strings.HasPrefix(string(in.Data), `{"user":"u-`) {
			t.Fatalf("socket info %+v lacks rooms, handshake or data", in)
		}
	}
	if err := ns.To(ids[0]).SocketsLeave(ctx, "vip"); err != nil {
		t.Fatal(err)
	}
	if infos, _ := ns.To("vip").FetchSockets(ctx); len(infos) != 1 || infos[0].ID != ids[1] {
		t.Fatalf("after leave: %+v, want only %s", infos, ids[1])
	}
	if err := ns.To("vip").DisconnectSockets(ctx, false); err != nil {
		t.Fatal(err)
	}
	for i, c := range clients {
		if i == 1 {
			continue
		}
		if _, err := c.Next(200 * time.Millisecond); err != siotest.ErrTimeout {
			t.Fatalf("client %d got %v, want nothing", i, err)
		}
	}
	for {
		s, err := clients[1].NextText(wait)
		if err != nil {
			t.Fatal(err)
		}
		if s == "1" {
			break
		}
	}
	if all, _ := ns.FetchSockets(ctx); len(all) != 2 || ns.Len() != 2 {
		t.Fatalf("%d sockets left, want 2", len(all))
	}
	if err := ns.DisconnectSockets(ctx, true); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, clients[0])
	expectClosed(t, clients[2])
}
