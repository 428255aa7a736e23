// Command runner is the benchmark harness behind `make bench`: it builds
// the servers and the load generator, then in one run alternates our
// engine (cmd/sio-bench-server) and the official Node socket.io server
// (bench/reference) for several rounds — server pinned to CPU 0, load
// generator to CPU 1 — runs the application scenario against livedesk
// serve, prints the medians and the ratio ours/Node of every metric, and
// writes them as JSON (bench/results/latest.json).
//
// Environment: BENCH_QUICK=1 for a smoke run of about two minutes;
// BENCH_ROUNDS (default 3, quick 1), BENCH_N (default 10000), BENCH_N_MAX
// (default 19900, 0 skips), BENCH_APP=0 skips the application scenario,
// BENCH_OUT (default bench/results/latest.json), BENCH_PROFILE=1 adds a
// profiled run of our server (bench/results/profiles), BENCH_NICE=-5 runs
// servers and load generator at that niceness (root only) on a machine
// busy with other work.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// config is the harness's configuration, from the environment.
type config struct {
	Quick   bool
	Rounds  int
	N       int
	NMax    int
	App     bool
	Writes  string // PostgreSQL URL of the write-throughput scenario; "" skips it
	Storm   bool   // the reconnect storm, on SQLite and on PostgreSQL (Writes' URL)
	Nice    int    // niceness of servers and load generator, 0 leaves it
	Profile bool
	Out     string
	Root    string // repository root
}

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{Quick: getenv("BENCH_QUICK") == "1", Rounds: 3, N: 10000, NMax: 19900, App: getenv("BENCH_APP") != "0", Profile: getenv("BENCH_PROFILE") == "1",
		Out: "bench/results/latest.json", Writes: "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"}
	if v := getenv("BENCH_WRITES_PG"); v != "" {
		cfg.Writes = v
	}
	cfg.Storm = getenv("BENCH_STORM") != "0"
	if getenv("BENCH_WRITES") == "0" {
		cfg.Writes = ""
	}
	if cfg.Quick {
		cfg.Rounds, cfg.N, cfg.NMax = 1, 2000, 0
		cfg.Out = "bench/results/quick.json"
	}
	ints := map[string]*int{"BENCH_ROUNDS": &cfg.Rounds, "BENCH_N": &cfg.N, "BENCH_N_MAX": &cfg.NMax, "BENCH_NICE": &cfg.Nice}
	for k, p := range ints {
		if v := getenv(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return cfg, fmt.Errorf("bad %s=%q: %w", k, v, err)
			}
			*p = n
		}
	}
	if v := getenv("BENCH_OUT"); v != "" {
		cfg.Out = v
	}
	if cfg.Rounds < 0 || (cfg.Rounds == 0 && !cfg.Profile) || cfg.N < 300 {
		return cfg, fmt.Errorf("want BENCH_ROUNDS >= 1 (0 only with BENCH_PROFILE=1) and BENCH_N >= 300")
	}
	wd, err := os.Getwd()
	if err != nil {
		return cfg, err
	}
	cfg.Root = wd
	return cfg, nil
}

func run(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	h, err := newHarness(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer h.cleanup()
	rep, err := h.runAll(ctx)
	if err != nil {
		return err
	}
	printReport(stdout, rep)
	if err := writeReport(cfg.Out, rep); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nJSON: %s\n", cfg.Out)
	return nil
}
