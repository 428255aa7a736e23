package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/livedesk/livedesk/bench/internal/ldproc"
)

// benchRun is the part of the load generator's result the harness reads.
type benchRun struct {
	Server  string             `json:"server"`
	Metrics map[string]float64 `json:"metrics"`
	// Details is the load generator's whole result: every scenario's
	// figures, the throughput steps, the slow-consumer comparison.
	Details json.RawMessage `json:"details,omitempty"`
}

// appRun is the load generator's result of the application scenario.
type appRun struct {
	Metrics map[string]float64 `json:"metrics"`
	Details json.RawMessage    `json:"details,omitempty"`
}

// report is the harness's output.
type report struct {
	Started  time.Time                     `json:"started"`
	Duration string                        `json:"duration"`
	Quick    bool                          `json:"quick"`
	Nice     int                           `json:"nice"`
	Machine  machine                       `json:"machine"`
	Args     []string                      `json:"loadgenArgs"`
	Rounds   []map[string]benchRun         `json:"rounds"` // per round: "ours", "node", "floor"
	Medians  map[string]map[string]float64 `json:"medians"`
	Rows     []row                         `json:"table"`
	App      *appRun                       `json:"app,omitempty"`
	Writes   json.RawMessage               `json:"writes,omitempty"`
	Storms   map[string]json.RawMessage    `json:"storms,omitempty"` // by database
	AppError string                        `json:"appError,omitempty"`
	Errors   []string                      `json:"errors,omitempty"`
}

// benchArgs are the load generator's scenario flags.
func (h *harness) benchArgs() []string {
	c := h.cfg
	if c.Quick {
		return []string{"-n", fmt.Sprint(c.N), "-n-small", "500", "-n-max", fmt.Sprint(c.NMax),
			"-broadcasts", "10", "-probes", "10", "-conc", "64", "-rates", "5,20,80", "-step", "2s",
			"-healthy", "20", "-slow", "10", "-slow-rate", "300", "-slow-dur", "9s", "-slow-base-dur", "3s"}
	}
	return []string{"-n", fmt.Sprint(c.N), "-n-small", "1000", "-n-max", fmt.Sprint(c.NMax),
		"-broadcasts", "20", "-broadcasts-small", "200", "-probes", "10", "-conc", "64", "-rates", "1,2,3,5,8,12,18,27,40", "-step", "3s",
		"-healthy", "20", "-slow", "50", "-slow-rate", "250", "-slow-dur", "12s", "-slow-base-dur", "5s"}
}

// benchServer is a server of the comparison: where and how to start it,
// and the load generator flags it needs beyond benchArgs.
type benchServer struct {
	name, dir string
	argv      []string
	extra     []string
}

// servers are the servers compared, in the order of each round: ours, the
// Node reference, and the floor (bench/floor: the least a broadcast can
// cost here; it has no slow-consumer handling, so it skips the throughput
// and slow-consumer scenarios).
func (h *harness) servers() []benchServer {
	return []benchServer{
		{"ours", h.cfg.Root, []string{h.bin["sio-bench-server"], "-port", "0"}, nil},
		{"node", filepath.Join(h.cfg.Root, "bench/reference"), []string{"node", "--expose-gc", "server.js", "--port", "0"}, nil},
		{"floor", h.cfg.Root, []string{h.bin["floor"], "-port", "0"}, []string{"-skip", "throughput,slow"}},
	}
}

func (h *harness) runAll(ctx context.Context) (*report, error) {
	rep := &report{Started: time.Now().UTC(), Quick: h.cfg.Quick, Nice: h.cfg.Nice, Machine: describeMachine(ctx, h.cfg.Root, h.pinned),
		Args: h.benchArgs(), Medians: map[string]map[string]float64{}}
	for r := 1; r <= h.cfg.Rounds; r++ {
		round := map[string]benchRun{}
		for _, s := range h.servers() {
			h.logf("round %d/%d: %s", r, h.cfg.Rounds, s.name)
			res, err := h.benchOne(ctx, s)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				msg := fmt.Sprintf("round %d %s: %v", r, s.name, err)
				h.logf("%s", msg)
				rep.Errors = append(rep.Errors, msg)
				continue
			}
			round[s.name] = res
		}
		rep.Rounds = append(rep.Rounds, round)
	}
	if h.cfg.Profile {
		if err := h.profile(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, "profile: "+err.Error())
		}
	}
	if h.cfg.App {
		app, err := h.runApp(ctx, false)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.AppError = err.Error()
			h.logf("application scenario: %v", err)
		}
		rep.App = app
		if h.cfg.Profile && err == nil {
			if _, err := h.runApp(ctx, true); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				rep.Errors = append(rep.Errors, "app profile: "+err.Error())
			}
		}
	}
	if h.cfg.Storm {
		if err := h.runStorms(ctx, rep); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, "storm: "+err.Error())
		}
	}
	if h.cfg.Writes != "" {
		if err := h.runWrites(ctx, rep); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, "writes: "+err.Error())
		}
	}
	rep.compute()
	rep.Duration = time.Since(rep.Started).Round(time.Second).String()
	if len(rep.Errors) > 0 && len(rep.Medians["ours"]) == 0 {
		return rep, fmt.Errorf("no run succeeded: %s", strings.Join(rep.Errors, "; "))
	}
	return rep, nil
}

