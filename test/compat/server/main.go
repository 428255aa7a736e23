// Command server is the Socket.IO server that the compatibility tests drive
// with the official socket.io-client: the conformance events plus auth,
// rooms, server-side acknowledgements and connection state recovery over
// an application event log. It prints "listening on URL" once ready.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compat-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	verbose := fs.Bool("v", false, "log protocol events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	sio := newServer(logger)
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", sio)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = sio.Close(shutdownCtx)
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("failed to shut down: %w", err)
	}
	return nil
}

// eventLog is the application's event log: its sequence numbers are the
// recovery offsets.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) append(v string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, v)
	return len(l.events)
}

func (l *eventLog) position() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strconv.Itoa(len(l.events))
}

func (l *eventLog) after(offset string) (seqs []int, values []string) {
	n, _ := strconv.Atoi(offset)
	l.mu.Lock()
	defer l.mu.Unlock()
	for seq := n + 1; seq <= len(l.events); seq++ {
		seqs = append(seqs, seq)
		values = append(values, l.events[seq-1])
	}
	return seqs, values
}

func newServer(logger *slog.Logger) *socketio.Server {
	sio := socketio.NewServer(socketio.Options{
		Engine: engineio.Options{
			PingInterval: 2 * time.Second,
			PingTimeout:  2 * time.Second,
			CORS:         engineio.CORS{AllowedOrigins: []string{"*"}},
			Logger:       logger,
		},
		ConnectTimeout: 5 * time.Second,
		Recovery:       &socketio.RecoveryOptions{MaxDisconnectionDuration: time.Minute},
		Logger:         logger,
	})
	log := &eventLog{}
	main := sio.Of("/")
	main.Use(func(_ context.Context, s *socketio.Socket) error {
		var auth struct {
			Token string `json:"token"`
		}
		_ = s.Handshake().DecodeAuth(&auth)
		if auth.Token == "bad" {
			return &socketio.ConnectError{Message: "invalid token", Data: map[string]string{"code": "TOKEN_INVALID"}}
		}
		return nil
	})
	main.OnRecover(func(_ context.Context, s *socketio.Socket, offset string) error {
		seqs, values := log.after(offset)
		for i, seq := range seqs {
			if err := s.EmitWithOffset(strconv.Itoa(seq), "feed", values[i]); err != nil {
				return err
			}
		}
		return nil
	})
	main.OnConnection(func(s *socketio.Socket) {
		if !s.Recovered() {
			s.Join("feed")
		}
		common(main, s)
		_ = s.EmitWithOffset(log.position(), "position")
		// say sends events that carry no offset and end with a string: one
		// to the socket, one broadcast, one without arguments.
		s.On("say", func(ctx context.Context, _ socketio.Args, ack socketio.AckFunc) {
			_ = s.Emit("chat", "hello")
			_ = main.To(s.ID()).Emit(ctx, "chat", "to the room")
			_ = s.Emit("nudge")
			if ack != nil {
				_ = ack(true)
			}
		})
		s.On("publish", func(ctx context.Context, args socketio.Args, ack socketio.AckFunc) {
			var v string
			_ = args.Decode(0, &v)
			seq := log.append(v)
			_ = main.To("feed").WithOffset(strconv.Itoa(seq)).Emit(ctx, "feed", v)
			if ack != nil {
				_ = ack(seq)
			}
		})
	})
	custom := sio.Of("/custom")
	custom.OnConnection(func(s *socketio.Socket) {
		common(custom, s)
		// Every socket gets an offset at once, so that it can recover
		// even if it receives no event before its connection drops.
		_ = s.EmitWithOffset(log.position(), "position")
	})
	return sio
}

