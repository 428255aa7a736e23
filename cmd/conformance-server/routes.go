package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
)

// handler serves both protocol paths and closes both servers.
type handler struct {
	*http.ServeMux
	eio *engineio.Server
	sio *socketio.Server
}

func (h *handler) Close(ctx context.Context) error {
	err := h.sio.Close(ctx)
	if eerr := h.eio.Close(ctx); err == nil {
		err = eerr
	}
	return err
}

func engineOptions(logger *slog.Logger) engineio.Options {
	return engineio.Options{
		PingInterval: 300 * time.Millisecond,
		PingTimeout:  200 * time.Millisecond,
		MaxPayload:   1_000_000,
		CORS:         engineio.CORS{AllowedOrigins: []string{"*"}},
		Logger:       logger,
	}
}

func newHandler(logger *slog.Logger) *handler {
	eopts := engineOptions(logger)
	eopts.OnConnection = func(c *engineio.Conn) {
		c.OnMessage(func(data []byte, binary bool) { _ = c.Send(data, binary) })
	}
	eio := engineio.NewServer(eopts)

	sio := socketio.NewServer(socketio.Options{
		Engine:         engineOptions(logger),
		ConnectTimeout: time.Second,
		Logger:         logger,
	})
	setupNamespace(sio.Of("/"), true)
	setupNamespace(sio.Of("/custom"), false)

	mux := http.NewServeMux()
	mux.Handle("/engine.io/", eio)
	mux.Handle("/socket.io/", sio)
	return &handler{ServeMux: mux, eio: eio, sio: sio}
}

// setupNamespace installs the events the protocol test suite exercises;
// main adds those of the main namespace only.
func setupNamespace(ns *socketio.Namespace, main bool) {
	ns.OnConnection(func(s *socketio.Socket) {
		_ = s.Emit("auth", s.Handshake().Auth)
		if main {
			s.On("message", func(_ context.Context, args socketio.Args, _ socketio.AckFunc) {
				_ = s.Emit("message-back", args.Values()...)
			})
			s.On("message-with-ack", ackSame)
		}
		s.On("echo", ackSame)
		s.On("broadcast", func(ctx context.Context, args socketio.Args, _ socketio.AckFunc) {
			_ = ns.Emit(ctx, "broadcast", args.Values()...)
		})
	})
}

func ackSame(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
	if ack != nil {
		_ = ack(args.Values()...)
	}
}
