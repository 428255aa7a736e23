package socketio_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
)

// A server with an echo event acknowledged with the same arguments, and a
// middleware that checks the auth object.
func Example() {
	srv := socketio.NewServer(socketio.Options{
		Engine: engineio.Options{PingInterval: 25 * time.Second},
	})
	ns := srv.Of("/")
	ns.Use(func(_ context.Context, s *socketio.Socket) error {
		var auth struct {
			Token string `json:"token"`
		}
		if err := s.Handshake().DecodeAuth(&auth); err != nil || auth.Token == "" {
			return &socketio.ConnectError{Message: "unauthorized", Data: map[string]string{"code": "AUTH_REQUIRED"}}
		}
		return nil
	})
	ns.OnConnection(func(s *socketio.Socket) {
		s.Join("lobby")
		s.On("echo", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
			if ack != nil {
				_ = ack(args.Values()...)
			}
		})
		s.OnDisconnect(func(reason socketio.DisconnectReason) {
			fmt.Println("left:", reason)
		})
	})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	fmt.Println("namespace", ns.Name())
	// Output: namespace /
}

// Typed decoding of event arguments, binary ones included.
func ExampleArgs_Decode() {
	srv := socketio.NewServer(socketio.Options{})
	srv.Of("/").OnConnection(func(s *socketio.Socket) {
		s.On("upload", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
			var meta struct {
				Name string `json:"name"`
			}
			var file []byte
			if err := args.Decode(0, &meta); err != nil {
				_ = ack(map[string]string{"error": err.Error()})
				return
			}
			if err := args.Decode(1, &file); err != nil {
				_ = ack(map[string]string{"error": err.Error()})
				return
			}
			_ = ack(map[string]any{"name": meta.Name, "size": len(file)})
		})
	})
	fmt.Println("ready")
	// Output: ready
}

// Broadcasting to rooms, and tagging events with the application's
// recovery offsets (here the sequence numbers of its event log), replayed
// by OnRecover when a client reconnects.
func ExampleBroadcastOperator_WithOffset() {
	srv := socketio.NewServer(socketio.Options{
		Recovery: &socketio.RecoveryOptions{
			MaxDisconnectionDuration: 10 * time.Minute,
			// Store: a database-backed SessionStore, to resume across restarts.
		},
	})
	ns := srv.Of("/")
	type event struct {
		Seq  int64
		Name string
		Data any
	}
	var log []event // stands for the durable event log

	ns.OnRecover(func(ctx context.Context, s *socketio.Socket, offset string) error {
		after, err := strconv.ParseInt(offset, 10, 64)
		if err != nil {
			return errors.New("bad offset")
		}
		for _, e := range log {
			if e.Seq > after {
				if err := s.EmitWithOffset(strconv.FormatInt(e.Seq, 10), e.Name, e.Data); err != nil {
					return err
				}
			}
		}
		return nil
	})
	ns.OnConnection(func(s *socketio.Socket) {
		if !s.Recovered() { // a recovered socket has its rooms back
			s.Join("admins")
		}
	})

	e := event{Seq: 42, Name: "payment:added", Data: map[string]int{"amountCents": 1200}}
	log = append(log, e)
	err := ns.To("admins").WithOffset(strconv.FormatInt(e.Seq, 10)).Emit(context.Background(), e.Name, e.Data)
	fmt.Println(err)
	// Output: <nil>
}

// Waiting for the client's acknowledgement, with a deadline.
func ExampleSocket_EmitWithAck() {
	srv := socketio.NewServer(socketio.Options{})
	srv.Of("/").OnConnection(func(s *socketio.Socket) {
		ctx, cancel := context.WithTimeout(s.Context(), 5*time.Second)
		defer cancel()
		answer, err := s.EmitWithAck(ctx, "confirm", "delete project?")
		if err != nil {
			return // timed out, or the socket left
		}
		var ok bool
		_ = answer.Decode(0, &ok)
	})
	fmt.Println("ready")
	// Output: ready
}

// A broadcast that asks every driver to confirm a route, as Node's
// io.to("drivers").timeout(5000).emit("route:confirm", route, cb), and a
// volatile position update that a client behind on its reads skips.
func ExampleBroadcastOperator_EmitWithAck() {
	srv := socketio.NewServer(socketio.Options{})
	ns := srv.Of("/")
	confirm := func(ctx context.Context, route string) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		answers, err := ns.To("drivers").EmitWithAck(ctx, "route:confirm", route)
		if err != nil {
			fmt.Println("not every driver answered:", len(answers), "answers;", err)
			return
		}
		for _, a := range answers {
			var ok bool
			_ = a.Decode(0, &ok)
			fmt.Println("driver confirmed:", ok)
		}
	}
	confirm(context.Background(), "north")
	_ = ns.To("dispatchers").Volatile().Emit(context.Background(), "van:position", 12.97, 77.59)
	// Output:
}