// common installs the events both namespaces serve.
func common(ns *socketio.Namespace, s *socketio.Socket) {
	_ = s.Emit("auth", s.Handshake().Auth)
	ackSame := func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
		if ack != nil {
			_ = ack(args.Values()...)
		}
	}
	s.On("echo", ackSame)
	s.On("emit-back", func(_ context.Context, args socketio.Args, _ socketio.AckFunc) {
		_ = s.Emit("back", args.Values()...)
	})
	s.On("broadcast", func(ctx context.Context, args socketio.Args, _ socketio.AckFunc) {
		_ = ns.Emit(ctx, "broadcast", args.Values()...)
	})
	s.On("no-ack", func(context.Context, socketio.Args, socketio.AckFunc) {})
	// binaries acknowledges with the first byte of each binary argument
	// (-1 for others): the official client cannot receive more than 10
	// attachments in one packet, but may send more.
	s.On("binaries", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
		firsts := make([]int, args.Len())
		for i := range firsts {
			firsts[i] = -1
			if b, ok := args.Bytes(i); ok && len(b) > 0 {
				firsts[i] = int(b[0])
			}
		}
		if ack != nil {
			_ = ack(firsts)
		}
	})
	s.On("info", func(_ context.Context, _ socketio.Args, ack socketio.AckFunc) {
		if ack != nil {
			_ = ack(map[string]any{"id": s.ID(), "conn": s.ConnID(), "transport": s.Transport(), "recovered": s.Recovered()})
		}
	})
	s.On("join", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
		var room string
		_ = args.Decode(0, &room)
		s.Join(room)
		if ack != nil {
			_ = ack(true)
		}
	})
	s.On("to-room", func(ctx context.Context, args socketio.Args, ack socketio.AckFunc) {
		var room string
		_ = args.Decode(0, &room)
		_ = ns.To(room).Emit(ctx, "room-msg", args.Values()[1:]...)
		if ack != nil {
			_ = ack(true)
		}
	})
	// ask makes the server ask the client a question with an
	// acknowledgement, waiting at most the given milliseconds, and report
	// the answer (or the error) with an event.
	s.On("ask", func(ctx context.Context, args socketio.Args, _ socketio.AckFunc) {
		var ms int
		_ = args.Decode(0, &ms)
		ctx, cancel := context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
		defer cancel()
		answer, err := s.EmitWithAck(ctx, "question", args.Values()[1:]...)
		if err != nil {
			_ = s.Emit("answer", map[string]string{"error": err.Error()})
			return
		}
		_ = s.Emit("answer", append([]any{nil}, answer.Values()...)...)
	})
	// ask-room broadcasts "vote" to a room with acknowledgements (Node's
	// io.to(room).timeout(ms).emit("vote", …, cb)) and acknowledges with
	// the error, if any, and the answers.
	s.On("ask-room", func(ctx context.Context, args socketio.Args, ack socketio.AckFunc) {
		var room string
		var ms int
		_ = args.Decode(0, &room)
		_ = args.Decode(1, &ms)
		ctx, cancel := context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
		defer cancel()
		answers, err := ns.To(room).EmitWithAck(ctx, "vote", args.Values()[2:]...)
		out := make([]json.RawMessage, len(answers))
		for i, a := range answers {
			out[i] = json.RawMessage(a.String())
		}
		if ack == nil {
			return
		}
		if err != nil {
			_ = ack(err.Error(), out)
			return
		}
		_ = ack(nil, out)
	})
	s.On("server-disconnect", func(context.Context, socketio.Args, socketio.AckFunc) {
		s.Disconnect(false)
	})
	// bye-and-close emits "bye" after the given milliseconds, then closes
	// the whole connection from the server.
	s.On("bye-and-close", func(_ context.Context, args socketio.Args, _ socketio.AckFunc) {
		var ms int
		_ = args.Decode(0, &ms)
		time.AfterFunc(time.Duration(ms)*time.Millisecond, func() { byeAndClose(s) })
	})
	// A client whose auth has closeAfter (milliseconds) is sent "bye" and
	// closed that long after it connected: closes that fall in the middle
	// of the transport upgrade.
	var auth struct {
		CloseAfter *int `json:"closeAfter"`
	}
	if _ = s.Handshake().DecodeAuth(&auth); auth.CloseAfter != nil {
		time.AfterFunc(time.Duration(*auth.CloseAfter)*time.Millisecond, func() { byeAndClose(s) })
	}
}

// byeAndClose emits "bye", then disconnects every namespace of the
// socket's connection and closes it, as a server shutting a client out.
func byeAndClose(s *socketio.Socket) {
	_ = s.Emit("bye")
	s.Disconnect(true)
}
