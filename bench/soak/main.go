// Command soak is Livedesk's soak test (make soak): it starts `livedesk
// serve` on a fresh SQLite database, then for a bounded time keeps
// thousands of Socket.IO clients connecting, disconnecting (abruptly or
// explicitly) and reconnecting (recovering their session when they may)
// while payments are written over REST. Afterwards every client is gone and
// it checks, from the server's own /metrics, that goroutines, the live heap
// and open file descriptors came back to their baseline; then it stops the
// server with SIGTERM and expects exit status 0.
//
//	go run ./bench/soak -bin bin/livedesk -duration 10m -clients 2000
//
// It prints progress on stderr and a JSON summary on stdout; the exit
// status is 1 when a check fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// config is the soak's shape.
type config struct {
	Bin         string
	Duration    time.Duration
	Clients     int
	Vendors     int
	Admins      int
	WriteRate   float64
	MinLife     time.Duration
	MaxLife     time.Duration
	Ramp        time.Duration
	GoroutineOK int     // goroutines allowed above baseline afterwards
	FDOK        int     // file descriptors allowed above baseline afterwards
	HeapOK      float64 // live heap allowed above baseline afterwards, bytes
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := config{}
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := 10 * time.Minute
	if v := getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("SOAK_DURATION: %w", err)
		}
		def = d
	}
	fs.StringVar(&cfg.Bin, "bin", "bin/livedesk", "the livedesk binary")
	fs.DurationVar(&cfg.Duration, "duration", def, "how long clients churn and writes continue (env SOAK_DURATION)")
	fs.IntVar(&cfg.Clients, "clients", 2000, "concurrent clients, each connecting, leaving and coming back")
	fs.IntVar(&cfg.Vendors, "vendors", 20, "vendors (clients are spread over them; each write reaches one vendor and the admins)")
	fs.IntVar(&cfg.Admins, "admins", 20, "of the clients, how many are admins (they receive every event)")
	fs.Float64Var(&cfg.WriteRate, "write-rate", 10, "REST payments per second")
	fs.DurationVar(&cfg.MinLife, "min-life", 5*time.Second, "shortest connection")
	fs.DurationVar(&cfg.MaxLife, "max-life", 40*time.Second, "longest connection")
	fs.DurationVar(&cfg.Ramp, "ramp", 20*time.Second, "time over which the clients first connect")
	fs.IntVar(&cfg.GoroutineOK, "goroutine-slack", 10, "goroutines allowed above the baseline afterwards")
	fs.IntVar(&cfg.FDOK, "fd-slack", 10, "file descriptors allowed above the baseline afterwards")
	fs.Float64Var(&cfg.HeapOK, "heap-slack", 16<<20, "live-heap bytes allowed above the baseline afterwards")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Clients < cfg.Admins+cfg.Vendors {
		return errors.New("-clients must be at least -admins + -vendors")
	}
	res, err := soak(ctx, cfg, stderr)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if res != nil {
		_ = enc.Encode(res)
	}
	return err
}