func (h *harness) benchOne(ctx context.Context, s benchServer) (benchRun, error) {
	var res benchRun
	srv, err := h.startServer(ctx, s.name, s.dir, nil, s.argv...)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	timeout := 6 * time.Minute
	if h.cfg.Quick {
		timeout = 3 * time.Minute
	}
	args := append(append([]string{"-url", srv.url, "-name", s.name}, h.benchArgs()...), s.extra...)
	err = h.loadgen(ctx, timeout, &res, &res.Details, args...)
	return res, err
}

// runApp starts livedesk serve on a fresh SQLite database with an admin,
// and runs the load generator's application scenario against it. With
// profile, it is a second run, of a livedesk built with pprof, that saves
// the server's profiles during the payments under bench/results/profiles
// (app-*.txt) and whose figures are not reported.
func (h *harness) runApp(ctx context.Context, profile bool) (*appRun, error) {
	dir := filepath.Join(h.tmp, "app")
	if profile {
		dir += "-profiled"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	db := "sqlite:" + filepath.Join(dir, "livedesk.db")
	const email, password = "bench-admin@livedesk.local", "bench-admin-password"
	// The vendor whose customers are paid, and another whose dashboards
	// must receive none of it (room filtering under load).
	const vendor, outsider, vendorPassword = "bench-vendor@livedesk.local", "bench-outsider@livedesk.local", "bench-vendor-password"
	env := []string{"LIVEDESK_JWT_SECRET=benchmark-secret-benchmark-secret-0123456789"}
	for _, args := range [][]string{
		{"migrate", "--db", db},
		{"user", "create", "--db", db, "--email", email, "--password", password, "--role", "admin", "--name", "Bench Admin"},
		{"user", "create", "--db", db, "--email", vendor, "--password", vendorPassword, "--role", "vendor", "--name", "Bench Vendor"},
		{"user", "create", "--db", db, "--email", outsider, "--password", vendorPassword, "--role", "vendor", "--name", "Bench Outsider"},
	} {
		cmd := exec.CommandContext(ctx, h.bin["livedesk"], args...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("livedesk %s: %w: %s", args[0], err, out)
		}
	}
	bin, extra := h.bin["livedesk"], []string(nil)
	serveEnv := append(env, "LIVEDESK_LOG_LEVEL=warn")
	if profile {
		h.logf("application scenario once more, profiled: livedesk serve built with -tags pprof")
		var err error
		if bin, err = h.build(ctx, "livedesk-pprof", "./cmd/livedesk", "-tags", "pprof"); err != nil {
			return nil, err
		}
		addr, err := ldproc.FreeAddr()
		if err != nil {
			return nil, err
		}
		serveEnv = append(serveEnv, "LIVEDESK_PPROF_ADDR="+addr)
		extra = []string{"-pprof-dir", filepath.Join(dir, "pprof"), "-pprof-url", "http://" + addr}
	} else {
		h.logf("application scenario: livedesk serve")
	}
	srv, err := h.startServer(ctx, "livedesk", dir, serveEnv,
		bin, "serve", "--addr", "127.0.0.1:0", "--db", db,
		// Every simulated client comes from 127.0.0.1: no per-address limits.
		"--metrics-addr", "", "--max-conns-per-ip", "0", "--max-http-conns-per-ip", "0", "--handshakes-per-ip", "0")
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	// Issue 20 §3: the whole product at 10,000 dashboards (admins and
	// the vendor's alternately, every fifth another vendor's).
	n, rate, dur := "10000", "20", "15s"
	if h.cfg.Quick {
		n, rate, dur = "500", "20", "5s"
	}
	var res appRun
	args := append([]string{"-mode", "app", "-url", srv.url, "-email", email, "-password", password,
		"-n", n, "-conc", "64", "-pay-rate", rate, "-pay-dur", dur, "-pid", fmt.Sprint(serverPID(srv)),
		"-vendor", vendor + ":" + vendorPassword, "-outsider", outsider + ":" + vendorPassword, "-outsider-every", "5"}, extra...)
	err = h.loadgen(ctx, 4*time.Minute, &res, &res.Details, args...)
	if err != nil {
		return nil, err
	}
	if profile {
		return &res, h.pprofText(ctx, bin, filepath.Join(dir, "pprof"), "app-", []pprofSpec{
			{"cpu.pprof", "cpu-top.txt", []string{"-top", "-nodecount=40"}},
			{"cpu.pprof", "cpu-cum.txt", []string{"-top", "-cum", "-nodecount=40"}},
			{"heap.pprof", "heap-top.txt", []string{"-top", "-sample_index=inuse_space", "-nodecount=30"}},
		})
	}
	return &res, nil
}

// serverPID is the server's own process id: taskset execs the command, so
// it is the pid that was started.
func serverPID(s *server) int { return s.cmd.Process.Pid }

// profile runs the main fan-out once more against our server with pprof
// on, and saves the profiles and their top functions as text under
// bench/results/profiles.
func (h *harness) profile(ctx context.Context) error {
	dir := filepath.Join(h.cfg.Root, "bench/results/profiles")
	h.logf("profiling our server during the fan-out to %d", h.cfg.N)
	srv, err := h.startServer(ctx, "ours", h.cfg.Root, nil, h.bin["sio-bench-server"], "-port", "0", "-pprof")
	if err != nil {
		return err
	}
	defer srv.stop()
	var res benchRun
	if err := h.loadgen(ctx, 5*time.Minute, &res, nil, "-url", srv.url, "-name", "ours-profiled", "-n", fmt.Sprint(h.cfg.N),
		"-n-small", "300", "-healthy", "50", "-broadcasts", "60", "-conc", "64", "-skip", "throughput,slow", "-pprof-dir", dir); err != nil {
		return err
	}
	return h.pprofText(ctx, h.bin["sio-bench-server"], dir, "", []pprofSpec{
		{"cpu.pprof", "cpu-top.txt", []string{"-top", "-nodecount=40"}},
		{"cpu.pprof", "cpu-cum.txt", []string{"-top", "-cum", "-nodecount=40"}},
		{"allocs.pprof", "allocs-top.txt", []string{"-top", "-sample_index=alloc_space", "-nodecount=30"}},
		{"heap.pprof", "heap-top.txt", []string{"-top", "-sample_index=inuse_space", "-nodecount=30"}},
		{"goroutine.pprof", "goroutine-top.txt", []string{"-top", "-nodecount=20"}},
	})
}

// pprofSpec is one text summary of a profile: go tool pprof args file.
type pprofSpec struct {
	file, out string
	args      []string
}

// pprofText writes each summary of the profiles in dir, made with the
// binary that was profiled, to bench/results/profiles/<prefix><out>.
func (h *harness) pprofText(ctx context.Context, bin, dir, prefix string, specs []pprofSpec) error {
	outDir := filepath.Join(h.cfg.Root, "bench/results/profiles")
	for _, p := range specs {
		args := append([]string{"tool", "pprof"}, p.args...)
		args = append(args, bin, filepath.Join(dir, p.file))
		out, err := exec.CommandContext(ctx, "go", args...).Output()
		if err != nil {
			return fmt.Errorf("go tool pprof %s: %w", p.file, err)
		}
		if err := os.WriteFile(filepath.Join(outDir, prefix+p.out), out, 0o644); err != nil {
			return err
		}
	}
	h.logf("profiles in %s (%s*-top.txt)", outDir, prefix)
	return nil
}

// runWrites runs bench/writes (REST payments through 1 and 3 instances on
// PostgreSQL against pgbench running the payment's own SQL) and keeps its
// JSON in the report.
func (h *harness) runWrites(ctx context.Context, rep *report) error {
	h.logf("write throughput on PostgreSQL: floor (pgbench), 1 and 3 instances")
	out := filepath.Join(h.tmp, "writes.json")
	dur, writers := "10s", "16"
	if h.cfg.Quick {
		dur = "4s"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin["writes"], "-pg", h.cfg.Writes, "-livedesk", h.bin["livedesk"], "-writers", writers, "-dur", dur, "-out", out)
	cmd.Dir, cmd.Stdout, cmd.Stderr = h.cfg.Root, h.log, h.log
	if err := cmd.Run(); err != nil {
		return err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	rep.Writes = b
	return nil
}

// runStorms runs bench/storm on SQLite and, when a PostgreSQL URL is
// configured, on PostgreSQL: N dashboards, a restart, everyone back.
func (h *harness) runStorms(ctx context.Context, rep *report) error {
	rep.Storms = map[string]json.RawMessage{}
	dbs := map[string]string{"sqlite": ""}
	if h.cfg.Writes != "" {
		dbs["postgres"] = h.cfg.Writes
	}
	n := fmt.Sprint(h.cfg.N)
	for _, name := range []string{"sqlite", "postgres", "postgres-3"} {
		db, ok := dbs[strings.TrimSuffix(name, "-3")]
		if !ok {
			continue
		}
		instances := "1"
		if strings.HasSuffix(name, "-3") {
			instances = "3" // one of three killed, its dashboards move to the others
		}
		h.logf("reconnect storm on %s: %s dashboards", name, n)
		out := filepath.Join(h.tmp, "storm-"+name+".json")
		sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		cmd := exec.CommandContext(sctx, h.bin["storm"], "-livedesk", h.bin["livedesk"], "-n", n, "-db", db, "-instances", instances, "-out", out)
		cmd.Dir, cmd.Stdout, cmd.Stderr = h.cfg.Root, h.log, h.log
		// At the timeout, SIGTERM first: the storm stops its servers and
		// says where it was, instead of dying with "signal: killed".
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 30 * time.Second
		err := cmd.Run()
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		rep.Storms[name] = b
	}
	return nil
}
