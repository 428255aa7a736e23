// Command loadgen is the Socket.IO load generator of the benchmark
// harness: it opens many WebSocket connections with its own minimal
// Engine.IO v4 / Socket.IO v5 client, spread over child processes (a
// process may open only so many files), triggers broadcasts and measures
// what every client received. Two modes:
//
//	-mode bench  against cmd/sio-bench-server or bench/reference/server.js
//	             (the contract is in their package docs): connection rate,
//	             memory per connection, fan-out, throughput, acks under load,
//	             slow consumers
//	-mode app    against livedesk serve: authenticated dashboards, REST
//	             payments at a fixed rate, write -> payment:added latency
//
// It prints progress on stderr and the result as JSON on stdout (or -out).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	worker := fs.Bool("worker", false, "internal: serve a coordinator on stdin/stdout")
	mode := fs.String("mode", "bench", "bench or app")
	url := fs.String("url", "", "base URL of the server, e.g. http://127.0.0.1:3000")
	name := fs.String("name", "", "server name recorded in the result")
	out := fs.String("out", "", "write the JSON result here instead of stdout")
	perProcess := fs.Int("per-process", 15000, "most connections per worker process")
	n := fs.Int("n", 10000, "clients of the main scenarios")
	nSmall := fs.Int("n-small", 1000, "clients of the small fan-out")
	nMax := fs.Int("n-max", 0, "grow to this many clients for one more fan-out (0: skip)")
	k := fs.Int("broadcasts", 30, "broadcasts per fan-out")
	kSmall := fs.Int("broadcasts-small", 0, "broadcasts of the small fan-out (0: -broadcasts); over 100, its p99 is not its worst")
	probes := fs.Int("probes", 10, "clients sending bench:ping every 100 ms during the main fan-out")
	gap := fs.Duration("gap", 100*time.Millisecond, "pause between fan-out broadcasts")
	conc := fs.Int("conc", 200, "handshakes in flight while connecting")
	rates := fs.String("rates", "1,2,3,5,8,12,18,27,40", "throughput ladder, broadcasts/s")
	stepDur := fs.Duration("step", 3*time.Second, "duration of each throughput step")
	healthy := fs.Int("healthy", 20, "healthy clients of the slow-consumer scenario")
	slow := fs.Int("slow", 50, "clients that never read")
	slowRate := fs.Float64("slow-rate", 250, "broadcasts/s of the slow-consumer scenario")
	slowDur := fs.Duration("slow-dur", 12*time.Second, "duration of the slow-consumer step with slow clients")
	slowPad := fs.Int("slow-pad", 16384, "bytes of padding of the slow-consumer scenario's payloads")
	slowBaseDur := fs.Duration("slow-base-dur", 5*time.Second, "duration of the slow-consumer step without them")
	pprofDir := fs.String("pprof-dir", "", "save the server's CPU profile during the main fan-out (bench) or the payments (app), then its heap, allocs and goroutines, here (the server must serve /debug/pprof/)")
	pprofURL := fs.String("pprof-url", "", "app: the server's pprof base URL (livedesk built with -tags pprof serves it on LIVEDESK_PPROF_ADDR)")
	skip := fs.String("skip", "", "comma-separated scenarios to skip: throughput, slow")
	// App mode.
	email := fs.String("email", "", "app: admin e-mail")
	password := fs.String("password", "", "app: admin password")
	customers := fs.Int("customers", 20, "app: customers to create")
	payRate := fs.Float64("pay-rate", 20, "app: payments per second")
	payDur := fs.Duration("pay-dur", 10*time.Second, "app: how long to post payments")
	pid := fs.Int("pid", 0, "app: the server's process id, for its CPU and RSS")
	vendorLogin := fs.String("vendor", "", "app: EMAIL:PASSWORD of the vendor whose customers are paid; its dashboards alternate with the admin's")
	outsiderLogin := fs.String("outsider", "", "app: EMAIL:PASSWORD of another vendor, whose dashboards must receive none of the payments")
	outsiderEvery := fs.Int("outsider-every", 5, "app: every k-th dashboard is the outsider's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *worker {
		return runWorker(ctx, stdin, stdout)
	}
	if *url == "" {
		return errors.New("-url is required")
	}
	base := strings.TrimSuffix(*url, "/")
	c := &coordinator{
		base: base,
		hc:   &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}},
		log:  stderr,
	}
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/socket.io/?EIO=4&transport=websocket"
	var result any
	switch *mode {
	case "bench":
		s, err := c.stats(ctx)
		if err != nil {
			return err
		}
		c.pid = s.PID
		c.pool = &pool{cfg: farmConfig{URL: wsURL, Event: "stats:updated"}, perProcess: *perProcess, probeClients: *probes, stderr: stderr}
		defer c.pool.close()
		cfg := benchConfig{
			N: *n, NSmall: *nSmall, NMax: *nMax, K: *k, KSmall: *kSmall, Probes: *probes, Gap: *gap, Conc: *conc,
			StepDur: *stepDur, Healthy: *healthy, Slow: *slow, SlowRate: *slowRate, SlowDur: *slowDur, SlowBaseDur: *slowBaseDur, SlowPad: *slowPad, PprofDir: *pprofDir,
			SkipSlow: strings.Contains(*skip, "slow"), SkipThroug: strings.Contains(*skip, "throughput"),
		}
		for r := range strings.SplitSeq(*rates, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
			if err != nil {
				return fmt.Errorf("bad -rates: %w", err)
			}
			cfg.Rates = append(cfg.Rates, v)
		}
		if cfg.NSmall > cfg.N || cfg.Healthy > cfg.NSmall {
			return errors.New("want -healthy <= -n-small <= -n")
		}
		res, err := c.runBench(ctx, cfg)
		if err != nil {
			return err
		}
		res.Server = *name
		result = res
	case "app":
		c.pid = *pid
		if *email == "" || *password == "" {
			return errors.New("app mode needs -email and -password")
		}
		res, err := c.runApp(ctx, appConfig{
			WSURL: wsURL, Email: *email, Password: *password, N: *n, Conc: *conc,
			PerProcess: *perProcess, Customers: *customers, Rate: *payRate, Dur: *payDur,
			Vendor: splitLogin(*vendorLogin), Outsider: splitLogin(*outsiderLogin), OutsiderEvery: *outsiderEvery,
			PprofDir: *pprofDir, PprofURL: *pprofURL,
		}, stderr)
		if err != nil {
			return err
		}
		result = res
	default:
		return fmt.Errorf("unknown -mode %q", *mode)
	}
	b, err := json.MarshalIndent(cleanNaN(result), "", "  ")
	if err != nil {
		return fmt.Errorf("failed to encode result: %w", err)
	}
	b = append(b, '\n')
	if *out != "" {
		return os.WriteFile(*out, b, 0o644)
	}
	_, err = stdout.Write(b)
	return err
}

// cleanNaN prepares v for encoding/json, which refuses NaN: metrics that
// measured nothing (NaN) are dropped from maps, and struct fields holding
// NaN become -1.
func cleanNaN(v any) any {
	scrubNaN(reflect.ValueOf(v))
	return v
}

func scrubNaN(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scrubNaN(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scrubNaN(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scrubNaN(v.Index(i))
		}
	case reflect.Map:
		if m, ok := v.Interface().(map[string]float64); ok {
			for k, x := range m {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					delete(m, k)
				}
			}
		}
	case reflect.Float64, reflect.Float32:
		if f := v.Float(); (math.IsNaN(f) || math.IsInf(f, 0)) && v.CanSet() {
			v.SetFloat(-1)
		}
	}
}

// splitLogin splits "email:password" (the password may hold colons).
func splitLogin(s string) [2]string {
	e, p, _ := strings.Cut(s, ":")
	return [2]string{e, p}
}
