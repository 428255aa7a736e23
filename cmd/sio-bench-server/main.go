// Command sio-bench-server is the Livedesk Socket.IO engine under the
// benchmark contract shared with bench/reference/server.js (the official
// Node socket.io server), so that bench/loadgen can drive both the same way:
//
//	POST /trigger {"seq":N,"t0":"<unix ns>"}  broadcast stats:updated to every
//	                                         client, answer {"seq","broadcastNs"};
//	                                         optional "pad":B adds B bytes to it
//	GET  /stats                              {"clients","rssBytes","heapBytes","pid"}
//	POST /gc                                 collect garbage, return memory to the OS
//	event bench:ping                         acknowledged with its argument
//
// It listens on 127.0.0.1 at -port (or PORT; 0 picks a free port) and prints
// "listening on http://ADDR" once it accepts connections. With -pprof the
// net/http/pprof handlers are served under /debug/pprof/ for profiling.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sio-bench-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defPort := 3000
	if p := getenv("PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("failed to parse PORT %q: %w", p, err)
		}
		defPort = n
	}
	port := fs.Int("port", defPort, "listen port on 127.0.0.1 (0 picks a free one)")
	pprof := fs.Bool("pprof", false, "serve net/http/pprof under /debug/pprof/")
	if err := fs.Parse(args); err != nil {
		return err
	}

	b := newBench()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	srv := &http.Server{Handler: b.routes(*pprof), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.io.Close(shutdownCtx)
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("failed to shut down: %w", err)
	}
	return nil
}
