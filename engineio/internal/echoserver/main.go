// Command echoserver serves a raw Engine.IO echo at /engine.io/ with the
// settings the protocol test suite expects (pingInterval 300ms, pingTimeout
// 200ms, maxPayload 1000000, CORS "*"): every message received is sent back
// unchanged.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/livedesk/livedesk/engineio"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("echoserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:3000", "listen address")
	verbose := fs.Bool("v", false, "log protocol events")
	pingInterval := fs.Duration("ping-interval", 300*time.Millisecond, "heartbeat interval")
	pingTimeout := fs.Duration("ping-timeout", 200*time.Millisecond, "heartbeat timeout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var logger *slog.Logger
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	eio := engineio.NewServer(engineio.Options{
		PingInterval: *pingInterval,
		PingTimeout:  *pingTimeout,
		MaxPayload:   1_000_000,
		CORS:         engineio.CORS{AllowedOrigins: []string{"*"}},
		Logger:       logger,
		OnConnection: func(c *engineio.Conn) {
			c.OnMessage(func(data []byte, binary bool) { _ = c.Send(data, binary) })
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", eio)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	fmt.Fprintf(stdout, "listening on http://%s/engine.io/\n", ln.Addr())
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
	_ = eio.Close(shutdownCtx)
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
