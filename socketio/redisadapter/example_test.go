package redisadapter_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/redisadapter"
	"github.com/redis/go-redis/v9"
)

// Two servers (on two machines, normally) sharing one Redis: a broadcast
// on one reaches the sockets of both, and FetchSockets sees them all.
func Example() {
	rdb := redis.NewClient(&redis.Options{
		Addr: "127.0.0.1:6379",
		// Short timeouts: a node must notice a lost Redis quickly.
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second,
	})
	defer rdb.Close()

	srv := socketio.NewServer(socketio.Options{
		Adapter: redisadapter.New(rdb, redisadapter.Options{Name: "web-1"}),
	})
	defer srv.Close(context.Background())
	ns := srv.Of("/")
	ns.OnConnection(func(s *socketio.Socket) { s.Join("admins") })
	ns.OnServerSideEmit(func(ctx context.Context, event string, args socketio.Args) {
		fmt.Println("another node says", event, args)
	})
	http.Handle("/socket.io/", srv)

	ctx := context.Background()
	// Every admin on every node.
	_ = ns.To("admins").Emit(ctx, "notice", "maintenance at noon")
	// Who is connected, cluster-wide.
	sockets, err := ns.In("admins").FetchSockets(ctx)
	fmt.Println(len(sockets), err)
	// Wake the other nodes' server-side handlers.
	_ = ns.ServerSideEmit(ctx, "cache:invalidate", "customers")
}
